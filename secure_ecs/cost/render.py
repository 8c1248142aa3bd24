"""The estimate as text (for the terminal and `plan` summaries) and as JSON-ready data (plan.json)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from secure_ecs.cost.model import CostEstimate, LineItem

JSON_SCHEMA_VERSION = "1.0.0"


def _short(resource: str) -> str:
    """The resource name from a URN (`...::name`), or the group label as is."""
    return resource.rsplit("::", 1)[-1] if resource.startswith("urn:") else resource


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _rows(items: tuple[LineItem, ...] | list[LineItem]) -> list[str]:
    rows = []
    for item in sorted(items, key=lambda i: -i.monthly_usd):
        rows.append(
            f"  {_money(item.monthly_usd):>11}  {_short(item.resource)[:28]:<28} {item.what[:52]:<52} "
            f"{item.quantity:>10,.2f} {item.unit:<16} @ {item.unit_price:g}"
        )
        if item.driver:
            rows.append(f"{'':>15}{item.driver}")
    return rows


def render_text(estimate: CostEstimate) -> str:
    """A plain-text report: line items, unpriced resources, comparison, break-even, claims, assumptions."""
    out = [
        f"Cost estimate: {estimate.project}/{estimate.stack} in {estimate.region}, {estimate.currency} per month",
        f"Prices: on-demand list prices as of {estimate.price_table_as_of} (sources at the end)",
        "",
        f"Total (as declared): {_money(estimate.total_monthly_usd)}/month",
        "",
        "Line items (largest first):",
        *_rows(estimate.line_items),
    ]
    if estimate.not_priced:
        out += ["", "Not priced (cost not included in the total):"]
        out += [f"  - {_short(u.resource)} ({u.resource_type}): {u.reason}" for u in estimate.not_priced]
    out += ["", f"No charge of their own: {len(estimate.no_charge)} resources (IAM, networking, config)"]

    comparison = estimate.comparison
    out += [
        "",
        "Same workload, three egress designs (ECR / S3 / Logs access):",
        f"  common to all designs: {_money(comparison.common_monthly_usd)}",
    ]
    for design in comparison.designs:
        out.append(
            f"  {design.title:<22} egress {_money(design.egress_monthly_usd):>10}   total "
            f"{_money(design.total_monthly_usd):>11}   {design.description}"
        )
    traffic = ", ".join(f"{name} {gb:,.1f} GB" for name, gb in comparison.traffic_gb.items())
    out.append(f"  modeled task traffic per month: {traffic}")
    for point in comparison.break_even:
        out.append(f"  break-even vs {point.nat_design}: {point.explanation}")
    out += ["", "Source document's cost claims:"]
    for claim in estimate.claims:
        out.append(f"  [{claim.verdict}] {claim.claim}")
        out.append(f"      {claim.explanation}")
    out += ["", "Usage assumptions (override with UsageAssumptions):"]
    out += [f"  {name} = {value}  - {text}" for name, value, text in estimate.assumptions.described()]
    out += ["", "Notes:", *(f"  - {note}" for note in estimate.notes)]
    out += ["", "Price sources:", *(f"  - {name}: {source}" for name, source in estimate.price_sources.items())]
    return "\n".join(out) + "\n"


def _item(item: LineItem) -> dict[str, Any]:
    data = asdict(item)
    data["monthly_usd"] = round(item.monthly_usd, 4)
    return data


def to_json(estimate: CostEstimate) -> dict[str, Any]:
    """JSON-serialisable data (only str, float, int, bool, None, list, dict) for the plan report."""
    comparison = estimate.comparison
    return {
        "schemaVersion": JSON_SCHEMA_VERSION,
        "project": estimate.project,
        "stack": estimate.stack,
        "region": estimate.region,
        "currency": estimate.currency,
        "priceTableAsOf": estimate.price_table_as_of,
        "priceSources": dict(estimate.price_sources),
        "totalMonthlyUsd": round(estimate.total_monthly_usd, 2),
        "lineItems": [_item(i) for i in estimate.line_items],
        "notPriced": [asdict(u) for u in estimate.not_priced],
        "noCharge": [asdict(u) for u in estimate.no_charge],
        "comparison": {
            "commonMonthlyUsd": round(comparison.common_monthly_usd, 2),
            "trafficGb": dict(comparison.traffic_gb),
            "designs": [
                {
                    "key": d.key,
                    "title": d.title,
                    "description": d.description,
                    "egressMonthlyUsd": round(d.egress_monthly_usd, 2),
                    "totalMonthlyUsd": round(d.total_monthly_usd, 2),
                    "egressItems": [_item(i) for i in d.egress_items],
                }
                for d in comparison.designs
            ],
            "breakEven": [asdict(b) for b in comparison.break_even],
        },
        "claims": [asdict(c) for c in estimate.claims],
        "assumptions": estimate.assumptions.model_dump(mode="json"),
        "notes": list(estimate.notes),
    }
