"""The project's dev and prod stacks, captured by the offline harness and priced."""

from __future__ import annotations

import json

import pytest

from secure_ecs.cost import CostEstimate, estimate_cost, render_text, to_json
from tests.offline import captured_stack

H = 730.0


@pytest.fixture(scope="module", params=["dev", "prod"])
def estimate(request: pytest.FixtureRequest) -> CostEstimate:
    return estimate_cost(captured_stack(str(request.param)))


def _endpoint_hours(est: CostEstimate) -> float:
    return sum(i.quantity for i in est.line_items if i.unit == "endpoint-AZ-hour")


def test_endpoint_hours_are_endpoints_times_azs_times_hours(estimate: CostEstimate) -> None:
    # dev and prod: ecr.api, ecr.dkr, logs, secretsmanager; dev in 1 AZ, prod in 3.
    expected = {"dev": 4 * 1 * H, "prod": 4 * 3 * H}[estimate.stack]
    assert _endpoint_hours(estimate) == pytest.approx(expected)


def test_totals_are_plausible(estimate: CostEstimate) -> None:
    low, high = {"dev": (60, 250), "prod": (400, 1200)}[estimate.stack]
    assert low < estimate.total_monthly_usd < high
    assert estimate.region == "us-east-1"
    assert estimate.comparison.design("declared").total_monthly_usd == pytest.approx(estimate.total_monthly_usd)


def test_prod_prices_the_multi_az_database_and_the_task_floor() -> None:
    estimate = estimate_cost(captured_stack("prod"))
    rds = [i for i in estimate.line_items if "db.r6g.large" in i.what]
    assert sum(i.monthly_usd for i in rds) == pytest.approx(2 * H * 0.225)
    vcpu = [i for i in estimate.line_items if i.what.startswith("Fargate") and i.unit == "vCPU-hour"]
    assert sum(i.quantity for i in vcpu) == pytest.approx(3 * 1 * H)


def test_unpriced_resources_are_listed_with_reasons(estimate: CostEstimate) -> None:
    types = {u.resource_type for u in estimate.not_priced}
    assert "aws:s3/bucket:Bucket" in types  # the ALB access-log bucket: usage-based
    assert all(u.reason for u in estimate.not_priced)


def test_reports_render(estimate: CostEstimate) -> None:
    text = render_text(estimate)
    assert f"${estimate.total_monthly_usd:,.2f}" in text
    assert "break-even" in text or estimate.stack == "dev"
    data = json.loads(json.dumps(to_json(estimate)))
    assert data["totalMonthlyUsd"] == round(estimate.total_monthly_usd, 2)
    assert {d["key"] for d in data["comparison"]["designs"]} == {"declared", "public_ip", "nat_per_az", "nat_single"}
