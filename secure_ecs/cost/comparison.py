"""The same workload priced three ways, the endpoint/NAT break-even, and the source document's claims."""

from __future__ import annotations

from secure_ecs.cost.egress import NatSpec, NetworkDesign, TaskTraffic, layer_route, price_design
from secure_ecs.cost.model import BreakEven, ClaimCheck, Comparison, DesignCost, LineItem, TrafficGb
from secure_ecs.cost.prices import PriceTable
from secure_ecs.cost.usage import UsageAssumptions


def _total(items: list[LineItem] | tuple[LineItem, ...]) -> float:
    return sum(item.monthly_usd for item in items)


def _design(
    *,
    key: str,
    title: str,
    description: str,
    design: NetworkDesign,
    traffic: TaskTraffic,
    prices: PriceTable,
    usage: UsageAssumptions,
    common: float,
) -> DesignCost:
    items, _ = price_design(design, traffic, prices, usage)
    egress = _total(items)
    return DesignCost(key, title, description, tuple(items), egress, common + egress)


def compare(
    *,
    declared: NetworkDesign,
    declared_items: list[LineItem],
    common: float,
    traffic: TaskTraffic,
    task_azs: int,
    prices: PriceTable,
    usage: UsageAssumptions,
) -> Comparison:
    """`declared_items` are the declared stack's egress-path items (already in the estimate)."""
    keep_s3 = usage.nat_design_keeps_s3_gateway
    nat_per_az = NetworkDesign(
        (), keep_s3, tuple(NatSpec(f"nat-{i + 1} (hypothetical)", True) for i in range(task_azs)), False
    )
    nat_single = NetworkDesign((), keep_s3, (NatSpec("nat (hypothetical)", True),), False)
    public = NetworkDesign((), False, (), True)
    s3_note = " S3 gateway endpoint kept, so image layers bypass the NAT." if keep_s3 else " No S3 gateway endpoint."
    declared_egress = _total(declared_items)

    def priced(key: str, title: str, description: str, design: NetworkDesign) -> DesignCost:
        return _design(
            key=key,
            title=title,
            description=description,
            design=design,
            traffic=traffic,
            prices=prices,
            usage=usage,
            common=common,
        )

    designs = (
        DesignCost(
            "declared",
            "as declared",
            "the stack's own endpoints / NAT / public IPs",
            tuple(declared_items),
            declared_egress,
            common + declared_egress,
        ),
        priced(
            "public_ip",
            "public IPs",
            "tasks in public subnets with a public IPv4 each, no endpoints; "
            "ECR, S3 and Logs reached through the internet gateway",
            public,
        ),
        priced(
            "nat_per_az",
            f"NAT per AZ ({task_azs})",
            "private tasks, one NAT gateway per task AZ, no interface endpoints." + s3_note,
            nat_per_az,
        ),
        priced(
            "nat_single",
            "single NAT",
            "private tasks, one NAT gateway for all AZs (no AZ redundancy), no interface endpoints." + s3_note,
            nat_single,
        ),
    )
    break_even = (
        tuple(
            _break_even(key=key, declared=declared, nat=nat, traffic=traffic, prices=prices, usage=usage)
            for key, nat in (("nat_per_az", nat_per_az), ("nat_single", nat_single))
        )
        if declared.interface_endpoints
        else ()
    )
    return Comparison(
        common_monthly_usd=common,
        designs=designs,
        break_even=break_even,
        traffic_gb=TrafficGb(image_layers=traffic.layers_gb, container_logs=traffic.logs_gb, aws_api=traffic.api_gb),
    )


def _break_even(
    *,
    key: str,
    declared: NetworkDesign,
    nat: NetworkDesign,
    traffic: TaskTraffic,
    prices: PriceTable,
    usage: UsageAssumptions,
) -> BreakEven:
    """Endpoints: E + e*V + d*L.  NAT: N + n*V + m*L.  Solve for V (logs + AWS API traffic).

    L is the image-layer traffic, d and m what a GB of layers costs on each side: nothing through an
    S3 gateway endpoint, the endpoint rate through an S3 interface endpoint, the NAT rate through a
    NAT. Layers add `L * (m - d)` to the NAT side, which may be negative (declared path dearer).
    """
    hours = usage.hours_per_month
    endpoint_fixed = sum(e.az_count for e in declared.interface_endpoints) * hours * prices.interface_endpoint_az_hour
    nat_fixed = len(nat.nat_gateways) * hours * (prices.nat_gateway_hour + prices.public_ipv4_hour)
    saving = prices.nat_gateway_gb - prices.interface_endpoint_gb
    offset = traffic.layers_gb * (_layer_price(nat, prices) - _layer_price(declared, prices))
    modeled = traffic.logs_gb + traffic.api_gb
    gap = endpoint_fixed - nat_fixed - offset
    if gap <= 0:
        value: float | None = 0.0
        text = "the endpoints are cheaper at any traffic volume"
    elif saving <= 0:
        value, text = None, "NAT processing is not dearer per GB than endpoints: the endpoints never catch up"
    else:
        value = gap / saving
        text = (
            f"endpoints cost ${endpoint_fixed:,.2f}/month fixed vs ${nat_fixed:,.2f} for the NAT design; each GB "
            f"through endpoints instead of NAT saves ${saving:.3f}, so they win above {value:,.0f} GB/month "
            f"of logs + AWS API traffic (modeled: {modeled:,.1f} GB)"
        )
    return BreakEven(key, endpoint_fixed, nat_fixed, saving, value, modeled, text)


