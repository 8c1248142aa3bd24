"""How tasks reach ECR, S3 and CloudWatch Logs, priced: endpoints, NAT gateways or task public IPs.

One function prices any `NetworkDesign`, so the declared stack and the hypothetical designs of the
comparison go through exactly the same arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

from secure_ecs.cost.model import LineItem, line
from secure_ecs.cost.prices import PriceTable
from secure_ecs.cost.usage import UsageAssumptions

TASK_TRAFFIC = "task traffic"
TASK_IPS = "fargate tasks"
# Interface endpoints that carry the task's non-layer AWS API traffic (ECR auth/manifests, secrets, keys).
_API_ENDPOINTS = ("ecr.api", "ecr.dkr", "secretsmanager", "kms", "ecs", "ecs-agent", "ecs-telemetry")


@dataclass(frozen=True)
class EndpointSpec:
    resource: str
    service: str
    az_count: int


@dataclass(frozen=True)
class NatSpec:
    resource: str
    public_ip: bool


@dataclass(frozen=True)
class NetworkDesign:
    interface_endpoints: tuple[EndpointSpec, ...]
    s3_gateway: bool
    nat_gateways: tuple[NatSpec, ...]
    task_public_ip: bool


@dataclass(frozen=True)
class TaskTraffic:
    """Monthly traffic of all Fargate tasks to AWS services, by how it is routed."""

    tasks: float
    layers_gb: float
    """Image layers: ECR serves them from S3."""
    logs_gb: float
    api_gb: float

    @classmethod
    def modeled(cls, tasks: float, usage: UsageAssumptions) -> TaskTraffic:
        starts = tasks * usage.deploys_per_month + usage.extra_task_starts_per_month
        return cls(
            tasks=tasks,
            layers_gb=starts * usage.image_size_gb,
            logs_gb=tasks * usage.container_log_gb_per_task,
            api_gb=tasks * usage.aws_api_gb_per_task,
        )


def fixed_items(design: NetworkDesign, prices: PriceTable, usage: UsageAssumptions) -> list[LineItem]:
    """Hourly charges that do not depend on traffic."""
    hours = usage.hours_per_month
    found: list[LineItem] = []
    for endpoint in design.interface_endpoints:
        found.append(
            line(
                endpoint.resource,
                "aws:ec2/vpcEndpoint:VpcEndpoint",
                f"interface endpoint {endpoint.service}",
                quantity=endpoint.az_count * hours,
                unit="endpoint-AZ-hour",
                unit_price=prices.interface_endpoint_az_hour,
                driver=f"{endpoint.az_count} AZ x {hours:g} h",
                egress_path=True,
            )
        )
    for nat in design.nat_gateways:
        found.append(
            line(
                nat.resource,
                "aws:ec2/natGateway:NatGateway",
                "NAT gateway hours",
                quantity=hours,
                unit="hour",
                unit_price=prices.nat_gateway_hour,
                driver=f"{hours:g} h",
                egress_path=True,
            )
        )
        if nat.public_ip:
            found.append(
                line(
                    nat.resource,
                    "aws:ec2/eip:Eip",
                    "NAT gateway public IPv4 address",
                    quantity=hours,
                    unit="IPv4-hour",
                    unit_price=prices.public_ipv4_hour,
                    driver=f"1 address x {hours:g} h",
                    egress_path=True,
                )
            )
    return found


def _route(
    design: NetworkDesign, endpoint_services: set[str], wanted: tuple[str, ...], prices: PriceTable
) -> tuple[str, float] | None:
    """(path, price per GB) for traffic to services `wanted`, preferring what AWS's route choice would."""
    if any(service in endpoint_services for service in wanted):
        return "interface endpoint", prices.interface_endpoint_gb
    if design.nat_gateways:
        return "NAT gateway", prices.nat_gateway_gb
    if design.task_public_ip:
        return "internet gateway (in-region, not billed as data transfer)", prices.in_region_service_transfer_gb
    return None


def layer_route(design: NetworkDesign, prices: PriceTable) -> tuple[str, float] | None:
    """(path, price per GB) image layers (served from S3) take under `design`; None when nothing reaches S3."""
    if design.s3_gateway:
        # The gateway endpoint's route-table prefix list wins over a NAT or internet route.
        return "S3 gateway endpoint", prices.gateway_endpoint_hour
    return _route(design, {e.service for e in design.interface_endpoints}, ("s3",), prices)


def traffic_items(
    design: NetworkDesign, traffic: TaskTraffic, prices: PriceTable, hours: float
) -> tuple[list[LineItem], list[str]]:
    """Per-GB charges for the tasks' traffic under `design`, and warnings for traffic with no route."""
    services = {e.service for e in design.interface_endpoints}
    found: list[LineItem] = []
    warnings: list[str] = []
    classes: list[tuple[str, float, tuple[str, ...]]] = [
        ("image layers (S3)", traffic.layers_gb, ("s3",)),
        ("container logs", traffic.logs_gb, ("logs",)),
        ("ECR API / Secrets Manager / KMS / ECS", traffic.api_gb, _API_ENDPOINTS),
    ]
    for label, gigabytes, wanted in classes:
        if gigabytes <= 0:  # no tasks, no traffic: nothing to route or to warn about
            continue
        route = layer_route(design, prices) if wanted == ("s3",) else _route(design, services, wanted, prices)
        if route is None:
            warnings.append(f"{label}: no endpoint, NAT gateway or public IP reaches it; tasks would fail to start")
            continue
        path, per_gb = route
        found.append(
            line(
                TASK_TRAFFIC,
                "traffic",
                f"{label} via {path}",
                quantity=gigabytes,
                unit="GB",
                unit_price=per_gb,
                driver=f"{gigabytes:g} GB/month modeled",
                egress_path=True,
            )
        )
    if design.task_public_ip:
        found.append(
            line(
                TASK_IPS,
                "aws:ecs/service:Service",
                "public IPv4 address per task",
                quantity=traffic.tasks * hours,
                unit="IPv4-hour",
                unit_price=prices.public_ipv4_hour,
                driver=f"{traffic.tasks:g} tasks x {hours:g} h",
                egress_path=True,
            )
        )
    return found, warnings


def price_design(
    design: NetworkDesign, traffic: TaskTraffic, prices: PriceTable, usage: UsageAssumptions
) -> tuple[list[LineItem], list[str]]:
    """Every egress-path line item of `design` (fixed and per-GB) and routing warnings."""
    per_gb, warnings = traffic_items(design, traffic, prices, usage.hours_per_month)
    return fixed_items(design, prices, usage) + per_gb, warnings
