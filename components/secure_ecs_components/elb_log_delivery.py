"""Bucket policy that lets Elastic Load Balancing deliver access logs into a bucket.

AWS authorises ALB log delivery in two ways, by region age:

- regions opened before August 2022 accept writes from a regional ELB account
  (`arn:<partition>:iam::<elb-account>:root`), listed below;
- regions opened since then accept only the service principal
  `logdelivery.elasticloadbalancing.amazonaws.com`, which is the current method.

The policy always grants the service principal (AWS's documented method going forward, limited to
this account's load balancers by `aws:SourceAccount`), and adds the regional account where the
region still relies on it. Both are limited to `<bucket>/<prefix>/AWSLogs/<account>/*`. SSE-KMS is
not supported by ALB log delivery, which is why the bucket uses SSE-S3.
"""

from __future__ import annotations

from typing import Any

from secure_ecs_components.iam_documents import document, tls_only_statement

LOG_DELIVERY_PRINCIPAL = "logdelivery.elasticloadbalancing.amazonaws.com"

# Region -> ELB account of regions that predate the service principal (AWS's published table).
LEGACY_ELB_ACCOUNTS: dict[str, str] = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-southeast-3": "589379963580",
    "ap-south-1": "718504428378",
    "ap-northeast-3": "383597477331",
    "ap-northeast-2": "600734575887",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-northeast-1": "582318560864",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-south-1": "635631232127",
    "eu-west-3": "009996457667",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-gov-west-1": "048591011584",
    "us-gov-east-1": "190560391635",
    "cn-north-1": "638102146993",
    "cn-northwest-1": "037604701340",
}


def log_object_arn(bucket_arn: str, prefix: str, account_id: str) -> str:
    return f"{bucket_arn}/{prefix}/AWSLogs/{account_id}/*"


def access_log_bucket_policy(bucket_arn: str, prefix: str, account_id: str, region: str, partition: str) -> str:
    objects = log_object_arn(bucket_arn, prefix, account_id)
    statements: list[dict[str, Any]] = [
        tls_only_statement(bucket_arn),
        {
            "Sid": "ElbLogDeliveryServicePrincipal",
            "Effect": "Allow",
            "Principal": {"Service": LOG_DELIVERY_PRINCIPAL},
            "Action": "s3:PutObject",
            "Resource": objects,
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        },
    ]
    legacy_account = LEGACY_ELB_ACCOUNTS.get(region)
    if legacy_account is not None:
        statements.append(
            {
                "Sid": "ElbLogDeliveryRegionalAccount",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{legacy_account}:root"},
                "Action": "s3:PutObject",
                "Resource": objects,
            }
        )
    return document(statements)
