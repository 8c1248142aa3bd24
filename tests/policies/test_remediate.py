"""Remediate: the fixable policies rewrite the resource when set to "remediate", and only then."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import pytest

from secure_ecs.analyzer import AnalyzerClient
from secure_ecs_facts import tokens
from tests.policies.builders import UNKNOWN, graph, resource


class Fix(NamedTuple):
    policy: str
    type_token: str
    props: dict[str, Any]
    path: tuple[str, ...]
    fixed: object


FIXES = [
    Fix(
        "ecs-service-no-public-ip",
        tokens.ECS_SERVICE,
        {"networkConfiguration": {"assignPublicIp": True}},
        ("networkConfiguration", "assignPublicIp"),
        False,
    ),
    Fix("ecr-scan-on-push", tokens.ECR_REPOSITORY, {"name": "app"}, ("imageScanningConfiguration", "scanOnPush"), True),
    Fix(
        "ecr-scan-on-push",
        tokens.ECR_REPOSITORY,
        {"imageScanningConfiguration": {"scanOnPush": False}},
        ("imageScanningConfiguration", "scanOnPush"),
        True,
    ),
    Fix("alb-drop-invalid-headers", tokens.LOAD_BALANCERS[1], {"internal": False}, ("dropInvalidHeaderFields",), True),
]


def _at(props: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = props
    for key in path:
        value = value[key]
    return value


@pytest.mark.parametrize("fix", FIXES, ids=[f.policy for f in FIXES])
def test_fixable_policy_rewrites_the_resource(remediating_pack: AnalyzerClient, fix: Fix) -> None:
    subject = resource(fix.type_token, "subject", fix.props)
    [remediation] = remediating_pack.remediate(subject, graph(subject))
    assert remediation.policy_name == fix.policy and remediation.properties is not None
    assert _at(remediation.properties, fix.path) == fix.fixed
    untouched = {k: v for k, v in fix.props.items() if k != fix.path[0]}
    assert {k: remediation.properties[k] for k in untouched} == untouched


@pytest.mark.parametrize(
    "props",
    [
        {"networkConfiguration": {"assignPublicIp": False}},
        {"networkConfiguration": UNKNOWN},
        {"networkConfiguration": {"assignPublicIp": UNKNOWN}},
    ],
)
def test_compliant_or_unknown_resources_are_left_alone(remediating_pack: AnalyzerClient, props: dict[str, Any]) -> None:
    subject = resource(tokens.ECS_SERVICE, "subject", props)
    assert remediating_pack.remediate(subject, graph(subject)) == []


def test_network_load_balancers_are_not_rewritten(remediating_pack: AnalyzerClient) -> None:
    subject = resource(tokens.LOAD_BALANCERS[0], "nlb", {"loadBalancerType": "network"})
    assert remediating_pack.remediate(subject, graph(subject)) == []


def test_nothing_is_rewritten_unless_asked(prod_pack: AnalyzerClient) -> None:
    subject = resource(tokens.ECS_SERVICE, "subject", {"networkConfiguration": {"assignPublicIp": True}})
    assert prod_pack.remediate(subject, graph(subject)) == []
