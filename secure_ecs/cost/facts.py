"""What the estimator reads from a resource graph: region, Fargate services, endpoints, NAT gateways.

Kept apart from pricing so the same facts feed both the declared stack's line items and the
hypothetical designs of the comparison.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from secure_ecs.cost.values import flag, items, mapping, number, strings, text
from secure_ecs.offline.graph import CapturedResource, ResourceGraph

SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SCALING_TARGET = "aws:appautoscaling/target:Target"
SUBNET = "aws:ec2/subnet:Subnet"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"

_AZ = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$")
_ARN_REGION = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-\d+):")
_SERVICE_NAME = re.compile(r"^com\.amazonaws\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(.+)$")


class AmbiguousRegionError(ValueError):
    """The graph names more than one region and the caller did not say which one to price."""


def regions_named(graph: ResourceGraph) -> Counter[str]:
    """Regions the graph's endpoint service names, subnet AZs and ARNs mention, with counts."""
    found: Counter[str] = Counter()
    for resource in graph:
        candidates = [
            (_SERVICE_NAME, text(resource.inputs.get("serviceName"))),
            (_AZ, text(resource.inputs.get("availabilityZone"))),
            (_ARN_REGION, text(resource.outputs.get("arn"))),
        ]
        for pattern, value in candidates:
            match = pattern.match(value) if value else None
            if match:
                found[match.group(1)] += 1
    return found


def infer_region(graph: ResourceGraph, region: str | None) -> tuple[str, str]:
    """(region, how it was chosen). An explicit region wins; several regions in the graph is an error."""
    if region:
        return region, "given by the caller"
    named = regions_named(graph)
    if len(named) > 1:
        raise AmbiguousRegionError(
            f"the graph mentions several regions ({', '.join(sorted(named))}); pass region= to choose one"
        )
    if named:
        return next(iter(named)), "read from the graph (endpoint service names, AZs, ARNs)"
    # Nothing regional in the graph (e.g. an empty program): say so in the report rather than hide it.
    return "us-east-1", "assumed: the graph names no region"


def _resource_id(resource: CapturedResource) -> str | None:
    return text(resource.id) or text(resource.outputs.get("id"))


def subnet_azs(graph: ResourceGraph, subnet_ids: list[str]) -> set[str]:
    """Distinct AZs of the given subnet ids; an id not found in the graph counts as its own AZ."""
    by_id = {_resource_id(s): s for s in graph.of_type(SUBNET)}
    zones: set[str] = set()
    for subnet_id in subnet_ids:
        subnet = by_id.get(subnet_id)
        zone = text(subnet.inputs.get("availabilityZone")) if subnet else None
        zones.add(zone or f"subnet:{subnet_id}")
    return zones


@dataclass(frozen=True)
class FargateService:
    urn: str
    task_definition_urn: str
    tasks: float
    tasks_driver: str
    vcpu: float
    memory_gb: float
    arm64: bool
    public_ip: bool
    azs: frozenset[str]


@dataclass(frozen=True)
class Problem:
    """Why a resource could not be turned into facts (becomes a "not priced" entry)."""

    urn: str
    resource_type: str
    reason: str


def _task_definition(graph: ResourceGraph, service: CapturedResource) -> CapturedResource | None:
    reference = text(service.inputs.get("taskDefinition"))
    definitions = graph.of_type(TASK_DEFINITION)
    if reference:
        for definition in definitions:
            family = text(definition.inputs.get("family"))
            revision = number(definition.outputs.get("revision"))
            names = {
                text(definition.outputs.get("arn")),
                text(definition.outputs.get("arnWithoutRevision")),
                family,
                _resource_id(definition),
                f"{family}:{int(revision)}" if family and revision is not None else None,
            }
            if reference in names:
                return definition
    # The reference is unknown during preview: fall back to what the service depends on.
    for definition in definitions:
        if definition.urn in items(service.dependencies):
            return definition
    return None


def _task_count(graph: ResourceGraph, service: CapturedResource) -> tuple[float, str] | None:
    name = text(service.outputs.get("name")) or service.name
    for target in graph.of_type(SCALING_TARGET):
        resource_id = text(target.inputs.get("resourceId")) or ""
        if (
            target.parent == service.urn
            or service.urn in items(target.dependencies)
            or resource_id.endswith(f"/{name}")
        ):
            low = number(target.inputs.get("minCapacity"))
            high = number(target.inputs.get("maxCapacity"))
            if low is not None:
                ceiling = f", may scale to {high:g}" if high is not None else ""
                return low, f"autoscaling floor {low:g} tasks{ceiling}"
    raw = service.inputs.get("desiredCount")
    if raw is None:
        return 0.0, "desiredCount unset (provider default 0)"
    desired = number(raw)
    return (desired, f"desiredCount {desired:g}") if desired is not None else None


