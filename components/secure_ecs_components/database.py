"""PrivateDatabase: RDS PostgreSQL reachable only from inside the VPC, by the groups it is paired with.

The instance lives in the isolated data subnets, is never publicly accessible, encrypts storage,
logs and its master secret with customer-managed keys, forces TLS, and keeps backups. Its
security group has no rules of its own: the consuming service adds the pairing.
"""

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Required, TypedDict

import pulumi
import pulumi_aws as aws

from secure_ecs_components import iam_documents
from secure_ecs_components.aws_context import AwsContext, current_aws_context
from secure_ecs_components.encryption import customer_managed_key
from secure_ecs_components.log_group import encrypted_log_group
from secure_ecs_components.naming import require_auto_name_room
from secure_ecs_components.security_group_pairing import rule_free_security_group
from secure_ecs_components.spec import Arg, ArgSpec, known
from secure_ecs_components.validation import log_retention, sql_identifier

COMPONENT = "PrivateDatabase"
# Auto-named children whose AWS name limits bound the component name (the role: with Enhanced Monitoring on).
AUTO_NAMED_CHILDREN = {"-sg": "aws:ec2/securityGroup:SecurityGroup", "-monitoring-role": "aws:iam/role:Role"}
LOG_EXPORTS = ("postgresql", "upgrade")
MONITORING_INTERVALS = (0, 1, 5, 10, 15, 30, 60)
_RESERVED_USERNAMES = ("postgres", "rdsadmin", "admin", "root")
IDENTIFIER_LIMIT = 63


class PrivateDatabaseArgs(TypedDict, total=False):
    vpc_id: Required[pulumi.Input[str]]
    """VPC of the database. Required."""
    subnet_ids: Required[pulumi.Input[Sequence[pulumi.Input[str]]]]
    """Isolated data subnets (no internet route) in at least two AZs. Required."""
    engine_major_version: pulumi.Input[int]
    """PostgreSQL major version, 13 to 18; RDS applies minor versions automatically. Default: 16."""
    instance_class: pulumi.Input[str]
    """RDS instance class (db.*). Default: "db.t4g.micro"."""
    allocated_storage_gb: pulumi.Input[int]
    """Initial gp3 storage in GiB, 20 to 65536. Default: 20."""
    max_allocated_storage_gb: pulumi.Input[int]
    """Storage autoscaling ceiling in GiB, above `allocated_storage_gb`. Default: none (storage
    autoscaling off)."""
    db_name: pulumi.Input[str]
    """Database created at launch. Default: "app"."""
    master_username: pulumi.Input[str]
    """Master user, for administration only; its password is generated, kept in Secrets Manager and
    rotated by RDS every 7 days. Default: "app_admin"."""
    app_username: pulumi.Input[str]
    """Database user the application connects as with IAM authentication (create it once with
    `CREATE USER <name>; GRANT rds_iam TO <name>;`). Default: "app"."""
    port: pulumi.Input[int]
    """Port the database listens on, 1150 to 65535. Default: 5432."""
    multi_az: pulumi.Input[bool]
    """Standby in a second AZ with automatic failover. Default: true."""
    backup_retention_days: pulumi.Input[int]
    """Days of automated backups, 1 to 35. Default: 7."""
    protect_stateful: bool
    """AWS deletion protection, a final snapshot on delete, automated backups kept, Pulumi `protect`
    on the instance, its keys and log groups (`pulumi destroy` refuses to delete them), and
    retain-on-delete for those and the groups. Default: true."""
    skip_final_snapshot: bool
    """Delete without a final snapshot; refused with `protect_stateful`. Default: none (true when
    `protect_stateful` is false, so a disposable stack leaves nothing billed behind)."""
    performance_insights: pulumi.Input[bool]
    """Performance Insights (encrypted with the storage key, 7 days). Default: false."""
    monitoring_interval_seconds: int
    """Enhanced Monitoring interval: 0 (off), 1, 5, 10, 15, 30 or 60 seconds. Default: 0."""
    slow_statement_ms: pulumi.Input[int]
    """Log statements running at least this many milliseconds (`log_min_duration_statement`; -1 = off).
    Default: 1000."""
    log_retention_days: pulumi.Input[int]
    """Days to keep the exported PostgreSQL logs (a CloudWatch Logs retention period). Default: 30."""
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]]
    """Tags for every taggable resource. Default: none."""


