"""Per-policy cases: a resource to flag, a near miss to pass, the property left out, the value unknown."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from secure_ecs_facts import tokens
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
    unknown_is_noted: bool = True
    """Whether the unknown value comes back as an advisory "not checked: unknown until deploy" note."""


def _task(**container: Any) -> dict[str, Any]:
    return {
        "family": "app",
        "networkMode": "awsvpc",
        "containerDefinitions": container_definitions(secure_container(**container)),
    }


_NETWORK = {"subnets": ["subnet-1"], "securityGroups": ["sg-1"]}
_REDIRECT = {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
_FORWARD = {"type": "forward", "targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/tg/1"}


def _document(*statements: Mapping[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(principal: Any, actions: Any, condition: Mapping[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": actions, **extra}
    if principal is not None:
        statement["Principal"] = principal
    if condition:
        statement["Condition"] = condition
    return statement


_PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
_ORG_ONLY = {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}
_ALL_BLOCKED = dict.fromkeys(
    ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), True
)


def _flag_case(
    policy: str,
    type_token: str,
    prop: str,
    *,
    good: Any,
    bad: Any,
    missing_is_flagged: bool,
    unknown_is_noted: bool = True,
) -> ResourceCase:
    """A policy about one scalar property: bad value, good value, unset, unknown."""
    return ResourceCase(
        policy,
        type_token,
        {prop: bad},
        {prop: good},
        {},
        missing_is_flagged,
        {prop: UNKNOWN},
        unknown_is_noted=unknown_is_noted,
    )


RESOURCE_CASES: tuple[ResourceCase, ...] = (
    ResourceCase(
        "ecs-service-no-public-ip",
        tokens.ECS_SERVICE,
        flagged={"networkConfiguration": {**_NETWORK, "assignPublicIp": True}},
        near_miss={"networkConfiguration": {**_NETWORK, "assignPublicIp": False}},
        missing={"networkConfiguration": _NETWORK},
        missing_is_flagged=False,
        unknown={"networkConfiguration": {**_NETWORK, "assignPublicIp": UNKNOWN}},
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
            *(
                _task(environment=[{"name": name, "value": "hunter2"}])
                for name in ("REDIS_PWD", "DB_PASS", "PGPASSWORD", "GITHUB_PAT", "STRIPE_KEY")
            ),
            _task(command=["redis-server", "--requirepass", "hunter2"]),
            _task(entryPoint=["sh", "-c", "PGPASSWORD=hunter2 psql -h db"]),
            _task(command=["app", "--api-token=abc123"]),
        ),
        extra_passing=(
            _task(environment=[{"name": "PWD", "value": "/srv"}, {"name": "SORT_KEY", "value": "id"}]),
            _task(command=["sh", "-c", 'redis-server --requirepass "$REDIS_PASSWORD"']),
            _task(command=["redis-server", "--appendonly", "yes"]),
        ),
    ),
    ResourceCase(
        "ecs-task-no-host-namespaces",
        tokens.ECS_TASK_DEFINITION,
        flagged={**_task(), "pidMode": "host"},
        near_miss={**_task(), "pidMode": "task", "ipcMode": "task"},
        missing=_task(),
        missing_is_flagged=False,
        unknown={**_task(), "ipcMode": UNKNOWN},
        extra_flagged=({**_task(), "ipcMode": "host"},),
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
    ResourceCase(
        "ec2-instance-no-public-ip",
        tokens.EC2_INSTANCE,
        flagged={"associatePublicIpAddress": True, "subnetId": "subnet-1"},
        near_miss={"associatePublicIpAddress": False},
        # No subnet: a default subnet of the default VPC, which maps public IPs.
        missing={"instanceType": "t3.micro"},
        missing_is_flagged=True,
        unknown={"associatePublicIpAddress": UNKNOWN},
        extra_passing=(
            {"subnetId": "subnet-1"},
            {"networkInterfaces": [{"networkInterfaceId": "eni-1"}]},
            {"launchTemplate": {"id": "lt-1"}},
        ),
    ),
    ResourceCase(
        "launch-configuration-no-public-ip",
        tokens.LAUNCH_CONFIGURATION,
        flagged={"associatePublicIpAddress": True, "instanceType": "t3.micro"},
        near_miss={"associatePublicIpAddress": False, "instanceType": "t3.micro"},
        missing={"instanceType": "t3.micro"},
        missing_is_flagged=False,
        unknown={"associatePublicIpAddress": UNKNOWN},
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
        # Network load balancers write access logs for TLS listeners only; ELB.5 covers ALBs.
        extra_passing=({"loadBalancerType": "network"}, {"loadBalancerType": "network", "accessLogs": {}}),
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
        unknown_is_noted=False,
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
    _flag_case(
        "rds-iam-authentication",
        tokens.RDS_INSTANCE,
        "iamDatabaseAuthenticationEnabled",
        good=True,
        bad=False,
        missing_is_flagged=True,
    ),
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
    ResourceCase(
        "ecr-repository-policy-not-public",
        tokens.ECR_REPOSITORY_POLICY,
        flagged={"repository": "app", "policy": _document(_allow("*", ["ecr:PutImage", "ecr:SetRepositoryPolicy"]))},
        near_miss={"repository": "app", "policy": _document(_allow("*", _PULL, _ORG_ONLY))},
        missing={"repository": "app"},
        missing_is_flagged=False,
        unknown={"repository": "app", "policy": UNKNOWN},
        extra_flagged=(
            {"policy": _document(_allow({"AWS": "*"}, "ecr:*"))},
            {"policy": _document(_allow({"AWS": ["*"]}, _PULL, {"Bool": {"aws:SecureTransport": "true"}}))},
            {
                "policy": _document(
                    {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}, "Action": "ecr:*"}
                )
            },
            {"policy": _document(_allow("*", _PULL, {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123"}}))},
            {"policy": {"Version": "2012-10-17", "Statement": _allow("*", "ecr:BatchGetImage")}},
        ),
        extra_passing=(
            {"policy": _document(_allow("*", _PULL, {"StringEquals": {"aws:SourceVpce": ["vpce-1"]}}))},
            {"policy": _document({**_allow("*", "ecr:*"), "Effect": "Deny"})},
            {"policy": _document(_allow({"AWS": "arn:aws:iam::111122223333:root"}, _PULL, _ORG_ONLY))},
        ),
    ),
    ResourceCase(
        "ecr-cross-account-pull-conditioned",
        tokens.ECR_REPOSITORY_POLICY,
        flagged={"policy": _document(_allow({"AWS": "arn:aws:iam::111122223333:root"}, _PULL))},
        near_miss={"policy": _document(_allow({"AWS": "arn:aws:iam::111122223333:root"}, _PULL, _ORG_ONLY))},
        missing={"repository": "app"},
        missing_is_flagged=False,
        unknown={"policy": UNKNOWN},
        extra_flagged=(
            {"policy": _document(_allow({"Service": "lambda.amazonaws.com"}, "ecr:BatchGetImage"))},
            {"policy": _document(_allow({"AWS": ["111122223333"]}, "ecr:*"))},
        ),
        extra_passing=(
            {
                "policy": _document(
                    _allow(
                        {"Service": "lambda.amazonaws.com"},
                        _PULL,
                        {"ArnLike": {"aws:SourceArn": "arn:aws:lambda:eu-west-1:111122223333:function:*"}},
                    )
                )
            },
            {"policy": _document(_allow({"AWS": "arn:aws:iam::111122223333:root"}, "ecr:DescribeImages"))},
        ),
    ),
    ResourceCase(
        "s3-bucket-not-public",
        tokens.S3_BUCKET_POLICY,
        flagged={"bucket": "site", "policy": _document(_allow("*", "s3:GetObject", Resource="arn:aws:s3:::site/*"))},
        near_miss={
            "bucket": "site",
            "policy": _document(
                _allow(
                    {"Service": "cloudfront.amazonaws.com"},
                    "s3:GetObject",
                    {"StringEquals": {"aws:SourceArn": "arn:aws:cloudfront::1:distribution/D"}},
                )
            ),
        },
        missing={"bucket": "site"},
        missing_is_flagged=False,
        unknown={"bucket": "site", "policy": UNKNOWN},
        extra_flagged=(
            {"policy": _document(_allow({"AWS": "*"}, ["s3:PutObject"]))},
            {"policy": _document(_allow({"AWS": "*"}, "s3:*", {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}))},
        ),
        extra_passing=(
            {"policy": _document(_allow("*", "s3:GetObject", {"StringEquals": {"aws:SourceVpce": "vpce-1"}}))},
        ),
    ),
    ResourceCase(
        "s3-bucket-not-public",
        tokens.S3_BUCKET_ACLS[1],
        flagged={"bucket": "site", "acl": "public-read"},
        near_miss={"bucket": "site", "acl": "private"},
        missing={"bucket": "site"},
        missing_is_flagged=False,
        unknown={"bucket": "site", "acl": UNKNOWN},
        extra_flagged=(
            {
                "accessControlPolicy": {
                    "grants": [
                        {
                            "permission": "READ",
                            "grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"},
                        }
                    ]
                }
            },
        ),
    ),
    ResourceCase(
        "iam-no-admin-policy",
        tokens.IAM_POLICY,
        flagged={"policy": _document(_allow(None, "*", Resource="*"))},
        near_miss={"policy": _document(_allow(None, ["s3:GetObject"], Resource="*"))},
        missing={"name": "empty"},
        missing_is_flagged=False,
        unknown={"policy": UNKNOWN},
        extra_flagged=({"policy": _document(_allow(None, ["*:*"], Resource=["*"]))},),
        extra_passing=({"policy": _document({**_allow(None, "*", Resource="*"), "Effect": "Deny"})},),
    ),
    ResourceCase(
        "iam-no-admin-policy",
        tokens.IAM_ROLE,
        flagged={"inlinePolicies": [{"name": "all", "policy": _document(_allow(None, "*", Resource="*"))}]},
        near_miss={"inlinePolicies": [{"name": "logs", "policy": _document(_allow(None, "logs:*", Resource="*"))}]},
        missing={"assumeRolePolicy": _document(_allow({"Service": "ecs-tasks.amazonaws.com"}, "sts:AssumeRole"))},
        missing_is_flagged=False,
        unknown={"inlinePolicies": [{"name": "all", "policy": UNKNOWN}]},
    ),
    ResourceCase(
        "lb-target-group-encrypted",
        tokens.TARGET_GROUPS[0],
        flagged={"port": 8080, "protocol": "HTTP", "targetType": "ip"},
        near_miss={"port": 8443, "protocol": "HTTPS", "targetType": "ip"},
        missing={"port": 8080, "targetType": "ip"},
        missing_is_flagged=True,
        unknown={"port": 8080, "protocol": UNKNOWN},
        extra_passing=({"targetType": "lambda"}, {"protocol": "TCP", "port": 6379, "targetType": "ip"}),
    ),
)
