"""IAM policy documents the components attach, built as JSON from resolved values.

Documents are plain `json.dumps` inside `Output.apply` (never the `getPolicyDocument` invoke), so
they resolve the same way under `pulumi preview`, `pulumi up` and the offline mock engine.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

POLICY_VERSION = "2012-10-17"


def document(statements: Sequence[dict[str, Any]]) -> str:
    return json.dumps({"Version": POLICY_VERSION, "Statement": list(statements)})


def ecs_tasks_trust_policy(account_id: str, region: str, partition: str) -> str:
    """Trust for `ecs-tasks`, limited to tasks of this account and region (confused-deputy guard)."""
    return document(
        [
            {
                "Sid": "EcsTasksOfThisAccount",
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnLike": {"aws:SourceArn": f"arn:{partition}:ecs:{region}:{account_id}:*"},
                },
            }
        ]
    )


def service_trust_policy(service: str, account_id: str) -> str:
    """Trust for an AWS service principal acting for this account only."""
    return document(
        [
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        ]
    )


def secret_resource_arn(value_from: str) -> str:
    """The IAM resource for an ECS `valueFrom`: a Secrets Manager ARN without its JSON-key suffix.

    ECS accepts `arn:...:secret:<name>-<suffix>:<json-key>:<version-stage>:<version-id>`; IAM
    matches only the secret's own ARN (the first seven colon-separated fields).
    """
    fields = value_from.split(":")
    if len(fields) >= 7 and fields[2] == "secretsmanager":
        return ":".join(fields[:7])
    return value_from


def is_ssm_parameter(arn: str) -> bool:
    fields = arn.split(":")
    return len(fields) >= 6 and fields[2] == "ssm"


def execution_role_policy(
    *,
    repository_arns: Sequence[str],
    log_group_arn: str,
    secret_value_froms: Sequence[str],
    secret_kms_key_arns: Sequence[str],
    region: str,
    dns_suffix: str,
) -> str:
    """What the ECS agent needs to start this task, and nothing else.

    Pull from this repository (and the one an ECR image URI names), write to this log group, read
    exactly the secrets the container references and decrypt them only through Secrets Manager /
    SSM. `ecr:GetAuthorizationToken` has no resource-level permissions, so AWS requires `*` for it.
    """
    statements: list[dict[str, Any]] = [
        {"Sid": "EcrLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {
            "Sid": "PullThisRepository",
            "Effect": "Allow",
            "Action": ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
            "Resource": sorted(set(repository_arns)),
        },
        {
            "Sid": "WriteThisLogGroup",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{log_group_arn}:log-stream:*",
        },
    ]
    resources = sorted({secret_resource_arn(v) for v in secret_value_froms})
    secrets = [r for r in resources if not is_ssm_parameter(r)]
    parameters = [r for r in resources if is_ssm_parameter(r)]
    if secrets:
        statements.append(
            {
                "Sid": "ReadReferencedSecrets",
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": secrets,
            }
        )
    if parameters:
        statements.append(
            {
                "Sid": "ReadReferencedParameters",
                "Effect": "Allow",
                "Action": "ssm:GetParameters",
                "Resource": parameters,
            }
        )
    if secret_kms_key_arns:
        statements.append(
            {
                "Sid": "DecryptReferencedSecrets",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": sorted(set(secret_kms_key_arns)),
                "Condition": {
                    "StringEquals": {
                        "kms:ViaService": [f"secretsmanager.{region}.{dns_suffix}", f"ssm.{region}.{dns_suffix}"]
                    }
                },
            }
        )
    return document(statements)


def ecs_exec_policy(kms_key_arn: str, log_group_arn: str) -> str:
    """What ECS Exec needs from the task: the Session Manager channel (no resource ARN exists for
    it), the cluster's key that encrypts the session, and the log group sessions are recorded in."""
    return document(
        [
            {
                "Sid": "EcsExecChannel",
                "Effect": "Allow",
                "Action": [
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                ],
                "Resource": "*",
            },
            {"Sid": "EcsExecSessionKey", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": kms_key_arn},
            {
                "Sid": "EcsExecSessionLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": [log_group_arn, f"{log_group_arn}:log-stream:*"],
            },
            # Session logging looks the group up before writing; this action has no resource scope.
            {"Sid": "EcsExecFindLogGroup", "Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"},
        ]
    )


def tls_only_statement(bucket_arn: str) -> dict[str, Any]:
    """Deny every request to the bucket that does not arrive over TLS."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def database_connect_policy(db_user_arns: Sequence[str]) -> str:
    """IAM database authentication: sign connection tokens for these database users only."""
    return document(
        [
            {
                "Sid": "ConnectAsDatabaseUser",
                "Effect": "Allow",
                "Action": "rds-db:connect",
                "Resource": sorted(db_user_arns),
            }
        ]
    )