def _is_fargate(service: CapturedResource, definition: CapturedResource) -> tuple[bool, str]:
    launch = text(service.inputs.get("launchType"))
    providers = [
        text(mapping(s).get("capacityProvider")) for s in items(service.inputs.get("capacityProviderStrategies"))
    ]
    if launch == "FARGATE" or (not launch and providers and all(p == "FARGATE" for p in providers)):
        return True, ""
    if "FARGATE_SPOT" in providers:
        return False, "Fargate Spot prices vary by hour and are not in the price table"
    if launch in ("EC2", "EXTERNAL") or providers:
        runs_on = launch or "capacity providers " + ",".join(p or "?" for p in providers)
        return False, f"runs on {runs_on}: EC2 capacity is priced by instance, not per task"
    if not launch and "FARGATE" in strings(definition.inputs.get("requiresCompatibilities")):
        return True, ""
    return False, "launch type not set and the task definition does not require FARGATE"


def fargate_services(graph: ResourceGraph) -> tuple[list[FargateService], list[Problem]]:
    """Every ECS service that runs on Fargate with known size and count; problems for the rest."""
    found: list[FargateService] = []
    problems: list[Problem] = []
    for service in graph.of_type(SERVICE):
        definition = _task_definition(graph, service)
        if definition is None:
            problems.append(Problem(service.urn, service.type, "its task definition is not in the graph"))
            continue
        fargate, why_not = _is_fargate(service, definition)
        if not fargate:
            problems.append(Problem(service.urn, service.type, why_not))
            continue
        cpu_units = number(definition.inputs.get("cpu"))
        memory_mib = number(definition.inputs.get("memory"))
        if not cpu_units or not memory_mib:
            problems.append(Problem(service.urn, service.type, "task-level cpu/memory unknown or unset"))
            continue
        platform = mapping(definition.inputs.get("runtimePlatform"))
        if (text(platform.get("operatingSystemFamily")) or "LINUX").upper() != "LINUX":
            problems.append(Problem(service.urn, service.type, "Windows Fargate prices are not in the price table"))
            continue
        count = _task_count(graph, service)
        if count is None:
            problems.append(Problem(service.urn, service.type, "desiredCount is unknown"))
            continue
        network = mapping(service.inputs.get("networkConfiguration"))
        subnets = strings(network.get("subnets"))
        found.append(
            FargateService(
                urn=service.urn,
                task_definition_urn=definition.urn,
                tasks=count[0],
                tasks_driver=count[1],
                vcpu=cpu_units / 1024,
                memory_gb=memory_mib / 1024,
                arm64=(text(platform.get("cpuArchitecture")) or "").upper() == "ARM64",
                public_ip=flag(network.get("assignPublicIp")) is True,
                azs=frozenset(subnet_azs(graph, subnets)) if subnets else frozenset({"unknown"}),
            )
        )
    return found, problems


@dataclass(frozen=True)
class InterfaceEndpoint:
    urn: str
    service: str
    az_count: int


@dataclass(frozen=True)
class EndpointFacts:
    interface: list[InterfaceEndpoint]
    gateway: list[tuple[str, str]]
    """(URN, short service name) of gateway endpoints."""
    problems: list[Problem]


def endpoint_service(resource: CapturedResource) -> str:
    """The short service name ("ecr.api", "s3") of an endpoint, or its full serviceName."""
    name = text(resource.inputs.get("serviceName")) or "?"
    match = _SERVICE_NAME.match(name)
    return match.group(2) if match else name


def endpoints(graph: ResourceGraph) -> EndpointFacts:
    interface: list[InterfaceEndpoint] = []
    gateway: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for resource in graph.of_type(VPC_ENDPOINT):
        # AWS creates a Gateway endpoint when the type is not given.
        kind = text(resource.inputs.get("vpcEndpointType")) or "Gateway"
        if kind == "Gateway":
            gateway.append((resource.urn, endpoint_service(resource)))
        elif kind == "Interface":
            subnets = strings(resource.inputs.get("subnetIds"))
            if not subnets:
                problems.append(Problem(resource.urn, resource.type, "interface endpoint with no known subnetIds"))
                continue
            interface.append(
                InterfaceEndpoint(resource.urn, endpoint_service(resource), len(subnet_azs(graph, subnets)))
            )
        else:
            problems.append(Problem(resource.urn, resource.type, f"{kind} endpoints are not in the price table"))
    return EndpointFacts(interface, gateway, problems)


@dataclass(frozen=True)
class NatFacts:
    urn: str
    public_ip_urns: tuple[str, ...]
    """The EIPs this NAT gateway uses (priced with it, as part of the egress path)."""
    public: bool


def nat_gateways(graph: ResourceGraph) -> list[NatFacts]:
    eips = {_resource_id(e): e.urn for e in graph.of_type(EIP)}
    found: list[NatFacts] = []
    for nat in graph.of_type(NAT_GATEWAY):
        public = (text(nat.inputs.get("connectivityType")) or "public") == "public"
        allocations = [text(nat.inputs.get("allocationId")), *strings(nat.inputs.get("secondaryAllocationIds"))]
        linked = tuple(eips[a] for a in allocations if a and a in eips)
        # A dependency on an EIP also links it (the id is unknown during preview).
        linked += tuple(e.urn for e in graph.of_type(EIP) if e.urn in items(nat.dependencies) and e.urn not in linked)
        found.append(NatFacts(nat.urn, linked, public))
    return found
