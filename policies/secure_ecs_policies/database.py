"""RDS instances: private, encrypted, backed up, protected, Multi-AZ."""

from __future__ import annotations

from collections.abc import Callable

from pulumi_policy import ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, Severity

from secure_ecs_policies import tokens
from secure_ecs_policies.metadata import resource_policy
from secure_ecs_policies.properties import MISSING, config_value, integer, is_true, is_unknown, lookup

Validation = Callable[[ResourceValidationArgs, ReportViolation], None]


def _database_flag(prop: str, wanted: bool, consequence: str) -> Validation:
    """A check that ``prop`` is ``wanted``; an unset property is the provider default, false."""

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type != tokens.RDS_INSTANCE:
            return
        value = lookup(args.props, prop)
        if is_unknown(value) or is_true(value) == wanted:
            return
        report(f"{prop} is {'unset (false)' if value is MISSING else value!r}: {consequence}", None)

    return validate


rds_not_public = resource_policy(
    "rds-not-public",
    "RDS instances must not be publicly accessible.",
    severity=Severity.CRITICAL,
    controls=("FSBP RDS.2", "CKV_AWS_17"),
    remediation="Set publiclyAccessible to false and place the instance in isolated subnets.",
    validate=_database_flag("publiclyAccessible", False, "the database gets a public DNS name and IP."),
)

rds_storage_encrypted = resource_policy(
    "rds-storage-encrypted",
    "RDS storage must be encrypted.",
    severity=Severity.HIGH,
    controls=("FSBP RDS.3", "CKV_AWS_16"),
    remediation="Set storageEncrypted to true and kmsKeyId to a customer-managed key (requires a new instance).",
    validate=_database_flag("storageEncrypted", True, "data and snapshots are stored unencrypted."),
)

rds_deletion_protection = resource_policy(
    "rds-deletion-protection",
    "RDS instances must have deletion protection on.",
    severity=Severity.MEDIUM,
    controls=("FSBP RDS.8", "CKV_AWS_293"),
    remediation="Set deletionProtection to true (and skipFinalSnapshot to false).",
    validate=_database_flag("deletionProtection", True, "the database can be deleted by one API call."),
)

rds_multi_az = resource_policy(
    "rds-multi-az",
    "RDS instances must be Multi-AZ.",
    severity=Severity.MEDIUM,
    controls=("FSBP RDS.5", "CKV_AWS_157"),
    remediation="Set multiAz to true (development stacks may relax this to advisory in their policy config).",
    validate=_database_flag("multiAz", True, "an AZ outage takes the database down."),
)


def _short_backups(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.RDS_INSTANCE:
        return
    period = lookup(args.props, "backupRetentionPeriod")
    if is_unknown(period):
        return
    minimum = config_value(args.get_config(), "minimumRetentionDays", 7)
    days = integer(period)
    if days is None or days < minimum:
        shown = "unset" if period is MISSING else repr(period)
        report(f"backupRetentionPeriod is {shown}; at least {minimum} days of automated backups required.", None)


rds_backup_retention = resource_policy(
    "rds-backup-retention",
    "RDS instances must keep automated backups for at least the configured number of days.",
    severity=Severity.MEDIUM,
    controls=("FSBP RDS.11", "CKV_AWS_133"),
    remediation="Set backupRetentionPeriod to at least the policy's minimumRetentionDays (max 35).",
    validate=_short_backups,
    config={
        "minimumRetentionDays": {
            "type": "integer",
            "minimum": 1,
            "maximum": 35,
            "default": 7,
            "description": "Shortest accepted automated backup retention in days.",
        }
    },
)

POLICIES: list[ResourceValidationPolicy] = [
    rds_not_public,
    rds_storage_encrypted,
    rds_backup_retention,
    rds_deletion_protection,
    rds_multi_az,
]
