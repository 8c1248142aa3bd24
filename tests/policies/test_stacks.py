"""Whole stacks through Analyze (every resource) and AnalyzeStack, as `pulumi preview` would run them."""

from __future__ import annotations

import pytest

from secure_ecs.analyzer import AnalyzerClient, Diagnostic
from secure_ecs.offline.graph import ResourceGraph
from tests.policies.stacks import INSECURE_VARIANTS, Knobs, fargate_stack


def findings(pack: AnalyzerClient, stack: ResourceGraph) -> list[Diagnostic]:
    return pack.analyze_resources(stack) + pack.analyze_stack(stack)


@pytest.mark.parametrize("pack_name", ["dev_pack", "prod_pack"])
def test_secure_stack_has_no_violation(pack_name: str, request: pytest.FixtureRequest) -> None:
    pack: AnalyzerClient = request.getfixturevalue(pack_name)
    assert findings(pack, fargate_stack()) == []


@pytest.mark.parametrize("variant", list(INSECURE_VARIANTS))
def test_insecure_variant_is_rejected(prod_pack: AnalyzerClient, variant: str) -> None:
    knobs, policy = INSECURE_VARIANTS[variant]
    result = findings(prod_pack, fargate_stack(knobs))
    assert {d.policy_name for d in result} == {policy}
    assert all(d.is_mandatory and d.urn for d in result)


def test_nat_route_makes_endpoints_optional(prod_pack: AnalyzerClient) -> None:
    without_endpoints = Knobs(interface_endpoints=(), s3_gateway=False)
    assert prod_pack.analyze_stack(fargate_stack(without_endpoints))
    assert prod_pack.analyze_stack(fargate_stack(Knobs(interface_endpoints=(), s3_gateway=False, nat_route=True))) == []


def test_dev_relaxes_what_prod_enforces(dev_pack: AnalyzerClient, prod_pack: AnalyzerClient) -> None:
    stack = fargate_stack(Knobs(waf=False, http_redirects=False))
    prod = {d.policy_name: d.enforcement_level for d in findings(prod_pack, stack)}
    dev = {d.policy_name: d.enforcement_level for d in findings(dev_pack, stack)}
    assert prod == {"alb-waf-association": "mandatory", "listener-http-redirects-to-https": "mandatory"}
    # A dev stack without a domain may serve plain HTTP, but the report still says so.
    assert dev == {"alb-waf-association": "advisory", "listener-http-redirects-to-https": "advisory"}
