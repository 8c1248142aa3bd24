"""EndpointSet under Pulumi mocks: the endpoints Fargate needs without NAT, locked to this account."""

from __future__ import annotations

import json
from typing import Any

import pytest

from secure_ecs.offline.graph import CapturedResource, ResourceGraph
from secure_ecs_components.endpoint_policies import ecr_layer_bucket
from secure_ecs_components.endpoints import EndpointSet
from secure_ecs_components.errors import ComponentArgumentError
from secure_ecs_components.network import PrivateNetwork
from tests.offline import only, run_offline

ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
ACCOUNT = "123456789012"


def endpoint_set(region: str = "us-east-1", **overrides: Any) -> ResourceGraph:
    args: dict[str, Any] = {
        "vpc_id": "vpc-0123",
        "subnet_ids": ["subnet-a", "subnet-b"],
        "route_table_ids": ["rtb-a", "rtb-b"],
        **overrides,
    }
    return run_offline(lambda: EndpointSet("endpoints", args), region)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def default_set() -> ResourceGraph:
    return endpoint_set(consumer_security_group_ids=["sg-tasks"])


def by_service(graph: ResourceGraph) -> dict[str, CapturedResource]:
    return {e.inputs["serviceName"].removeprefix("com.amazonaws.us-east-1."): e for e in graph.of_type(ENDPOINT)}


def test_required_endpoints_and_nothing_else_by_default(default_set: ResourceGraph) -> None:
    endpoints = by_service(default_set)
    assert set(endpoints) == {"ecr.api", "ecr.dkr", "logs", "s3"}
    assert endpoints["s3"].inputs["vpcEndpointType"] == "Gateway"
    assert all(endpoints[s].inputs["vpcEndpointType"] == "Interface" for s in ("ecr.api", "ecr.dkr", "logs"))


def test_interface_endpoints_have_private_dns_in_the_given_subnets_behind_one_group(
    default_set: ResourceGraph,
) -> None:
    group = only(default_set, "aws:ec2/securityGroup:SecurityGroup")
    for service in ("ecr.api", "ecr.dkr", "logs"):
        endpoint = by_service(default_set)[service]
        assert endpoint.inputs["privateDnsEnabled"] is True
        assert endpoint.inputs["subnetIds"] == ["subnet-a", "subnet-b"]
        assert endpoint.inputs["securityGroupIds"] == [group.id]


def test_s3_gateway_is_on_the_private_route_tables(default_set: ResourceGraph) -> None:
    assert by_service(default_set)["s3"].inputs["routeTableIds"] == ["rtb-a", "rtb-b"]


def test_endpoint_group_admits_only_https_from_consumer_groups(default_set: ResourceGraph) -> None:
    group = only(default_set, "aws:ec2/securityGroup:SecurityGroup")
    assert not group.inputs.get("ingress") and not group.inputs.get("egress")
    (rule,) = default_set.of_type(INGRESS)
    assert rule.inputs["securityGroupId"] == group.id
    assert rule.inputs["referencedSecurityGroupId"] == "sg-tasks"
    assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", 443, 443)
    assert "cidrIpv4" not in rule.inputs


def test_no_consumers_means_no_ingress_at_all() -> None:
    assert endpoint_set().of_type(INGRESS) == []


def test_interface_policies_admit_only_this_account(default_set: ResourceGraph) -> None:
    for service in ("ecr.api", "ecr.dkr", "logs"):
        (statement,) = json.loads(by_service(default_set)[service].inputs["policy"])["Statement"]
        assert statement["Condition"]["StringEquals"] == {"aws:PrincipalAccount": ACCOUNT}
        assert statement["Condition"]["StringEqualsIfExists"] == {"aws:ResourceAccount": ACCOUNT}


def test_s3_policy_allows_ecr_layers_and_listed_buckets_only() -> None:
    graph = endpoint_set(s3_bucket_names=["reports"])
    statements = json.loads(by_service(graph)["s3"].inputs["policy"])["Statement"]
    layers, listed = statements
    assert layers["Resource"] == f"arn:aws:s3:::{ecr_layer_bucket('us-east-1')}/*"
    assert layers["Action"] == "s3:GetObject"
    assert "Condition" not in layers  # ECR signs layer URLs with its own credentials
    assert set(listed["Resource"]) == {"arn:aws:s3:::reports", "arn:aws:s3:::reports/*"}
    assert listed["Condition"]["StringEquals"]["aws:ResourceAccount"] == ACCOUNT


