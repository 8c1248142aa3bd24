"""PrivateDatabase: RDS PostgreSQL reachable only from inside the VPC, by the groups it is paired with.

The instance lives in the isolated data subnets, is never publicly accessible, encrypts storage,
logs and its master secret with customer-managed keys, forces TLS, and keeps backups. Its
security group has no rules of its own: the consuming service adds the pairing.
"""


import re
from collections.abc import Sequence
from typing import Any, Required, TypedDict

import pulumi
import pulumi_aws as aws

from components import iam_documents
from components.aws_context import current_aws_context
from components.encryption import customer_managed_key
from components.errors import ComponentArgumentError
from components.log_group import encrypted_log_group
from components.secret_reference import SecretReference, json_key_reference
from components.security_group_pairing import rule_free_security_group
from components.validation import require_bool, require_choice, require_int, require_log_retention

COMPONENT = "PrivateDatabase"
LOG_EXPORTS = ("postgresql", "upgrade")
MONITORING_INTERVALS = (0, 1, 5, 10, 15, 30, 60)
# RDS instance identifiers: a letter, then letters, digits and single hyphens, at most 63 characters.
_IDENTIFIER = re.compile(r"^[a-z](?:-?[a-z0-9])*$")
_SQL_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
_RESERVED_USERNAMES = ("postgres", "rdsadmin", "admin", "root")


class PrivateDatabaseArgs(TypedDict, total=False):
    vpc_id: Required[pulumi.Input[str]]
    """VPC of the database."""
    subnet_ids: Required[pulumi.Input[Sequence[pulumi.Input[str]]]]
    """Isolated data subnets (no internet route) in at least two AZs."""
    engine_major_version: int
    """PostgreSQL major version; RDS applies minor versions automatically. Default 16."""
    instance_class: str
    """Instance class. Default "db.t4g.micro"."""
    allocated_storage_gb: int
    """Initial gp3 storage. Default 20."""
    max_allocated_storage_gb: int
    """Storage autoscaling ceiling (>= allocated). Default 100."""
    db_name: str
    """Database created at launch. Default "app"."""
    master_username: str
    """Master user; its password is generated and kept in Secrets Manager. Default "app_admin"."""
    port: int
    """Port the database listens on. Default 5432."""
    multi_az: bool
    """Standby in a second AZ with automatic failover. Default true."""
    backup_retention_days: int
    """Days of automated backups (1-35; 0 is refused). Default 7."""
    deletion_protection: bool
    """AWS deletion protection, a final snapshot on delete, automated backups kept, and Pulumi
    retain-on-delete for the instance and its keys and groups. Default true."""
    skip_final_snapshot: bool
    """Delete without a final snapshot (only with deletion_protection false). Default false."""
    performance_insights: bool
    """Performance Insights (encrypted with the storage key, 7 days). Default false."""
    monitoring_interval_seconds: int
    """Enhanced Monitoring interval (0 = off; 1, 5, 10, 15, 30, 60). Default 0."""
    log_retention_days: int
    """Retention of the exported PostgreSQL log groups. Default 30."""
    tags: pulumi.Input[dict[str, str]]
    """Tags for every taggable resource. Default none."""


def _reject(argument: str, value: Any, allowed: str) -> ComponentArgumentError:
    return ComponentArgumentError(COMPONENT, argument, value, allowed)


def instance_identifier(name: str, stack: str) -> str:
    """A valid, per-stack RDS identifier (known up front so log groups can be created first)."""
    raw = re.sub(r"[^a-z0-9]+", "-", f"{name}-{stack}".lower()).strip("-")
    if not raw or not raw[0].isalpha():
        raw = f"db-{raw}"
    return raw[:63].rstrip("-")


def _secret_arn(secrets: Sequence[Any] | None) -> str:
    # Present whenever manage_master_user_password is on; empty only while the instance is unknown.
    return str(secrets[0].secret_arn) if secrets else ""


