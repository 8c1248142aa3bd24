"""Customer-managed KMS keys with rotation and a key policy limited to this account."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from secure_ecs_components.aws_context import AwsContext

# Keys hold the only copy of what they encrypt: a deleted key cannot be recovered after this window.
KEY_DELETION_WINDOW_DAYS = 30


def _key_policy(account_id: str, region: str, partition: str, dns_suffix: str, log_service_principal: bool) -> str:
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AccountAdministersKey",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ]
    if log_service_principal:
        # CloudWatch Logs encrypts with the key on behalf of log groups in this account and region only.
        statements.append(
            {
                "Sid": "CloudWatchLogsUsesKey",
                "Effect": "Allow",
                # The regional service principal ends in the partition's DNS suffix (amazonaws.com.cn in China).
                "Principal": {"Service": f"logs.{region}.{dns_suffix}"},
                "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                "Resource": "*",
                "Condition": {
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": f"arn:{partition}:logs:{region}:{account_id}:log-group:*"
                    }
                },
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def customer_managed_key(
    name: str,
    description: str,
    context: AwsContext,
    parent: pulumi.Resource,
    *,
    for_log_groups: bool = False,
    protect: bool = False,
    tags: pulumi.Input[Mapping[str, str]] | None = None,
) -> aws.kms.Key:
    """A symmetric key with yearly rotation; `for_log_groups` lets CloudWatch Logs use it.

    `protect`: `pulumi destroy` refuses to delete the key, and removing it from the program leaves it in AWS.
    """
    policy = pulumi.Output.all(context.account_id, context.region, context.partition, context.dns_suffix).apply(
        lambda values: _key_policy(values[0], values[1], values[2], values[3], for_log_groups)
    )
    return aws.kms.Key(
        name,
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
        policy=policy,
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, protect=protect, retain_on_delete=protect),
    )


