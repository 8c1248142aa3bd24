"""Patterns public Pulumi programs write, through the analyzer protocol: each insecure one is reported,
each safe one passes (the false negatives and false positives of the pack's first version)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from secure_ecs.analyzer import AnalyzerClient
from secure_ecs.offline.graph import CapturedResource, ResourceGraph
from secure_ecs_facts import tokens
from tests.policies.builders import UNKNOWN, graph, resource

INGRESS = "security-group-no-public-ingress"
ENDPOINTS = "private-service-endpoints"


def open_group(port: int, name: str = "web-sg") -> CapturedResource:
    return resource(
        tokens.SECURITY_GROUP,
        name,
        {"ingress": [{"protocol": "tcp", "fromPort": port, "toPort": port, "cidrBlocks": ["0.0.0.0/0"]}]},
    )


def balancer_with(group: CapturedResource, *, listener_port: int | None = None) -> list[CapturedResource]:
    balancer = resource(tokens.LOAD_BALANCERS[0], "alb", {"internal": False}, links={"securityGroups": [group]})
    if listener_port is None:
        return [balancer]
    listener = resource(
        tokens.LISTENERS[0],
        "listener",
        {"port": listener_port, "protocol": "HTTP"},
        links={"loadBalancerArn": [balancer]},
    )
    return [balancer, listener]


def ingress_findings(pack: AnalyzerClient, stack: ResourceGraph) -> list[str]:
    return [d.message for d in pack.analyze_stack(stack) if d.policy_name == INGRESS and d.is_mandatory]


# -- a security group shared by the load balancer and the tasks --


def test_group_shared_by_balancer_and_tasks_loses_the_exception(default_pack: AnalyzerClient) -> None:
    group = open_group(80)
    service = resource(
        tokens.ECS_SERVICE,
        "app",
        {"networkConfiguration": {"assignPublicIp": False}},
        links={"networkConfiguration": [group]},
    )
    [message] = ingress_findings(default_pack, graph(group, *balancer_with(group), service))
    assert "shares with the tasks" in message


@pytest.mark.parametrize(
    ("token", "prop"),
    [
        (tokens.EC2_INSTANCE, "vpcSecurityGroupIds"),
        (tokens.LAUNCH_CONFIGURATION, "securityGroups"),
        (tokens.RDS_INSTANCE, "vpcSecurityGroupIds"),
    ],
)
def test_group_shared_with_instances_or_databases_is_flagged(
    default_pack: AnalyzerClient, token: str, prop: str
) -> None:
    group = open_group(443)
    workload = resource(token, "workload", {}, links={prop: [group]})
    assert ingress_findings(default_pack, graph(group, *balancer_with(group), workload))


def test_group_used_by_the_balancer_alone_keeps_the_exception(default_pack: AnalyzerClient) -> None:
    group, task_group = open_group(80), resource(tokens.SECURITY_GROUP, "task-sg", {"ingress": []})
    service = resource(tokens.ECS_SERVICE, "app", {}, links={"networkConfiguration": [task_group]})
    assert ingress_findings(default_pack, graph(group, task_group, *balancer_with(group), service)) == []


# -- an awsx ApplicationLoadBalancer's own group, open on its listener port --


def test_balancer_group_may_open_its_own_listener_port(default_pack: AnalyzerClient) -> None:
    group = open_group(8080)
    assert ingress_findings(default_pack, graph(group, *balancer_with(group, listener_port=8080))) == []


def test_balancer_group_open_beyond_its_listeners_is_flagged(default_pack: AnalyzerClient) -> None:
    group = open_group(8081)
    assert ingress_findings(default_pack, graph(group, *balancer_with(group, listener_port=8080)))


def test_balancer_listener_port_unknown_falls_back_to_the_configured_ports(default_pack: AnalyzerClient) -> None:
    group = open_group(8080)
    balancer, listener = balancer_with(group, listener_port=8080)
    unknown_port = resource(listener.type, listener.name, {"port": UNKNOWN}, links={"loadBalancerArn": [balancer]})
    assert ingress_findings(default_pack, graph(group, balancer, unknown_port))


# -- subnets routed through the VPC's main route table --


def _service_in_subnet_without_association(
    main_table_routes: Sequence[Mapping[str, object]] | None, managed_default: bool = False
) -> ResourceGraph:
    vpc = resource(tokens.VPC, "vpc", {"cidrBlock": "172.31.0.0/16"})
    gateway = resource(tokens.INTERNET_GATEWAY, "igw", {}, links={"vpcId": [vpc]})
    subnet = resource(tokens.SUBNET, "app", {"cidrBlock": "172.31.32.0/20"}, links={"vpcId": [vpc]})
    extra: list[CapturedResource] = []
    links = {"routes": [gateway]} if main_table_routes and main_table_routes[0].get("gatewayId") else {}
    if main_table_routes is not None and managed_default:
        extra.append(
            resource(
                tokens.DEFAULT_ROUTE_TABLE,
                "main",
                {"routes": main_table_routes},
                links={"defaultRouteTableId": [vpc], **links},
            )
        )
    elif main_table_routes is not None:
        table = resource(tokens.ROUTE_TABLE, "routes", {"routes": main_table_routes}, links={"vpcId": [vpc], **links})
        association = resource(
            tokens.MAIN_ROUTE_TABLE_ASSOCIATION, "main", {}, links={"vpcId": [vpc], "routeTableId": [table]}
        )
        extra += [table, association]
    service = resource(
        tokens.ECS_SERVICE,
        "svc",
        {"networkConfiguration": {"assignPublicIp": True}},
        links={"networkConfiguration": [subnet]},
    )
    return graph(vpc, gateway, subnet, *extra, service)


IGW_ROUTE: list[Mapping[str, object]] = [{"cidrBlock": "0.0.0.0/0", "gatewayId": UNKNOWN}]


@pytest.mark.parametrize("managed_default", [False, True], ids=["MainRouteTableAssociation", "DefaultRouteTable"])
def test_main_route_table_to_the_internet_counts_as_egress(default_pack: AnalyzerClient, managed_default: bool) -> None:
    stack = _service_in_subnet_without_association(IGW_ROUTE, managed_default)
    assert [d for d in default_pack.analyze_stack(stack) if d.policy_name == ENDPOINTS] == []


def test_main_route_table_without_egress_still_needs_endpoints(default_pack: AnalyzerClient) -> None:
    stack = _service_in_subnet_without_association([{"cidrBlock": "10.1.0.0/16", "vpcPeeringConnectionId": "pcx-1"}])
    assert [d for d in default_pack.analyze_stack(stack) if d.policy_name == ENDPOINTS]


def test_vpc_without_a_declared_main_table_has_only_the_local_route(default_pack: AnalyzerClient) -> None:
    stack = _service_in_subnet_without_association(None)
    assert [d for d in default_pack.analyze_stack(stack) if d.policy_name == ENDPOINTS]


# -- HTTP-only listeners in a stack that allows them --


def test_http_only_listener_is_advisory_in_dev_and_mandatory_in_prod(
    dev_pack: AnalyzerClient, prod_pack: AnalyzerClient
) -> None:
    listener = resource(
        tokens.LISTENERS[0], "http", {"protocol": "HTTP", "port": 80, "defaultActions": [{"type": "forward"}]}
    )
    policy = "listener-http-redirects-to-https"
    dev = [d.enforcement_level for d in dev_pack.analyze(listener, graph(listener)) if d.policy_name == policy]
    prod = [d.enforcement_level for d in prod_pack.analyze(listener, graph(listener)) if d.policy_name == policy]
    assert (dev, prod) == (["advisory"], ["mandatory"])


# -- buckets under S3's default public access block (April 2023) --


def test_bucket_without_a_block_resource_keeps_the_aws_default(default_pack: AnalyzerClient) -> None:
    bucket = resource(tokens.S3_BUCKETS[1], "logs", {"forceDestroy": False})
    stack = graph(bucket)
    findings = default_pack.analyze(bucket, stack) + default_pack.analyze_stack(stack)
    assert [d for d in findings if d.policy_name.startswith("s3-")] == []


# -- ECS services in the default VPC --


def test_service_with_unset_assign_public_ip_gets_no_public_ip(default_pack: AnalyzerClient) -> None:
    # awsvpc interfaces take a public IP only when assignPublicIp is ENABLED, whatever the subnet maps.
    service = resource(tokens.ECS_SERVICE, "svc", {"networkConfiguration": {"subnets": ["subnet-default-a"]}})
    assert [
        d for d in default_pack.analyze(service, graph(service)) if d.policy_name == "ecs-service-no-public-ip"
    ] == []


# -- instances and launch templates inheriting public IPs --


def test_instance_in_a_load_balancer_subnet_still_gets_no_exception(default_pack: AnalyzerClient) -> None:
    subnet = resource(tokens.SUBNET, "public-a", {"mapPublicIpOnLaunch": True, "tags": {"secure-ecs:tier": "public"}})
    instance = resource(tokens.EC2_INSTANCE, "bastion", {}, links={"subnetId": [subnet]})
    stack = graph(subnet, instance)
    assert [d.urn for d in default_pack.analyze_stack(stack) if d.policy_name == "public-ip-from-subnet"] == [
        instance.urn
    ]


@pytest.mark.parametrize(
    ("interfaces", "flagged"),
    [(None, True), ([{"deviceIndex": 0}], True), ([{"associatePublicIpAddress": "false"}], False)],
)
def test_launch_template_in_a_public_subnet(
    default_pack: AnalyzerClient, interfaces: list[dict[str, object]] | None, flagged: bool
) -> None:
    template = resource(tokens.LAUNCH_TEMPLATE, "lt", {} if interfaces is None else {"networkInterfaces": interfaces})
    subnet = resource(tokens.SUBNET, "web", {"mapPublicIpOnLaunch": True})
    group = resource(
        tokens.AUTOSCALING_GROUP,
        "asg",
        {"vpcZoneIdentifiers": ["x"]},
        links={"launchTemplate": [template], "vpcZoneIdentifiers": [subnet]},
    )
    findings = [
        d.urn
        for d in default_pack.analyze_stack(graph(template, subnet, group))
        if d.policy_name == "public-ip-from-subnet"
    ]
    assert findings == ([template.urn] if flagged else [])


def test_autoscaling_group_in_private_subnets_passes(default_pack: AnalyzerClient) -> None:
    configuration = resource(tokens.LAUNCH_CONFIGURATION, "lc", {})
    subnet = resource(tokens.SUBNET, "private", {"mapPublicIpOnLaunch": False})
    group = resource(
        tokens.AUTOSCALING_GROUP,
        "asg",
        {"vpcZoneIdentifiers": ["x"]},
        links={"launchConfiguration": [configuration], "vpcZoneIdentifiers": [subnet]},
    )
    assert default_pack.analyze_stack(graph(configuration, subnet, group)) == []


def test_policy_given_as_an_object_with_unknown_parts_is_noted(default_pack: AnalyzerClient) -> None:
    document = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": UNKNOWN}]}
    policy = resource(tokens.S3_BUCKET_POLICY, "site-policy", {"bucket": UNKNOWN, "policy": document})
    findings = default_pack.analyze(policy, graph(policy))
    assert [d.enforcement_level for d in findings if d.policy_name == "s3-bucket-not-public"] == ["advisory"]
    assert all("not checked: unknown until deploy: policy" in d.message for d in findings)
