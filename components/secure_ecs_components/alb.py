"""HardenedAlb: the only internet-facing part of the architecture.

An application load balancer in the public subnets with TLS 1.3, HTTP only as a redirect,
strict header handling, access logs to a locked-down bucket and a WAF web ACL in front.
"""

from collections.abc import Mapping, Sequence
from typing import Any, Required, TypedDict

import pulumi
import pulumi_aws as aws

from secure_ecs_components.aws_context import AwsContext, current_aws_context
from secure_ecs_components.elb_log_delivery import access_log_bucket_policy
from secure_ecs_components.encryption import customer_managed_key
from secure_ecs_components.log_group import encrypted_log_group
from secure_ecs_components.naming import require_auto_name_room
from secure_ecs_components.security_group_pairing import rule_free_security_group
from secure_ecs_components.spec import Arg, ArgSpec
from secure_ecs_components.validation import PORT_RANGE, http_path, ipv4_cidrs, log_retention
from secure_ecs_components.waf_rules import waf_log_delivery_policy, web_acl_rules
from secure_ecs_facts.tls import RECOMMENDED_TLS_POLICY

COMPONENT = "HardenedAlb"
HTTP_PORT = 80
HTTPS_PORT = 443
DEFAULT_SSL_POLICY = RECOMMENDED_TLS_POLICY
ACCESS_LOG_PREFIX = "alb"
# Headers that carry credentials are never written to WAF logs.
REDACTED_HEADERS = ("authorization", "cookie")
# Auto-named children and their AWS name limits (a load balancer or target group name is at most 32).
AUTO_NAMED_CHILDREN = {
    "-alb": "aws:lb/loadBalancer:LoadBalancer",
    "-tg": "aws:lb/targetGroup:TargetGroup",
    "-access-logs": "aws:s3/bucket:Bucket",
    "-waf": "aws:wafv2/webAcl:WebAcl",
    "-sg": "aws:ec2/securityGroup:SecurityGroup",
}
# The provider retries the first association for 5 minutes; WAF can take longer to see a new ALB.
WAF_ASSOCIATION_CREATE_TIMEOUT = "15m"


class WafArgs(TypedDict, total=False):
    """The WAFv2 web ACL in front of the load balancer."""

    enabled: bool
    """Attach a web ACL (AWS managed rule groups and a per-IP rate limit); off only explicitly.
    Default: true."""
    rate_limit: pulumi.Input[int]
    """Requests one client IP may send per 5 minutes before WAF blocks it. Default: 2000."""
    block_anonymous_ips: bool
    """Also block VPNs, proxies, Tor and hosting providers (AWS's anonymous IP list); off because it
    blocks users behind corporate proxies and cloud-hosted clients. Default: false."""
    log_retention_days: pulumi.Input[int]
    """Days to keep WAF logs (a CloudWatch Logs retention period). Default: 90."""


class HardenedAlbArgs(TypedDict, total=False):
    vpc_id: Required[pulumi.Input[str]]
    """VPC of the load balancer and its target group. Required."""
    public_subnet_ids: Required[pulumi.Input[Sequence[pulumi.Input[str]]]]
    """Public subnets (at least two AZs) the load balancer's nodes live in. Required."""
    container_port: pulumi.Input[int]
    """Port the targets (the service's containers) listen on. Default: 8080."""
    certificate_arn: pulumi.Input[str]
    """ACM certificate for the HTTPS listener (HTTP then only redirects). Default: none, and then
    `allow_http_only` must be true."""
    allow_http_only: bool
    """Serve plain HTTP without a certificate: only for a development stack without a domain.
    Default: false."""
    ssl_policy: pulumi.Input[str]
    """TLS policy of the HTTPS listener; must be a TLS 1.3 policy.
    Default: "ELBSecurityPolicy-TLS13-1-2-2021-06"."""
    ingress_cidrs: Sequence[str]
    """IPv4 client networks admitted on 80/443 (the load balancer is IPv4-only). Default: ["0.0.0.0/0"]."""
    health_check_path: pulumi.Input[str]
    """Path the target group probes. Default: "/api/health"."""
    health_check_matcher: pulumi.Input[str]
    """HTTP codes that count as healthy. Default: "200"."""
    deregistration_delay_seconds: pulumi.Input[int]
    """Seconds in-flight requests get before a target is removed. Default: 30."""
    idle_timeout_seconds: pulumi.Input[int]
    """Connection idle timeout in seconds. Default: 60."""
    enable_deletion_protection: pulumi.Input[bool]
    """AWS-side deletion protection of the load balancer. Default: true."""
    waf: WafArgs
    """Web application firewall settings. Default: on, rate limit 2000, logs kept 90 days."""
    access_log_retention_days: pulumi.Input[int]
    """Days access-log objects are kept, 1 to 3650. Default: 90."""
    protect_stateful: bool
    """Protect the access-log bucket, WAF log group and key: `pulumi destroy` refuses to delete them
    (Pulumi `protect`), and a deliberate removal leaves them in AWS (retain on delete). Default: true."""
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]]
    """Tags for every taggable resource. Default: none."""


