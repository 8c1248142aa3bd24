"""PrivateNetwork under Pulumi mocks: every secure default and every opt-out."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import pulumi_aws as aws
import pytest

from secure_ecs.offline.account import default_responder
from secure_ecs.offline.attributes import AccountContext
from secure_ecs.offline.graph import CapturedResource, ResourceGraph
from secure_ecs.offline.harness import run_function
from secure_ecs_components.errors import ComponentArgumentError
from secure_ecs_components.network import PrivateNetwork, PrivateNetworkArgs
from secure_ecs_components.tags import TIER_TAG
from tests.offline import offline_settings, only, run_offline

SUBNET = "aws:ec2/subnet:Subnet"
ROUTE = "aws:ec2/route:Route"


def network(**overrides: Any) -> ResourceGraph:
    args: PrivateNetworkArgs = {"cidr_block": "10.0.0.0/16", **overrides}  # type: ignore[typeddict-item]
    return run_offline(lambda: PrivateNetwork("net", args))


@pytest.fixture(scope="module")
def default_network() -> ResourceGraph:
    return network(protect_stateful=False)


def subnets_of(graph: ResourceGraph, tier: str) -> list[CapturedResource]:
    """The tier's subnets in AZ order (registration order is not deterministic)."""
    subnets = [s for s in graph.of_type(SUBNET) if s.inputs["tags"][TIER_TAG] == tier]
    return sorted(subnets, key=lambda s: str(s.inputs["availabilityZone"]))


def route_table_of(graph: ResourceGraph, subnet: CapturedResource) -> str:
    (association,) = [
        a
        for a in graph.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation")
        if a.inputs["subnetId"] == subnet.id
    ]
    return str(association.inputs["routeTableId"])


def routes_from(graph: ResourceGraph, route_table_id: str) -> list[CapturedResource]:
    return [r for r in graph.of_type(ROUTE) if r.inputs["routeTableId"] == route_table_id]


def test_component_token_and_child_names(default_network: ResourceGraph) -> None:
    component = only(default_network, "secure-ecs:index:PrivateNetwork")
    assert component.name == "net"
    assert all(r.name.startswith("net-") for r in default_network if r.urn != component.urn)


def test_vpc_has_dns_support_and_hostnames(default_network: ResourceGraph) -> None:
    vpc = only(default_network, "aws:ec2/vpc:Vpc")
    assert vpc.inputs["enableDnsSupport"] is True
    assert vpc.inputs["enableDnsHostnames"] is True


def test_one_subnet_per_tier_per_az_none_mapping_public_ips(default_network: ResourceGraph) -> None:
    for tier in ("public", "private", "data"):
        subnets = subnets_of(default_network, tier)
        assert len(subnets) == 2
        assert {s.inputs["availabilityZone"] for s in subnets} == {"us-east-1a", "us-east-1b"}
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in default_network.of_type(SUBNET))


def test_subnet_ranges_are_inside_the_vpc_and_disjoint(default_network: ResourceGraph) -> None:
    ranges = [ipaddress.IPv4Network(s.inputs["cidrBlock"]) for s in default_network.of_type(SUBNET)]
    assert all(r.subnet_of(ipaddress.IPv4Network("10.0.0.0/16")) for r in ranges)
    assert not any(a.overlaps(b) for i, a in enumerate(ranges) for b in ranges[i + 1 :])


def test_only_public_subnets_route_to_the_internet_gateway(default_network: ResourceGraph) -> None:
    gateway = only(default_network, "aws:ec2/internetGateway:InternetGateway")
    for tier in ("public", "private", "data"):
        for subnet in subnets_of(default_network, tier):
            routes = routes_from(default_network, route_table_of(default_network, subnet))
            to_internet = [r for r in routes if r.inputs.get("gatewayId") == gateway.id]
            assert bool(to_internet) is (tier == "public"), tier


