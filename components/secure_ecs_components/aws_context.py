"""Account, region and partition of the provider a component deploys with.

Resolved once per component through invokes rather than hard-coded, so policies and ARNs are
right in every partition (aws, aws-cn, aws-us-gov) and region.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class AwsContext:
    account_id: pulumi.Output[str]
    region: pulumi.Output[str]
    partition: pulumi.Output[str]
    dns_suffix: pulumi.Output[str]


def current_aws_context(parent: pulumi.Resource) -> AwsContext:
    invoke_opts = pulumi.InvokeOutputOptions(parent=parent)
    identity = aws.get_caller_identity_output(opts=invoke_opts)
    region = aws.get_region_output(opts=invoke_opts)
    partition = aws.get_partition_output(opts=invoke_opts)
    return AwsContext(
        account_id=identity.account_id,
        region=region.region,
        partition=partition.partition,
        dns_suffix=partition.dns_suffix,
    )
