"""`estimate_cost(graph)`: price a captured resource graph offline and compare egress designs."""

from __future__ import annotations

from secure_ecs.cost import facts
from secure_ecs.cost.comparison import check_claims, compare
from secure_ecs.cost.egress import EndpointSpec, NatSpec, NetworkDesign, TaskTraffic, price_design
from secure_ecs.cost.model import CostEstimate, LineItem, Unpriced
from secure_ecs.cost.prices import PriceTable, price_table_for
from secure_ecs.cost.rules import EGRESS_TYPES, NO_CHARGE, RULES, RuleContext, log_volumes
from secure_ecs.cost.usage import UsageAssumptions
from secure_ecs.offline.graph import CapturedResource, ResourceGraph


def _is_logical(resource: CapturedResource) -> bool:
    """Components and providers are bookkeeping, not billable infrastructure."""
    return not resource.is_infrastructure


def estimate_cost(
    graph: ResourceGraph,
    usage: UsageAssumptions | None = None,
    region: str | None = None,
    prices: PriceTable | None = None,
) -> CostEstimate:
    """Monthly on-demand estimate of `graph` plus the public-IP / NAT comparison.

    Raises `UnsupportedRegionError` for a region with no price table and `AmbiguousRegionError` when
    the graph names several regions and `region` is not given. Never raises on odd property values:
    what cannot be priced is listed in `not_priced` with a reason.
    """
    usage = usage or UsageAssumptions()
    chosen_region, region_source = facts.infer_region(graph, region)
    prices = prices or price_table_for(chosen_region)
    notes: list[str] = [f"region {chosen_region}: {region_source}"]

    services, service_problems = facts.fargate_services(graph)
    by_urn = {s.urn: s for s in services}
    endpoint_facts = facts.endpoints(graph)
    nats = facts.nat_gateways(graph)
    nat_eips = frozenset(urn for nat in nats for urn in nat.public_ip_urns)
    ctx = RuleContext(graph, prices, usage, by_urn, log_volumes(graph, by_urn, usage), nat_eips)

    line_items: list[LineItem] = []
    not_priced = [Unpriced(p.urn, p.resource_type, p.reason) for p in (*service_problems, *endpoint_facts.problems)]
    recorded = {u.resource for u in not_priced}
    no_charge: list[Unpriced] = []
    for resource in graph:
        if _is_logical(resource) or resource.type in EGRESS_TYPES or resource.urn in nat_eips:
            continue
        rule = RULES.get(resource.type)
        if rule is None:
            if resource.type in NO_CHARGE:
                no_charge.append(Unpriced(resource.urn, resource.type, NO_CHARGE[resource.type]))
            else:
                not_priced.append(Unpriced(resource.urn, resource.type, "resource type not in the price table"))
            continue
        priced, reason = rule(resource, ctx)
        line_items.extend(priced)
        if reason:
            not_priced.append(Unpriced(resource.urn, resource.type, reason))
        elif not priced and resource.urn not in recorded:
            no_charge.append(Unpriced(resource.urn, resource.type, "no charge as configured"))

    # The egress path as declared, priced by the same function as the hypothetical designs.
    tasks = sum(s.tasks for s in services)
    traffic = TaskTraffic.modeled(tasks, usage)
    declared = NetworkDesign(
        interface_endpoints=tuple(EndpointSpec(e.urn, e.service, e.az_count) for e in endpoint_facts.interface),
        s3_gateway=any(service == "s3" for _, service in endpoint_facts.gateway),
        nat_gateways=tuple(NatSpec(n.urn, n.public) for n in nats),
        task_public_ip=any(s.public_ip for s in services),
    )
    for urn, service in endpoint_facts.gateway:
        no_charge.append(Unpriced(urn, facts.VPC_ENDPOINT, f"gateway endpoint ({service}): no charge"))
    egress_items, warnings = price_design(declared, _declared_traffic(services, traffic, usage), prices, usage)
    notes.extend(warnings)
    line_items.extend(egress_items)

    common = sum(item.monthly_usd for item in line_items if not item.egress_path)
    task_azs = len(set().union(*(s.azs for s in services))) if services else 1
    comparison = compare(
        declared=declared,
        declared_items=egress_items,
        common=common,
        traffic=traffic,
        task_azs=max(task_azs, 1),
        prices=prices,
        usage=usage,
    )
    notes.extend(_standing_notes(declared, services))
    return CostEstimate(
        project=graph.project,
        stack=graph.stack,
        region=chosen_region,
        currency="USD",
        price_table_as_of=prices.as_of,
        price_sources=dict(prices.sources),
        assumptions=usage,
        line_items=tuple(line_items),
        total_monthly_usd=sum(item.monthly_usd for item in line_items),
        not_priced=tuple(not_priced),
        no_charge=tuple(no_charge),
        comparison=comparison,
        claims=check_claims(comparison, declared, traffic, prices, usage),
        notes=tuple(notes),
    )


def _declared_traffic(
    services: list[facts.FargateService], traffic: TaskTraffic, usage: UsageAssumptions
) -> TaskTraffic:
    # Public IPs are per task of the services that ask for them, not of every service.
    public_tasks = sum(s.tasks for s in services if s.public_ip)
    return TaskTraffic(public_tasks, traffic.layers_gb, traffic.logs_gb, traffic.api_gb)


def _standing_notes(declared: NetworkDesign, services: list[facts.FargateService]) -> list[str]:
    notes = [
        "list prices, on-demand; no free tier, Savings Plans or Reserved Instances applied",
        "not modelled: KMS/Secrets Manager API requests, cross-AZ transfer, RDS backup storage beyond the "
        "free allowance, CloudWatch metrics and alarms",
    ]
    endpoint_azs = {e.az_count for e in declared.interface_endpoints}
    task_azs = set().union(*(s.azs for s in services)) if services else set()
    if endpoint_azs and max(endpoint_azs) < len(task_azs):
        notes.append(
            f"interface endpoints sit in {max(endpoint_azs)} AZ(s) but tasks run in {len(task_azs)}: "
            "tasks elsewhere cross AZs to reach them ($0.01/GB each way, not priced) and lose them if that AZ fails"
        )
    return notes