def _certificate(arn: object) -> str | None:
    if isinstance(arn, str) and arn.startswith("arn:") and ":acm:" in arn:
        return None
    return "use the ARN of an ACM certificate (arn:aws:acm:<region>:<account>:certificate/<id>)"


def _listener_rule(values: Mapping[str, Any]) -> tuple[str, Any, str] | None:
    """HTTPS with a certificate, or plain HTTP only when asked for explicitly."""
    certificate, http_only = values["certificate_arn"], values["allow_http_only"]
    if certificate is not None and http_only:
        return ("allow_http_only", True, "`certificate_arn` is set, so HTTPS is served; drop `allow_http_only`")
    if certificate is None and not http_only:
        return (
            "certificate_arn",
            None,
            "give an ACM certificate ARN for HTTPS, or set `allow_http_only` to serve plain HTTP (development only)",
        )
    return None


WAF_SPEC = ArgSpec(
    COMPONENT,
    WafArgs,
    {
        "enabled": Arg(default=True),
        # WAF's documented bounds for a rate-based rule's limit.
        "rate_limit": Arg(default=2000, minimum=10, maximum=2_000_000_000),
        "block_anonymous_ips": Arg(default=False),
        "log_retention_days": Arg(default=90, check=log_retention),
    },
)
SPEC = ArgSpec(
    COMPONENT,
    HardenedAlbArgs,
    {
        "vpc_id": Arg(wired=True),
        "public_subnet_ids": Arg(wired=True),
        "container_port": Arg(default=8080, minimum=PORT_RANGE[0], maximum=PORT_RANGE[1], wired=True),
        "certificate_arn": Arg(check=_certificate),
        "allow_http_only": Arg(default=False),
        "ssl_policy": Arg(
            default=DEFAULT_SSL_POLICY,
            check=lambda p: None if "TLS13" in p else f"use a TLS 1.3 policy such as {DEFAULT_SSL_POLICY!r}",
        ),
        "ingress_cidrs": Arg(default=["0.0.0.0/0"], check=ipv4_cidrs),
        "health_check_path": Arg(default="/api/health", check=http_path),
        "health_check_matcher": Arg(default="200", pattern=r"[0-9]{3}([,-][0-9]{3})*"),
        "deregistration_delay_seconds": Arg(default=30, minimum=0, maximum=3600),
        "idle_timeout_seconds": Arg(default=60, minimum=1, maximum=4000),
        "enable_deletion_protection": Arg(default=True, wired=True),
        "waf": Arg(),
        "access_log_retention_days": Arg(default=90, minimum=1, maximum=3650),
        "protect_stateful": Arg(default=True, wired=True),
        "tags": Arg(wired=True),
    },
    rules=[_listener_rule],
    nested={"waf": WAF_SPEC},
)


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
        require_auto_name_room(COMPONENT, name, AUTO_NAMED_CHILDREN)
        values = SPEC.resolve(name, args)
        waf = WAF_SPEC.resolve(name, values["waf"] or {})
        https = values["certificate_arn"] is not None
        protect: bool = values["protect_stateful"]
        tags = values["tags"]

        super().__init__(f"secure-ecs:index:{COMPONENT}", name, None, opts)
        context = current_aws_context(self)
        self._create_security_group(name, values, https)
        self._create_access_log_bucket(name, values["access_log_retention_days"], protect, tags, context)
        self._create_load_balancer(name, values)
        forwarding_listener = self._create_listeners(name, values, https)

        self.web_acl: aws.wafv2.WebAcl | None = None
        self.waf_log_group: aws.cloudwatch.LogGroup | None = None
        self.waf_logging: aws.wafv2.WebAclLoggingConfiguration | None = None
        self.web_acl_association: aws.wafv2.WebAclAssociation | None = None
        if waf["enabled"]:
            self._create_waf(
                name,
                rate_limit=waf["rate_limit"],
                block_anonymous=waf["block_anonymous_ips"],
                log_retention=waf["log_retention_days"],
                protect=protect,
                tags=tags,
                context=context,
            )
        self._publish_outputs(https, values["health_check_path"], forwarding_listener)

    def _create_security_group(self, name: str, values: Mapping[str, Any], https: bool) -> None:
        self.security_group = rule_free_security_group(
            f"{name}-sg",
            vpc_id=values["vpc_id"],
            description=f"{name} load balancer: clients on 80/443; egress only to the service (rules added by it)",
            parent=self,
            tags=values["tags"],
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
                cidr_ipv4=cidr,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                description=descriptions[port],
                opts=pulumi.ResourceOptions(parent=self.security_group),
            )
            for port in ports
            for index, cidr in enumerate(values["ingress_cidrs"])
        ]

    def _create_load_balancer(self, name: str, values: Mapping[str, Any]) -> None:
        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-alb",
            load_balancer_type="application",
            internal=False,
            subnets=values["public_subnet_ids"],
            security_groups=[self.security_group.id],
            ip_address_type="ipv4",
            drop_invalid_header_fields=True,
            desync_mitigation_mode="strictest",
            enable_deletion_protection=values["enable_deletion_protection"],
            enable_http2=True,
            idle_timeout=values["idle_timeout_seconds"],
            access_logs=aws.lb.LoadBalancerAccessLogsArgs(
                bucket=self.access_log_bucket_resource.bucket, prefix=ACCESS_LOG_PREFIX, enabled=True
            ),
            tags=values["tags"],
            # ELB checks it may write to the bucket when access logs are switched on.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.access_log_bucket_policy]),
        )
        self.target_group = aws.lb.TargetGroup(
            f"{name}-tg",
            target_type="ip",
            protocol="HTTP",
            port=values["container_port"],
            vpc_id=values["vpc_id"],
            deregistration_delay=values["deregistration_delay_seconds"],
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True,
                protocol="HTTP",
                port="traffic-port",
                path=values["health_check_path"],
                matcher=values["health_check_matcher"],
                interval=30,
                timeout=5,
                healthy_threshold=2,
                unhealthy_threshold=3,
            ),
            tags=values["tags"],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _create_listeners(self, name: str, values: Mapping[str, Any], https: bool) -> aws.lb.Listener:
        """The listeners; returns the one that forwards to the target group."""
        tags = values["tags"]
        forward = [aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=self.target_group.arn)]
        listener_opts = pulumi.ResourceOptions(parent=self.load_balancer)
        self.https_listener: aws.lb.Listener | None = None
        if not https:
            self.http_listener = aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=self.load_balancer.arn,
                port=HTTP_PORT,
                protocol="HTTP",
                default_actions=forward,
                tags=tags,
                opts=listener_opts,
            )
            return self.http_listener
        self.https_listener = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=self.load_balancer.arn,
            port=HTTPS_PORT,
            protocol="HTTPS",
            ssl_policy=values["ssl_policy"],
            certificate_arn=values["certificate_arn"],
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
        return self.https_listener

    def _publish_outputs(
        self, https: bool, health_check_path: pulumi.Input[str], forwarding_listener: aws.lb.Listener
    ) -> None:
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
        retention_days: pulumi.Input[int],
        protect: bool,
        tags: pulumi.Input[Mapping[str, str]] | None,
        context: AwsContext,
    ) -> None:
        bucket = aws.s3.Bucket(
            f"{name}-access-logs",
            # Unprotected (development) stacks can be destroyed with their logs; protected ones keep them.
            force_destroy=not protect,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=protect, retain_on_delete=protect),
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
        rate_limit: pulumi.Input[int],
        block_anonymous: bool,
        log_retention: pulumi.Input[int],
        protect: bool,
        tags: pulumi.Input[Mapping[str, str]] | None,
        context: AwsContext,
    ) -> None:
        self.web_acl = aws.wafv2.WebAcl(
            f"{name}-waf",
            scope="REGIONAL",
            description=f"{name}: AWS managed rule groups and a per-IP rate limit",
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=web_acl_rules(rate_limit, block_anonymous_ips=block_anonymous),
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
            protect=protect,
            tags=tags,
        )
        self.waf_log_group = encrypted_log_group(
            f"{name}-waf-logs",
            kms_key_arn=self.waf_log_key.arn,
            retention_in_days=log_retention,
            parent=self.web_acl,
            # WAF delivers only to log groups whose name starts with "aws-waf-logs-".
            log_group_name=f"aws-waf-logs-{pulumi.get_project()}-{pulumi.get_stack()}-{name}",
            protect=protect,
            tags=tags,
        )
        # WAF would otherwise add this group to the account-wide AWSWAF-LOGS policy, which fails once
        # that policy reaches its size limit; a policy on the group itself leaves the account's alone.
        self.waf_log_policy = aws.cloudwatch.LogResourcePolicy(
            f"{name}-waf-logs-policy",
            resource_arn=self.waf_log_group.arn,
            policy_document=pulumi.Output.all(
                self.waf_log_group.arn, context.account_id, context.region, context.partition
            ).apply(lambda v: waf_log_delivery_policy(v[0], v[1], v[2], v[3])),
            opts=pulumi.ResourceOptions(parent=self.waf_log_group),
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
            opts=pulumi.ResourceOptions(parent=self.web_acl, depends_on=[self.waf_log_policy]),
        )
        self.web_acl_association = aws.wafv2.WebAclAssociation(
            f"{name}-waf-association",
            resource_arn=self.load_balancer.arn,
            web_acl_arn=self.web_acl.arn,
            # A rerun of `pulumi up` also fixes a timeout here (WAFUnavailableEntityException).
            opts=pulumi.ResourceOptions(
                parent=self.web_acl, custom_timeouts=pulumi.CustomTimeouts(create=WAF_ASSOCIATION_CREATE_TIMEOUT)
            ),
        )


__all__ = ["HardenedAlb", "HardenedAlbArgs", "WafArgs"]