class PrivateDatabase(pulumi.ComponentResource):
    """A private, encrypted RDS PostgreSQL instance whose password lives in Secrets Manager."""

    endpoint: pulumi.Output[str]
    """`host:port` of the instance."""
    address: pulumi.Output[str]
    """Host name of the instance."""
    port: pulumi.Output[int]
    """Port of the instance."""
    db_name: pulumi.Output[str]
    """Database created at launch."""
    master_username: pulumi.Output[str]
    """Master user name."""
    secret_arn: pulumi.Output[str]
    """Secrets Manager secret (JSON with `username` and `password`) RDS manages for the master user."""
    secret_kms_key_arn: pulumi.Output[str]
    """KMS key that encrypts that secret (readers need kms:Decrypt on it)."""
    security_group_id: pulumi.Output[str]
    """Security group of the instance (no rules of its own)."""
    instance_arn: pulumi.Output[str]
    """ARN of the instance."""
    instance_identifier: pulumi.Output[str]
    """RDS identifier of the instance."""

    def __init__(self, name: str, args: PrivateDatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        # Every argument is checked before anything is registered, so a refusal leaves no partial component.
        major = require_int(
            COMPONENT, "engine_major_version", args.get("engine_major_version", 16), minimum=13, maximum=99
        )
        instance_class = args.get("instance_class", "db.t4g.micro")
        if not isinstance(instance_class, str) or not instance_class.startswith("db."):
            raise _reject("instance_class", instance_class, "use an RDS instance class such as 'db.t4g.micro'")
        allocated = require_int(
            COMPONENT, "allocated_storage_gb", args.get("allocated_storage_gb", 20), minimum=20, maximum=65536
        )
        max_allocated = require_int(
            COMPONENT, "max_allocated_storage_gb", args.get("max_allocated_storage_gb", 100), minimum=20, maximum=65536
        )
        if max_allocated < allocated:
            raise _reject("max_allocated_storage_gb", max_allocated, f"use at least allocated_storage_gb ({allocated})")
        db_name = args.get("db_name", "app")
        if not isinstance(db_name, str) or not _SQL_IDENTIFIER.match(db_name):
            raise _reject("db_name", db_name, "use a letter then letters, digits or '_' (at most 63)")
        username = args.get("master_username", "app_admin")
        if (
            not isinstance(username, str)
            or not _SQL_IDENTIFIER.match(username)
            or username.lower() in _RESERVED_USERNAMES
        ):
            raise _reject(
                "master_username",
                username,
                f"use a letter then letters, digits or '_', not one of {_RESERVED_USERNAMES}",
            )
        port = require_int(COMPONENT, "port", args.get("port", 5432), minimum=1150, maximum=65535)
        multi_az = require_bool(COMPONENT, "multi_az", args.get("multi_az", True))
        backup_days = require_int(
            COMPONENT, "backup_retention_days", args.get("backup_retention_days", 7), minimum=1, maximum=35
        )
        protect = require_bool(COMPONENT, "deletion_protection", args.get("deletion_protection", True))
        skip_final_snapshot = require_bool(COMPONENT, "skip_final_snapshot", args.get("skip_final_snapshot", False))
        if protect and skip_final_snapshot:
            raise _reject(
                "skip_final_snapshot",
                True,
                "a protected database always keeps a final snapshot; set deletion_protection=false first",
            )
        performance_insights = require_bool(COMPONENT, "performance_insights", args.get("performance_insights", False))
        monitoring_interval = require_choice(
            COMPONENT, "monitoring_interval_seconds", args.get("monitoring_interval_seconds", 0), MONITORING_INTERVALS
        )
        log_retention = require_log_retention(COMPONENT, "log_retention_days", args.get("log_retention_days", 30))
        identifier = instance_identifier(name, pulumi.get_stack())
        if not _IDENTIFIER.match(identifier):
            raise _reject("name", name, "use letters, digits and single hyphens so an RDS identifier can be derived")
        tags = args.get("tags")

        super().__init__(f"secure-ecs:index:{COMPONENT}", name, None, opts)
        context = current_aws_context(self)
        # With protection on, the instance and everything it cannot live without stay in AWS if the
        # stack is destroyed: deleting a group or key under a kept instance would fail or break it.
        kept = pulumi.ResourceOptions(parent=self, retain_on_delete=protect)

        # Separate keys for data at rest, logs and the secret, so reading the password (the tasks'
        # execution role) never grants decrypt on the storage or log key.
        self.storage_key = customer_managed_key(
            f"{name}-storage-key",
            f"{name}: database storage and Performance Insights",
            context,
            self,
            retain_on_delete=protect,
            tags=tags,
        )
        self.secret_key = customer_managed_key(
            f"{name}-secret-key", f"{name}: master user secret", context, self, retain_on_delete=protect, tags=tags
        )
        self.log_key = customer_managed_key(
            f"{name}-logs-key",
            f"{name}: exported database logs",
            context,
            self,
            for_log_groups=True,
            retain_on_delete=protect,
            tags=tags,
        )
        # RDS would otherwise create these groups itself, unencrypted and never expiring.
        self.log_groups = [
            encrypted_log_group(
                f"{name}-{export}-logs",
                kms_key=self.log_key,
                retention_in_days=log_retention,
                parent=self,
                log_group_name=f"/aws/rds/instance/{identifier}/{export}",
                protect=protect,
                tags=tags,
            )
            for export in LOG_EXPORTS
        ]

        self.security_group = rule_free_security_group(
            f"{name}-sg",
            vpc_id=args["vpc_id"],
            description=f"{name} database: ingress only from paired groups (rules added by the consumer)",
            parent=self,
            retain_on_delete=protect,
            tags=tags,
        )
        self.subnet_group = aws.rds.SubnetGroup(
            f"{name}-subnets",
            description=f"{name}: isolated data subnets",
            subnet_ids=args["subnet_ids"],
            tags=tags,
            opts=kept,
        )
        self.parameter_group = aws.rds.ParameterGroup(
            f"{name}-params",
            family=f"postgres{major}",
            description=f"{name}: TLS required, connections logged",
            parameters=[
                aws.rds.ParameterGroupParameterArgs(name="rds.force_ssl", value="1", apply_method="pending-reboot"),
                aws.rds.ParameterGroupParameterArgs(name="log_connections", value="1", apply_method="pending-reboot"),
            ],
            tags=tags,
            opts=kept,
        )

        self.monitoring_role: aws.iam.Role | None = None
        if monitoring_interval:
            self.monitoring_role = aws.iam.Role(
                f"{name}-monitoring-role",
                description=f"Enhanced Monitoring of {name}",
                assume_role_policy=context.account_id.apply(
                    lambda account: iam_documents.service_trust_policy("monitoring.rds.amazonaws.com", account)
                ),
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.monitoring_policy = aws.iam.RolePolicyAttachment(
                f"{name}-monitoring-policy",
                role=self.monitoring_role.name,
                policy_arn=context.partition.apply(
                    lambda partition: f"arn:{partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
                ),
                opts=pulumi.ResourceOptions(parent=self.monitoring_role),
            )

        self.instance = aws.rds.Instance(
            f"{name}-db",
            identifier=identifier,
            engine="postgres",
            engine_version=str(major),
            allow_major_version_upgrade=False,
            auto_minor_version_upgrade=True,
            instance_class=instance_class,
            allocated_storage=allocated,
            max_allocated_storage=max_allocated,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=self.storage_key.arn,
            db_name=db_name,
            username=username,
            manage_master_user_password=True,
            master_user_secret_kms_key_id=self.secret_key.arn,
            port=port,
            db_subnet_group_name=self.subnet_group.name,
            vpc_security_group_ids=[self.security_group.id],
            parameter_group_name=self.parameter_group.name,
            publicly_accessible=False,
            multi_az=multi_az,
            iam_database_authentication_enabled=True,
            backup_retention_period=backup_days,
            copy_tags_to_snapshot=True,
            deletion_protection=protect,
            skip_final_snapshot=skip_final_snapshot,
            final_snapshot_identifier=None if skip_final_snapshot else f"{identifier}-final",
            delete_automated_backups=not protect,
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            performance_insights_enabled=performance_insights,
            performance_insights_kms_key_id=self.storage_key.arn if performance_insights else None,
            performance_insights_retention_period=7 if performance_insights else None,
            monitoring_interval=monitoring_interval,
            monitoring_role_arn=self.monitoring_role.arn if self.monitoring_role is not None else None,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=protect, depends_on=self.log_groups),
        )
        self.endpoint = self.instance.endpoint
        self.address = self.instance.address
        self.port = self.instance.port
        self.db_name = self.instance.db_name
        self.master_username = self.instance.username
        self.secret_arn = self.instance.master_user_secrets.apply(_secret_arn)
        self.secret_kms_key_arn = self.secret_key.arn
        self.security_group_id = self.security_group.id
        self.instance_arn = self.instance.arn
        self.instance_identifier = self.instance.identifier
        self.register_outputs(
            {
                "endpoint": self.endpoint,
                "address": self.address,
                "port": self.port,
                "db_name": self.db_name,
                "master_username": self.master_username,
                "secret_arn": self.secret_arn,
                "secret_kms_key_arn": self.secret_kms_key_arn,
                "security_group_id": self.security_group_id,
                "instance_arn": self.instance_arn,
                "instance_identifier": self.instance_identifier,
            }
        )

    def secret_references(self, prefix: str = "DB_") -> list[SecretReference]:
        """`<prefix>USERNAME` and `<prefix>PASSWORD` from the managed secret, for a service's `secrets`."""
        return [
            json_key_reference(f"{prefix}USERNAME", self.secret_arn, "username"),
            json_key_reference(f"{prefix}PASSWORD", self.secret_arn, "password"),
        ]


__all__ = ["PrivateDatabase", "PrivateDatabaseArgs", "instance_identifier"]
