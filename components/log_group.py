"""CloudWatch log groups that are always encrypted and always expire."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws


def encrypted_log_group(
    name: str,
    *,
    kms_key: aws.kms.Key,
    retention_in_days: pulumi.Input[int],
    parent: pulumi.Resource,
    log_group_name: pulumi.Input[str] | None = None,
    protect: bool = False,
    tags: pulumi.Input[Mapping[str, str]] | None = None,
) -> aws.cloudwatch.LogGroup:
    """`protect` turns on CloudWatch deletion protection and keeps the group if the stack is destroyed."""
    return aws.cloudwatch.LogGroup(
        name,
        name=log_group_name,
        kms_key_id=kms_key.arn,
        retention_in_days=retention_in_days,
        deletion_protection_enabled=protect,
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, retain_on_delete=protect),
    )
