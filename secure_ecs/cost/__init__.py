"""Offline monthly cost estimate of a captured resource graph, with the egress-design comparison.

from secure_ecs.cost import estimate_cost, render_text, to_json
estimate = estimate_cost(graph)            # CostEstimate
print(render_text(estimate)); json.dumps(to_json(estimate))
"""

from secure_ecs.cost.estimate import estimate_cost
from secure_ecs.cost.facts import AmbiguousRegionError
from secure_ecs.cost.model import BreakEven, ClaimCheck, Comparison, CostEstimate, DesignCost, LineItem, Unpriced
from secure_ecs.cost.prices import US_EAST_1, PriceTable, UnsupportedRegionError, price_table_for
from secure_ecs.cost.render import render_text, to_json
from secure_ecs.cost.usage import UsageAssumptions

__all__ = [
    "US_EAST_1",
    "AmbiguousRegionError",
    "BreakEven",
    "ClaimCheck",
    "Comparison",
    "CostEstimate",
    "DesignCost",
    "LineItem",
    "PriceTable",
    "Unpriced",
    "UnsupportedRegionError",
    "UsageAssumptions",
    "estimate_cost",
    "price_table_for",
    "render_text",
    "to_json",
]
