"""The project's dev and prod stacks, captured by the offline harness and priced."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from secure_ecs.cost import (
    SCHEMA_ID,
    SCHEMA_VERSION,
    CostEstimate,
    UsageAssumptions,
    comparison_table_markdown,
    estimate_cost,
    load_schema,
    render_text,
    to_json,
)
from tests.offline import captured_stack

H = 730.0
_DESIGNS = ("declared", "public_ip", "nat_per_az", "nat_single")


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
    # dev: 4 endpoints in 1 AZ cost less than any NAT design; prod: 4 x 3 AZs beat one NAT only above a volume.
    expected = {
        "dev": {
            "nat_per_az": "the endpoints are cheaper at any traffic volume",
            "nat_single": "the endpoints are cheaper at any traffic volume",
        },
        "prod": {"nat_per_az": "the endpoints are cheaper at any traffic volume", "nat_single": "they win above"},
    }[estimate.stack]
    for design, wording in expected.items():
        assert any(line.startswith(f"  break-even vs {design}: ") and wording in line for line in text.splitlines())
    data = json.loads(json.dumps(to_json(estimate)))
    assert data["totalMonthlyUsd"] == round(estimate.total_monthly_usd, 2)
    assert {d["key"] for d in data["comparison"]["designs"]} == {"declared", "public_ip", "nat_per_az", "nat_single"}


def test_json_matches_the_cost_schema(estimate: CostEstimate) -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    document = json.loads(json.dumps(to_json(estimate)))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["schemaVersion"] == SCHEMA_VERSION and SCHEMA_VERSION.startswith("2.")


def test_cost_schema_can_be_referenced_by_its_id(estimate: CostEstimate) -> None:
    """How plan-report.schema.json can describe its `cost` property: a `$ref` resolved through a registry."""
    registry: Registry[Any] = Registry().with_resource(SCHEMA_ID, DRAFT202012.create_resource(load_schema()))
    outer = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://secure-ecs.invalid/schemas/plan-report-1.json",
        "properties": {"cost": {"$ref": "cost-report-2.json"}},
    }
    validator = jsonschema.Draft202012Validator(outer, registry=registry)
    validator.validate({"cost": to_json(estimate)})
    assert not validator.is_valid({"cost": {"schemaVersion": SCHEMA_VERSION, "totalMonthlyUsd": 1.0}})


def _keys(value: object, path: str = "") -> list[tuple[str, str]]:
    """(path, key) of every object key, except inside the mappings whose keys are data."""
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((path, key))
            if key not in ("assumptions", "priceSources"):
                found += _keys(item, f"{path}/{key}")
    elif isinstance(value, list):
        for item in value:
            found += _keys(item, f"{path}[]")
    return found


def test_json_keys_are_camel_case_except_data_keys(estimate: CostEstimate) -> None:
    document = to_json(estimate)
    assert [(path, key) for path, key in _keys(document) if not re.fullmatch(r"[a-z][a-zA-Z0-9]*", key)] == []
    # Data keys stay verbatim: the assumptions object feeds back into --usage unchanged.
    assert UsageAssumptions.model_validate(document["assumptions"]) == estimate.assumptions
    assert document["priceSources"] == estimate.price_sources


def test_readme_table_lists_each_design_total() -> None:
    rows = [(f"{stack} stack", estimate_cost(captured_stack(stack))) for stack in ("dev", "prod")]
    table = comparison_table_markdown(rows)
    lines = table.splitlines()
    assert lines[0] == "| stack | as declared | public IPs | NAT per AZ | single NAT |"
    for (label, est), row in zip(rows, lines[2:4], strict=True):
        totals = [f"${est.comparison.design(k).total_monthly_usd:,.2f}" for k in _DESIGNS]
        assert row == f"| {label} | " + " | ".join(totals) + " |"
    assert "dev stack: as declared" in table and "cheaper than a single NAT above" in table
