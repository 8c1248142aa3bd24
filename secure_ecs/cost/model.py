"""The estimate as data: line items with their quantity drivers, the design comparison, the claims check."""

from __future__ import annotations

from dataclasses import dataclass

from secure_ecs.cost.usage import UsageAssumptions


@dataclass(frozen=True)
class LineItem:
    """One priced quantity: `quantity` `unit` x `unit_price` = `monthly_usd`."""

    resource: str
    """URN of the resource, or a group label (e.g. "task traffic") for usage spread over several."""
    resource_type: str
    what: str
    quantity: float
    unit: str
    unit_price: float
    monthly_usd: float
    driver: str = ""
    """How the quantity was derived (e.g. "3 tasks x 1 vCPU x 730 h"), so the number can be checked."""
    egress_path: bool = False
    """Part of how tasks reach AWS services (endpoints, NAT, task public IPs): differs between designs."""


def line(
    resource: str,
    resource_type: str,
    what: str,
    *,
    quantity: float,
    unit: str,
    unit_price: float,
    driver: str = "",
    egress_path: bool = False,
) -> LineItem:
    """A line item whose monthly cost is computed from quantity x unit price (never typed in)."""
    return LineItem(
        resource, resource_type, what, quantity, unit, unit_price, quantity * unit_price, driver, egress_path
    )


@dataclass(frozen=True)
class Unpriced:
    """A resource the estimate did not price, and why (so nothing is silently zero)."""

    resource: str
    resource_type: str
    reason: str


@dataclass(frozen=True)
class DesignCost:
    """The same workload with one way for tasks to reach ECR, S3 and CloudWatch Logs."""

    key: str
    """declared | public_ip | nat_per_az | nat_single"""
    title: str
    description: str
    egress_items: tuple[LineItem, ...]
    egress_monthly_usd: float
    total_monthly_usd: float


@dataclass(frozen=True)
class BreakEven:
    """Monthly task-to-AWS-API traffic above which the declared interface endpoints beat a NAT design."""

    nat_design: str
    endpoint_fixed_usd: float
    nat_fixed_usd: float
    per_gb_saving_usd: float
    """NAT processing minus endpoint processing, per GB."""
    break_even_gb: float | None
    """GB/month; 0.0 when endpoints are cheaper at any volume, None when they never are."""
    modeled_gb: float
    """The traffic the usage assumptions give, for comparison with the break-even."""
    explanation: str


@dataclass(frozen=True)
class TrafficGb:
    """Modeled monthly GB of all tasks' traffic to AWS services, by class (each class routes differently)."""

    image_layers: float
    """Image layers pulled at task starts (ECR serves them from S3)."""
    container_logs: float
    aws_api: float
    """ECR API, Secrets Manager, KMS and ECS agent traffic."""


@dataclass(frozen=True)
class Comparison:
    common_monthly_usd: float
    """Everything that does not depend on the egress design (compute, ALB, RDS, logs, keys ...)."""
    designs: tuple[DesignCost, ...]
    break_even: tuple[BreakEven, ...]
    traffic_gb: TrafficGb

    def design(self, key: str) -> DesignCost:
        for design in self.designs:
            if design.key == key:
                return design
        raise KeyError(key)


@dataclass(frozen=True)
class ClaimCheck:
    """One cost claim of the source document, checked against the price table and this stack."""

    claim: str
    verdict: str
    """holds | partly holds | does not hold"""
    explanation: str


@dataclass(frozen=True)
class CostEstimate:
    project: str
    stack: str
    region: str
    currency: str
    price_table_as_of: str
    price_sources: dict[str, str]
    assumptions: UsageAssumptions
    line_items: tuple[LineItem, ...]
    total_monthly_usd: float
    not_priced: tuple[Unpriced, ...]
    no_charge: tuple[Unpriced, ...]
    """Resources known to carry no charge of their own (IAM, security groups, subnets ...)."""
    comparison: Comparison
    claims: tuple[ClaimCheck, ...]
    notes: tuple[str, ...]
