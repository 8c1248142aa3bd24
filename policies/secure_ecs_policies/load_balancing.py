"""Application load balancers and listeners: header hygiene, logs, TLS, HTTP redirects, WAF."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    Severity,
    StackValidationArgs,
)

from secure_ecs_facts import tokens
from secure_ecs_facts.tls import RECOMMENDED_TLS_POLICY
from secure_ecs_policies.links import StackView
from secure_ecs_policies.metadata import resource_policy, stack_policy
from secure_ecs_policies.preview_gaps import not_checked
from secure_ecs_policies.properties import (
    MISSING,
    config_value,
    is_true,
    is_unknown,
    items,
    lookup,
    text,
)

MODERN_TLS_POLICY: Final = re.compile(r"^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)-")
"""ELB policies whose minimum protocol is TLS 1.2 or 1.3 (the TLS13-1-0/1-1 variants still allow 1.0/1.1)."""


def _is_application(props: Any) -> bool | None:
    kind = lookup(props, "loadBalancerType")
    if is_unknown(kind):
        not_checked("loadBalancerType")
        return None
    return kind is MISSING or kind is None or text(kind) == "application"


def _balancer_check(
    check: Callable[[ResourceValidationArgs, ReportViolation], None], application_only: bool
) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type not in tokens.LOAD_BALANCERS:
            return
        if application_only and _is_application(args.props) is not True:
            return
        check(args, report)

    return validate


def _must_be_true(prop: str, consequence: str) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
        value = lookup(args.props, prop)
        if is_unknown(value):
            not_checked(prop)
        elif not is_true(value):
            report(f"{prop} is {'unset' if value is MISSING else value!r}: {consequence}", None)

    return check


def _drop_invalid_headers(args: ResourceValidationArgs) -> Mapping[str, Any] | None:
    if args.resource_type not in tokens.LOAD_BALANCERS or _is_application(args.props) is not True:
        return None
    value = lookup(args.props, "dropInvalidHeaderFields")
    if is_true(value) or is_unknown(value):
        return None
    args.props["dropInvalidHeaderFields"] = True  # type: ignore[index]
    return args.props


alb_drop_invalid_headers = resource_policy(
    "alb-drop-invalid-headers",
    "Application load balancers must drop invalid HTTP header fields.",
    severity=Severity.MEDIUM,
    controls=("FSBP ELB.4", "CKV_AWS_131"),
    remediation="Set dropInvalidHeaderFields to true (the pack can do it: set this policy to remediate).",
    validate=_balancer_check(
        _must_be_true("dropInvalidHeaderFields", "malformed headers reach the targets (request smuggling)."),
        application_only=True,
    ),
    unset="dropInvalidHeaderFields defaults to false: flagged.",
    remediate=_drop_invalid_headers,
)


def _desync_mode(args: ResourceValidationArgs, report: ReportViolation) -> None:
    allowed = [str(m) for m in config_value(args.get_config(), "allowedModes", ["strictest"])]
    mode = lookup(args.props, "desyncMitigationMode")
    if is_unknown(mode):
        not_checked("desyncMitigationMode")
        return
    shown = "unset (defensive)" if mode is MISSING else repr(mode)
    if (text(mode) or "defensive") not in allowed:
        report(f"desyncMitigationMode is {shown}; allowed: {', '.join(allowed)}.", None)


alb_desync_mitigation = resource_policy(
    "alb-desync-mitigation",
    "Application load balancers must use the strictest HTTP desync mitigation mode.",
    severity=Severity.MEDIUM,
    controls=("FSBP ELB.12", "CKV_AWS_328"),
    remediation='Set desyncMitigationMode to "strictest".',
    validate=_balancer_check(_desync_mode, application_only=True),
    unset="desyncMitigationMode defaults to defensive: flagged unless allowedModes lists it.",
    config={
        "allowedModes": {
            "type": "array",
            "items": {"type": "string", "enum": ["monitor", "defensive", "strictest"]},
            "default": ["strictest"],
            "description": "Accepted desync mitigation modes.",
        }
    },
)

alb_deletion_protection = resource_policy(
    "alb-deletion-protection",
    "Load balancers must have deletion protection on.",
    severity=Severity.LOW,
    controls=("FSBP ELB.6", "CKV_AWS_150"),
    remediation="Set enableDeletionProtection to true (stacks that are torn down often may relax this).",
    validate=_balancer_check(
        _must_be_true("enableDeletionProtection", "one API call deletes the entry point."), application_only=False
    ),
    unset="enableDeletionProtection defaults to false: flagged.",
)


def _access_logs(args: ResourceValidationArgs, report: ReportViolation) -> None:
    enabled = lookup(args.props, "accessLogs", "enabled")
    if is_unknown(enabled):
        not_checked("accessLogs.enabled")
    elif not is_true(enabled):
        report("accessLogs.enabled is not true (it defaults to false even when a bucket is given).", None)


alb_access_logs = resource_policy(
    "alb-access-logs",
    "Application load balancers must write access logs (network load balancers log TLS listeners only, and "
    "ELB.5 does not cover them).",
    severity=Severity.MEDIUM,
    controls=("FSBP ELB.5", "CKV_AWS_91"),
    remediation=(
        "Set accessLogs to {bucket: <encrypted, public-access-blocked bucket>, enabled: true} and allow the "
        "regional ELB log delivery principal to write to it."
    ),
    validate=_balancer_check(_access_logs, application_only=True),
    unset="accessLogs.enabled defaults to false: flagged; an unset loadBalancerType means application.",
)


def _listener_protocol(props: Any) -> str | None:
    protocol = lookup(props, "protocol")
    if is_unknown(protocol):
        not_checked("protocol")
        return None
    # Unset on an ALB listener means HTTP.
    return (text(protocol) or "HTTP").upper()


def _weak_tls(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in tokens.LISTENERS or _listener_protocol(args.props) not in {"HTTPS", "TLS"}:
        return
    policy = lookup(args.props, "sslPolicy")
    if is_unknown(policy):
        not_checked("sslPolicy")
        return
    allowed = [str(p) for p in config_value(args.get_config(), "allowedSslPolicies", [])]
    name = text(policy) or ""
    if name in allowed or (not allowed and MODERN_TLS_POLICY.match(name)):
        return
    shown = "unset (ELBSecurityPolicy-2016-08, TLS 1.0)" if policy is MISSING else repr(policy)
    report(f"sslPolicy is {shown}; use a policy with a TLS 1.2+ minimum, e.g. {RECOMMENDED_TLS_POLICY}.", None)


listener_tls_policy = resource_policy(
    "listener-tls-policy",
    "HTTPS/TLS listeners must use a TLS 1.2+ security policy (TLS 1.3 preferred).",
    severity=Severity.HIGH,
    controls=("CKV_AWS_103",),
    remediation=f'Set sslPolicy to "{RECOMMENDED_TLS_POLICY}" (or a TLS13-1-3 policy).',
    validate=_weak_tls,
    unset="sslPolicy defaults to ELBSecurityPolicy-2016-08, which accepts TLS 1.0: flagged.",
    config={
        "allowedSslPolicies": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Exact policy names to accept instead of the built-in TLS 1.2+ pattern.",
        }
    },
)


def _redirects_to_https(action: Any) -> bool | None:
    kind = lookup(action, "type")
    protocol = lookup(action, "redirect", "protocol")
    if is_unknown(kind) or is_unknown(protocol):
        return None
    return text(kind) == "redirect" and (text(protocol) or "").upper() == "HTTPS"


def _plain_http(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in tokens.LISTENERS or _listener_protocol(args.props) != "HTTP":
        return
    actions = lookup(args.props, "defaultActions")
    if is_unknown(actions):
        not_checked("defaultActions")
        return
    verdicts = [_redirects_to_https(action) for action in items(actions)]
    if None in verdicts:
        not_checked("defaultActions")
        return
    if not verdicts or not all(verdicts):
        report("HTTP listener serves content instead of redirecting to HTTPS.", None)


listener_http_redirects = resource_policy(
    "listener-http-redirects-to-https",
    "Plain-HTTP listeners may only redirect to HTTPS.",
    severity=Severity.HIGH,
    controls=("FSBP ELB.1", "CKV_AWS_2", "CKV2_AWS_20"),
    remediation=(
        'Serve the application on an HTTPS listener; give the port-80 listener one default action {type: "redirect", '
        'redirect: {protocol: "HTTPS", port: "443", statusCode: "HTTP_301"}}. A stack with no domain yet sets this '
        "policy to advisory in its policy config, so its HTTP-only listener is still reported."
    ),
    validate=_plain_http,
    unset="protocol defaults to HTTP on an application load balancer: flagged unless it redirects.",
)


def _internet_facing(balancer: PolicyResource) -> bool:
    internal = lookup(balancer.props, "internal")
    if is_unknown(internal):
        not_checked(f"{balancer.name} internal")
    return not is_unknown(internal) and not is_true(internal)


def _internet_facing_application(balancer: PolicyResource) -> bool:
    return _internet_facing(balancer) and _is_application(balancer.props) is True


def _balancers_without_waf(args: StackValidationArgs, report: ReportViolation) -> None:
    view = StackView(args.resources)
    for balancer in view.of_type(*tokens.LOAD_BALANCERS):
        if not _internet_facing_application(balancer):
            continue
        if not view.referrers(balancer, "resourceArn", tokens.WAF_ASSOCIATION):
            report(
                f"internet-facing load balancer {balancer.name} has no aws:wafv2/webAclAssociation:WebAclAssociation.",
                balancer.urn,
            )


alb_waf_association = stack_policy(
    "alb-waf-association",
    "Internet-facing application load balancers must be associated with a WAFv2 web ACL.",
    severity=Severity.HIGH,
    controls=("FSBP ELB.16", "CKV2_AWS_28"),
    remediation=(
        "Create an aws.wafv2.WebAcl (scope REGIONAL, AWS managed rule groups and a rate-based rule) and an "
        "aws.wafv2.WebAclAssociation with resource_arn=<the load balancer's arn output>."
    ),
    validate=_balancers_without_waf,
    unset="internal defaults to false (internet-facing): a balancer with no association is flagged.",
)


def _plaintext_target_group(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in tokens.TARGET_GROUPS:
        return
    kind, protocol = lookup(args.props, "targetType"), lookup(args.props, "protocol")
    if is_unknown(kind) or is_unknown(protocol):
        not_checked("targetType" if is_unknown(kind) else "protocol")
        return
    if (text(kind) or "instance") in {"lambda", "alb"}:
        return  # the load balancer invokes a function or forwards to an ALB: no protocol of its own
    # TCP/UDP target groups pass the client's bytes through (TLS included); only HTTP is decrypted first.
    shown = (text(protocol) or "HTTP").upper()
    if shown == "HTTP":
        report(
            f"protocol is {'unset (HTTP)' if protocol is MISSING else shown}: behind a listener that terminates TLS, "
            "requests, cookies and tokens travel to the targets in plaintext.",
            None,
        )


lb_target_group_encrypted = resource_policy(
    "lb-target-group-encrypted",
    "Load balancer target groups should receive traffic encrypted (HTTPS/TLS), also after a listener decrypted it.",
    severity=Severity.LOW,
    controls=("CKV_AWS_378",),
    remediation=(
        "Set the target group's protocol to HTTPS (or TLS) and serve TLS in the container, e.g. with a self-signed "
        "certificate the load balancer accepts; targets in private subnets may keep HTTP, which is why this "
        "policy is advisory by default."
    ),
    validate=_plaintext_target_group,
    unset="protocol defaults to HTTP for instance and ip targets: reported (lambda and alb targets, TCP and UDP pass).",
    enforcement=EnforcementLevel.ADVISORY,
)

POLICIES: list[Policy] = [
    alb_drop_invalid_headers,
    alb_desync_mitigation,
    alb_deletion_protection,
    alb_access_logs,
    listener_tls_policy,
    listener_http_redirects,
    alb_waf_association,
    lb_target_group_encrypted,
]
