"""Deploy hazards: programs that pass every security rule and a mock run, then fail in a real account.

Each rule catches a class of mistake only the provider or AWS would report, at `pulumi up` or
`pulumi destroy` time: names over AWS's length limits, ordering the engine cannot infer, physical
names that collide, immutable tags fed by builds whose tag does not change, deployments nobody
waits for, destroys that half-succeed, and passwords copied into tasks that rotate away.
Advisory by default; a production policy config makes them mandatory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    Severity,
    StackValidationArgs,
)

from secure_ecs_facts import tokens
from secure_ecs_facts.name_limits import AUTO_NAME_LIMITS, AUTO_NAME_SUFFIX_LENGTH
from secure_ecs_policies.containers import container_name, read_containers
from secure_ecs_policies.links import StackView
from secure_ecs_policies.metadata import resource_policy, stack_policy
from secure_ecs_policies.properties import MISSING, is_true, is_unknown, items, lookup, text

ADVISORY = EnforcementLevel.ADVISORY

INTERNET_GATEWAYS = (tokens.INTERNET_GATEWAY, "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment")
IMAGE_BUILDS = ("awsx:ecr:Image",)
"""Builds that push to a repository given as `repositoryUrl` and tag with `imageTag`."""
NON_UNIQUE_TAGS = frozenset({"latest", "stable", "main", "master", "prod", "production", "dev"})
PHYSICAL_NAME_PROPERTIES: dict[str, str] = {
    **{token: limit.name_property for token, limit in AUTO_NAME_LIMITS.items()},
    tokens.LOG_GROUP: "name",
}
"""Resource token -> the input that fixes the resource's physical name when set."""
# RDS names the secrets it manages (and rotates every 7 days by default) `rds!<kind>-<id>`.
_RDS_MANAGED_SECRET = re.compile(r":secret:rds!")


def _stack_of(urn: str) -> str:
    """`urn:pulumi:<stack>::<project>::<type>::<name>`."""
    parts = urn.split(":", 3)
    return parts[2] if len(parts) > 2 else ""


def _option(args: ResourceValidationArgs, name: str, default: Any) -> Any:
    return getattr(args.opts, name, default) if args.opts is not None else default


# --- 1. auto-names that AWS refuses ------------------------------------------------------------


def _auto_name_too_long(args: ResourceValidationArgs, report: ReportViolation) -> None:
    limit = AUTO_NAME_LIMITS.get(args.resource_type)
    if limit is None:
        return
    for prop in filter(None, (limit.name_property, limit.prefix_property)):
        value = lookup(args.props, prop)
        if value is not MISSING and value is not None:
            return  # named (or prefixed) explicitly: the provider does not auto-name it
    room = limit.room_for(args.name)
    if room < 0:
        report(
            f"the provider names this resource '{args.name}-' plus 7 random characters "
            f"({len(args.name) + AUTO_NAME_SUFFIX_LENGTH} characters), over AWS's limit of {limit.maximum} "
            f"for {limit.name_property}: `pulumi up` fails creating it.",
            None,
        )


auto_name_fits = resource_policy(
    "deploy-auto-name-fits",
    "Auto-named resources must leave room for the provider's random suffix under AWS's name length limit.",
    severity=Severity.HIGH,
    controls=("secure-ecs DEPLOY.1",),
    remediation=(
        "Shorten the resource's (or its component's) logical name, or set the name property explicitly "
        "to a value within the limit. Auto-names are `<logical name>-<7 characters>`; load balancers and "
        "target groups allow 32 characters, IAM roles 64, S3 buckets and RDS identifiers 63."
    ),
    unset="an unset name (and name prefix) means the provider auto-names the resource, which is what is judged.",
    validate=_auto_name_too_long,
    enforcement=ADVISORY,
)


# --- 2. internet-facing load balancers created before the gateway -----------------------------


def _depends_on_any(resource: PolicyResource, type_tokens: Iterable[str]) -> bool:
    wanted = set(type_tokens)
    seen: set[int] = set()
    pending = list(getattr(resource, "dependencies", None) or [])
    while pending:
        current = pending.pop()
        if not isinstance(current, PolicyResource) or id(current) in seen:
            continue
        seen.add(id(current))
        if current.resource_type in wanted:
            return True
        pending.extend(getattr(current, "dependencies", None) or [])
    return False


def _balancers_racing_the_gateway(args: StackValidationArgs, report: ReportViolation) -> None:
    view = StackView(args.resources)
    if not view.of_type(*INTERNET_GATEWAYS):
        return  # the gateway is not managed here, so it already exists when the program runs
    for balancer in view.of_type(*tokens.LOAD_BALANCERS):
        internal = lookup(balancer.props, "internal")
        if is_true(internal) or is_unknown(internal) or _depends_on_any(balancer, INTERNET_GATEWAYS):
            continue
        report(
            f"internet-facing load balancer {balancer.name} does not depend on the VPC's internet gateway: "
            "Pulumi may create it first, and AWS refuses it (InvalidSubnet: VPC ... has no internet gateway).",
            balancer.urn,
        )