def _username(value: object) -> str | None:
    if sql_identifier(value) is None and str(value).lower() not in _RESERVED_USERNAMES:
        return None
    return f"use a letter then letters, digits or '_', not one of {', '.join(_RESERVED_USERNAMES)}"


def _instance_class(value: object) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"db\.[a-z0-9-]+\.[a-z0-9]+", value):
        return None
    return "use an RDS instance class such as 'db.t4g.micro'"


def _consistent(values: Mapping[str, Any]) -> tuple[str, Any, str] | None:
    ceiling, allocated = values["max_allocated_storage_gb"], values["allocated_storage_gb"]
    if ceiling is not None and known(ceiling, allocated) and ceiling <= allocated:
        return (
            "max_allocated_storage_gb",
            ceiling,
            f"use more than `allocated_storage_gb` ({allocated}), or leave it out",
        )
    master, app = values["master_username"], values["app_username"]
    if known(master, app) and str(master).lower() == str(app).lower():
        return ("app_username", app, "use a user different from `master_username`")
    if values["protect_stateful"] and values["skip_final_snapshot"]:
        return ("skip_final_snapshot", True, "a protected database always keeps a final snapshot")
    return None


SPEC = ArgSpec(
    COMPONENT,
    PrivateDatabaseArgs,
    {
        "vpc_id": Arg(wired=True),
        "subnet_ids": Arg(wired=True),
        "engine_major_version": Arg(default=16, minimum=13, maximum=18),
        "instance_class": Arg(default="db.t4g.micro", check=_instance_class),
        "allocated_storage_gb": Arg(default=20, minimum=20, maximum=65536),
        "max_allocated_storage_gb": Arg(minimum=21, maximum=65536),
        "db_name": Arg(default="app", check=sql_identifier),
        "master_username": Arg(default="app_admin", check=_username),
        "app_username": Arg(default="app", check=_username),
        "port": Arg(default=5432, minimum=1150, maximum=65535),
        "multi_az": Arg(default=True),
        "backup_retention_days": Arg(default=7, minimum=1, maximum=35),
        "protect_stateful": Arg(default=True, wired=True),
        "skip_final_snapshot": Arg(),
        "performance_insights": Arg(default=False),
        "monitoring_interval_seconds": Arg(
            default=0,
            check=lambda v: (
                None if v in MONITORING_INTERVALS else f"use one of {', '.join(map(str, MONITORING_INTERVALS))}"
            ),
        ),
        "slow_statement_ms": Arg(default=1000, minimum=-1, maximum=2147483647),
        "log_retention_days": Arg(default=30, check=log_retention),
        "tags": Arg(wired=True),
    },
    rules=[_consistent],
)


