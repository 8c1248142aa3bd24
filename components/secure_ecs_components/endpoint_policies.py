"""Endpoint policies: what may pass through an endpoint, on top of IAM and resource policies."""

from __future__ import annotations

import json
from collections.abc import Sequence


def account_only_policy(account_id: str) -> str:
    """Interface endpoints: callers of this account, acting on resources of this account.

    `aws:ResourceAccount` is absent for account-less actions such as ecr:GetAuthorizationToken,
    hence IfExists; without it those calls would be refused.
    """
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ThisAccountOnly",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {"aws:PrincipalAccount": account_id},
                        "StringEqualsIfExists": {"aws:ResourceAccount": account_id},
                    },
                }
            ],
        }
    )


def ecr_layer_bucket(region: str) -> str:
    """The AWS-owned bucket ECR serves image layers from (not in this account)."""
    return f"prod-{region}-starport-layer-bucket"


def s3_gateway_policy(account_id: str, region: str, partition: str, bucket_names: Sequence[str]) -> str:
    """ECR's image-layer bucket, plus the buckets of this account the stack lists."""
    statements: list[dict[str, object]] = [
        {
            # Tasks fetch layers through pre-signed URLs ECR issues with its own credentials, so no
            # condition on this account's principals can hold here; the bucket itself is the limit.
            "Sid": "EcrImageLayers",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:{partition}:s3:::{ecr_layer_bucket(region)}/*",
        }
    ]
    if bucket_names:
        statements.append(
            {
                "Sid": "ListedBuckets",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation"],
                "Resource": [f"arn:{partition}:s3:::{b}" for b in bucket_names]
                + [f"arn:{partition}:s3:::{b}/*" for b in bucket_names],
                "Condition": {"StringEquals": {"aws:PrincipalAccount": account_id, "aws:ResourceAccount": account_id}},
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})