balancer_waits_for_gateway = stack_policy(
    "deploy-lb-waits-for-internet-gateway",
    "Internet-facing load balancers must depend on the internet gateway of their VPC.",
    severity=Severity.HIGH,
    controls=("secure-ecs DEPLOY.2",),
    remediation=(
        "Make the public subnet ids the load balancer receives carry the gateway, e.g. "
        "`Output.all(igw.id, *subnet_ids).apply(lambda v: v[1:])`, or add `depends_on=[igw]` to the load balancer."
    ),
    unset="internal defaults to false (internet-facing): judged; a stack that declares no internet gateway is not.",
    validate=_balancers_racing_the_gateway,
    enforcement=ADVISORY,
)


# --- 3. fixed physical names that collide --------------------------------------------------------


def _final_snapshot_problem(args: ResourceValidationArgs) -> str | None:
    if args.resource_type != tokens.RDS_INSTANCE:
        return None
    skip = lookup(args.props, "skipFinalSnapshot")
    if is_true(skip) or is_unknown(skip):
        return None
    snapshot = lookup(args.props, "finalSnapshotIdentifier")
    if is_unknown(snapshot):
        return None
    if snapshot is MISSING or snapshot is None:
        return "skipFinalSnapshot is not true but finalSnapshotIdentifier is unset: RDS refuses the delete."
    if "finalSnapshotIdentifier" not in (_option(args, "ignore_changes", None) or []):
        return (
            f"finalSnapshotIdentifier is fixed ({snapshot!r}): the second destroy of this stack fails with "
            "DBSnapshotAlreadyExists, and the first snapshot stays billed."
        )
    return None


def _physical_name_problems(args: ResourceValidationArgs) -> list[str]:
    prop = PHYSICAL_NAME_PROPERTIES.get(args.resource_type)
    name = text(lookup(args.props, prop)) if prop else None
    if prop is None or name is None:
        return []
    problems = []
    stack = _stack_of(args.urn)
    if stack and stack.lower() not in name.lower():
        problems.append(
            f"{prop} {name!r} does not contain the stack name {stack!r}: a second stack of this program "
            "collides with it."
        )
    if not _option(args, "protect", False) and not _option(args, "delete_before_replace", False):
        problems.append(
            f"{prop} {name!r} is fixed and the resource is created before its old copy is deleted on "
            "replacement: the replacement fails because the name is taken."
        )
    return problems


def _colliding_names(args: ResourceValidationArgs, report: ReportViolation) -> None:
    problems = [*filter(None, [_final_snapshot_problem(args)]), *_physical_name_problems(args)]
    for problem in problems:
        report(problem, None)


physical_names_unique = resource_policy(
    "deploy-physical-names-unique",
    "Fixed physical names (RDS identifiers and final snapshots, repositories, log groups, ...) must not "
    "collide across stacks, across destroys or on replacement.",
    severity=Severity.MEDIUM,
    controls=("secure-ecs DEPLOY.3",),
    remediation=(
        "Leave the name to the provider, or include the stack name in it; set deleteBeforeReplace on "
        "(or protect) resources with a fixed name; give final snapshots a name that is unique per creation "
        "and list finalSnapshotIdentifier in ignoreChanges, or skip the final snapshot on disposable stacks."
    ),
    unset="an unset name is auto-named and passes; an unset skipFinalSnapshot means a final snapshot is taken: judged.",
    validate=_colliding_names,
    enforcement=ADVISORY,
)


# --- 4. immutable repositories fed by a build whose tag never changes ---------------------------


def _fed_immutable_repository(view: StackView, build: PolicyResource) -> PolicyResource | None:
    for repository in view.linked(build, "repositoryUrl", tokens.ECR_REPOSITORY):
        mutability = text(lookup(repository.props, "imageTagMutability")) or ""
        if mutability.startswith("IMMUTABLE"):
            return repository
    return None


def _builds_reusing_tags(args: StackValidationArgs, report: ReportViolation) -> None:
    view = StackView(args.resources)
    for build in view.of_type(*IMAGE_BUILDS):
        repository = _fed_immutable_repository(view, build)
        if repository is None:
            continue
        tag = lookup(build.props, "imageTag")
        if is_unknown(tag):
            continue
        if tag is MISSING or tag is None:
            report(
                f"image {build.name} has no imageTag: awsx derives the tag from the build context's path and the "
                f"stack, not its files, so the next changed build pushes the same tag into immutable repository "
                f"{repository.name} and ECR refuses it.",
                build.urn,
            )
        elif (text(tag) or "").lower() in NON_UNIQUE_TAGS:
            report(
                f"image {build.name} is tagged {tag!r} in immutable repository {repository.name}: the second "
                "push of a changed image is refused.",
                build.urn,
            )


