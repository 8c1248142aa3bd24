"""The README's comparison table, from hand-built estimates (nothing is run or priced here)."""

from __future__ import annotations

import dataclasses

from secure_ecs.cost import BreakEven, CostEstimate, UsageAssumptions, comparison_table_markdown, estimate_cost
from tests.cost.graphs import fargate, graph, interface_endpoint, s3_gateway, subnets


def _estimate(*, endpoints: bool) -> CostEstimate:
    nets = subnets(2)
    found = [interface_endpoint("logs", [s.id for s in nets])] if endpoints else []
    return estimate_cost(graph(*nets, *fargate(tasks=2), *found, s3_gateway()), UsageAssumptions())


def _with_totals(estimate: CostEstimate, totals: dict[str, float], *points: BreakEven) -> CostEstimate:
    designs = tuple(dataclasses.replace(d, total_monthly_usd=totals[d.key]) for d in estimate.comparison.designs)
    comparison = dataclasses.replace(estimate.comparison, designs=designs, break_even=points)
    return dataclasses.replace(estimate, comparison=comparison)


def test_table_rows_and_money_format() -> None:
    est = _with_totals(
        _estimate(endpoints=False),
        {"declared": 112.64, "public_ip": 87.07, "nat_per_az": 1156.4749, "nat_single": 119.965},
    )
    table = comparison_table_markdown([("dev (2 AZs | 1 NAT)", est)], summary=False)
    assert table == (
        "| stack | as declared | public IPs | NAT per AZ | single NAT |\n"
        "|---|---|---|---|---|\n"
        "| dev (2 AZs \\| 1 NAT) | $112.64 | $87.07 | $1,156.47 | $119.97 |\n"
    )


def test_summary_line_per_stack() -> None:
    base = _estimate(endpoints=True)
    point = BreakEven("nat_single", 14.6, 36.5, 0.035, 1460.0, 3.3, "")
    free = BreakEven("nat_per_az", 14.6, 73.0, 0.035, 0.0, 3.3, "")
    never = BreakEven("nat_single", 14.6, 36.5, -0.01, None, 3.3, "")
    totals = {"declared": 100.0, "public_ip": 80.0, "nat_per_az": 150.0, "nat_single": 110.0}
    rows = [
        ("prod", _with_totals(base, totals, free, point)),
        ("odd", _with_totals(base, {**totals, "public_ip": 120.0}, never)),
        ("plain", _with_totals(_estimate(endpoints=False), totals)),
    ]
    summary = comparison_table_markdown(rows).split("\n\n", 1)[1].splitlines()
    assert summary == [
        "- prod: as declared $20.00/month more than public IPs; the interface endpoints are cheaper than one NAT "
        "per AZ at any traffic volume; cheaper than a single NAT above 1,460 GB/month of log and AWS API traffic "
        "(modeled: 3.3 GB).",
        "- odd: as declared $20.00/month less than public IPs; the interface endpoints are never cheaper than a "
        "single NAT.",
        "- plain: as declared $20.00/month more than public IPs; no interface endpoints, so no endpoint/NAT "
        "break-even.",
    ]


def test_no_rows_is_just_the_header() -> None:
    assert comparison_table_markdown([]).count("\n") == 2
