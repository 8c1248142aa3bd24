"""Per-policy cases: a resource to flag, a near miss to pass, the property left out, the value unknown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from secure_ecs_policies import tokens
from tests.policies.builders import UNKNOWN, container_definitions, secure_container


@dataclass(frozen=True)
class ResourceCase:
    policy: str
    type_token: str
    flagged: Mapping[str, Any]
    near_miss: Mapping[str, Any]
    missing: Mapping[str, Any]
    """The checked property absent: the provider default decides."""
    missing_is_flagged: bool
    unknown: Mapping[str, Any]
    extra_flagged: tuple[Mapping[str, Any], ...] = field(default=())
    extra_passing: tuple[Mapping[str, Any], ...] = field(default=())


def _task(**container: Any) -> dict[str, Any]:
    return {
        "family": "app",
        "networkMode": "awsvpc",
        "containerDefinitions": container_definitions(secure_container(**container)),
    }


_NETWORK = {"subnets": ["subnet-1"], "securityGroups": ["sg-1"]}
_REDIRECT = {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
_FORWARD = {"type": "forward", "targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/tg/1"}
_ALL_BLOCKED = dict.fromkeys(
    ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), True
)


def _flag_case(
    policy: str, type_token: str, prop: str, *, good: Any, bad: Any, missing_is_flagged: bool
) -> ResourceCase:
    """A policy about one scalar property: bad value, good value, unset, unknown."""
    return ResourceCase(policy, type_token, {prop: bad}, {prop: good}, {}, missing_is_flagged, {prop: UNKNOWN})


RESOURCE_CASES: tuple[ResourceCase, ...] = (
    ResourceCase(
        "ecs-service-no-public-ip",
        tokens.ECS_SERVICE,
        flagged={"networkConfiguration": {**_NETWORK, "assignPublicIp": True}},
        near_miss={"networkConfiguration": {**_NETWORK, "assignPublicIp": False}},
        missing={"networkConfiguration": _NETWORK},
        missing_is_flagged=False,
        unknown={"networkConfiguration": {**_NETWORK, "assignPublicIp": UNKNOWN}},
        extra_passing=({"networkConfiguration": UNKNOWN},),
    ),
    ResourceCase(
        "ecs-task-not-privileged",
        tokens.ECS_TASK_DEFINITION,
        flagged=_task(privileged=True),
        near_miss=_task(privileged=False),
        missing=_task(privileged=None),
        missing_is_flagged=False,
        unknown={"containerDefinitions": UNKNOWN},
        extra_flagged=({"containerDefinitions": "[{not json"},),
    ),
    ResourceCase(
        "ecs-task-read-only-root-filesystem",
        tokens.ECS_TASK_DEFINITION,
        flagged=_task(readonlyRootFilesystem=False),
        near_miss=_task(readonlyRootFilesystem=True),
        missing=_task(readonlyRootFilesystem=None),
        missing_is_flagged=True,
        unknown={"containerDefinitions": UNKNOWN},
    ),
    ResourceCase(
        "ecs-task-no-secrets-in-environment",
        tokens.ECS_TASK_DEFINITION,
        flagged=_task(environment=[{"name": "DB_PASSWORD", "value": "hunter2"}]),
        near_miss=_task(environment=[{"name": "DB_HOST", "value": "db.internal"}]),
        missing=_task(environment=None),
        missing_is_flagged=False,
        unknown={"containerDefinitions": UNKNOWN},
        extra_flagged=(
            _task(environment=[{"name": "AWS_KEY", "value": "AKIAABCDEFGHIJKLMNOP"}]),
            _task(environment=[{"name": "DB", "value": "postgres://app:pw@db:5432/app"}]),
        ),
    ),
    ResourceCase(
        "ecs-task-logging",
        tokens.ECS_TASK_DEFINITION,
        flagged=_task(logConfiguration={"options": {}}),
        near_miss=_task(logConfiguration={"logDriver": "awslogs"}),
        missing=_task(logConfiguration=None),
        missing_is_flagged=True,
        unknown={"containerDefinitions": UNKNOWN},
    ),
    ResourceCase(
        "subnet-no-public-ip",
        tokens.SUBNET,
        flagged={"mapPublicIpOnLaunch": True, "tags": {"Name": "app"}},
        near_miss={"mapPublicIpOnLaunch": True, "tags": {"secure-ecs:tier": "public"}},
        missing={"cidrBlock": "10.0.0.0/24"},
        missing_is_flagged=False,
        unknown={"mapPublicIpOnLaunch": UNKNOWN},
        extra_passing=({"mapPublicIpOnLaunch": False},),
    ),
    _flag_case(
        "ec2-instance-no-public-ip",
        tokens.EC2_INSTANCE,
        "associatePublicIpAddress",
        good=False,
        bad=True,
        missing_is_flagged=False,
    ),
    ResourceCase(
        "launch-template-no-public-ip",
        tokens.LAUNCH_TEMPLATE,
        flagged={"networkInterfaces": [{"associatePublicIpAddress": "true"}]},
        near_miss={"networkInterfaces": [{"associatePublicIpAddress": "false"}]},
        missing={"networkInterfaces": [{"deviceIndex": 0}]},
        missing_is_flagged=False,
        unknown={"networkInterfaces": [{"associatePublicIpAddress": UNKNOWN}]},
    ),
    _flag_case(
        "ecr-immutable-tags",
        tokens.ECR_REPOSITORY,
        "imageTagMutability",
        good="IMMUTABLE",
        bad="MUTABLE",
        missing_is_flagged=True,
    ),
    ResourceCase(
        "ecr-kms-encryption",
        tokens.ECR_REPOSITORY,
        flagged={"encryptionConfigurations": [{"encryptionType": "AES256"}]},
        near_miss={"encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": "arn:aws:kms:k"}]},
        missing={},
        missing_is_flagged=True,
        unknown={"encryptionConfigurations": [{"encryptionType": UNKNOWN}]},
    ),
    _flag_case(
        "alb-drop-invalid-headers",
        tokens.LOAD_BALANCERS[0],
        "dropInvalidHeaderFields",
        good=True,
        bad=False,
        missing_is_flagged=True,
    ),
    _flag_case(
        "alb-drop-invalid-headers",
        tokens.LOAD_BALANCERS[1],
        "dropInvalidHeaderFields",
        good=True,
        bad=False,
        missing_is_flagged=True,
    ),
    _flag_case(
        "alb-desync-mitigation",
        tokens.LOAD_BALANCERS[0],
        "desyncMitigationMode",
        good="strictest",
        bad="defensive",
        missing_is_flagged=True,
    ),
    _flag_case(
        "alb-deletion-protection",
        tokens.LOAD_BALANCERS[1],
        "enableDeletionProtection",
        good=True,
        bad=False,
        missing_is_flagged=True,
    ),
    ResourceCase(
        "alb-access-logs",
        tokens.LOAD_BALANCERS[0],
        flagged={"accessLogs": {"bucket": "logs", "enabled": False}},
        near_miss={"accessLogs": {"bucket": "logs", "enabled": True}},
        missing={"accessLogs": {"bucket": "logs"}},
        missing_is_flagged=True,
        unknown={"accessLogs": UNKNOWN},
    ),
    ResourceCase(
        "listener-tls-policy",
        tokens.LISTENERS[0],
        flagged={"protocol": "HTTPS", "port": 443, "sslPolicy": "ELBSecurityPolicy-2016-08"},
        near_miss={"protocol": "HTTPS", "port": 443, "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"},
        missing={"protocol": "HTTPS", "port": 443},
        missing_is_flagged=True,
        unknown={"protocol": "HTTPS", "sslPolicy": UNKNOWN},
        extra_flagged=({"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-0-2021-06"},),
        extra_passing=({"protocol": "HTTP", "defaultActions": [_REDIRECT]},),
    ),
    ResourceCase(
        "listener-http-redirects-to-https",
        tokens.LISTENERS[1],
        flagged={"protocol": "HTTP", "port": 80, "defaultActions": [_FORWARD]},
        near_miss={"protocol": "HTTP", "port": 80, "defaultActions": [_REDIRECT]},
        missing={"port": 80, "defaultActions": [_FORWARD]},
        missing_is_flagged=True,
        unknown={"protocol": "HTTP", "defaultActions": UNKNOWN},
        extra_flagged=({"protocol": "HTTP", "defaultActions": [{"type": "redirect", "redirect": {"port": "8080"}}]},),
    ),
    _flag_case("log-group-retention", tokens.LOG_GROUP, "retentionInDays", good=90, bad=30, missing_is_flagged=True),
    _flag_case(
        "log-group-kms",
        tokens.LOG_GROUP,
        "kmsKeyId",
        good="arn:aws:kms:eu-west-1:1:key/k",
        bad="",
        missing_is_flagged=True,
    ),
    _flag_case(
        "rds-not-public", tokens.RDS_INSTANCE, "publiclyAccessible", good=False, bad=True, missing_is_flagged=False
    ),
    _flag_case(
        "rds-storage-encrypted", tokens.RDS_INSTANCE, "storageEncrypted", good=True, bad=False, missing_is_flagged=True
    ),
    _flag_case(
        "rds-backup-retention", tokens.RDS_INSTANCE, "backupRetentionPeriod", good=7, bad=0, missing_is_flagged=True
    ),
    _flag_case(
        "rds-deletion-protection",
        tokens.RDS_INSTANCE,
        "deletionProtection",
        good=True,
        bad=False,
        missing_is_flagged=True,
    ),
    _flag_case("rds-multi-az", tokens.RDS_INSTANCE, "multiAz", good=True, bad=False, missing_is_flagged=True),
    ResourceCase(
        "kms-key-rotation",
        tokens.KMS_KEY,
        flagged={"enableKeyRotation": False},
        near_miss={"enableKeyRotation": True},
        missing={"description": "k"},
        missing_is_flagged=True,
        unknown={"enableKeyRotation": UNKNOWN},
        extra_passing=({"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"},),
    ),
    ResourceCase(
        "s3-public-access-block",
        tokens.S3_PUBLIC_ACCESS_BLOCK,
        flagged={**_ALL_BLOCKED, "restrictPublicBuckets": False},
        near_miss=_ALL_BLOCKED,
        missing={"bucket": "logs"},
        missing_is_flagged=True,
        unknown=dict.fromkeys(_ALL_BLOCKED, UNKNOWN),
    ),
)
