"""Units behind the real-program fixes: awsx child derivation, invoke coercion and placeholders."""

from __future__ import annotations

import pulumi_aws as aws

from secure_ecs.offline.invoke_types import PLACEHOLDER_PREFIX, coerce_result, placeholder_result
from secure_ecs_facts import tokens
from secure_ecs_policies.awsx_components import FARGATE_SERVICE, children_of


def test_a_real_previews_own_registration_of_an_awsx_component_is_not_judged_again() -> None:
    # Inside Construct awsx registers {name, args, opts}; the engine judges its children instead.
    provider_side = {"name": "svc", "args": {"assignPublicIp": True}, "opts": {}}
    assert children_of(FARGATE_SERVICE, "svc", provider_side) == []


def test_the_programs_registration_yields_the_children_awsx_creates() -> None:
    children = children_of(FARGATE_SERVICE, "svc", {"assignPublicIp": True, "cluster": "arn"})
    service = next(c for c in children if c.type == tokens.ECS_SERVICE)
    assert service.props == {"networkConfiguration": {"assignPublicIp": True}}
    # No networkConfiguration: awsx adds its wide-open default security group.
    assert any(c.type == tokens.SECURITY_GROUP for c in children)


def test_invoke_results_are_coerced_to_the_declared_types() -> None:
    coerced = coerce_result("aws:ec2/getAmi:getAmi", {"mostRecent": "true", "owners": ["amazon"], "id": "ami-1"})
    assert coerced["mostRecent"] is True
    assert coerced["owners"] == ["amazon"]


def test_placeholders_have_the_declared_shape_and_are_marked() -> None:
    answer = placeholder_result("aws:route53/getZone:getZone", {"name": "example.com"})
    assert callable(aws.route53.get_zone)  # finding the result class left the SDK's function alone
    assert answer["name"] == "example.com"
    assert answer["zoneId"] == f"{PLACEHOLDER_PREFIX}:getZone.zoneId"
    assert answer["nameServers"] == [] and answer["privateZone"] is False
