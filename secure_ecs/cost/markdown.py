"""Markdown for the README's cost section, from estimates the caller has already made.

Nothing here runs a program or prices a graph: the README generator captures the stacks, calls
`estimate_cost` and passes the results in, so this module stays pure formatting (and cheap to test).
"""

from __future__ import annotations

from collections.abc import Sequence

from secure_ecs.cost.model import BreakEven, CostEstimate
from secure_ecs.cost.render import money

# Columns in README order: (design key, header).
COLUMNS = (
    ("declared", "as declared"),
    ("public_ip", "public IPs"),
    ("nat_per_az", "NAT per AZ"),
    ("nat_single", "single NAT"),
)
_NAT_NAMES = {"nat_per_az": "one NAT per AZ", "nat_single": "a single NAT"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _break_even(point: BreakEven) -> str:
    against = _NAT_NAMES.get(point.nat_design, point.nat_design)
    if point.break_even_gb is None:
        return f"never cheaper than {against}"
    if point.break_even_gb <= 0:
        return f"cheaper than {against} at any traffic volume"
    return (
        f"cheaper than {against} above {point.break_even_gb:,.0f} GB/month of log and AWS API traffic "
        f"(modeled: {point.modeled_gb:,.1f} GB)"
    )


def _summary(label: str, estimate: CostEstimate) -> str:
    comparison = estimate.comparison
    declared = comparison.design("declared").total_monthly_usd
    public = comparison.design("public_ip").total_monthly_usd
    versus_public = (
        f"{money(declared - public)}/month more than public IPs"
        if declared > public
        else f"{money(public - declared)}/month less than public IPs"
    )
    if comparison.break_even:
        endpoints = "the interface endpoints are " + "; ".join(_break_even(p) for p in comparison.break_even)
    else:
        endpoints = "no interface endpoints, so no endpoint/NAT break-even"
    return f"- {_cell(label)}: as declared {versus_public}; {endpoints}."


def comparison_table_markdown(rows: Sequence[tuple[str, CostEstimate]], *, summary: bool = True) -> str:
    """The README table `| stack | as declared | public IPs | NAT per AZ | single NAT |`, one row per
    `(stack label, estimate)` in the order given, monthly totals like `$112.64`; with `summary`, a
    blank line and one bullet per stack: as declared vs public IPs, and the endpoint/NAT break-evens.
    Ends with a newline.
    """
    lines = [
        "| stack | " + " | ".join(header for _, header in COLUMNS) + " |",
        "|---" * (len(COLUMNS) + 1) + "|",
    ]
    for label, estimate in rows:
        totals = [money(estimate.comparison.design(key).total_monthly_usd) for key, _ in COLUMNS]
        lines.append(f"| {_cell(label)} | " + " | ".join(totals) + " |")
    if summary and rows:
        lines.append("")
        lines.extend(_summary(label, estimate) for label, estimate in rows)
    return "\n".join(lines) + "\n"
