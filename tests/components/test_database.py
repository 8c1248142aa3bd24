"""PrivateDatabase under Pulumi's mock engine: secure defaults, opt-outs and refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pulumi
import pytest

from secure_ecs.offline.graph import ResourceGraph
from secure_ecs_components.database import (
    PrivateDatabase,
    PrivateDatabaseArgs,
    final_snapshot_identifier,
    instance_identifier,
)
from secure_ecs_components.errors import ComponentArgumentError
from tests.offline import only as one
from tests.offline import run_offline

REGION = "us-east-1"
BASE_ARGS: PrivateDatabaseArgs = {"vpc_id": "vpc-0123", "subnet_ids": ["subnet-data-a", "subnet-data-b"]}




def build(**overrides: Any) -> ResourceGraph:
    args: dict[str, Any] = {**BASE_ARGS, **overrides}

    def program() -> None:
        database = PrivateDatabase("db", args)  # type: ignore[arg-type]
        pulumi.export("secret_arn", database.secret_arn)
        pulumi.export("iam_user_arn", database.iam_user_arn)
        pulumi.export("endpoint", database.endpoint)

    return run_offline(program)




def instance(graph: ResourceGraph) -> dict[str, Any]:
    return dict(one(graph, "aws:rds/instance:Instance").inputs)


def instance_outputs(graph: ResourceGraph) -> dict[str, Any]:
    return dict(one(graph, "aws:rds/instance:Instance").outputs)


@pytest.fixture(scope="module")
def prod_graph() -> ResourceGraph:
    return build()


@pytest.fixture(scope="module")
def dev_graph() -> ResourceGraph:
    return build(
        multi_az=False,
        protect_stateful=False,
        skip_final_snapshot=True,
        backup_retention_days=1,
        performance_insights=True,
        monitoring_interval_seconds=60,
    )


def test_component_type_token_and_child_names(prod_graph: ResourceGraph) -> None:
    component = one(prod_graph, "secure-ecs:index:PrivateDatabase")
    assert all(r.name.startswith("db-") for r in prod_graph if r.urn != component.urn)


def test_postgres_in_isolated_subnets_never_public(prod_graph: ResourceGraph) -> None:
    db = instance(prod_graph)
    assert db["engine"] == "postgres"
    assert db["engineVersion"] == "16"
    assert db["publiclyAccessible"] is False
    subnets = one(prod_graph, "aws:rds/subnetGroup:SubnetGroup")
    assert subnets.inputs["subnetIds"] == ["subnet-data-a", "subnet-data-b"]
    assert db["dbSubnetGroupName"] == subnets.outputs["name"]


def test_security_group_has_no_rules_of_its_own(prod_graph: ResourceGraph) -> None:
    group = one(prod_graph, "aws:ec2/securityGroup:SecurityGroup")
    assert "ingress" not in group.inputs and "egress" not in group.inputs
    assert not prod_graph.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert not prod_graph.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    assert instance(prod_graph)["vpcSecurityGroupIds"] == [group.id]


def test_storage_encrypted_with_own_key(prod_graph: ResourceGraph) -> None:
    db = instance(prod_graph)
    storage_key = next(k for k in prod_graph.of_type("aws:kms/key:Key") if k.name == "db-storage-key")
    assert db["storageEncrypted"] is True
    assert db["kmsKeyId"] == storage_key.outputs["arn"]
    assert storage_key.inputs["enableKeyRotation"] is True


def test_master_password_managed_in_secrets_manager_with_own_key(prod_graph: ResourceGraph) -> None:
    db = instance(prod_graph)
    secret_key = next(k for k in prod_graph.of_type("aws:kms/key:Key") if k.name == "db-secret-key")
    assert db["manageMasterUserPassword"] is True
    assert db["masterUserSecretKmsKeyId"] == secret_key.outputs["arn"]
    assert "password" not in db


def test_master_secret_for_admins_and_an_iam_user_for_the_application(prod_graph: ResourceGraph) -> None:
    assert prod_graph.stack_outputs["secret_arn"].startswith("arn:aws:secretsmanager:")
    resource_id = instance_outputs(prod_graph)["resourceId"]
    assert resource_id
    assert prod_graph.stack_outputs["iam_user_arn"] == f"arn:aws:rds-db:us-east-1:123456789012:dbuser:{resource_id}/app"


def test_application_user_must_differ_from_the_master_user() -> None:
    with pytest.raises(ComponentArgumentError, match="app_username"):
        build(app_username="app_admin")


def test_slow_statements_are_logged(prod_graph: ResourceGraph) -> None:
    group = one(prod_graph, "aws:rds/parameterGroup:ParameterGroup")
    assert {"name": "log_min_duration_statement", "value": "1000", "applyMethod": "immediate"} in group.inputs[
        "parameters"
    ]


def test_parameter_group_forces_tls(prod_graph: ResourceGraph) -> None:
    group = one(prod_graph, "aws:rds/parameterGroup:ParameterGroup")
    assert group.inputs["family"] == "postgres16"
    assert {"name": "rds.force_ssl", "value": "1", "applyMethod": "pending-reboot"} in group.inputs["parameters"]
    assert instance(prod_graph)["parameterGroupName"] == group.outputs["name"]


def test_iam_auth_backups_and_maintenance_defaults(prod_graph: ResourceGraph) -> None:
    db = instance(prod_graph)
    assert db["iamDatabaseAuthenticationEnabled"] is True
    assert db["backupRetentionPeriod"] == 7
    assert db["autoMinorVersionUpgrade"] is True
    assert db["copyTagsToSnapshot"] is True
    assert db["multiAz"] is True
    assert db["enabledCloudwatchLogsExports"] == ["postgresql", "upgrade"]


def test_exported_logs_land_in_encrypted_groups_created_first(prod_graph: ResourceGraph) -> None:
    identifier = instance(prod_graph)["identifier"]
    groups = prod_graph.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert sorted(g.inputs["name"] for g in groups) == [
        f"/aws/rds/instance/{identifier}/postgresql",
        f"/aws/rds/instance/{identifier}/upgrade",
    ]
    assert all(g.inputs["kmsKeyId"].startswith("arn:aws:kms:") and g.inputs["retentionInDays"] == 30 for g in groups)
    db = one(prod_graph, "aws:rds/instance:Instance")
    assert {g.urn for g in groups} <= set(db.dependencies)


def test_deletion_protection_and_final_snapshot_by_default(prod_graph: ResourceGraph) -> None:
    db = instance(prod_graph)
    assert db["deletionProtection"] is True
    assert db["skipFinalSnapshot"] is False
    assert db["finalSnapshotIdentifier"].startswith("secure-ecs-test-db-final-")
    assert db["deleteAutomatedBackups"] is False


def test_final_snapshot_name_is_fixed_at_creation_and_unique_per_creation(prod_graph: ResourceGraph) -> None:
    # A second destroy of the same stack must not collide with the first one's snapshot.
    first = final_snapshot_identifier("db-test", datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC))
    second = final_snapshot_identifier("db-test", datetime(2026, 12, 1, 9, 0, 1, tzinfo=UTC))
    assert first == "db-test-final-20261201090000" and first != second
    assert "finalSnapshotIdentifier" in one(prod_graph, "aws:rds/instance:Instance").options.ignore_changes


def test_storage_autoscaling_is_off_unless_asked_for(prod_graph: ResourceGraph) -> None:
    assert "maxAllocatedStorage" not in instance(prod_graph)
    assert instance(build(max_allocated_storage_gb=50))["maxAllocatedStorage"] == 50
    with pytest.raises(ComponentArgumentError, match="max_allocated_storage_gb"):
        build(allocated_storage_gb=50, max_allocated_storage_gb=50)


def test_protected_database_survives_pulumi_destroy(prod_graph: ResourceGraph) -> None:
    kept = (
        "aws:rds/instance:Instance",
        "aws:kms/key:Key",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:rds/subnetGroup:SubnetGroup",
        "aws:rds/parameterGroup:ParameterGroup",
        "aws:ec2/securityGroup:SecurityGroup",
    )
    for token in kept:
        assert prod_graph.of_type(token)
        assert all(r.options.retain_on_delete for r in prod_graph.of_type(token)), token
    # retain-on-delete alone lets `pulumi destroy` delete everything around the data first.
    for token in ("aws:rds/instance:Instance", "aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"):
        assert all(r.options.protect for r in prod_graph.of_type(token)), token


def test_dev_opt_outs(dev_graph: ResourceGraph) -> None:
    db = instance(dev_graph)
    assert db["multiAz"] is False
    assert db["deletionProtection"] is False
    assert db["skipFinalSnapshot"] is True
    assert "finalSnapshotIdentifier" not in db
    assert db["backupRetentionPeriod"] == 1
    assert not any(r.options.retain_on_delete or r.options.protect for r in dev_graph)


def test_unprotected_database_skips_the_final_snapshot_by_default() -> None:
    graph = build(protect_stateful=False)
    db = instance(graph)
    assert db["skipFinalSnapshot"] is True
    assert "finalSnapshotIdentifier" not in db
    # Its fixed identifier must be free before a replacement can take it.
    assert one(graph, "aws:rds/instance:Instance").options.delete_before_replace is True


def test_performance_insights_and_enhanced_monitoring_opt_in(dev_graph: ResourceGraph) -> None:
    db = instance(dev_graph)
    assert db["performanceInsightsEnabled"] is True
    assert db["performanceInsightsKmsKeyId"].startswith("arn:aws:kms:")
    assert db["monitoringInterval"] == 60
    role = one(dev_graph, "aws:iam/role:Role")
    assert db["monitoringRoleArn"] == role.outputs["arn"]
    assert "monitoring.rds.amazonaws.com" in role.inputs["assumeRolePolicy"]
    assert (
        one(dev_graph, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .inputs["policyArn"]
        .endswith("service-role/AmazonRDSEnhancedMonitoringRole")
    )


def test_monitoring_off_by_default(prod_graph: ResourceGraph) -> None:
    assert instance(prod_graph)["monitoringInterval"] == 0
    assert not prod_graph.of_type("aws:iam/role:Role")


@pytest.mark.parametrize(
    ("name", "stack", "project", "expected"),
    [
        ("db", "prod", "shop", "shop-prod-db"),
        ("App_DB", "dev.eu", "Shop", "shop-dev-eu-app-db"),
        ("db", "x", "9lives", "db-9lives-x-db"),
    ],
)
def test_instance_identifier_is_valid_and_names_the_project(name: str, stack: str, project: str, expected: str) -> None:
    assert instance_identifier(name, stack, project) == expected


def test_long_instance_identifiers_stay_unique_per_stack() -> None:
    # Truncation must not drop what tells two stacks apart: a hash of the whole name is kept.
    first, second = (instance_identifier("database", f"{'x' * 60}-{stack}", "shop") for stack in ("a", "b"))
    assert len(first) == 63 and len(second) == 63 and first != second


REFUSALS: list[tuple[dict[str, Any], str]] = [
    ({"backup_retention_days": 0}, "backup_retention_days"),
    ({"backup_retention_days": 36}, "backup_retention_days"),
    ({"skip_final_snapshot": True}, "skip_final_snapshot"),
    ({"protect_stateful": "no"}, "protect_stateful"),
    ({"max_allocated_storage_gb": 10}, "max_allocated_storage_gb"),
    ({"allocated_storage_gb": 50, "max_allocated_storage_gb": 40}, "max_allocated_storage_gb"),
    ({"master_username": "postgres"}, "master_username"),
    ({"db_name": "my-app"}, "db_name"),
    ({"monitoring_interval_seconds": 7}, "monitoring_interval_seconds"),
    ({"instance_class": "t4g.micro"}, "instance_class"),
    ({"engine_major_version": 11}, "engine_major_version"),
    ({"app_username": "app_admin"}, "app_username"),
    ({"log_retention_days": 4}, "log_retention_days"),
]


@pytest.mark.parametrize(("overrides", "argument"), REFUSALS, ids=[f"{a}-{i}" for i, (_, a) in enumerate(REFUSALS)])
def test_refuses_unsafe_or_contradictory_arguments(overrides: dict[str, Any], argument: str) -> None:
    with pytest.raises(ComponentArgumentError) as refused:
        build(**overrides)
    assert refused.value.argument == argument
    assert str(refused.value).startswith(f"PrivateDatabase 'db': argument `{argument}`")
