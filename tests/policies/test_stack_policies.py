"""Every stack policy through AnalyzeStack: flagged graph, near miss, missing property, unknown value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from secure_ecs.analyzer import AnalyzerClient
from secure_ecs.offline.graph import ResourceGraph
from secure_ecs_policies import tokens
from tests.policies.builders import UNKNOWN, graph, resource


@dataclass(frozen=True)
class StackCase:
    policy: str
    flagged: Callable[[], ResourceGraph]
    near_miss: Callable[[], ResourceGraph]
    missing: Callable[[], ResourceGraph]
    missing_is_flagged: bool
    unknown: Callable[[], ResourceGraph]


def _repository_scanning(scan: object = False, registry_filter: object = None, name: object = "app") -> ResourceGraph:
    repository = resource(
        tokens.ECR_REPOSITORY, "repo", {"name": name, "imageScanningConfiguration": {"scanOnPush": scan}}
    )
    if registry_filter is None:
        return graph(repository)
    registry = resource(
        tokens.ECR_REGISTRY_SCANNING,
        "registry",
        {
            "scanType": "ENHANCED",
            "rules": [
                {
                    "scanFrequency": "CONTINUOUS_SCAN",
                    "repositoryFilters": [{"filter": registry_filter, "filterType": "WILDCARD"}],
                }
            ],
        },
    )
    return graph(repository, registry)


def _lifecycle(linked: bool, repository_prop: object = None) -> ResourceGraph:
    repository = resource(tokens.ECR_REPOSITORY, "repo", {"name": UNKNOWN})
    props = {} if repository_prop is None else {"repository": repository_prop}
    policy = resource(
        tokens.ECR_LIFECYCLE_POLICY, "lifecycle", props, links={"repository": [repository]} if linked else None
    )
    return graph(repository, policy)


def _flow_log(props: dict[str, object], linked: bool) -> ResourceGraph:
    vpc = resource(tokens.VPC, "vpc", {"cidrBlock": "10.0.0.0/16"})
    return graph(vpc, resource(tokens.FLOW_LOG, "flow", props, links={"vpcId": [vpc]} if linked else None))


def _waf(balancer_props: dict[str, object], associated: bool) -> ResourceGraph:
    balancer = resource(tokens.LOAD_BALANCERS[1], "alb", balancer_props)
    if not associated:
        return graph(balancer)
    return graph(
        balancer, resource(tokens.WAF_ASSOCIATION, "waf", {"resourceArn": UNKNOWN}, links={"resourceArn": [balancer]})
    )


def _ingress(cidrs: object, port: int, on_balancer: bool) -> ResourceGraph:
    group = resource(
        tokens.SECURITY_GROUP,
        "sg",
        {"ingress": [{"protocol": "tcp", "fromPort": port, "toPort": port, "cidrBlocks": cidrs}]},
    )
    if not on_balancer:
        return graph(group)
    return graph(group, resource(tokens.LOAD_BALANCERS[0], "alb", {}, links={"securityGroups": [group]}))


def _service_endpoints(services: tuple[object, ...]) -> ResourceGraph:
    vpc = resource(tokens.VPC, "vpc", {})
    subnet = resource(tokens.SUBNET, "app", {}, links={"vpcId": [vpc]})
    endpoints = [
        resource(
            tokens.VPC_ENDPOINT,
            f"endpoint-{index}",
            {
                "serviceName": name if name is UNKNOWN else f"com.amazonaws.eu-west-1.{name}",
                "vpcEndpointType": "Gateway" if name == "s3" else "Interface",
                # The provider's default is off; an interface endpoint only serves tasks with it on.
                **({} if name == "s3" else {"privateDnsEnabled": True}),
            },
            links={"vpcId": [vpc]},
        )
        for index, name in enumerate(services)
    ]
    service = resource(
        tokens.ECS_SERVICE,
        "svc",
        {"networkConfiguration": {"subnets": [UNKNOWN]}},
        links={"networkConfiguration": [subnet]},
    )
    return graph(vpc, subnet, *endpoints, service)


def _bucket_block(props: dict[str, object], linked: bool) -> ResourceGraph:
    bucket = resource(tokens.S3_BUCKETS[0], "logs", {})
    return graph(
        bucket, resource(tokens.S3_PUBLIC_ACCESS_BLOCK, "block", props, links={"bucket": [bucket]} if linked else None)
    )


STACK_CASES = (
    StackCase(
        "ecr-repository-scanned",
        flagged=lambda: _repository_scanning(scan=False),
        near_miss=lambda: _repository_scanning(scan=False, registry_filter="ap*"),
        missing=lambda: graph(resource(tokens.ECR_REPOSITORY, "repo", {"name": "app"})),
        missing_is_flagged=True,
        unknown=lambda: _repository_scanning(scan=UNKNOWN),
    ),
    StackCase(
        "ecr-lifecycle-policy",
        flagged=lambda: _lifecycle(linked=False, repository_prop="other"),
        near_miss=lambda: _lifecycle(linked=True, repository_prop=UNKNOWN),
        missing=lambda: _lifecycle(linked=False),
        missing_is_flagged=True,
        unknown=lambda: _lifecycle(linked=True, repository_prop=UNKNOWN),
    ),
    StackCase(
        "vpc-flow-logs",
        flagged=lambda: _flow_log({"subnetId": "subnet-1"}, linked=False),
        near_miss=lambda: _flow_log({"vpcId": "vpc-1", "trafficType": "ALL"}, linked=True),
        missing=lambda: _flow_log({}, linked=False),
        missing_is_flagged=True,
        unknown=lambda: _flow_log({"vpcId": UNKNOWN}, linked=True),
    ),
    StackCase(
        "alb-waf-association",
        flagged=lambda: _waf({"internal": False}, associated=False),
        near_miss=lambda: _waf({"internal": True}, associated=False),
        missing=lambda: _waf({}, associated=False),
        missing_is_flagged=True,
        unknown=lambda: _waf({"internal": UNKNOWN}, associated=False),
    ),
    StackCase(
        "security-group-no-public-ingress",
        flagged=lambda: _ingress(["0.0.0.0/0"], 22, on_balancer=False),
        near_miss=lambda: _ingress(["0.0.0.0/0"], 443, on_balancer=True),
        missing=lambda: graph(resource(tokens.SECURITY_GROUP, "sg", {})),
        missing_is_flagged=False,
        unknown=lambda: _ingress(UNKNOWN, 22, on_balancer=False),
    ),
    StackCase(
        "private-service-endpoints",
        flagged=lambda: _service_endpoints(("logs",)),
        near_miss=lambda: _service_endpoints(("ecr.api", "ecr.dkr", "logs", "s3")),
        missing=lambda: _service_endpoints(()),
        missing_is_flagged=True,
        unknown=lambda: _service_endpoints(("logs", UNKNOWN)),
    ),
    StackCase(
        "s3-bucket-has-public-access-block",
        flagged=lambda: graph(resource(tokens.S3_BUCKETS[1], "logs", {})),
        near_miss=lambda: _bucket_block({"blockPublicAcls": True}, linked=True),
        missing=lambda: _bucket_block({}, linked=False),
        missing_is_flagged=True,
        unknown=lambda: _bucket_block({"bucket": UNKNOWN}, linked=True),
    ),
)
IDS = [c.policy for c in STACK_CASES]


def flagged_by(pack: AnalyzerClient, case: StackCase, stack: ResourceGraph) -> list[str]:
    findings = pack.analyze_stack(stack)
    assert not [d for d in findings if "during preview" in d.message], "a policy touched an unknown value"
    return [d.urn for d in findings if d.policy_name == case.policy]


@pytest.mark.parametrize("case", STACK_CASES, ids=IDS)
def test_flags_the_insecure_graph(default_pack: AnalyzerClient, case: StackCase) -> None:
    stack = case.flagged()
    urns = flagged_by(default_pack, case, stack)
    assert urns and set(urns) <= {r.urn for r in stack}


@pytest.mark.parametrize("case", STACK_CASES, ids=IDS)
def test_passes_the_near_miss(default_pack: AnalyzerClient, case: StackCase) -> None:
    assert flagged_by(default_pack, case, case.near_miss()) == []


@pytest.mark.parametrize("case", STACK_CASES, ids=IDS)
def test_missing_property_means_provider_default(default_pack: AnalyzerClient, case: StackCase) -> None:
    assert bool(flagged_by(default_pack, case, case.missing())) is case.missing_is_flagged


@pytest.mark.parametrize("case", STACK_CASES, ids=IDS)
def test_unknown_value_is_not_judged(default_pack: AnalyzerClient, case: StackCase) -> None:
    assert flagged_by(default_pack, case, case.unknown()) == []


@pytest.mark.parametrize(
    ("cidr", "open_to_all"), [("::0/0", True), ("0.0.0.0/00", True), (" 0.0.0.0/0", True), ("10.0.0.0/8", False)]
)
def test_every_spelling_of_everyone_counts_as_open(default_pack: AnalyzerClient, cidr: str, open_to_all: bool) -> None:
    findings = default_pack.analyze_stack(_ingress([cidr], 22, on_balancer=False))
    assert any(d.policy_name == "security-group-no-public-ingress" for d in findings) is open_to_all
