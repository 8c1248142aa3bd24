"""Rules of the web ACL in front of the load balancer: AWS managed rule groups plus a rate limit."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

# AWS managed rule groups, in evaluation order: reputation first (cheap, blocks known-bad sources),
# then the broad OWASP-style set, known exploit inputs, and SQL injection.
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
)

# Optional: VPNs, proxies, Tor exits and hosting providers. Off by default because it also blocks
# people behind corporate proxies and clients running in the cloud; a stack turns it on explicitly.
ANONYMOUS_IP_GROUP = "AWSManagedRulesAnonymousIpList"

RATE_RULE_NAME = "rate-limit-per-ip"

# An empty `none` block; the SDK declares its argument-less constructor without a return type.
_NO_OVERRIDE = aws.wafv2.WebAclRuleOverrideActionNoneArgs()  # type: ignore[no-untyped-call]


def visibility(metric_name: str) -> aws.wafv2.WebAclRuleVisibilityConfigArgs:
    return aws.wafv2.WebAclRuleVisibilityConfigArgs(
        cloudwatch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True
    )


def managed_rule(group: str, priority: int) -> aws.wafv2.WebAclRuleArgs:
    return aws.wafv2.WebAclRuleArgs(
        name=group,
        priority=priority,
        # `none` keeps the group's own block actions; `count` would only observe.
        override_action=aws.wafv2.WebAclRuleOverrideActionArgs(none=_NO_OVERRIDE),
        statement=aws.wafv2.WebAclRuleStatementArgs(
            managed_rule_group_statement=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs(
                vendor_name="AWS", name=group
            )
        ),
        visibility_config=visibility(group),
    )


def rate_limit_rule(limit: pulumi.Input[int], priority: int) -> aws.wafv2.WebAclRuleArgs:
    """Block a client IP that sends more than `limit` requests in any 5-minute window."""
    return aws.wafv2.WebAclRuleArgs(
        name=RATE_RULE_NAME,
        priority=priority,
        action=aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs()),
        statement=aws.wafv2.WebAclRuleStatementArgs(
            rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(
                limit=limit, aggregate_key_type="IP", evaluation_window_sec=300
            )
        ),
        visibility_config=visibility(RATE_RULE_NAME),
    )


def web_acl_rules(
    rate_limit: pulumi.Input[int], *, block_anonymous_ips: bool = False
) -> list[aws.wafv2.WebAclRuleArgs]:
    groups = [MANAGED_RULE_GROUPS[0], *([ANONYMOUS_IP_GROUP] if block_anonymous_ips else []), *MANAGED_RULE_GROUPS[1:]]
    rules = [rate_limit_rule(rate_limit, priority=0)]
    rules += [managed_rule(group, priority=index + 1) for index, group in enumerate(groups)]
    return rules


def waf_log_delivery_policy(log_group_arn: str, account_id: str, region: str, partition: str) -> str:
    """Resource policy on the WAF log group: log delivery may write for this account's web ACLs only."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "WafLogDelivery",
                    "Effect": "Allow",
                    "Principal": {"Service": "delivery.logs.amazonaws.com"},
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": f"{log_group_arn}:*",
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account_id},
                        "ArnLike": {"aws:SourceArn": f"arn:{partition}:logs:{region}:{account_id}:*"},
                    },
                }
            ],
        }
    )
