"""Odd inputs (missing, UNKNOWN, wrong types, garbage) never crash the estimator; regions are checked."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secure_ecs.cost import AmbiguousRegionError, UnsupportedRegionError, estimate_cost, render_text, to_json
from secure_ecs.offline.graph import UNKNOWN
from tests.cost.graphs import graph, res, subnets

TYPES = [
    "aws:ecs/service:Service",
    "aws:ecs/taskDefinition:TaskDefinition",
    "aws:appautoscaling/target:Target",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip",
    "aws:ec2/subnet:Subnet",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:rds/instance:Instance",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:kms/key:Key",
    "aws:wafv2/webAcl:WebAcl",
    "aws:ecr/repository:Repository",
    "aws:ecs/cluster:Cluster",
    "aws:ec2/flowLog:FlowLog",
    "custom:odd:Thing",
]
KEYS = [
    "cpu",
    "memory",
    "desiredCount",
    "taskDefinition",
    "networkConfiguration",
    "runtimePlatform",
    "launchType",
    "minCapacity",
    "vpcEndpointType",
    "subnetIds",
    "serviceName",
    "allocationId",
    "connectivityType",
    "internal",
    "subnets",
    "engine",
    "instanceClass",
    "multiAz",
    "allocatedStorage",
    "storageType",
    "retentionInDays",
    "rules",
    "settings",
    "availabilityZone",
    "capacityProviderStrategies",
    "manageMasterUserPassword",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.just(UNKNOWN),
    st.sampled_from(["FARGATE", "Interface", "postgres", "db.t3.micro", "ARM64"]),
)
values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3),
    max_leaves=8,
)
resources = st.builds(
    res,
    st.sampled_from(TYPES),
    st.text("abcdef", min_size=1, max_size=6),
    st.dictionaries(st.sampled_from(KEYS), values),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(resources, max_size=8, unique_by=lambda r: r.urn))
def test_garbage_never_crashes(found: list[Any]) -> None:
    est = estimate_cost(graph(*found), region="us-east-1")
    to_json(est)
    render_text(est)
    assert all(i.monthly_usd >= 0 for i in est.line_items)


def test_other_regions_are_refused_by_name() -> None:
    with pytest.raises(UnsupportedRegionError, match="eu-west-1"):
        estimate_cost(graph(res("aws:ec2/subnet:Subnet", "s", {"availabilityZone": "eu-west-1a"})))


def test_several_regions_need_an_explicit_choice() -> None:
    mixed = graph(*subnets(1), res("aws:ec2/subnet:Subnet", "s", {"availabilityZone": "us-west-2a"}))
    with pytest.raises(AmbiguousRegionError):
        estimate_cost(mixed)
    assert estimate_cost(mixed, region="us-east-1").region == "us-east-1"


def test_an_empty_graph_says_the_region_was_assumed() -> None:
    est = estimate_cost(graph())
    assert est.total_monthly_usd == 0
    assert any("assumed" in note for note in est.notes)
