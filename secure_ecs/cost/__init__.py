"""Offline monthly cost estimate of a captured resource graph, with the egress-design comparison.

from secure_ecs.cost import estimate_cost, render_text, to_json
estimate = estimate_cost(graph)            # CostEstimate
print(render_text(estimate)); json.dumps(to_json(estimate))  # valid against load_schema()
comparison_table_markdown([("dev", estimate)])  # the README's design table
"""

from secure_ecs.cost.estimate import estimate_cost
from secure_ecs.cost.facts import AmbiguousRegionError
from secure_ecs.cost.markdown import comparison_table_markdown
from secure_ecs.cost.model import (
    BreakEven,
    ClaimCheck,
    Comparison,
    CostEstimate,
    DesignCost,
    LineItem,
    TrafficGb,
    Unpriced,
)
from secure_ecs.cost.prices import US_EAST_1, PriceTable, UnsupportedRegionError, price_table_for
from secure_ecs.cost.render import render_text, to_json
from secure_ecs.cost.schema import SCHEMA_ID, SCHEMA_VERSION, load_schema
from secure_ecs.cost.usage import UsageAssumptions

__all__ = [
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "US_EAST_1",
    "AmbiguousRegionError",
    "BreakEven",
    "ClaimCheck",
    "Comparison",
    "CostEstimate",
    "DesignCost",
    "LineItem",
    "PriceTable",
    "TrafficGb",
    "Unpriced",
    "UnsupportedRegionError",
    "UsageAssumptions",
    "comparison_table_markdown",
    "estimate_cost",
    "load_schema",
    "price_table_for",
    "render_text",
    "to_json",
]
