"""Both halves of a security-group-to-security-group permission, as separate rule resources.

A flow between two groups needs an egress rule on the sender and an ingress rule on the receiver.
Creating both together, by the component that introduces the flow, keeps the groups free of
inline rules and lets components be built in dependency order without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class RulePair:
    """The sender's egress rule and the receiver's ingress rule of one permitted flow."""

    egress: aws.vpc.SecurityGroupEgressRule
    ingress: aws.vpc.SecurityGroupIngressRule


def allow_tcp_between(
    name: str,
    *,
    source_security_group_id: pulumi.Input[str],
    target_security_group_id: pulumi.Input[str],
    port: pulumi.Input[int],
    description: str,
    parent: pulumi.Resource,
) -> RulePair:
    """Let `source` open TCP connections to `target` on one port, and nothing else."""
    egress = aws.vpc.SecurityGroupEgressRule(
        f"{name}-egress",
        security_group_id=source_security_group_id,
        referenced_security_group_id=target_security_group_id,
        ip_protocol="tcp",
        from_port=port,
        to_port=port,
        description=description,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    ingress = aws.vpc.SecurityGroupIngressRule(
        f"{name}-ingress",
        security_group_id=target_security_group_id,
        referenced_security_group_id=source_security_group_id,
        ip_protocol="tcp",
        from_port=port,
        to_port=port,
        description=description,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return RulePair(egress=egress, ingress=ingress)


def rule_free_security_group(
    name: str,
    *,
    vpc_id: pulumi.Input[str],
    description: str,
    parent: pulumi.Resource,
    retain_on_delete: bool = False,
    tags: pulumi.Input[dict[str, str]] | None = None,
) -> aws.ec2.SecurityGroup:
    """A group with no inline rules; the provider also removes AWS's default allow-all egress.

    Rules are attached as `aws.vpc.SecurityGroup*Rule` resources; mixing inline rules with rule
    resources makes the provider fight over the group's rule set.
    """
    return aws.ec2.SecurityGroup(
        name,
        vpc_id=vpc_id,
        description=description,
        revoke_rules_on_delete=True,
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent, retain_on_delete=retain_on_delete),
    )
