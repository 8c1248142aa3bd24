"""RDS instances: private, encrypted, backed up, protected, Multi-AZ."""

from __future__ import annotations

from collections.abc import Callable

from pulumi_policy import ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, Severity

from secure_ecs_facts import tokens
from secure_ecs_policies.metadata import resource_policy
from secure_ecs_policies.preview_gaps import not_checked
from secure_ecs_policies.properties import MISSING, config_value, integer, is_true, is_unknown, lookup

DEFAULT_BACKUP_RETENTION_DAYS = 1
"""What RDS keeps when CreateDBInstance is called without BackupRetentionPeriod."""

Validation = Callable[[ResourceValidationArgs, ReportViolation], None]


def _database_flag(prop: str, wanted: bool, consequence: str) -> Validation:
    """A check that ``prop`` is ``wanted``; an unset property is the provider default, false."""

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type != tokens.RDS_INSTANCE:
            return
        value = lookup(args.props, prop)
        if is_unknown(value):
            not_checked(prop)
            return
        if is_true(value) == wanted:
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
    unset="publiclyAccessible defaults to false: passes.",
)

rds_storage_encrypted = resource_policy(
    "rds-storage-encrypted",
    "RDS storage must be encrypted.",
    severity=Severity.HIGH,
    controls=("FSBP RDS.3", "CKV_AWS_16"),
    remediation="Set storageEncrypted to true and kmsKeyId to a customer-managed key (requires a new instance).",
    validate=_database_flag("storageEncrypted", True, "data and snapshots are stored unencrypted."),
    unset="storageEncrypted defaults to false: flagged.",
)

rds_deletion_protection = resource_policy(
    "rds-deletion-protection",
    "RDS instances must have deletion protection on.",
    severity=Severity.MEDIUM,
    controls=("FSBP RDS.8", "CKV_AWS_293"),
    remediation="Set deletionProtection to true (and skipFinalSnapshot to false).",
    validate=_database_flag("deletionProtection", True, "the database can be deleted by one API call."),
    unset="deletionProtection defaults to false: flagged.",
)

rds_multi_az = resource_policy(
    "rds-multi-az",
    "RDS instances must be Multi-AZ.",
    severity=Severity.MEDIUM,
    controls=("FSBP RDS.5", "CKV_AWS_157"),
    remediation="Set multiAz to true (development stacks may relax this to advisory in their policy config).",
    validate=_database_flag("multiAz", True, "an AZ outage takes the database down."),
    unset="multiAz defaults to false: flagged.",
)


def _short_backups(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.RDS_INSTANCE:
        return
    period = lookup(args.props, "backupRetentionPeriod")
    if is_unknown(period):
        not_checked("backupRetentionPeriod")
        return
    minimum = config_value(args.get_config(), "minimumRetentionDays", 7)
    days = DEFAULT_BACKUP_RETENTION_DAYS if period is MISSING or period is None else integer(period)
    if days is None or days < minimum:
        shown = f"unset ({DEFAULT_BACKUP_RETENTION_DAYS} day)" if period is MISSING else repr(period)
        report(f"backupRetentionPeriod is {shown}; at least {minimum} days of automated backups required.", None)


rds_backup_retention = resource_policy(
    "rds-backup-retention",
    "RDS instances must keep automated backups for at least the configured number of days.",
    severity=Severity.MEDIUM,
    controls=("FSBP RDS.11", "CKV_AWS_133"),
    remediation="Set backupRetentionPeriod to at least the policy's minimumRetentionDays (max 35).",
    validate=_short_backups,
    unset=(
        f"RDS keeps {DEFAULT_BACKUP_RETENTION_DAYS} day of automated backups by default: judged as "
        f"{DEFAULT_BACKUP_RETENTION_DAYS} against minimumRetentionDays (flagged at the default minimum of 7)."
    ),
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

rds_iam_authentication = resource_policy(
    "rds-iam-authentication",
    "RDS instances must accept IAM database authentication.",
    severity=Severity.MEDIUM,
    controls=("FSBP RDS.10", "CKV_AWS_161"),
    remediation=(
        "Set iamDatabaseAuthenticationEnabled to true and let the application sign short-lived tokens "
        "(rds-db:connect) instead of reading a long-lived password."
    ),
    validate=_database_flag(
        "iamDatabaseAuthenticationEnabled", True, "only passwords can sign in, and they live until rotated."
    ),
    unset="iamDatabaseAuthenticationEnabled defaults to false: flagged.",
)

POLICIES: list[ResourceValidationPolicy] = [
    rds_not_public,
    rds_storage_encrypted,
    rds_backup_retention,
    rds_deletion_protection,
    rds_multi_az,
    rds_iam_authentication,
]
