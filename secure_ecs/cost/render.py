"""The estimate as text (for the terminal and `plan` summaries) and as JSON-ready data (plan.json)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from secure_ecs.cost.model import CostEstimate, LineItem
from secure_ecs.cost.schema import SCHEMA_VERSION as JSON_SCHEMA_VERSION


def _short(resource: str) -> str:
    """The resource name from a URN (`...::name`), or the group label as is."""
    return resource.rsplit("::", 1)[-1] if resource.startswith("urn:") else resource


def money(value: float) -> str:
    """`$1,234.56`: dollars to the cent with thousands separators."""
    return f"${value:,.2f}"


def _rows(items: tuple[LineItem, ...] | list[LineItem]) -> list[str]:
    rows = []
    for item in sorted(items, key=lambda i: -i.monthly_usd):
        rows.append(
            f"  {money(item.monthly_usd):>11}  {_short(item.resource)[:28]:<28} {item.what[:52]:<52} "
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
        f"Total (as declared): {money(estimate.total_monthly_usd)}/month",
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
        f"  common to all designs: {money(comparison.common_monthly_usd)}",
    ]
    for design in comparison.designs:
        out.append(
            f"  {design.title:<22} egress {money(design.egress_monthly_usd):>10}   total "
            f"{money(design.total_monthly_usd):>11}   {design.description}"
        )
    traffic = comparison.traffic_gb
    out.append(
        f"  modeled task traffic per month: image layers {traffic.image_layers:,.1f} GB, "
        f"container logs {traffic.container_logs:,.1f} GB, AWS API {traffic.aws_api:,.1f} GB"
    )
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


def camel(name: str) -> str:
    """`total_monthly_usd` -> `totalMonthlyUsd`."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


# Money is rounded for reading: totals to the cent as the text report prints them, other amounts
# (line items, break-even figures) to a hundredth of a cent. Unit prices and quantities are exact.
_CENTS = frozenset({"total_monthly_usd", "common_monthly_usd", "egress_monthly_usd"})


def _plain(value: Any, name: str = "") -> Any:
    """JSON data from the estimate's dataclasses. `name` is the field that holds `value`.

    Keys the document defines (dataclass fields) become camelCase. Keys that are data are kept
    verbatim: the usage assumptions (the names a `--usage` file uses, so the object can be fed back)
    and the price-source ids (mapping keys). Values (e.g. design keys like `nat_per_az`) are unchanged.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {camel(f.name): _plain(getattr(value, f.name), f.name) for f in dataclasses.fields(value)}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, float) and name.endswith("_usd"):
        return round(value, 2 if name in _CENTS else 4)
    return value


def to_json(estimate: CostEstimate) -> dict[str, Any]:
    """JSON-serialisable data (str, float, int, bool, None, list, dict) shaped by `cost-report.schema.json`."""
    return {"schemaVersion": JSON_SCHEMA_VERSION, **_plain(estimate)}
