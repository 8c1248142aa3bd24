"""CloudWatch log groups: bounded retention and customer-managed KMS encryption."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, Severity

from secure_ecs_facts import tokens
from secure_ecs_policies.metadata import resource_policy
from secure_ecs_policies.preview_gaps import not_checked
from secure_ecs_policies.properties import MISSING, config_value, integer, is_unknown, lookup, text


def _short_retention(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.LOG_GROUP:
        return
    retention = lookup(args.props, "retentionInDays")
    if is_unknown(retention):
        not_checked("retentionInDays")
        return
    minimum = config_value(args.get_config(), "minimumRetentionDays", 90)
    days = integer(retention)
    if retention is MISSING or days is None or days == 0:
        report(f"retentionInDays is not set: logs are kept forever (set at least {minimum} days).", None)
    elif days < minimum:
        report(f"retentionInDays is {days}, below the minimum of {minimum} days.", None)


log_group_retention = resource_policy(
    "log-group-retention",
    "Log groups must set a retention period of at least the configured minimum.",
    severity=Severity.LOW,
    controls=("FSBP CloudWatch.16", "CKV_AWS_66", "CKV_AWS_338"),
    remediation="Set retentionInDays to a supported value at or above the policy's minimumRetentionDays.",
    validate=_short_retention,
    unset="retentionInDays defaults to 0, never expire: flagged.",
    config={
        "minimumRetentionDays": {
            "type": "integer",
            "minimum": 1,
            "default": 90,
            "description": "Shortest accepted retention in days.",
        }
    },
)


def _no_kms(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.LOG_GROUP:
        return
    key = lookup(args.props, "kmsKeyId")
    # A key ARN is often unknown in a preview; that it is set is enough, so an unknown value passes.
    if not is_unknown(key) and not text(key):
        report("kmsKeyId is not set: the log group uses the service-owned key only.", None)


log_group_kms = resource_policy(
    "log-group-kms",
    "Log groups must be encrypted with a customer-managed KMS key.",
    severity=Severity.MEDIUM,
    controls=("CKV_AWS_158",),
    remediation=(
        "Set kmsKeyId to a KMS key ARN whose key policy lets logs.<region>.amazonaws.com use it for this "
        "log group's ARN (encryption context)."
    ),
    validate=_no_kms,
    unset="kmsKeyId defaults to none (service-owned key only): flagged.",
)

POLICIES: list[ResourceValidationPolicy] = [log_group_retention, log_group_kms]