content_tagged_builds = stack_policy(
    "deploy-immutable-repository-content-tags",
    "Builds pushing to an IMMUTABLE ECR repository must tag each distinct build differently.",
    severity=Severity.HIGH,
    controls=("secure-ecs DEPLOY.4",),
    remediation=(
        "Set imageTag to a digest of the build context's files (or the commit id), so a changed build gets "
        "a new tag and an unchanged one is not pushed again."
    ),
    unset="an unset imageTag is derived from the build context's path and the stack, not its files: flagged.",
    validate=_builds_reusing_tags,
    enforcement=ADVISORY,
)


# --- 5. deployments nobody waits for --------------------------------------------------------------


def _service_not_awaited(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.ECS_SERVICE:
        return
    breaker = lookup(args.props, "deploymentCircuitBreaker", "enable")
    wait = lookup(args.props, "waitForSteadyState")
    if is_true(breaker) and not is_true(wait) and not is_unknown(wait):
        report(
            "deploymentCircuitBreaker is on and waitForSteadyState is not: when tasks cannot start the breaker "
            "stops the deployment, and `pulumi up` still reports success.",
            None,
        )


service_waits_for_steady_state = resource_policy(
    "deploy-ecs-service-waits-for-steady-state",
    "ECS services with a deployment circuit breaker must have `pulumi up` wait for a steady state.",
    severity=Severity.MEDIUM,
    controls=("secure-ecs DEPLOY.5",),
    remediation="Set waitForSteadyState to true, so failing tasks fail the update (and can be rolled back).",
    unset="waitForSteadyState defaults to false: flagged when the circuit breaker is on.",
    validate=_service_not_awaited,
    enforcement=ADVISORY,
)


# --- 6. stateful resources meant to survive, but not protected ----------------------------------


def _keep_signal(args: ResourceValidationArgs) -> str | None:
    """The setting by which the program says this resource must survive, if any."""
    signals = {
        tokens.RDS_INSTANCE: ("deletionProtection", True),
        tokens.LOG_GROUP: ("deletionProtectionEnabled", True),
        tokens.ECR_REPOSITORY: ("forceDelete", False),
        tokens.S3_BUCKETS[0]: ("forceDestroy", False),
        tokens.S3_BUCKETS[1]: ("forceDestroy", False),
    }
    signal = signals.get(args.resource_type)
    if signal is None:
        return None
    value = lookup(args.props, signal[0])
    return f"{signal[0]} is {signal[1]}" if value is signal[1] else None


def _stateful_unprotected(args: ResourceValidationArgs, report: ReportViolation) -> None:
    signal = _keep_signal(args)
    if signal is None or _option(args, "protect", False):
        return
    report(
        f"{signal}, but the resource is not `protect`ed: an accidental `pulumi destroy` deletes everything "
        "else first, then stops here with a half-destroyed stack (retainOnDelete alone only drops it from state).",
        None,
    )


stateful_resources_protected = resource_policy(
    "deploy-stateful-resources-protected",
    "Resources a program keeps from deletion (deletion protection, no force delete) must also be Pulumi-protected.",
    severity=Severity.MEDIUM,
    controls=("secure-ecs DEPLOY.6",),
    remediation=(
        "Set `protect=True` (with retainOnDelete if the resource must outlive a deliberate removal), so "
        "`pulumi destroy` is refused before anything is deleted."
    ),
    unset="deletionProtection, forceDelete and forceDestroy unset signal nothing: passes.",
    validate=_stateful_unprotected,
    enforcement=ADVISORY,
)


# --- 7. rotating passwords copied into tasks ------------------------------------------------------


def _rotating_secret_variables(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.ECS_TASK_DEFINITION:
        return
    definitions = read_containers(args.props)
    for index, container in enumerate(definitions.containers):
        for secret in items(lookup(container, "secrets")):
            value_from = text(lookup(secret, "valueFrom")) or ""
            if _RDS_MANAGED_SECRET.search(value_from):
                variable = text(lookup(secret, "name")) or "?"
                report(
                    f"container {container_name(container, index)} receives {variable} from an RDS-managed "
                    "secret, which rotates every 7 days; ECS reads it only when a task starts, so new "
                    "connections fail with a stale password after the first rotation.",
                    None,
                )


no_rotating_secret_in_environment = resource_policy(
    "deploy-no-rotating-secret-in-environment",
    "Tasks must not receive a rotating secret (an RDS-managed master password) as an environment variable.",
    severity=Severity.HIGH,
    controls=("secure-ecs DEPLOY.7",),
    remediation=(
        "Connect with IAM database authentication (rds-db:connect on the task role, a token per connection) "
        "or have the application read the secret when it connects; keep the master secret for administration."
    ),
    unset="no secrets means nothing goes stale: passes.",
    validate=_rotating_secret_variables,
    enforcement=ADVISORY,
)


POLICIES: list[Policy] = [
    auto_name_fits,
    balancer_waits_for_gateway,
    physical_names_unique,
    content_tagged_builds,
    service_waits_for_steady_state,
    stateful_resources_protected,
    no_rotating_secret_in_environment,
]
