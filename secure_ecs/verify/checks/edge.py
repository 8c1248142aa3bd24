"""Checks 7 and 8: the internet-facing ALB has the stack's web ACL and hardened attributes."""

from __future__ import annotations

from typing import Any

from secure_ecs.verify.checks.base import Check, CheckInput
from secure_ecs.verify.checks.lookups import find_load_balancer, url_host
from secure_ecs.verify.model import CheckResult, Verdict

WAF_ID = "waf"
WAF_TITLE = "WAF web ACL associated with the ALB"
WAF_REMEDIATION = ("Associate the stack's web ACL with the ALB (`aws wafv2 associate-web-acl --web-acl-arn ACL "
                   "--resource-arn ALB`, or `pulumi up`); a stack with WAF off should turn it on "
                   "(alb.waf.enabled) before it serves real traffic.")
ALB_ID = "alb"
ALB_TITLE = "ALB attributes: drop invalid headers, strictest desync mitigation, access logs"
ALB_REMEDIATION = ("`aws elbv2 modify-load-balancer-attributes` with routing.http.drop_invalid_header_fields.enabled"
                   "=true, routing.http.desync_mitigation_mode=strictest and access_logs.s3.enabled=true (with the "
                   "access log bucket), or `pulumi up` to undo drift.")


def _load_balancer(verdict: Verdict, check: CheckInput) -> dict[str, Any] | None:
    balancer = find_load_balancer(check.aws, check.outputs.alb_url)
    if balancer is None:
        verdict.fail(f"no load balancer in {check.aws.region} has the DNS name {url_host(check.outputs.alb_url)}")
    return balancer


def check_waf(check: CheckInput) -> CheckResult:
    verdict = Verdict(WAF_ID, WAF_TITLE, WAF_REMEDIATION)
    balancer = _load_balancer(verdict, check)
    if balancer is None:
        return verdict.result()
    name, expected = balancer["LoadBalancerName"], check.outputs.web_acl_arn
    answer = check.aws.client("wafv2").get_web_acl_for_resource(ResourceArn=balancer["LoadBalancerArn"])
    actual = (answer.get("WebACL") or {}).get("ARN")
    if expected is None:
        if actual:
            verdict.ok(f"{name} has web ACL {actual} (the stack itself declares none)")
        else:
            verdict.warn(f"the stack turned WAF off and {name} has no web ACL")
    elif actual == expected:
        verdict.ok(f"{name} is protected by the stack's web ACL {actual}")
    elif actual:
        verdict.fail(f"{name} has web ACL {actual}, not the stack's {expected}")
    else:
        verdict.fail(f"{name} has no web ACL (the stack's is {expected})")
    return verdict.result()


def check_alb(check: CheckInput) -> CheckResult:
    verdict = Verdict(ALB_ID, ALB_TITLE, ALB_REMEDIATION)
    balancer = _load_balancer(verdict, check)
    if balancer is None:
        return verdict.result()
    name = balancer["LoadBalancerName"]
    answer = check.aws.client("elbv2").describe_load_balancer_attributes(LoadBalancerArn=balancer["LoadBalancerArn"])
    attributes = {a["Key"]: a.get("Value", "") for a in answer.get("Attributes", [])}
    drop = attributes.get("routing.http.drop_invalid_header_fields.enabled", "false")
    verdict.check(drop == "true", f"{name}: invalid header fields dropped",
                  f"{name}: routing.http.drop_invalid_header_fields.enabled is {drop}")
    desync = attributes.get("routing.http.desync_mitigation_mode", "defensive")
    if desync == "strictest":
        verdict.ok(f"{name}: desync mitigation strictest")
    elif desync == "defensive":
        verdict.warn(f"{name}: desync mitigation is defensive (the AWS default), not strictest")
    else:
        verdict.fail(f"{name}: desync mitigation is {desync}")
    logs = attributes.get("access_logs.s3.enabled", "false")
    bucket = attributes.get("access_logs.s3.bucket", "")
    verdict.check(logs == "true", f"{name}: access logs to s3://{bucket}", f"{name}: access logs are off")
    return verdict.result()


WAF_CHECK = Check(WAF_ID, WAF_TITLE, check_waf)
ALB_CHECK = Check(ALB_ID, ALB_TITLE, check_alb)