def _layer_price(design: NetworkDesign, prices: PriceTable) -> float:
    """Per GB of image layers, as `price_design` charges it (no route: not charged, a warning instead)."""
    route = layer_route(design, prices)
    return route[1] if route else 0.0


def check_claims(
    comparison: Comparison, declared: NetworkDesign, traffic: TaskTraffic, prices: PriceTable, usage: UsageAssumptions
) -> tuple[ClaimCheck, ...]:
    hours = usage.hours_per_month
    endpoint_azs = sum(e.az_count for e in declared.interface_endpoints)
    count = len(declared.interface_endpoints)
    per_az = prices.interface_endpoint_az_hour
    claims = [
        ClaimCheck(
            "VPC Endpoint: ~$0.01/hour per endpoint",
            "partly holds",
            f"${per_az:.2f}/hour is per interface endpoint *per AZ*, plus ${prices.interface_endpoint_gb:.2f}/GB "
            f"processed; gateway endpoints (S3) are free. This stack: {count} interface endpoints over "
            f"{endpoint_azs} endpoint-AZs = ${endpoint_azs * per_az:.2f}/hour, "
            f"${endpoint_azs * per_az * hours:,.2f}/month"
            + (f" (not ${count * per_az * hours:,.2f})." if endpoint_azs != count else " (one AZ each)."),
        ),
        ClaimCheck(
            "No data transfer charges for ECR (with endpoints)",
            "partly holds",
            "In-region ECR pulls carry no data transfer charge in any design, and image layers come from S3 through "
            "the free gateway endpoint; but interface endpoints bill "
            f"${prices.interface_endpoint_gb:.2f}/GB processed (ECR API, logs, secrets): modeled "
            f"{traffic.logs_gb + traffic.api_gb:,.1f} GB = "
            f"${(traffic.logs_gb + traffic.api_gb) * prices.interface_endpoint_gb:,.2f}/month.",
        ),
        ClaimCheck(
            "With public IPs: data transfer ~$0.09/GB for ECR pulls",
            "does not hold",
            f"${prices.internet_egress_gb:.2f}/GB is internet egress *out* of AWS. A task pulling from ECR in the same "
            "region through an internet gateway pays no data transfer (inbound is free; ECR-to-compute in one region "
            f"is free). At $0.09/GB the modeled {traffic.layers_gb:,.1f} GB of pulls would be "
            f"${traffic.layers_gb * prices.internet_egress_gb:,.2f}/month; the actual charge is $0.00. The NAT design, "
            f"not the public one, is where pulls cost money (${prices.nat_gateway_gb:.3f}/GB) unless an S3 gateway "
            "endpoint carries the layers.",
        ),
        ClaimCheck(
            "Public IP charges",
            "holds",
            f"Since 2024-02-01 every public IPv4 costs ${prices.public_ipv4_hour:.3f}/hour "
            f"(${prices.public_ipv4_hour * hours:.2f}/month): {traffic.tasks:g} tasks = "
            f"${traffic.tasks * prices.public_ipv4_hour * hours:,.2f}/month. The ALB's own per-AZ public IPs are "
            "charged in every design.",
        ),
    ]
    declared_total = comparison.design("declared").total_monthly_usd
    public_total = comparison.design("public_ip").total_monthly_usd
    if declared.interface_endpoints:
        tasks_to_match = (endpoint_azs * per_az) / prices.public_ipv4_hour
        cheaper = public_total < declared_total
        claims.append(
            ClaimCheck(
                "The endpoint design is more cost-effective in the long run",
                "does not hold" if cheaper else "holds",
                f"As declared ${declared_total:,.2f}/month vs public IPs ${public_total:,.2f}/month. On direct AWS "
                f"charges the endpoints only pay for themselves above ~{tasks_to_match:,.0f} always-on tasks; the case "
                "for them is security (no public IPs, no egress), not cost. Against a NAT design see the break-even.",
            )
        )
    return tuple(claims)
