"""Private services with no route to the internet must have the VPC endpoints Fargate needs."""

from __future__ import annotations

from typing import Final

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from secure_ecs_facts import tokens
from secure_ecs_facts.endpoint_services import GATEWAY_SERVICE, REQUIRED_INTERFACE_SERVICES
from secure_ecs_policies.containers import read_containers
from secure_ecs_policies.links import StackView
from secure_ecs_policies.metadata import stack_policy
from secure_ecs_policies.preview_gaps import not_checked
from secure_ecs_policies.properties import is_true, is_unknown, items, lookup, text

BASE_SERVICES: Final = (*REQUIRED_INTERFACE_SERVICES, GATEWAY_SERVICE)
"""What a Fargate task pulling from ECR and logging to CloudWatch reaches on every start."""

ANY_DESTINATION: Final = frozenset({"0.0.0.0/0", "::/0"})


def _route_reaches_internet(view: StackView, route_owner: PolicyResource, route: object, inline: bool) -> bool:
    if text(lookup(route, "natGatewayId")) or (text(lookup(route, "gatewayId")) or "").startswith("igw-"):
        return True
    destination = text(lookup(route, "cidrBlock" if inline else "destinationCidrBlock"))
    if destination in ANY_DESTINATION and not text(lookup(route, "vpcEndpointId")):
        return True
    if inline:
        return bool(view.linked(route_owner, "routes", tokens.NAT_GATEWAY, tokens.INTERNET_GATEWAY))
    return bool(
        view.linked(route_owner, "natGatewayId", tokens.NAT_GATEWAY)
        or view.linked(route_owner, "gatewayId", tokens.INTERNET_GATEWAY)
    )


def _route_tables(view: StackView, subnet: PolicyResource) -> list[PolicyResource]:
    """The tables that route ``subnet``: its explicit associations, else its VPC's main route table.

    The main table is the one a MainRouteTableAssociation names, or the DefaultRouteTable the stack
    manages; a VPC with neither keeps the table AWS created with it, which has only the local route.
    """
    explicit = [
        table
        for association in view.referrers(subnet, "subnetId", tokens.ROUTE_TABLE_ASSOCIATION)
        for table in view.linked(association, "routeTableId", tokens.ROUTE_TABLE)
    ]
    if explicit:
        return explicit
    main: list[PolicyResource] = []
    for vpc in view.linked(subnet, "vpcId", tokens.VPC):
        for association in view.referrers(vpc, "vpcId", tokens.MAIN_ROUTE_TABLE_ASSOCIATION):
            main += view.linked(association, "routeTableId", tokens.ROUTE_TABLE)
        main += view.referrers(vpc, "defaultRouteTableId", tokens.DEFAULT_ROUTE_TABLE)
    return main


def _subnet_has_egress(view: StackView, subnet: PolicyResource) -> bool:
    """Whether the subnet's route table sends traffic to a NAT/internet gateway (or any default route)."""
    for table in _route_tables(view, subnet):
        if any(_route_reaches_internet(view, table, r, True) for r in items(lookup(table.props, "routes"))):
            return True
        for route in view.referrers(table, "routeTableId", tokens.ROUTE):
            if _route_reaches_internet(view, route, route.props, False):
                return True
    return False


def _secret_stores(view: StackView, service: PolicyResource) -> set[str]:
    stores: set[str] = set()
    for task_definition in view.linked(service, "taskDefinition", tokens.ECS_TASK_DEFINITION):
        for container in read_containers(task_definition.props).containers:
            for secret in items(lookup(container, "secrets")):
                reference = text(lookup(secret, "valueFrom")) or ""
                stores.add("ssm" if ":ssm:" in reference else "secretsmanager")
    return stores


def _endpoint_services(view: StackView, vpc: PolicyResource) -> tuple[set[str], bool]:
    """Service suffixes (e.g. "ecr.api") with an endpoint in ``vpc``, and whether any name is unknown."""
    present: set[str] = set()
    unknown = False
    for endpoint in view.referrers(vpc, "vpcId", tokens.VPC_ENDPOINT):
        service_name = lookup(endpoint.props, "serviceName")
        if is_unknown(service_name):
            unknown = True
            continue
        name = text(service_name) or ""
        endpoint_type = (text(lookup(endpoint.props, "vpcEndpointType")) or "Gateway").lower()
        private_dns = lookup(endpoint.props, "privateDnsEnabled")
        if endpoint_type == "interface" and not (is_unknown(private_dns) or is_true(private_dns)):
            continue  # without private DNS, tasks still resolve the public service name
        for suffix in (*BASE_SERVICES, "secretsmanager", "ssm"):
            if name.endswith("." + suffix) and (suffix != "s3" or endpoint_type == "gateway"):
                present.add(suffix)
    return present, unknown


def _services_missing_endpoints(args: StackValidationArgs, report: ReportViolation) -> None:
    view = StackView(args.resources)
    for service in view.of_type(tokens.ECS_SERVICE):
        subnets = view.linked(service, "networkConfiguration", tokens.SUBNET)
        isolated = [s for s in subnets if not _subnet_has_egress(view, s)]
        if not isolated:
            continue
        needed = set(BASE_SERVICES) | _secret_stores(view, service)
        vpcs = {vpc.urn: vpc for subnet in isolated for vpc in view.linked(subnet, "vpcId", tokens.VPC)}
        for vpc in vpcs.values():
            present, unknown = _endpoint_services(view, vpc)
            missing = sorted(needed - present)
            if missing and unknown:
                not_checked(f"{vpc.name} endpoint serviceName")
            elif missing:
                report(
                    f"service {service.name} runs in subnets of VPC {vpc.name} with no NAT or internet route, "
                    f"but the VPC has no endpoint for: {', '.join(missing)} (s3 must be a gateway endpoint). "
                    "Tasks will fail to pull images, write logs or read secrets.",
                    service.urn,
                )


private_service_endpoints = stack_policy(
    "private-service-endpoints",
    "ECS services in subnets without a NAT route must have the ecr.api, ecr.dkr, logs and s3 gateway "
    "endpoints (plus secretsmanager/ssm when their tasks read secrets).",
    severity=Severity.HIGH,
    controls=("secure-ecs ENDPOINTS.1",),
    remediation=(
        "Add interface endpoints com.amazonaws.<region>.ecr.api, .ecr.dkr and .logs with privateDnsEnabled "
        "true and a "
        "gateway endpoint .s3 on the private route tables; add .secretsmanager (or .ssm) when task "
        "definitions use secrets. Or give the subnets a NAT route."
    ),
    validate=_services_missing_endpoints,
    unset=(
        "a subnet with no route table association uses its VPC's main route table (a MainRouteTableAssociation "
        "or DefaultRouteTable in the stack, else AWS's local-only table): with no egress there, missing endpoints "
        "are flagged; an interface endpoint's privateDnsEnabled defaults to false and does not count."
    ),
)

POLICIES = [private_service_endpoints]
