"""HardenedAlb: the only internet-facing part of the architecture.

An application load balancer in the public subnets with TLS 1.3, HTTP only as a redirect,
strict header handling, access logs to a locked-down bucket and a WAF web ACL in front.
"""


import ipaddress
from collections.abc import Sequence
from typing import Any, Required, TypedDict

import pulumi
import pulumi_aws as aws

from components.aws_context import AwsContext, current_aws_context
from components.elb_log_delivery import access_log_bucket_policy
from components.encryption import customer_managed_key
from components.errors import ComponentArgumentError
from components.log_group import encrypted_log_group
from components.security_group_pairing import rule_free_security_group
from components.validation import require_bool, require_http_path, require_int, require_log_retention
from components.waf_rules import web_acl_rules

COMPONENT = "HardenedAlb"
HTTP_PORT = 80
HTTPS_PORT = 443
DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
ACCESS_LOG_PREFIX = "alb"
# Headers that carry credentials are never written to WAF logs.
REDACTED_HEADERS = ("authorization", "cookie")


class HardenedAlbArgs(TypedDict, total=False):
    vpc_id: Required[pulumi.Input[str]]
    """VPC of the load balancer and its target group."""
    public_subnet_ids: Required[pulumi.Input[Sequence[pulumi.Input[str]]]]
    """Public subnets (at least two AZs) the load balancer's nodes live in."""
    container_port: int
    """Port the targets (the service's containers) listen on. Default 8080."""
    certificate_arn: pulumi.Input[str]
    """ACM certificate for the HTTPS listener. Default none: then `allow_http_only` must be true."""
    allow_http_only: bool
    """Serve plain HTTP without a certificate (development without a domain only). Default false."""
    ssl_policy: str
    """TLS policy of the HTTPS listener; must be a TLS 1.3 policy. Default
    "ELBSecurityPolicy-TLS13-1-2-2021-06"."""
    ingress_cidrs: Sequence[str]
    """Client networks admitted on 80/443 (IPv4 or IPv6 CIDRs). Default ["0.0.0.0/0"]."""
    health_check_path: str
    """Path the target group probes. Default "/api/health"."""
    health_check_matcher: str
    """HTTP codes that count as healthy. Default "200"."""
    deregistration_delay_seconds: int
    """Seconds in-flight requests get before a target is removed. Default 30."""
    idle_timeout_seconds: int
    """Connection idle timeout. Default 60."""
    enable_deletion_protection: bool
    """AWS-side deletion protection of the load balancer. Default true."""
    enable_waf: bool
    """Put a WAFv2 web ACL in front of the load balancer. Default true; false only explicitly."""
    waf_rate_limit: int
    """Requests one client IP may send per 5 minutes before WAF blocks it. Default 1000."""
    waf_log_retention_days: int
    """Retention of the WAF log group. Default 90."""
    access_log_retention_days: int
    """Days access-log objects are kept. Default 90."""
    protect_stateful: bool
    """Keep the access-log bucket, WAF log group and key if the stack is destroyed. Default false."""
    tags: pulumi.Input[dict[str, str]]
    """Tags for every taggable resource. Default none."""


def _reject(argument: str, value: Any, allowed: str) -> ComponentArgumentError:
    return ComponentArgumentError(COMPONENT, argument, value, allowed)


def _check_cidrs(cidrs: object) -> list[str]:
    if isinstance(cidrs, str) or not isinstance(cidrs, Sequence) or not cidrs:
        raise _reject("ingress_cidrs", cidrs, "use a non-empty list of CIDRs such as ['0.0.0.0/0']")
    checked = []
    for cidr in cidrs:
        try:
            checked.append(str(ipaddress.ip_network(cidr, strict=True)))
        except (TypeError, ValueError):
            raise _reject("ingress_cidrs", cidr, "each entry must be a network CIDR such as '203.0.113.0/24'") from None
    return checked


def _listener_mode(certificate_arn: object, allow_http_only: bool) -> bool:
    """True for HTTPS (+ redirect), False for the explicit HTTP-only mode."""
    if certificate_arn is not None and allow_http_only:
        raise _reject("allow_http_only", True, "a certificate_arn is set, so HTTPS is served; remove allow_http_only")
    if certificate_arn is None and not allow_http_only:
        raise _reject(
            "certificate_arn",
            None,
            "give an ACM certificate ARN for HTTPS, or set allow_http_only=true to serve plain HTTP (development only)",
        )
    if isinstance(certificate_arn, str) and not (certificate_arn.startswith("arn:") and ":acm:" in certificate_arn):
        raise _reject("certificate_arn", certificate_arn, "use the ARN of an ACM certificate")
    return certificate_arn is not None