def test_no_nat_gateway_and_no_default_route_for_tasks_or_data(default_network: ResourceGraph) -> None:
    assert default_network.of_type("aws:ec2/natGateway:NatGateway") == []
    assert default_network.of_type("aws:ec2/eip:Eip") == []
    for tier in ("private", "data"):
        for subnet in subnets_of(default_network, tier):
            assert routes_from(default_network, route_table_of(default_network, subnet)) == []


def test_default_security_group_is_stripped(default_network: ResourceGraph) -> None:
    default_sg = only(default_network, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert not default_sg.inputs.get("ingress")
    assert not default_sg.inputs.get("egress")


def test_flow_logs_capture_all_traffic_to_an_encrypted_retained_group(default_network: ResourceGraph) -> None:
    flow_log = only(default_network, "aws:ec2/flowLog:FlowLog")
    vpc = only(default_network, "aws:ec2/vpc:Vpc")
    group = only(default_network, "aws:cloudwatch/logGroup:LogGroup")
    key = only(default_network, "aws:kms/key:Key")
    assert flow_log.inputs["trafficType"] == "ALL"
    assert flow_log.inputs["vpcId"] == vpc.id
    assert flow_log.inputs["logDestination"] == group.outputs["arn"]
    assert group.inputs["retentionInDays"] == 365
    assert group.inputs["kmsKeyId"] == key.outputs["arn"]
    assert key.inputs["enableKeyRotation"] is True


def test_flow_log_role_trusts_only_this_accounts_flow_logs(default_network: ResourceGraph) -> None:
    role = only(default_network, "aws:iam/role:Role")
    (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    policy = json.loads(only(default_network, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    group_arn = only(default_network, "aws:cloudwatch/logGroup:LogGroup").outputs["arn"]
    assert policy["Statement"][0]["Resource"] == [group_arn, f"{group_arn}:*"]
    assert policy["Statement"][1] == {"Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"}


def test_log_key_lets_only_this_accounts_log_groups_use_it(default_network: ResourceGraph) -> None:
    policy = json.loads(only(default_network, "aws:kms/key:Key").inputs["policy"])
    logs = next(s for s in policy["Statement"] if s["Principal"].get("Service", "").startswith("logs."))
    assert logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"].startswith(
        "arn:aws:logs:us-east-1:123456789012:log-group:"
    )


def test_nothing_is_retained_when_unprotected(default_network: ResourceGraph) -> None:
    assert not any(r.options.retain_on_delete for r in default_network)
    assert only(default_network, "aws:cloudwatch/logGroup:LogGroup").inputs.get("deletionProtectionEnabled") is False


def test_protect_stateful_keeps_key_and_log_group() -> None:
    graph = network(protect_stateful=True)
    assert only(graph, "aws:kms/key:Key").options.retain_on_delete
    group = only(graph, "aws:cloudwatch/logGroup:LogGroup")
    assert group.options.retain_on_delete
    assert group.inputs["deletionProtectionEnabled"] is True


def test_single_nat_routes_every_private_subnet_through_one_gateway_and_data_stays_isolated() -> None:
    graph = network(egress="nat-single", availability_zone_count=3)
    (nat,) = graph.of_type("aws:ec2/natGateway:NatGateway")
    public_ids = {s.id for s in subnets_of(graph, "public")}
    assert nat.inputs["subnetId"] in public_ids
    for subnet in subnets_of(graph, "private"):
        (route,) = routes_from(graph, route_table_of(graph, subnet))
        assert (route.inputs["destinationCidrBlock"], route.inputs["natGatewayId"]) == ("0.0.0.0/0", nat.id)
    for subnet in subnets_of(graph, "data"):
        assert routes_from(graph, route_table_of(graph, subnet)) == []


def test_nat_per_az_keeps_each_private_subnet_in_its_own_az() -> None:
    graph = network(egress="nat-per-az")
    gateways = {g.id: g for g in graph.of_type("aws:ec2/natGateway:NatGateway")}
    assert len(gateways) == 2
    subnet_az = {s.id: s.inputs["availabilityZone"] for s in graph.of_type(SUBNET)}
    for subnet in subnets_of(graph, "private"):
        (route,) = routes_from(graph, route_table_of(graph, subnet))
        gateway = gateways[route.inputs["natGatewayId"]]
        assert subnet_az[gateway.inputs["subnetId"]] == subnet.inputs["availabilityZone"]


RANGES = {
    "public": ["10.0.0.0/26", "10.0.0.64/26"],
    "private": ["10.0.8.0/22", "10.0.12.0/22"],
    "data": ["10.0.1.0/27", "10.0.1.32/27"],
}


def test_explicit_subnet_ranges_are_used_as_given() -> None:
    graph = network(subnet_cidrs=RANGES)
    for tier, expected in RANGES.items():
        assert [s.inputs["cidrBlock"] for s in subnets_of(graph, tier)] == expected


@pytest.mark.parametrize(
    ("overrides", "argument", "words"),
    [
        ({"availability_zone_count": 1}, "availability_zone_count", "use 2 to 6"),
        ({"availability_zone_count": 7}, "availability_zone_count", "use 2 to 6"),
        ({"egress": "igw"}, "egress", "nat-single"),
        ({"cidr_block": "100.64.0.0/16"}, "cidr_block", "not a private range"),
        ({"cidr_block": "10.0.0.0/24"}, "cidr_block", "smaller than one /20 private subnet"),
        ({"cidr_block": "10.0.0.0/19"}, "cidr_block", "use a /18 or larger range"),
        ({"subnet_prefixes": {"public": 24}, "subnet_cidrs": RANGES}, "subnet_cidrs", "ranges or prefixes"),
        ({"subnet_cidrs": {**RANGES, "private": ["10.0.8.0/22"]}}, "subnet_cidrs.private", "give one per AZ"),
    ],
)
def test_refuses_bad_arguments_before_creating_anything(overrides: dict[str, Any], argument: str, words: str) -> None:
    with pytest.raises(ComponentArgumentError) as caught:
        network(**overrides)
    assert caught.value.argument == argument
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"PrivateNetwork 'net': argument `{argument}`")


def test_a_refused_subnet_list_is_shown_not_the_vpc_range() -> None:
    with pytest.raises(ComponentArgumentError) as caught:
        network(subnet_cidrs={**RANGES, "private": ["10.0.8.0/22"]})
    assert caught.value.value == ["10.0.8.0/22"]
    assert "availability_zone_count is 2" in str(caught.value)


def test_refuses_more_azs_than_the_region_has() -> None:
    account = default_responder(offline_settings())

    class ThreeZoneAccount:
        def answer(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
            result = account.answer(token, args)
            if token.endswith("getAvailabilityZones"):
                result = {**result, "names": result["names"][:3]}
            return result

    with pytest.raises(ComponentArgumentError, match="the region offers 3 AZs"):
        run_function(
            lambda: PrivateNetwork("net", {"cidr_block": "10.0.0.0/16", "availability_zone_count": 4}),
            offline_settings(),
            ThreeZoneAccount(),
            AccountContext(),
        )


def test_public_subnet_ids_carry_the_internet_gateway() -> None:
    # Consumers (the internet-facing load balancer) must not be created before the gateway is attached.
    def program() -> None:
        net = PrivateNetwork("net", {"cidr_block": "10.0.0.0/16"})
        aws.lb.LoadBalancer("probe", subnets=net.public_subnet_ids)

    graph = run_offline(program)
    gateway = next(r for r in graph.of_type("aws:ec2/internetGateway:InternetGateway"))
    probe = next(r for r in graph.of_type("aws:lb/loadBalancer:LoadBalancer"))
    assert gateway.urn in probe.property_dependencies["subnets"]
    assert probe.inputs["subnets"] == [s.id for s in subnets_of(graph, "public")]


def test_long_names_that_auto_naming_cannot_fit_are_refused() -> None:
    with pytest.raises(ComponentArgumentError, match="at most 41 characters"):
        run_offline(lambda: PrivateNetwork("n" * 42, {"cidr_block": "10.0.0.0/16"}))
