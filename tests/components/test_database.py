"""PrivateDatabase under Pulumi's mock engine: secure defaults, opt-outs and refusals."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from components.database import PrivateDatabase, PrivateDatabaseArgs, instance_identifier
from components.errors import ComponentArgumentError
from secure_ecs.offline.graph import ResourceGraph
from tests.offline import only as one
from tests.offline import run_offline

REGION = "us-east-1"
BASE_ARGS: PrivateDatabaseArgs = {"vpc_id": "vpc-0123", "subnet_ids": ["subnet-data-a", "subnet-data-b"]}




def build(**overrides: Any) -> ResourceGraph:
    args: dict[str, Any] = {**BASE_ARGS, **overrides}

    def program() -> None:
        database = PrivateDatabase("db", args)  # type: ignore[arg-type]
        pulumi.export("secret_arn", database.secret_arn)
        pulumi.export("references", database.secret_references())
        pulumi.export("endpoint", database.endpoint)

    return run_offline(program)




def instance(graph: ResourceGraph) -> dict[str, Any]:
    return dict(one(graph, "aws:rds/instance:Instance").inputs)


@pytest.fixture(scope="module")
def prod_graph() -> ResourceGraph:
    return build()


@pytest.fixture(scope="module")
def dev_graph() -> ResourceGraph:
    return build(
        multi_az=False,
        deletion_protection=False,
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


def test_secret_arn_output_and_service_references(prod_graph: ResourceGraph) -> None:
    secret_arn = prod_graph.stack_outputs["secret_arn"]
    assert secret_arn.startswith("arn:aws:secretsmanager:")
    references = {r["name"]: r["value_from"] for r in prod_graph.stack_outputs["references"]}
    assert references == {"DB_USERNAME": f"{secret_arn}:username::", "DB_PASSWORD": f"{secret_arn}:password::"}


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
    assert db["finalSnapshotIdentifier"] == "db-test-final"
    assert db["deleteAutomatedBackups"] is False


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


def test_dev_opt_outs(dev_graph: ResourceGraph) -> None:
    db = instance(dev_graph)
    assert db["multiAz"] is False
    assert db["deletionProtection"] is False
    assert db["skipFinalSnapshot"] is True
    assert "finalSnapshotIdentifier" not in db
    assert db["backupRetentionPeriod"] == 1
    assert not any(r.options.retain_on_delete for r in dev_graph)


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
    ("name", "stack", "expected"),
    [("db", "prod", "db-prod"), ("App_DB", "dev.eu", "app-db-dev-eu"), ("9db", "x", "db-9db-x")],
)
def test_instance_identifier_is_valid(name: str, stack: str, expected: str) -> None:
    assert instance_identifier(name, stack) == expected


REFUSALS: list[tuple[dict[str, Any], str]] = [
    ({"backup_retention_days": 0}, "backup_retention_days"),
    ({"backup_retention_days": 36}, "backup_retention_days"),
    ({"skip_final_snapshot": True}, "skip_final_snapshot"),
    ({"deletion_protection": "no"}, "deletion_protection"),
    ({"max_allocated_storage_gb": 10}, "max_allocated_storage_gb"),
    ({"allocated_storage_gb": 50, "max_allocated_storage_gb": 40}, "max_allocated_storage_gb"),
    ({"master_username": "postgres"}, "master_username"),
    ({"db_name": "my-app"}, "db_name"),
    ({"monitoring_interval_seconds": 7}, "monitoring_interval_seconds"),
    ({"instance_class": "t4g.micro"}, "instance_class"),
    ({"engine_major_version": 11}, "engine_major_version"),
    ({"log_retention_days": 4}, "log_retention_days"),
]


@pytest.mark.parametrize(("overrides", "argument"), REFUSALS, ids=[f"{a}-{i}" for i, (_, a) in enumerate(REFUSALS)])
def test_refuses_unsafe_or_contradictory_arguments(overrides: dict[str, Any], argument: str) -> None:
    with pytest.raises(ComponentArgumentError) as refused:
        build(**overrides)
    assert refused.value.argument == argument
    assert str(refused.value).startswith("PrivateDatabase: argument")