class HardenedAlb(pulumi.ComponentResource):
    """An internet-facing application load balancer with hardened defaults."""

    load_balancer_arn: pulumi.Output[str]
    """ARN of the load balancer."""
    dns_name: pulumi.Output[str]
    """Public DNS name of the load balancer."""
    zone_id: pulumi.Output[str]
    """Route 53 hosted zone of the DNS name (for alias records)."""
    url: pulumi.Output[str]
    """Base URL clients use (https:// unless HTTP-only)."""
    health_check_url: pulumi.Output[str]
    """URL of the application's health endpoint through the load balancer."""
    security_group_id: pulumi.Output[str]
    """Security group of the load balancer."""
    target_group_arn: pulumi.Output[str]
    """Target group the service registers with (resolves after its listener exists)."""
    listener_arn: pulumi.Output[str]
    """Listener that forwards to the target group."""
    web_acl_arn: pulumi.Output[str | None]
    """ARN of the WAF web ACL, or None when WAF is disabled."""
    access_log_bucket: pulumi.Output[str]
    """Name of the access-log bucket."""

    def __init__(self, name: str, args: HardenedAlbArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        # Every argument is checked before anything is registered, so a refusal leaves no partial component.
        container_port = require_int(
            COMPONENT, "container_port", args.get("container_port", 8080), minimum=1, maximum=65535
        )
        allow_http_only = require_bool(COMPONENT, "allow_http_only", args.get("allow_http_only", False))
        certificate_arn = args.get("certificate_arn")
        https = _listener_mode(certificate_arn, allow_http_only)
        ssl_policy = args.get("ssl_policy", DEFAULT_SSL_POLICY)
        if not isinstance(ssl_policy, str) or "TLS13" not in ssl_policy:
            raise _reject("ssl_policy", ssl_policy, f"use a TLS 1.3 policy such as {DEFAULT_SSL_POLICY!r}")
        ingress_cidrs = _check_cidrs(args.get("ingress_cidrs", ["0.0.0.0/0"]))
        health_check_path = require_http_path(
            COMPONENT, "health_check_path", args.get("health_check_path", "/api/health")
        )
        matcher = args.get("health_check_matcher", "200")
        deregistration_delay = require_int(
            COMPONENT,
            "deregistration_delay_seconds",
            args.get("deregistration_delay_seconds", 30),
            minimum=0,
            maximum=3600,
        )
        idle_timeout = require_int(
            COMPONENT, "idle_timeout_seconds", args.get("idle_timeout_seconds", 60), minimum=1, maximum=4000
        )
        deletion_protection = require_bool(
            COMPONENT, "enable_deletion_protection", args.get("enable_deletion_protection", True)
        )
        enable_waf = require_bool(COMPONENT, "enable_waf", args.get("enable_waf", True))
        # WAF's documented bounds for a rate-based rule's limit.
        rate_limit = require_int(
            COMPONENT, "waf_rate_limit", args.get("waf_rate_limit", 1000), minimum=10, maximum=2_000_000_000
        )
        waf_log_retention = require_log_retention(
            COMPONENT, "waf_log_retention_days", args.get("waf_log_retention_days", 90)
        )
        access_log_days = require_int(
            COMPONENT, "access_log_retention_days", args.get("access_log_retention_days", 90), minimum=1, maximum=36500
        )
        protect = require_bool(COMPONENT, "protect_stateful", args.get("protect_stateful", False))
        tags = args.get("tags")

        super().__init__(f"secure-ecs:index:{COMPONENT}", name, None, opts)
        context = current_aws_context(self)

        self.security_group = rule_free_security_group(
            f"{name}-sg",
            vpc_id=args["vpc_id"],
            description=f"{name} load balancer: clients on 80/443; egress only to the service (rules added by it)",
            parent=self,
            tags=tags,
        )
        ports = [HTTPS_PORT, HTTP_PORT] if https else [HTTP_PORT]
        descriptions = {
            HTTPS_PORT: "HTTPS from clients",
            HTTP_PORT: "HTTP from clients, redirected to HTTPS" if https else "HTTP from clients (HTTP-only mode)",
        }
        self.ingress_rules = [
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-in-{port}-{index}",
                security_group_id=self.security_group.id,
                cidr_ipv6=cidr if ":" in cidr else None,
                cidr_ipv4=None if ":" in cidr else cidr,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                description=descriptions[port],
                opts=pulumi.ResourceOptions(parent=self.security_group),
            )
            for port in ports
            for index, cidr in enumerate(ingress_cidrs)
        ]

        self._create_access_log_bucket(name, access_log_days, protect, tags, context)

        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            subnets=args["public_subnet_ids"],
            security_groups=[self.security_group.id],
            ip_address_type="ipv4",
            drop_invalid_header_fields=True,
            desync_mitigation_mode="strictest",
            enable_deletion_protection=deletion_protection,
            enable_http2=True,
            idle_timeout=idle_timeout,
            access_logs=aws.lb.LoadBalancerAccessLogsArgs(
                bucket=self.access_log_bucket_resource.bucket, prefix=ACCESS_LOG_PREFIX, enabled=True
            ),
            tags=tags,
            # ELB checks it may write to the bucket when access logs are switched on.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.access_log_bucket_policy]),
        )

        self.target_group = aws.lb.TargetGroup(
            f"{name}-tg",
            target_type="ip",
            protocol="HTTP",
            port=container_port,
            vpc_id=args["vpc_id"],
            deregistration_delay=deregistration_delay,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True,
                protocol="HTTP",
                port="traffic-port",
                path=health_check_path,
                matcher=matcher,
                interval=30,
                timeout=5,
                healthy_threshold=2,
                unhealthy_threshold=3,
            ),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        forward = [aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=self.target_group.arn)]
        listener_opts = pulumi.ResourceOptions(parent=self.load_balancer)
        self.https_listener: aws.lb.Listener | None = None
        if https:
            self.https_listener = aws.lb.Listener(
                f"{name}-https",
                load_balancer_arn=self.load_balancer.arn,
                port=HTTPS_PORT,
                protocol="HTTPS",
                ssl_policy=ssl_policy,
                certificate_arn=certificate_arn,
                default_actions=forward,
                routing_http_response_strict_transport_security_header_value="max-age=31536000",
                routing_http_response_x_content_type_options_header_value="nosniff",
                tags=tags,
                opts=listener_opts,
            )
            self.http_listener = aws.lb.Listener(
                f"{name}-http-redirect",
                load_balancer_arn=self.load_balancer.arn,
                port=HTTP_PORT,
                protocol="HTTP",
                default_actions=[
                    aws.lb.ListenerDefaultActionArgs(
                        type="redirect",
                        redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                            protocol="HTTPS", port=str(HTTPS_PORT), status_code="HTTP_301"
                        ),
                    )
                ],
                tags=tags,
                opts=listener_opts,
            )
            forwarding_listener = self.https_listener
        else:
            self.http_listener = aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=self.load_balancer.arn,
                port=HTTP_PORT,
                protocol="HTTP",
                default_actions=forward,
                tags=tags,
                opts=listener_opts,
            )
            forwarding_listener = self.http_listener

        self.web_acl: aws.wafv2.WebAcl | None = None
        self.waf_log_group: aws.cloudwatch.LogGroup | None = None
        self.waf_logging: aws.wafv2.WebAclLoggingConfiguration | None = None
        self.web_acl_association: aws.wafv2.WebAclAssociation | None = None
        if enable_waf:
            self._create_waf(
                name,
                rate_limit=rate_limit,
                log_retention=waf_log_retention,
                protect=protect,
                tags=tags,
                context=context,
            )

        scheme = "https" if https else "http"
        self.load_balancer_arn = self.load_balancer.arn
        self.dns_name = self.load_balancer.dns_name
        self.zone_id = self.load_balancer.zone_id
        self.url = pulumi.Output.concat(scheme, "://", self.load_balancer.dns_name)
        self.health_check_url = pulumi.Output.concat(self.url, health_check_path)
        self.security_group_id = self.security_group.id
        # ECS refuses a target group that no listener uses yet; handing out the ARN only once the
        # forwarding listener exists makes the service wait for it without an explicit dependency.
        self.target_group_arn = pulumi.Output.all(self.target_group.arn, forwarding_listener.arn).apply(
            lambda v: str(v[0])
        )
        self.listener_arn = forwarding_listener.arn
        self.web_acl_arn = self.web_acl.arn if self.web_acl is not None else pulumi.Output.from_input(None)
        self.access_log_bucket = self.access_log_bucket_resource.bucket
        self.register_outputs(
            {
                "load_balancer_arn": self.load_balancer_arn,
                "dns_name": self.dns_name,
                "zone_id": self.zone_id,
                "url": self.url,
                "health_check_url": self.health_check_url,
                "security_group_id": self.security_group_id,
                "target_group_arn": self.target_group_arn,
                "listener_arn": self.listener_arn,
                "web_acl_arn": self.web_acl_arn,
                "access_log_bucket": self.access_log_bucket,
            }
        )

    def _create_access_log_bucket(
        self,
        name: str,
        retention_days: int,
        protect: bool,
        tags: pulumi.Input[dict[str, str]] | None,
        context: AwsContext,
    ) -> None:
        bucket = aws.s3.Bucket(
            f"{name}-access-logs",
            # Unprotected (development) stacks can be destroyed with their logs; protected ones keep them.
            force_destroy=not protect,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=protect),
        )
        owned = pulumi.ResourceOptions(parent=bucket)
        self.access_log_bucket_resource = bucket
        self.access_log_public_access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-access-logs-public-access-block",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=owned,
        )
        self.access_log_ownership = aws.s3.BucketOwnershipControls(
            f"{name}-access-logs-ownership",
            bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=owned,
        )
        self.access_log_encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-access-logs-encryption",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    # ALB log delivery supports only SSE-S3 (AES256), not SSE-KMS.
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="AES256"
                    )
                )
            ],
            opts=owned,
        )
        self.access_log_versioning = aws.s3.BucketVersioning(
            f"{name}-access-logs-versioning",
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=owned,
        )
        self.access_log_lifecycle = aws.s3.BucketLifecycleConfiguration(
            f"{name}-access-logs-lifecycle",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-access-logs",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=retention_days),
                    # Versioning keeps overwritten/deleted logs recoverable for a week, not forever.
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=7
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=7
                    ),
                )
            ],
            opts=pulumi.ResourceOptions(parent=bucket, depends_on=[self.access_log_versioning]),
        )
        policy = pulumi.Output.all(bucket.arn, context.account_id, context.region, context.partition).apply(
            lambda v: access_log_bucket_policy(v[0], ACCESS_LOG_PREFIX, v[1], v[2], v[3])
        )
        self.access_log_bucket_policy = aws.s3.BucketPolicy(
            f"{name}-access-logs-policy",
            bucket=bucket.id,
            policy=policy,
            # Applied after the public access block so S3 judges the policy against it.
            opts=pulumi.ResourceOptions(parent=bucket, depends_on=[self.access_log_public_access_block]),
        )

    def _create_waf(
        self,
        name: str,
        *,
        rate_limit: int,
        log_retention: int,
        protect: bool,
        tags: pulumi.Input[dict[str, str]] | None,
        context: AwsContext,
    ) -> None:
        self.web_acl = aws.wafv2.WebAcl(
            f"{name}-waf",
            scope="REGIONAL",
            description=f"{name}: AWS managed rule groups and a per-IP rate limit",
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=web_acl_rules(rate_limit),
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, metric_name=f"{name}-waf", sampled_requests_enabled=True
            ),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.waf_log_key = customer_managed_key(
            f"{name}-waf-logs-key",
            f"{name}: WAF logs",
            context,
            self.web_acl,
            for_log_groups=True,
            retain_on_delete=protect,
            tags=tags,
        )
        self.waf_log_group = encrypted_log_group(
            f"{name}-waf-logs",
            kms_key=self.waf_log_key,
            retention_in_days=log_retention,
            parent=self.web_acl,
            # WAF delivers only to log groups whose name starts with "aws-waf-logs-".
            log_group_name=f"aws-waf-logs-{pulumi.get_project()}-{pulumi.get_stack()}-{name}",
            protect=protect,
            tags=tags,
        )
        self.waf_logging = aws.wafv2.WebAclLoggingConfiguration(
            f"{name}-waf-logging",
            resource_arn=self.web_acl.arn,
            log_destination_configs=[self.waf_log_group.arn],
            redacted_fields=[
                aws.wafv2.WebAclLoggingConfigurationRedactedFieldArgs(
                    single_header=aws.wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs(name=header)
                )
                for header in REDACTED_HEADERS
            ],
            opts=pulumi.ResourceOptions(parent=self.web_acl),
        )
        self.web_acl_association = aws.wafv2.WebAclAssociation(
            f"{name}-waf-association",
            resource_arn=self.load_balancer.arn,
            web_acl_arn=self.web_acl.arn,
            opts=pulumi.ResourceOptions(parent=self.web_acl),
        )


__all__ = ["HardenedAlb", "HardenedAlbArgs"]
