"""AWS look-ups several checks share: the ALB behind a URL, the route table each subnet uses."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlparse

from secure_ecs.verify.aws import AwsContext


def paginate(client: Any, operation: str, key: str, **arguments: Any) -> Iterator[dict[str, Any]]:
    """Every item under `key` across all pages of `operation`."""
    for page in client.get_paginator(operation).paginate(**arguments):
        yield from page.get(key, [])


def url_host(url: str) -> str:
    return (urlparse(url).hostname or "").lower()


def find_load_balancer(aws: AwsContext, alb_url: str) -> dict[str, Any] | None:
    """The load balancer whose DNS name is the host of the stack's ALB URL."""
    host = url_host(alb_url)
    for balancer in paginate(aws.client("elbv2"), "describe_load_balancers", "LoadBalancers"):
        if str(balancer.get("DNSName", "")).lower() == host:
            return balancer
    return None


def subnet_route_tables(aws: AwsContext, vpc_id: str, subnet_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """subnet id -> the route table it uses: its explicit association, else the VPC's main table."""
    tables = list(paginate(aws.client("ec2"), "describe_route_tables", "RouteTables",
                           Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]))
    explicit: dict[str, dict[str, Any]] = {}
    main: dict[str, Any] | None = None
    for table in tables:
        for association in table.get("Associations", []):
            if association.get("Main"):
                main = table
            elif association.get("SubnetId"):
                explicit[association["SubnetId"]] = table
    chosen: dict[str, dict[str, Any]] = {}
    for subnet_id in subnet_ids:
        used = explicit.get(subnet_id) or main
        if used is not None:
            chosen[subnet_id] = used
    return chosen


def default_route_targets(table: Mapping[str, Any]) -> list[str]:
    """Targets of the table's active IPv4/IPv6 default routes (igw-..., nat-..., eigw-..., tgw-...)."""
    targets = []
    for route in table.get("Routes", []):
        if route.get("DestinationCidrBlock") != "0.0.0.0/0" and route.get("DestinationIpv6CidrBlock") != "::/0":
            continue
        if route.get("State", "active") != "active":
            continue
        target = next((str(route[k]) for k in ("GatewayId", "NatGatewayId", "EgressOnlyInternetGatewayId",
                                               "TransitGatewayId", "NetworkInterfaceId", "VpcPeeringConnectionId",
                                               "InstanceId") if route.get(k)), "unknown target")
        targets.append(target)
    return targets
