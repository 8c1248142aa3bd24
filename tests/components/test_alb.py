"""HardenedAlb under Pulumi's mock engine: secure defaults, opt-outs and refusals."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from secure_ecs.offline.graph import ResourceGraph
from secure_ecs_components.alb import DEFAULT_SSL_POLICY, HardenedAlb, HardenedAlbArgs
from secure_ecs_components.errors import ComponentArgumentError
from tests.offline import only as one
from tests.offline import run_offline

REGION = "us-east-1"
ACCOUNT = "123456789012"
CERTIFICATE = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/0000-1111"
BASE_ARGS: HardenedAlbArgs = {"vpc_id": "vpc-0123", "public_subnet_ids": ["subnet-pub-a", "subnet-pub-b"]}




def build(region: str = REGION, **overrides: Any) -> ResourceGraph:
    args: dict[str, Any] = {**BASE_ARGS, **overrides}
    return run_offline(lambda: HardenedAlb("edge", args), region)  # type: ignore[arg-type]




def listeners(graph: ResourceGraph) -> dict[int, dict[str, Any]]:
    return {r.inputs["port"]: dict(r.inputs) for r in graph.of_type("aws:lb/listener:Listener")}


@pytest.fixture(scope="module")
def https_graph() -> ResourceGraph:
    return build(certificate_arn=CERTIFICATE, protect_stateful=False)


@pytest.fixture(scope="module")
def dev_graph() -> ResourceGraph:
    return build(
        region="ap-southeast-4",  # opened after August 2022: service-principal log delivery only
        allow_http_only=True,
        waf={"enabled": False},
        enable_deletion_protection=False,
        protect_stateful=False,
        ingress_cidrs=["203.0.113.0/24"],
        health_check_path="/healthz",
    )


@pytest.fixture(scope="module")
def protected_graph() -> ResourceGraph:
    return build(certificate_arn=CERTIFICATE, protect_stateful=True)


def test_component_type_token_and_child_names(https_graph: ResourceGraph) -> None:
    component = one(https_graph, "secure-ecs:index:HardenedAlb")
    assert all(r.name.startswith("edge-") for r in https_graph if r.urn != component.urn)


def test_load_balancer_is_internet_facing_in_public_subnets(https_graph: ResourceGraph) -> None:
    alb = one(https_graph, "aws:lb/loadBalancer:LoadBalancer").inputs
    assert alb["internal"] is False
    assert alb["loadBalancerType"] == "application"
    assert alb["subnets"] == ["subnet-pub-a", "subnet-pub-b"]


def test_load_balancer_header_hardening_and_deletion_protection(https_graph: ResourceGraph) -> None:
    alb = one(https_graph, "aws:lb/loadBalancer:LoadBalancer").inputs
    assert alb["dropInvalidHeaderFields"] is True
    assert alb["desyncMitigationMode"] == "strictest"
    assert alb["enableDeletionProtection"] is True


def test_deletion_protection_opt_out(dev_graph: ResourceGraph) -> None:
    assert one(dev_graph, "aws:lb/loadBalancer:LoadBalancer").inputs["enableDeletionProtection"] is False


def test_access_logs_go_to_the_locked_down_bucket(https_graph: ResourceGraph) -> None:
    logs = one(https_graph, "aws:lb/loadBalancer:LoadBalancer").inputs["accessLogs"]
    bucket = one(https_graph, "aws:s3/bucket:Bucket")
    assert logs == {"bucket": bucket.outputs["bucket"], "prefix": "alb", "enabled": True}
    block = one(https_graph, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert all(
        block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    ownership = one(https_graph, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs
    assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    (rule,) = one(
        https_graph, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    ).inputs["rules"]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
    versioning = one(https_graph, "aws:s3/bucketVersioning:BucketVersioning").inputs
    assert versioning["versioningConfiguration"]["status"] == "Enabled"
    (expiry,) = one(https_graph, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"]
    assert expiry["expiration"]["days"] == 90


def test_load_balancer_waits_for_the_bucket_policy(https_graph: ResourceGraph) -> None:
    alb = one(https_graph, "aws:lb/loadBalancer:LoadBalancer")
    assert one(https_graph, "aws:s3/bucketPolicy:BucketPolicy").urn in alb.dependencies


def _bucket_policy(graph: ResourceGraph) -> dict[str, dict[str, Any]]:
    policy = json.loads(one(graph, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    return {s["Sid"]: s for s in policy["Statement"]}


def test_bucket_policy_is_tls_only_and_lets_elb_write_in_legacy_region(https_graph: ResourceGraph) -> None:
    statements = _bucket_policy(https_graph)
    deny = statements["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    service = statements["ElbLogDeliveryServicePrincipal"]
    assert service["Principal"] == {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
    assert service["Resource"].endswith(f"/alb/AWSLogs/{ACCOUNT}/*")
    assert statements["ElbLogDeliveryRegionalAccount"]["Principal"] == {"AWS": "arn:aws:iam::127311923021:root"}


def test_bucket_policy_uses_only_service_principal_in_new_regions(dev_graph: ResourceGraph) -> None:
    statements = _bucket_policy(dev_graph)
    assert "ElbLogDeliveryServicePrincipal" in statements
    assert "ElbLogDeliveryRegionalAccount" not in statements


def test_https_listener_uses_tls13_policy_and_certificate(https_graph: ResourceGraph) -> None:
    https = listeners(https_graph)[443]
    assert https["protocol"] == "HTTPS"
    assert https["sslPolicy"] == DEFAULT_SSL_POLICY
    assert https["certificateArn"] == CERTIFICATE
    assert https["defaultActions"][0]["type"] == "forward"


def test_http_listener_only_redirects_to_https(https_graph: ResourceGraph) -> None:
    (action,) = listeners(https_graph)[80]["defaultActions"]
    assert action["type"] == "redirect"
    assert action["redirect"] == {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}


def test_http_only_mode_forwards_on_80_and_has_no_443(dev_graph: ResourceGraph) -> None:
    assert set(listeners(dev_graph)) == {80}
    assert listeners(dev_graph)[80]["defaultActions"][0]["type"] == "forward"
    ports = {
        r.inputs["fromPort"] for r in dev_graph.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    }
    assert ports == {80}


def test_security_group_admits_only_80_and_443_from_configured_cidrs(https_graph: ResourceGraph) -> None:
    group = one(https_graph, "aws:ec2/securityGroup:SecurityGroup")
    assert "ingress" not in group.inputs
    assert "egress" not in group.inputs
    rules = https_graph.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert sorted((r.inputs["fromPort"], r.inputs["toPort"], r.inputs["cidrIpv4"]) for r in rules) == [
        (80, 80, "0.0.0.0/0"),
        (443, 443, "0.0.0.0/0"),
    ]
    assert not https_graph.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")


def test_ingress_cidrs_are_configurable(dev_graph: ResourceGraph) -> None:
    rules = dev_graph.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert [r.inputs["cidrIpv4"] for r in rules] == ["203.0.113.0/24"]


def test_target_group_is_ip_http_on_container_port_with_health_check(https_graph: ResourceGraph) -> None:
    group = one(https_graph, "aws:lb/targetGroup:TargetGroup").inputs
    assert (group["targetType"], group["protocol"], group["port"]) == ("ip", "HTTP", 8080)
    assert group["healthCheck"]["path"] == "/api/health"
    assert group["healthCheck"]["matcher"] == "200"
    assert group["deregistrationDelay"] == 30


def test_health_check_path_is_configurable(dev_graph: ResourceGraph) -> None:
    assert one(dev_graph, "aws:lb/targetGroup:TargetGroup").inputs["healthCheck"]["path"] == "/healthz"


def test_waf_has_managed_groups_and_rate_rule(https_graph: ResourceGraph) -> None:
    acl = one(https_graph, "aws:wafv2/webAcl:WebAcl").inputs
    assert acl["scope"] == "REGIONAL"
    assert acl["visibilityConfig"]["cloudwatchMetricsEnabled"] is True
    managed = {
        r["statement"]["managedRuleGroupStatement"]["name"]
        for r in acl["rules"]
        if "managedRuleGroupStatement" in r["statement"]
    }
    assert {
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    } <= managed
    (rate,) = [r for r in acl["rules"] if "rateBasedStatement" in r["statement"]]
    assert rate["statement"]["rateBasedStatement"]["limit"] == 2000
    assert rate["action"] == {"block": {}}
    assert len({r["priority"] for r in acl["rules"]}) == len(acl["rules"])


def test_waf_is_associated_and_logs_to_encrypted_group(https_graph: ResourceGraph) -> None:
    acl = one(https_graph, "aws:wafv2/webAcl:WebAcl")
    association = one(https_graph, "aws:wafv2/webAclAssociation:WebAclAssociation").inputs
    assert association["webAclArn"] == acl.outputs["arn"]
    assert association["resourceArn"] == one(https_graph, "aws:lb/loadBalancer:LoadBalancer").outputs["arn"]
    group = one(https_graph, "aws:cloudwatch/logGroup:LogGroup")
    assert group.inputs["name"].startswith("aws-waf-logs-")
    assert group.inputs["kmsKeyId"].startswith("arn:aws:kms:")
    logging = one(https_graph, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration").inputs
    assert logging["logDestinationConfigs"] == [group.outputs["arn"]]
    assert {f["singleHeader"]["name"] for f in logging["redactedFields"]} == {"authorization", "cookie"}


def test_waf_opt_out_is_explicit(dev_graph: ResourceGraph) -> None:
    for token in ("aws:wafv2/webAcl:WebAcl", "aws:wafv2/webAclAssociation:WebAclAssociation"):
        assert not dev_graph.of_type(token)


def test_waf_rate_limit_is_configurable() -> None:
    acl = one(build(certificate_arn=CERTIFICATE, waf={"rate_limit": 300}), "aws:wafv2/webAcl:WebAcl").inputs
    (rate,) = [r for r in acl["rules"] if "rateBasedStatement" in r["statement"]]
    assert rate["statement"]["rateBasedStatement"]["limit"] == 300


STATEFUL = ("aws:s3/bucket:Bucket", "aws:cloudwatch/logGroup:LogGroup", "aws:kms/key:Key")


def test_stateful_resources_disposable_when_unprotected(https_graph: ResourceGraph) -> None:
    for token in STATEFUL:
        assert one(https_graph, token).options.retain_on_delete is False
    assert one(https_graph, "aws:s3/bucket:Bucket").inputs["forceDestroy"] is True


def test_protect_stateful_keeps_bucket_logs_and_key(protected_graph: ResourceGraph) -> None:
    for token in STATEFUL:
        assert one(protected_graph, token).options.retain_on_delete is True, token
    assert one(protected_graph, "aws:s3/bucket:Bucket").inputs["forceDestroy"] is False
    assert one(protected_graph, "aws:cloudwatch/logGroup:LogGroup").inputs["deletionProtectionEnabled"] is True


def test_outputs_registered() -> None:
    def program() -> None:
        alb = HardenedAlb("edge", {**BASE_ARGS, "certificate_arn": CERTIFICATE})
        pulumi.export("health", alb.health_check_url)
        pulumi.export("acl", alb.web_acl_arn)
        pulumi.export("tg", alb.target_group_arn)

    outputs = run_offline(program).stack_outputs
    assert outputs["health"].startswith("https://") and outputs["health"].endswith("/api/health")
    assert outputs["acl"].startswith("arn:aws:wafv2:")
    assert outputs["tg"].startswith("arn:aws:elasticloadbalancing:")


REFUSALS: list[tuple[dict[str, Any], str]] = [
    ({}, "certificate_arn"),
    ({"certificate_arn": CERTIFICATE, "allow_http_only": True}, "allow_http_only"),
    ({"certificate_arn": "not-an-arn"}, "certificate_arn"),
    ({"certificate_arn": CERTIFICATE, "ssl_policy": "ELBSecurityPolicy-2016-08"}, "ssl_policy"),
    ({"certificate_arn": CERTIFICATE, "ingress_cidrs": ["10.0.0.1/8"]}, "ingress_cidrs"),
    ({"certificate_arn": CERTIFICATE, "ingress_cidrs": []}, "ingress_cidrs"),
    ({"certificate_arn": CERTIFICATE, "ingress_cidrs": ["::/0"]}, "ingress_cidrs"),
    ({"certificate_arn": "arn:aws:iam::123456789012:server-certificate/site"}, "certificate_arn"),
    ({"certificate_arn": CERTIFICATE, "waf": {"rate_limit": 5}}, "waf.rate_limit"),
    ({"certificate_arn": CERTIFICATE, "waf": {"enabled": "false"}}, "waf.enabled"),
    ({"certificate_arn": CERTIFICATE, "health_check_path": "api/health"}, "health_check_path"),
    ({"certificate_arn": CERTIFICATE, "waf": {"log_retention_days": 2}}, "waf.log_retention_days"),
]


@pytest.mark.parametrize(("overrides", "argument"), REFUSALS, ids=[f"{a}-{i}" for i, (_, a) in enumerate(REFUSALS)])
def test_refuses_unsafe_or_contradictory_arguments(overrides: dict[str, Any], argument: str) -> None:
    with pytest.raises(ComponentArgumentError) as refused:
        build(**overrides)
    assert refused.value.argument == argument
    assert str(refused.value).startswith(f"HardenedAlb 'edge': argument `{argument}`")


def test_values_known_only_at_deploy_time_are_left_to_aws() -> None:
    # Another resource's output cannot be checked now (CDK's unresolved-token rule); it is wired as given.
    def program() -> None:
        port = pulumi.Output.from_input(9000)
        HardenedAlb("edge", {**BASE_ARGS, "allow_http_only": True, "container_port": port})

    assert one(run_offline(program), "aws:lb/targetGroup:TargetGroup").inputs["port"] == 9000


# --- deploy hazards ------------------------------------------------------------------------------


def test_names_that_leave_no_room_for_auto_naming_are_refused() -> None:
    # `<name>-alb-` + 7 random characters must fit AWS's 32-character load balancer name limit.
    assert one(
        run_offline(lambda: HardenedAlb("x" * 20, {**BASE_ARGS, "allow_http_only": True})),
        "aws:lb/loadBalancer:LoadBalancer",
    )
    with pytest.raises(ComponentArgumentError, match="at most 20 characters"):
        run_offline(lambda: HardenedAlb("customer-portal-frontend", {**BASE_ARGS, "allow_http_only": True}))


def test_anonymous_ip_list_is_an_explicit_option(https_graph: ResourceGraph) -> None:
    def groups(graph: ResourceGraph) -> list[str]:
        rules = one(graph, "aws:wafv2/webAcl:WebAcl").inputs["rules"]
        return [r["name"] for r in rules]

    assert "AWSManagedRulesAnonymousIpList" not in groups(https_graph)
    chosen = groups(build(certificate_arn=CERTIFICATE, waf={"block_anonymous_ips": True}))
    assert chosen.index("AWSManagedRulesAnonymousIpList") == 2  # right after the rate limit and IP reputation


def test_protected_bucket_waf_group_and_key_refuse_pulumi_destroy(protected_graph: ResourceGraph) -> None:
    for token in ("aws:s3/bucket:Bucket", "aws:cloudwatch/logGroup:LogGroup", "aws:kms/key:Key"):
        resources = protected_graph.of_type(token)
        assert resources and all(r.options.protect and r.options.retain_on_delete for r in resources), token
    # The fixed-name WAF log group must be gone before a replacement can take its name.
    assert one(protected_graph, "aws:cloudwatch/logGroup:LogGroup").options.delete_before_replace is True
