"""CloudWatch log groups that are always encrypted and always expire."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws


def encrypted_log_group(
    name: str,
    *,
    kms_key_arn: pulumi.Input[str],
    retention_in_days: pulumi.Input[int],
    parent: pulumi.Resource,
    log_group_name: pulumi.Input[str] | None = None,
    protect: bool = False,
    tags: pulumi.Input[Mapping[str, str]] | None = None,
) -> aws.cloudwatch.LogGroup:
    """`protect` turns on CloudWatch deletion protection, makes `pulumi destroy` refuse to delete the
    group, and keeps it in AWS when it is removed from the program.

    A group with a fixed `log_group_name` is deleted before its replacement is created: two groups
    cannot share the name. Pulumi still refuses to replace a protected one.
    """
    return aws.cloudwatch.LogGroup(
        name,
        name=log_group_name,
        kms_key_id=kms_key_arn,
        retention_in_days=retention_in_days,
        deletion_protection_enabled=protect,
        tags=tags,
        opts=pulumi.ResourceOptions(
            parent=parent,
            protect=protect,
            retain_on_delete=protect,
            delete_before_replace=log_group_name is not None,
        ),
    )