def test_s3_policy_without_listed_buckets_has_only_the_layer_statement(default_set: ResourceGraph) -> None:
    assert len(json.loads(by_service(default_set)["s3"].inputs["policy"])["Statement"]) == 1


def test_extra_services_are_added_with_the_same_hardening() -> None:
    endpoints = by_service(endpoint_set(extra_services=["secretsmanager", "ssmmessages"]))
    assert {"secretsmanager", "ssmmessages"} <= set(endpoints)
    assert endpoints["secretsmanager"].inputs["privateDnsEnabled"] is True
    assert "policy" in endpoints["ssmmessages"].inputs


def test_opting_out_of_endpoint_policies_is_explicit() -> None:
    endpoints = by_service(endpoint_set(restrict_to_account=False))
    assert all("policy" not in e.inputs for e in endpoints.values())


def test_admit_adds_a_consumer_after_construction() -> None:
    def program() -> None:
        EndpointSet("endpoints", {"vpc_id": "v", "subnet_ids": ["s"], "route_table_ids": ["r"]}).admit(
            "endpoints-from-batch", "sg-batch"
        )

    (rule,) = run_offline(program).of_type(INGRESS)
    assert rule.inputs["referencedSecurityGroupId"] == "sg-batch"


@pytest.mark.parametrize(
    ("services", "words"),
    [(["ec2"], "choose from"), (["kms", "kms"], "list each service once"), (["ecr.api"], "always created")],
)
def test_refuses_unknown_or_repeated_services(services: list[str], words: str) -> None:
    with pytest.raises(ComponentArgumentError) as caught:
        endpoint_set(extra_services=services)
    assert caught.value.argument == "extra_services"
    assert words in str(caught.value)


def test_regions_opened_since_december_2023_also_get_the_fargate_agent_endpoints() -> None:
    services = {e.inputs["serviceName"] for e in endpoint_set(region="ca-west-1").of_type(ENDPOINT)}
    for service in ("ecs", "ecs-agent", "ecs-telemetry"):
        assert f"com.amazonaws.ca-west-1.{service}" in services


def test_older_regions_do_not_pay_for_the_agent_endpoints(default_set: ResourceGraph) -> None:
    assert not {"ecs", "ecs-agent", "ecs-telemetry"} & set(by_service(default_set))


def test_unlisted_services_only_when_allowed_explicitly() -> None:
    graph = endpoint_set(extra_services=["sqs", "bedrock-runtime"], allow_unlisted_services=True)
    assert {"sqs", "bedrock-runtime"} <= set(by_service(graph))
    with pytest.raises(ComponentArgumentError, match="allow_unlisted_services"):
        endpoint_set(extra_services=["sqs"])


def test_route_tables_can_come_from_another_components_output() -> None:
    # What TypeScript or YAML wiring does: PrivateNetwork's output list straight into EndpointSet.
    def program() -> None:
        network = PrivateNetwork("net", {"protect_stateful": False})
        EndpointSet(
            "endpoints",
            {
                "vpc_id": network.vpc_id,
                "subnet_ids": network.private_subnet_ids,
                "route_table_ids": network.private_route_table_ids,
            },
        )

    graph = run_offline(program)
    (gateway,) = [e for e in graph.of_type(ENDPOINT) if e.inputs["vpcEndpointType"] == "Gateway"]
    private_tables = [t.id for t in graph.of_type("aws:ec2/routeTable:RouteTable") if "private" in t.name]
    assert sorted(gateway.inputs["routeTableIds"]) == sorted(private_tables) and len(private_tables) == 2


def test_account_restriction_can_be_switched_off() -> None:
    graph = endpoint_set(restrict_to_account=False)
    assert all("policy" not in e.inputs for e in graph.of_type(ENDPOINT))