def instance_identifier(name: str, stack: str, project: str = "") -> str:
    """A valid RDS identifier unique per project and stack (known up front so log groups can be
    created first). Too long a name keeps a hash of the whole, so two stacks never share one."""
    whole = "-".join(part for part in (project, stack, name) if part)
    raw = re.sub(r"[^a-z0-9]+", "-", whole.lower()).strip("-")
    if not raw or not raw[0].isalpha():
        raw = f"db-{raw}".rstrip("-")
    if len(raw) <= IDENTIFIER_LIMIT:
        return raw
    digest = hashlib.sha256(whole.encode()).hexdigest()[:8]
    return f"{raw[: IDENTIFIER_LIMIT - 9].rstrip('-')}-{digest}"


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
    """Secrets Manager secret (JSON with `username` and `password`) RDS manages and rotates for the
    master user: for administration, never for the application."""
    secret_kms_key_arn: pulumi.Output[str]
    """KMS key that encrypts that secret (readers need kms:Decrypt on it)."""
    security_group_id: pulumi.Output[str]
    """Security group of the instance (no rules of its own)."""
    instance_arn: pulumi.Output[str]
    """ARN of the instance."""
    instance_identifier: pulumi.Output[str]
    """RDS identifier of the instance."""
    app_username: pulumi.Output[str]
    """Database user the application connects as (IAM authentication)."""
    iam_user_arn: pulumi.Output[str]
    """`rds-db:connect` resource of that user, for the application's role."""

    def __init__(self, name: str, args: PrivateDatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        # Every argument is checked before anything is registered, so a refusal leaves no partial component.
        values = SPEC.resolve(name, args)
        protect: bool = values["protect_stateful"]
        if values["skip_final_snapshot"] is None:
            values["skip_final_snapshot"] = not protect
        monitored = bool(values["monitoring_interval_seconds"])
        require_auto_name_room(COMPONENT, name, {suffix: token for suffix, token in AUTO_NAMED_CHILDREN.items()
                                                 if monitored or suffix != "-monitoring-role"})
        identifier = instance_identifier(name, pulumi.get_stack(), pulumi.get_project())

        super().__init__(f"secure-ecs:index:{COMPONENT}", name, None, opts)
        context = current_aws_context(self)
        self._create_keys_and_logs(name, identifier, values, context)
        self._create_network_and_parameters(name, values)
        self._create_monitoring_role(name, values, context)
        self._create_instance(name, identifier, values)
        self._publish_outputs(values["app_username"], context)

    def _create_keys_and_logs(self, name: str, identifier: str, values: Mapping[str, Any], context: AwsContext) -> None:
        protect, tags = values["protect_stateful"], values["tags"]
        # Separate keys for data at rest, logs and the secret, so reading the password (the tasks'
        # execution role) never grants decrypt on the storage or log key.
        self.storage_key = customer_managed_key(
            f"{name}-storage-key",
            f"{name}: database storage and Performance Insights",
            context,
            self,
            protect=protect,
            tags=tags,
        )
        self.secret_key = customer_managed_key(
            f"{name}-secret-key", f"{name}: master user secret", context, self, protect=protect, tags=tags
        )
        self.log_key = customer_managed_key(
            f"{name}-logs-key",
            f"{name}: exported database logs",
            context,
            self,
            for_log_groups=True,
            protect=protect,
            tags=tags,
        )
        # RDS would otherwise create these groups itself, unencrypted and never expiring.
        self.log_groups = [
            encrypted_log_group(
                f"{name}-{export}-logs",
                kms_key_arn=self.log_key.arn,
                retention_in_days=values["log_retention_days"],
                parent=self,
                log_group_name=f"/aws/rds/instance/{identifier}/{export}",
                protect=protect,
                tags=tags,
            )
            for export in LOG_EXPORTS
        ]

    def _create_network_and_parameters(self, name: str, values: Mapping[str, Any]) -> None:
        protect, tags = values["protect_stateful"], values["tags"]
        # With protection on, the instance and everything it cannot live without stay in AWS if the
        # stack is destroyed: deleting a group or key under a kept instance would fail or break it.
        kept = pulumi.ResourceOptions(parent=self, retain_on_delete=protect)
        self.security_group = rule_free_security_group(
            f"{name}-sg",
            vpc_id=values["vpc_id"],
            description=f"{name} database: ingress only from paired groups (rules added by the consumer)",
            parent=self,
            retain_on_delete=protect,
            tags=tags,
        )
        self.subnet_group = aws.rds.SubnetGroup(
            f"{name}-subnets",
            description=f"{name}: isolated data subnets",
            subnet_ids=values["subnet_ids"],
            tags=tags,
            opts=kept,
        )
        self.parameter_group = aws.rds.ParameterGroup(
            f"{name}-params",
            family=pulumi.Output.from_input(values["engine_major_version"]).apply(lambda major: f"postgres{major}"),
            description=f"{name}: TLS required, connections and slow statements logged",
            parameters=[
                aws.rds.ParameterGroupParameterArgs(name="rds.force_ssl", value="1", apply_method="pending-reboot"),
                aws.rds.ParameterGroupParameterArgs(name="log_connections", value="1", apply_method="pending-reboot"),
                aws.rds.ParameterGroupParameterArgs(
                    name="log_min_duration_statement",
                    value=pulumi.Output.from_input(values["slow_statement_ms"]).apply(str),
                    apply_method="immediate",
                ),
            ],
            tags=tags,
            opts=kept,
        )

    def _create_monitoring_role(self, name: str, values: Mapping[str, Any], context: AwsContext) -> None:
        self.monitoring_role: aws.iam.Role | None = None
        if not values["monitoring_interval_seconds"]:
            return
        self.monitoring_role = aws.iam.Role(
            f"{name}-monitoring-role",
            description=f"Enhanced Monitoring of {name}",
            assume_role_policy=context.account_id.apply(
                lambda account: iam_documents.service_trust_policy("monitoring.rds.amazonaws.com", account)
            ),
            tags=values["tags"],
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

    def _create_instance(self, name: str, identifier: str, values: Mapping[str, Any]) -> None:
        protect, skip_final_snapshot = values["protect_stateful"], values["skip_final_snapshot"]
        insights = pulumi.Output.from_input(values["performance_insights"])
        self.instance = aws.rds.Instance(
            f"{name}-db",
            identifier=identifier,
            engine="postgres",
            engine_version=pulumi.Output.from_input(values["engine_major_version"]).apply(str),
            allow_major_version_upgrade=False,
            auto_minor_version_upgrade=True,
            instance_class=values["instance_class"],
            allocated_storage=values["allocated_storage_gb"],
            max_allocated_storage=values["max_allocated_storage_gb"],
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=self.storage_key.arn,
            db_name=values["db_name"],
            username=values["master_username"],
            manage_master_user_password=True,
            master_user_secret_kms_key_id=self.secret_key.arn,
            port=values["port"],
            db_subnet_group_name=self.subnet_group.name,
            vpc_security_group_ids=[self.security_group.id],
            parameter_group_name=self.parameter_group.name,
            publicly_accessible=False,
            multi_az=values["multi_az"],
            iam_database_authentication_enabled=True,
            backup_retention_period=values["backup_retention_days"],
            copy_tags_to_snapshot=True,
            deletion_protection=protect,
            skip_final_snapshot=skip_final_snapshot,
            final_snapshot_identifier=None if skip_final_snapshot else final_snapshot_identifier(identifier),
            delete_automated_backups=not protect,
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            performance_insights_enabled=insights,
            performance_insights_kms_key_id=pulumi.Output.all(insights, self.storage_key.arn).apply(
                lambda v: v[1] if v[0] else None
            ),
            performance_insights_retention_period=insights.apply(lambda on: 7 if on else None),
            monitoring_interval=values["monitoring_interval_seconds"],
            monitoring_role_arn=self.monitoring_role.arn if self.monitoring_role is not None else None,
            tags=values["tags"],
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=protect,
                retain_on_delete=protect,
                depends_on=self.log_groups,
                # The snapshot name is fixed when the instance is created, so later updates keep it
                # and a re-created instance (after a deliberate destroy) gets a name of its own.
                ignore_changes=["finalSnapshotIdentifier"],
                # An unprotected (disposable) instance with a fixed identifier must go before its
                # replacement can take the name; a protected one is never replaced by `pulumi up`.
                delete_before_replace=not protect,
            ),
        )

    def _publish_outputs(self, app_username: pulumi.Input[str], context: AwsContext) -> None:
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
        self.app_username = pulumi.Output.from_input(app_username)
        self.iam_user_arn = pulumi.Output.all(
            context.partition, context.region, context.account_id, self.instance.resource_id, self.app_username
        ).apply(lambda v: f"arn:{v[0]}:rds-db:{v[1]}:{v[2]}:dbuser:{v[3]}/{v[4]}")
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
                "app_username": self.app_username,
                "iam_user_arn": self.iam_user_arn,
            }
        )


def final_snapshot_identifier(identifier: str, now: datetime | None = None) -> str:
    """Unique per creation: a second destroy of the same stack must not collide with the first's snapshot."""
    return f"{identifier}-final-{(now or datetime.now(UTC)):%Y%m%d%H%M%S}"


__all__ = ["PrivateDatabase", "PrivateDatabaseArgs", "final_snapshot_identifier", "instance_identifier"]
