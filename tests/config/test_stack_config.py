"""Every config rule: a valid stack passes; each bad value ends in one message naming key, value and fix."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from secure_ecs.config import StackConfigError, validate_stack_config
from tests.paths import REPO_ROOT

MINIMAL: dict[str, Any] = {
    "service": {"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:" + "a" * 64},
    "alb": {"allowHttpOnly": True},
}


def with_value(path: str, value: Any) -> dict[str, Any]:
    config = copy.deepcopy(MINIMAL)
    *parents, leaf = path.split(".")
    node = config
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value
    return config


def problems_for(config: dict[str, Any]) -> list[str]:
    with pytest.raises(StackConfigError) as caught:
        validate_stack_config(config)
    return caught.value.problems


def test_minimal_config_takes_secure_defaults() -> None:
    config = validate_stack_config(MINIMAL)
    assert config.network.egress == "none"
    assert config.network.availability_zone_count == 2
    assert config.alb.waf.enabled
    assert config.alb.health_check_path == "/api/health"
    assert config.service.enable_execute_command is False
    assert config.database is None


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_stack_files_are_valid(stack: str) -> None:
    raw = yaml.safe_load((REPO_ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]
    values = {key.split(":", 1)[1]: value for key, value in raw.items() if key.startswith("secure-ecs:")}
    validate_stack_config(values)


BAD_VALUES = [
    # (key path, bad value, words the message must contain)
    ("network.cidrBlock", "8.8.0.0/16", ["secure-ecs:network.cidrBlock", "8.8.0.0/16", "private range"]),
    ("network.cidrBlock", "10.0.0.0/33", ["secure-ecs:network.cidrBlock", "not an IPv4 network"]),
    ("network.cidrBlock", "10.0.0.1/16", ["secure-ecs:network.cidrBlock", "host bits"]),
    ("network.cidrBlock", "10.0.0.0/8", ["secure-ecs:network.cidrBlock", "/16 to /28"]),
    ("network.cidrBlock", "10.0.0.0/20", ["secure-ecs:network.cidrBlock", "need", "or larger range"]),
    ("network.cidrBlock", 10, ["secure-ecs:network.cidrBlock", "valid string"]),
    ("network.availabilityZoneCount", 1, ["secure-ecs:network.availabilityZoneCount", "greater than or equal to 2"]),
    ("network.availabilityZoneCount", 7, ["secure-ecs:network.availabilityZoneCount", "less than or equal to 6"]),
    ("network.availabilityZoneCount", "2", ["secure-ecs:network.availabilityZoneCount", "valid integer"]),
    ("network.egress", "internet", ["secure-ecs:network.egress", "'none'", "'nat-single'"]),
    ("network.flowLogRetentionDays", 10, ["secure-ecs:network.flowLogRetentionDays", "365"]),
    ("network.subnetPrefixes", {"private": 12}, ["secure-ecs:network.subnetPrefixes.private", "16"]),
    ("network.publicIps", True, ["secure-ecs:network.publicIps", "not a known setting", "availabilityZoneCount"]),
    ("endpoints.extraServices", ["ec2"], ["secure-ecs:endpoints.extraServices", "ec2 not offered", "secretsmanager"]),
    ("endpoints.extraServices", ["kms", "kms"], ["secure-ecs:endpoints.extraServices", "list each service once"]),
    (
        "endpoints.availabilityZoneCount",
        3,
        ["endpoints.availabilityZoneCount 3 exceeds network.availabilityZoneCount 2"],
    ),
    ("service.dockerContext", "app", ["secure-ecs:service", "exactly one of `image`"]),
    ("service.cpu", 300, ["secure-ecs:service.cpu", "256, 512"]),
    ("service.memory", 4096, ["secure-ecs:service.memory = 4096", "with cpu 256", "512, 1024 or 2048"]),
    ("service.containerPort", 0, ["secure-ecs:service.containerPort"]),
    ("service.enableExecuteCommand", True, ["needs a writable root filesystem", "`readonlyRootFilesystem` false"]),
    ("service.environment", {"DB_PASSWORD": "hunter2"}, ["DB_PASSWORD", "pass it in `secrets`"]),
    ("service.environment", {"DATABASE_URL": "postgres://u:p@h/db"}, ["DATABASE_URL", "secrets"]),
    ("service.secrets", {"API_KEY": "plaintext"}, ["secure-ecs:service.secrets: API_KEY", "use the full ARN"]),
    ("service.autoscaling", {"minCount": 3, "maxCount": 4}, ["secure-ecs:service.desiredCount = 2", "minCount 3"]),
    ("service.autoscaling", {"minCount": 1}, ["secure-ecs:service.autoscaling.maxCount is required"]),
    (
        "alb.certificateArn",
        "arn:aws:acm:us-east-1:1:certificate/x",
        ["secure-ecs:alb.allowHttpOnly", "drop `allowHttpOnly`"],
    ),
    ("alb.allowHttpOnly", False, ["secure-ecs:alb.certificateArn", "or set `allowHttpOnly`"]),
    # An IAM server certificate passed the old config and failed in the component; now both refuse it alike.
    (
        "alb.certificateArn",
        "arn:aws:iam::123456789012:server-certificate/site",
        ["secure-ecs:alb.certificateArn", "ARN of an ACM certificate"],
    ),
    ("alb.waf", {"rateLimit": 2000, "logRetentionDays": 10}, ["secure-ecs:alb.waf.logRetentionDays"]),
    ("service.autoscaling", {"minCount": 1, "maxCount": 4, "cpuTargetPercent": 0}, ["cpuTargetPercent"]),
    ("alb.ingressCidrs", [], ["secure-ecs:alb.ingressCidrs", "non-empty list"]),
    ("alb.ingressCidrs", ["0.0.0.0/33"], ["'0.0.0.0/33' is not an IPv4 CIDR range"]),
    ("alb.ingressCidrs", ["::/0"], ["'::/0' is not an IPv4 CIDR range"]),
    ("service.image", "docker.io/library/nginx:1.27", ["outside ECR", "network.egress none", "sha256:"]),
    ("alb.healthCheckPath", "health", ["secure-ecs:alb.healthCheckPath", "absolute URL path"]),
    ("alb.waf", {"rateLimit": 5}, ["secure-ecs:alb.waf.rateLimit", "greater than or equal to 10"]),
    ("database", {"backupRetentionDays": 0}, ["secure-ecs:database.backupRetentionDays"]),
    (
        "database",
        {"allocatedStorageGb": 100, "maxAllocatedStorageGb": 50},
        ["secure-ecs:database.maxAllocatedStorageGb = 50", "more than `allocatedStorageGb` (100)"],
    ),
    ("database", {"instanceClass": "t3.micro"}, ["secure-ecs:database.instanceClass", "RDS instance class"]),
    ("database", {"dbName": "1app"}, ["secure-ecs:database.dbName"]),
    ("protectStateful", "yes", ["secure-ecs:protectStateful", "valid boolean"]),
    ("tags", {"env": 1}, ["secure-ecs:tags.env", "valid string"]),
    ("servise", {}, ["secure-ecs:servise", "not a known setting", "service"]),
    ("database", "", ["secure-ecs:database must be a mapping of settings", "not an empty value"]),
    ("network", "10.0.0.0/16", ["secure-ecs:network must be a mapping of settings", "not \"10.0.0.0/16\""]),
    ("network.cidrBlock", "10.0.0.0/28", ["secure-ecs:network.cidrBlock", "smaller than one /24 public subnet"]),
]


@pytest.mark.parametrize(("path", "value", "expected"), BAD_VALUES, ids=[f"{p}={v!r}" for p, v, _ in BAD_VALUES])
def test_bad_value_names_key_value_and_fix(path: str, value: Any, expected: list[str]) -> None:
    message = str(StackConfigError(problems_for(with_value(path, value))))
    for words in expected:
        assert words in message, message
    assert "nothing was created" in message


def test_overlapping_explicit_subnets_are_refused() -> None:
    subnets = {
        "public": ["10.0.0.0/24", "10.0.1.0/24"],
        "private": ["10.0.16.0/20", "10.0.1.128/25"],
        "data": ["10.0.40.0/24", "10.0.41.0/24"],
    }
    (problem,) = problems_for(with_value("network.subnetCidrs", subnets))
    assert "secure-ecs:network.subnetCidrs.private" in problem
    assert "'10.0.1.128/25' overlaps '10.0.1.0/24'" in problem


def test_explicit_subnets_outside_the_vpc_are_refused() -> None:
    subnets = {"public": ["10.1.0.0/24", "10.0.1.0/24"], "private": ["10.0.16.0/20"] * 2, "data": ["10.0.40.0/24"] * 2}
    (problem,) = problems_for(with_value("network.subnetCidrs", subnets))
    assert "'10.1.0.0/24' is not inside the VPC range 10.0.0.0/16" in problem


def test_explicit_subnets_need_one_range_per_az() -> None:
    subnets = {"public": ["10.0.0.0/24"], "private": ["10.0.16.0/20"], "data": ["10.0.40.0/24"]}
    (problem,) = problems_for(with_value("network.subnetCidrs", subnets))
    assert "lists 1 ranges but availabilityZoneCount is 2" in problem


def test_every_problem_is_reported_at_once() -> None:
    config = with_value("network.availabilityZoneCount", 9)
    config["service"]["cpu"] = 3
    problems = problems_for(config)
    assert any("network.availabilityZoneCount" in p for p in problems)
    assert any("service.cpu" in p for p in problems)


def test_missing_required_sections_are_named() -> None:
    problems = problems_for({})
    assert "secure-ecs:service is required but not set" in problems
    assert "secure-ecs:alb is required but not set" in problems


@pytest.mark.parametrize(
    ("service", "database", "expected"),
    [
        ({}, None, []),
        ({}, {}, ["secretsmanager"]),
        ({"secrets": {"API": "arn:aws:secretsmanager:us-east-1:123456789012:secret:api"}}, None, ["secretsmanager"]),
        ({"secrets": {"FLAG": "arn:aws:ssm:us-east-1:123456789012:parameter/flag"}}, None, ["ssm"]),
        ({"enableExecuteCommand": True, "readonlyRootFilesystem": False}, None, ["ssmmessages", "kms"]),
    ],
)
def test_implied_endpoints_follow_secret_stores_and_exec(
    service: dict[str, Any], database: dict[str, Any] | None, expected: list[str]
) -> None:
    values: dict[str, Any] = {**MINIMAL, "service": {**MINIMAL["service"], **service}}
    if database is not None:
        values["database"] = database
    assert validate_stack_config(values).interface_endpoint_services() == expected


def test_extra_endpoints_come_first_and_are_not_repeated() -> None:
    values = {**MINIMAL, "database": {}, "endpoints": {"extraServices": ["secretsmanager", "sts"]}}
    assert validate_stack_config(values).interface_endpoint_services() == ["secretsmanager", "sts"]


def test_images_outside_ecr_are_fine_when_tasks_have_egress() -> None:
    values = {**with_value("service.image", "docker.io/library/nginx:1.27"), "network": {"egress": "nat-single"}}
    assert validate_stack_config(values).service.image == "docker.io/library/nginx:1.27"
