"""IAM: no administrator policies, and no administrator rights for ECS task and execution roles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from pulumi_policy import (
    Policy,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    Severity,
    StackValidationArgs,
)

from secure_ecs_facts import tokens
from secure_ecs_policies.links import StackView
from secure_ecs_policies.metadata import resource_policy, stack_policy
from secure_ecs_policies.policy_documents import administrator_statements, read_document
from secure_ecs_policies.preview_gaps import not_checked
from secure_ecs_policies.properties import items, lookup, text

BROAD_MANAGED_POLICIES: Final = ("AdministratorAccess", "PowerUserAccess", "IAMFullAccess")
"""AWS managed policies that give a role the run of the account (IAMFullAccess: by granting itself more)."""

DOCUMENT_TYPES: Final = (tokens.IAM_POLICY, *tokens.IAM_INLINE_POLICIES)


def _documents(resource_type: str, props: object) -> Iterator[tuple[str, object]]:
    """(where, document) pairs of the policy documents a resource declares."""
    if resource_type in DOCUMENT_TYPES:
        yield "policy", lookup(props, "policy")
    elif resource_type == tokens.IAM_ROLE:
        for index, inline in enumerate(items(lookup(props, "inlinePolicies"))):
            yield f"inlinePolicies[{index}].policy", lookup(inline, "policy")


def _admin_findings(resource_type: str, props: object, prefix: str = "") -> list[str]:
    findings: list[str] = []
    for where, raw in _documents(resource_type, props):
        document = read_document(raw)
        if document.unknown:
            not_checked(f"{prefix}{where}")
        for index in administrator_statements(document):
            findings.append(f"{where} statement {index} allows every action on every resource")
    return findings


def _administrator_policy(args: ResourceValidationArgs, report: ReportViolation) -> None:
    for finding in _admin_findings(args.resource_type, args.props):
        report(f"{finding} (full administrator rights).", None)


iam_no_admin_policy = resource_policy(
    "iam-no-admin-policy",
    'IAM policies must not allow "*" actions on "*" resources.',
    severity=Severity.HIGH,
    controls=("FSBP IAM.1", "CKV_AWS_62", "CKV_AWS_63"),
    remediation="List the actions and resource ARNs the principal needs; start from IAM Access Analyzer's policy.",
    validate=_administrator_policy,
    unset="a role without inlinePolicies grants nothing by itself: passes.",
)


def _managed_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _role_rights(view: StackView, role: PolicyResource) -> list[str]:
    """Why ``role`` has administrator rights (empty when it does not, as far as the stack shows)."""
    reasons = [f"{role.name} {finding}" for finding in _admin_findings(role.resource_type, role.props, f"{role.name} ")]
    for arn in map(text, items(lookup(role.props, "managedPolicyArns"))):
        if arn and _managed_name(arn) in BROAD_MANAGED_POLICIES:
            reasons.append(f"{role.name} has managed policy {_managed_name(arn)}")
    for attachment in view.referrers(role, "role", tokens.IAM_ROLE_POLICY_ATTACHMENT):
        arn = text(lookup(attachment.props, "policyArn"))
        if arn and _managed_name(arn) in BROAD_MANAGED_POLICIES:
            reasons.append(f"{attachment.name} attaches {_managed_name(arn)}")
        for policy in view.linked(attachment, "policyArn", tokens.IAM_POLICY):
            reasons += [f"{policy.name} {f}" for f in _admin_findings(policy.resource_type, policy.props)]
    for inline in view.referrers(role, "role", tokens.IAM_ROLE_POLICY):
        reasons += [f"{inline.name} {f}" for f in _admin_findings(inline.resource_type, inline.props)]
    return reasons


def _admin_task_roles(args: StackValidationArgs, report: ReportViolation) -> None:
    view = StackView(args.resources)
    for task in view.of_type(tokens.ECS_TASK_DEFINITION):
        for prop in ("taskRoleArn", "executionRoleArn"):
            for role in view.linked(task, prop, tokens.IAM_ROLE):
                reasons = _role_rights(view, role)
                if reasons:
                    report(
                        f"task definition {task.name}'s {prop} is {role.name}, which has administrator rights: "
                        f"{'; '.join(reasons)}. Any code in the container can act as an account administrator.",
                        task.urn,
                    )


ecs_task_role_not_admin = stack_policy(
    "ecs-task-role-not-admin",
    "ECS task roles and execution roles must not have administrator rights.",
    severity=Severity.CRITICAL,
    controls=("secure-ecs ECS-IAM.1", "FSBP IAM.1"),
    remediation=(
        "Give the task role only the actions the application calls, on its own resources; give the execution role "
        "AmazonECSTaskExecutionRolePolicy or, better, ECR pull, log writes and the secrets it injects, scoped to ARNs."
    ),
    validate=_admin_task_roles,
    unset="a task definition without taskRoleArn runs with no AWS credentials: passes.",
)

POLICIES: list[Policy] = [iam_no_admin_policy, ecs_task_role_not_admin]
