"""The three-design comparison, the break-even and the claims, under assumptions where each design wins."""

from __future__ import annotations

import pytest

from secure_ecs.cost import CostEstimate, UsageAssumptions, estimate_cost
from tests.cost.graphs import fargate, graph, interface_endpoint, s3_gateway, subnets

H = 730.0
SERVICES = ("ecr.api", "ecr.dkr", "logs", "secretsmanager", "kms", "ecs", "ecs-agent", "ecs-telemetry")


def _three_az_stack(usage: UsageAssumptions) -> CostEstimate:
    nets = subnets(3)
    ids = [s.id for s in nets]
    endpoints = [interface_endpoint(name, ids) for name in SERVICES]
    return estimate_cost(graph(*nets, *fargate(tasks=3, subnet_ids=tuple(ids)), *endpoints, s3_gateway()), usage)


def _totals(est: CostEstimate) -> dict[str, float]:
    return {d.key: d.total_monthly_usd for d in est.comparison.designs}


def test_tiny_traffic_single_nat_beats_eight_endpoints_in_three_azs() -> None:
    totals = _totals(_three_az_stack(UsageAssumptions(container_log_gb_per_task=0.1)))
    assert totals["nat_single"] < totals["nat_per_az"] < totals["declared"]
    assert totals["public_ip"] < totals["nat_single"]


def test_heavy_traffic_endpoints_win() -> None:
    totals = _totals(_three_az_stack(UsageAssumptions(container_log_gb_per_task=2000)))
    assert totals["declared"] < totals["nat_single"] < totals["nat_per_az"]


def test_break_even_volume_balances_the_two_designs() -> None:
    est = _three_az_stack(UsageAssumptions())
    point = {b.nat_design: b for b in est.comparison.break_even}["nat_per_az"]
    endpoint_fixed = 8 * 3 * H * 0.01
    nat_fixed = 3 * H * (0.045 + 0.005)
    assert point.endpoint_fixed_usd == pytest.approx(endpoint_fixed)
    assert point.nat_fixed_usd == pytest.approx(nat_fixed)
    assert point.break_even_gb == pytest.approx((endpoint_fixed - nat_fixed) / (0.045 - 0.01))
    # Priced at exactly that volume of logs, the two designs cost the same.
    assert point.break_even_gb is not None
    at = _three_az_stack(UsageAssumptions(container_log_gb_per_task=point.break_even_gb / 3, aws_api_gb_per_task=0))
    totals = _totals(at)
    assert totals["declared"] == pytest.approx(totals["nat_per_az"])


def test_endpoints_in_one_az_are_always_cheaper_than_nat_per_az() -> None:
    nets = subnets(2)
    endpoint = interface_endpoint("logs", [nets[0].id])
    est = estimate_cost(graph(*nets, *fargate(tasks=1), endpoint, s3_gateway()), UsageAssumptions())
    assert {b.nat_design: b.break_even_gb for b in est.comparison.break_even}["nat_per_az"] == 0.0


def test_nat_design_without_s3_gateway_pays_for_image_layers() -> None:
    usage = UsageAssumptions(nat_design_keeps_s3_gateway=False, deploys_per_month=10, image_size_gb=1.0)
    est = _three_az_stack(usage)
    layers = [i for i in est.comparison.design("nat_single").egress_items if i.what.startswith("image layers")]
    assert sum(i.monthly_usd for i in layers) == pytest.approx(3 * 10 * 1.0 * 0.045)


@pytest.mark.parametrize("nat_keeps_s3_gateway", [True, False])
def test_break_even_holds_for_a_stack_without_an_s3_gateway(nat_keeps_s3_gateway: bool) -> None:
    """Layers reach S3 through an S3 *interface* endpoint ($0.01/GB): the break-even must count them on both sides."""
    nets = subnets(3)
    ids = [s.id for s in nets]
    endpoints = [interface_endpoint(name, ids) for name in (*SERVICES, "s3")]

    def priced(usage: UsageAssumptions) -> CostEstimate:
        return estimate_cost(graph(*nets, *fargate(tasks=3, subnet_ids=tuple(ids)), *endpoints), usage)

    layers = {"deploys_per_month": 30, "image_size_gb": 2.0, "nat_design_keeps_s3_gateway": nat_keeps_s3_gateway}
    est = priced(UsageAssumptions(**layers))
    layer_items = [i for i in est.line_items if i.what.startswith("image layers")]
    assert [i.unit_price for i in layer_items] == [0.01]  # declared: S3 interface endpoint
    for key in ("nat_per_az", "nat_single"):
        point = {b.nat_design: b for b in est.comparison.break_even}[key]
        assert point.break_even_gb is not None
        # Priced at exactly that volume of logs (layers unchanged), the declared and NAT designs cost the same.
        at = priced(
            UsageAssumptions(container_log_gb_per_task=point.break_even_gb / 3, aws_api_gb_per_task=0, **layers)
        )
        totals = _totals(at)
        if point.break_even_gb > 0:
            assert totals["declared"] == pytest.approx(totals[key])
        else:
            assert totals["declared"] <= totals[key]
    # 8 + 1 endpoints x 3 AZs against one NAT: the endpoints need traffic to catch up.
    single = {b.nat_design: b for b in est.comparison.break_even}["nat_single"]
    assert single.break_even_gb is not None and single.break_even_gb > 0


def test_claims_verdicts() -> None:
    claims = {c.claim: c.verdict for c in _three_az_stack(UsageAssumptions()).claims}
    assert claims["VPC Endpoint: ~$0.01/hour per endpoint"] == "partly holds"
    assert claims["With public IPs: data transfer ~$0.09/GB for ECR pulls"] == "does not hold"
    assert claims["Public IP charges"] == "holds"
    assert claims["The endpoint design is more cost-effective in the long run"] == "does not hold"
