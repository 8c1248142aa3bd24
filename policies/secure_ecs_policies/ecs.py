"""ECS services and task definitions: no public IPs, hardened containers, logs, secrets kept out of env."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from secure_ecs_facts import tokens
from secure_ecs_facts.secret_names import name_looks_secret, secret_arguments, value_embeds_password
from secure_ecs_policies.containers import (
    SECRET_VALUE,
    ContainerDefinitions,
    container_name,
    read_containers,
)
from secure_ecs_policies.metadata import resource_policy
from secure_ecs_policies.preview_gaps import not_checked
from secure_ecs_policies.properties import (
    config_value,
    is_true,
    is_unknown,
    items,
    lookup,
    replace_in,
    text,
)


def _service_assigns_public_ip(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.ECS_SERVICE:
        return
    assign = lookup(args.props, "networkConfiguration", "assignPublicIp")
    if is_unknown(assign):
        not_checked("networkConfiguration.assignPublicIp")
    elif is_true(assign):
        report("networkConfiguration.assignPublicIp is true: tasks get a public IP address.", None)


def _service_keep_ip_private(args: ResourceValidationArgs) -> Mapping[str, Any] | None:
    if args.resource_type != tokens.ECS_SERVICE:
        return None
    if not is_true(lookup(args.props, "networkConfiguration", "assignPublicIp")):
        return None
    return args.props if replace_in(args.props, ("networkConfiguration", "assignPublicIp"), False) else None


ecs_service_no_public_ip = resource_policy(
    "ecs-service-no-public-ip",
    "ECS services must not assign public IP addresses to their tasks.",
    severity=Severity.CRITICAL,
    controls=("FSBP ECS.2", "CKV_AWS_333"),
    remediation=(
        "Set networkConfiguration.assignPublicIp to false, run the tasks in private subnets and reach "
        "ECR, S3 and CloudWatch Logs through VPC endpoints (or a NAT gateway)."
    ),
    validate=_service_assigns_public_ip,
    unset=(
        "assignPublicIp defaults to DISABLED, whatever the subnet's mapPublicIpOnLaunch (task interfaces "
        "ignore it), so it passes."
    ),
    remediate=_service_keep_ip_private,
)


ContainerCheck = Callable[[Mapping[str, Any], str, Mapping[str, Any]], str | None]
"""(container, container name, policy config) -> violation message or None."""


def _task_definition_check(check: ContainerCheck) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type != tokens.ECS_TASK_DEFINITION:
            return
        definitions: ContainerDefinitions = read_containers(args.props)
        if definitions.unknown:
            not_checked("containerDefinitions")
            if not definitions.containers:
                return
        if definitions.error:
            report(f"{definitions.error}; the containers cannot be verified.", None)
            return
        config = args.get_config()
        for index, container in enumerate(definitions.containers):
            message = check(container, container_name(container, index), config)
            if message:
                report(message, None)

    return validate


def _privileged(container: Mapping[str, Any], name: str, _config: Mapping[str, Any]) -> str | None:
    if is_true(lookup(container, "privileged")):
        return f"container {name} runs privileged."
    return None


def _writable_root(container: Mapping[str, Any], name: str, _config: Mapping[str, Any]) -> str | None:
    value = lookup(container, "readonlyRootFilesystem")
    if is_true(value) or is_unknown(value):
        return None
    return f"container {name} has a writable root filesystem (readonlyRootFilesystem is not true)."


def _secret_in_environment(container: Mapping[str, Any], name: str, config: Mapping[str, Any]) -> str | None:
    allowed = {str(n) for n in config_value(config, "allowedNames", [])}
    offending: list[str] = []
    for variable in items(lookup(container, "environment")):
        variable_name = text(lookup(variable, "name")) or ""
        value = text(lookup(variable, "value")) or ""
        if variable_name in allowed:
            continue
        # The same rule the components apply when they build the container, so what they accept passes here.
        if name_looks_secret(variable_name) or value_embeds_password(value) or SECRET_VALUE.search(value):
            offending.append(variable_name or "(unnamed)")
    problems: list[str] = []
    if offending:
        listed = ", ".join(sorted(offending))
        problems.append(f"passes secret-looking values as plaintext environment variables: {listed}")
    for field_name in ("entryPoint", "command"):
        arguments = lookup(container, field_name)
        if is_unknown(arguments):
            not_checked(f"container {name} {field_name}")
            continue
        words = [word for word in map(text, items(arguments)) if word is not None]
        leaks = [flag for flag in secret_arguments(words) if flag not in allowed]
        leaks += ["an AWS access key or private key"] if any(SECRET_VALUE.search(word) for word in words) else []
        if leaks:
            problems.append(f"writes a credential into its {field_name} ({', '.join(leaks)})")
    return f"container {name} {'; '.join(problems)}." if problems else None


def _no_logging(container: Mapping[str, Any], name: str, _config: Mapping[str, Any]) -> str | None:
    driver = lookup(container, "logConfiguration", "logDriver")
    if is_unknown(driver) or text(driver):
        return None
    return f"container {name} has no logConfiguration.logDriver: its output is lost."


ecs_task_not_privileged = resource_policy(
    "ecs-task-not-privileged",
    "ECS containers must not run privileged.",
    severity=Severity.HIGH,
    controls=("FSBP ECS.4", "CKV_AWS_334"),
    remediation='Remove "privileged": true from the container definition (Fargate rejects it anyway).',
    validate=_task_definition_check(_privileged),
    unset="privileged defaults to false: passes.",
)

ecs_task_read_only_root = resource_policy(
    "ecs-task-read-only-root-filesystem",
    "ECS containers must mount their root filesystem read-only.",
    severity=Severity.MEDIUM,
    controls=("FSBP ECS.5", "CKV_AWS_336"),
    remediation=(
        'Set "readonlyRootFilesystem": true on every container; give paths the app must write to a '
        "volume (e.g. a bind mount for /tmp)."
    ),
    validate=_task_definition_check(_writable_root),
    unset="readonlyRootFilesystem defaults to false (writable): flagged.",
)

ecs_task_no_secrets_in_environment = resource_policy(
    "ecs-task-no-secrets-in-environment",
    "ECS containers must take secrets from secrets[].valueFrom, never from plaintext environment, command or "
    "entryPoint.",
    severity=Severity.HIGH,
    controls=("FSBP ECS.8",),
    remediation=(
        "Store the value in Secrets Manager or SSM Parameter Store and reference it from the container's "
        '"secrets" list ({"name": ..., "valueFrom": <ARN>}); grant the execution role read access to it. '
        "A command that needs it reads the variable at run time "
        '(sh -c \'redis-server --requirepass "$REDIS_PASSWORD"\'). '
        "Names that look secret but are not can be listed in this policy's allowedNames config."
    ),
    validate=_task_definition_check(_secret_in_environment),
    unset="no environment, command or entryPoint means nothing leaks: passes.",
    config={
        "allowedNames": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Environment variable names that look secret but are not (e.g. TOKEN_URL).",
        }
    },
)

ecs_task_logging = resource_policy(
    "ecs-task-logging",
    "ECS containers must send their output to a log driver.",
    severity=Severity.MEDIUM,
    controls=("FSBP ECS.9",),
    remediation=(
        'Give every container a "logConfiguration" (e.g. logDriver awslogs with awslogs-group, '
        "awslogs-region and awslogs-stream-prefix pointing at an encrypted log group)."
    ),
    validate=_task_definition_check(_no_logging),
    unset="no logConfiguration means the output is discarded: flagged.",
)


HOST_NAMESPACES = ("pidMode", "ipcMode")


def _shares_host_namespaces(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.ECS_TASK_DEFINITION:
        return
    for prop in HOST_NAMESPACES:
        mode = lookup(args.props, prop)
        if is_unknown(mode):
            not_checked(prop)
        elif (text(mode) or "").lower() == "host":
            report(f"{prop} is host: the containers share the host's {prop[:3]} namespace.", None)


ecs_task_no_host_namespaces = resource_policy(
    "ecs-task-no-host-namespaces",
    "ECS task definitions must not share the host's process (pidMode) or IPC (ipcMode) namespace.",
    severity=Severity.HIGH,
    controls=("FSBP ECS.3", "CKV_AWS_335"),
    remediation='Remove pidMode and ipcMode, or set them to "task" to share only within the task.',
    validate=_shares_host_namespaces,
    unset="pidMode and ipcMode default to a private namespace per container: passes.",
)

POLICIES: list[ResourceValidationPolicy] = [
    ecs_service_no_public_ip,
    ecs_task_not_privileged,
    ecs_task_read_only_root,
    ecs_task_no_secrets_in_environment,
    ecs_task_logging,
    ecs_task_no_host_namespaces,
]
