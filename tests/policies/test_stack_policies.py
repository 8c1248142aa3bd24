"""Every stack policy through AnalyzeStack: flagged graph, near miss, missing property, unknown value."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from secure_ecs.analyzer import AnalyzerClient, Diagnostic
from secure_ecs.offline.graph import ResourceGraph
from secure_ecs_facts import tokens
from secure_ecs_policies.preview_gaps import NOT_CHECKED
from tests.policies.builders import UNKNOWN, graph, resource


@dataclass(frozen=True)
class StackCase:
    policy: str
    flagged: Callable[[], ResourceGraph]
    near_miss: Callable[[], ResourceGraph]
    missing: Callable[[], ResourceGraph]
    missing_is_flagged: bool
    unknown: Callable[[], ResourceGraph]
    unknown_is_noted: bool = True
    """Whether the unknown value comes back as an advisory "not checked: unknown until deploy" note."""


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


def _instance_in_subnet(maps_public_ip: object, instance_props: dict[str, object]) -> ResourceGraph:
    subnet = resource(tokens.SUBNET, "web", {"mapPublicIpOnLaunch": maps_public_ip})
    return graph(subnet, resource(tokens.EC2_INSTANCE, "vm", instance_props, links={"subnetId": [subnet]}))


def _autoscaling(launcher_token: str, launcher_props: dict[str, object], subnet_maps: object = None) -> ResourceGraph:
    """An Auto Scaling group launching from a launch configuration/template, in a declared subnet or the default VPC."""
    launcher = resource(launcher_token, "launcher", launcher_props)
    prop = "launchConfiguration" if launcher_token == tokens.LAUNCH_CONFIGURATION else "launchTemplate"
    if subnet_maps is None:
        return graph(launcher, resource(tokens.AUTOSCALING_GROUP, "asg", {"maxSize": 2}, links={prop: [launcher]}))
    subnet = resource(tokens.SUBNET, "app", {"mapPublicIpOnLaunch": subnet_maps})
    group = resource(
        tokens.AUTOSCALING_GROUP,
        "asg",
        {"maxSize": 2, "vpcZoneIdentifiers": [UNKNOWN]},
        links={prop: [launcher], "vpcZoneIdentifiers": [subnet]},
    )
    return graph(subnet, launcher, group)


def _task_role(attached_arn: object = None, document: object = None) -> ResourceGraph:
    role = resource(tokens.IAM_ROLE, "task-role", {"assumeRolePolicy": "{}"})
    extra = []
    if attached_arn is not None:
        extra.append(
            resource(tokens.IAM_ROLE_POLICY_ATTACHMENT, "attach", {"policyArn": attached_arn}, links={"role": [role]})
        )
    if document is not None:
        policy = resource(tokens.IAM_POLICY, "app-policy", {"policy": document})
        extra += [
            policy,
            resource(
                tokens.IAM_ROLE_POLICY_ATTACHMENT,
                "attach-app",
                {"policyArn": UNKNOWN},
                links={"role": [role], "policyArn": [policy]},
            ),
        ]
    task = resource(tokens.ECS_TASK_DEFINITION, "task", {"family": "app"}, links={"taskRoleArn": [role]})
    return graph(role, *extra, task)


ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
ADMIN_DOCUMENT = json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


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
        unknown_is_noted=False,
    ),
    StackCase(
        "vpc-flow-logs",
        flagged=lambda: _flow_log({"subnetId": "subnet-1"}, linked=False),
        near_miss=lambda: _flow_log({"vpcId": "vpc-1", "trafficType": "ALL"}, linked=True),
        missing=lambda: _flow_log({}, linked=False),
        missing_is_flagged=True,
        unknown=lambda: _flow_log({"vpcId": UNKNOWN}, linked=True),
        unknown_is_noted=False,
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
        "public-ip-from-subnet",
        flagged=lambda: _instance_in_subnet(True, {"instanceType": "t3.micro"}),
        near_miss=lambda: _instance_in_subnet(True, {"associatePublicIpAddress": False}),
        # An Auto Scaling group without vpcZoneIdentifiers launches into the default VPC's public subnets.
        missing=lambda: _autoscaling(tokens.LAUNCH_CONFIGURATION, {"instanceType": "t3.micro"}),
        missing_is_flagged=True,
        unknown=lambda: _instance_in_subnet(UNKNOWN, {}),
    ),
    StackCase(
        "ecs-task-role-not-admin",
        flagged=lambda: _task_role(attached_arn=ADMIN),
        near_miss=lambda: _task_role(
            attached_arn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
        ),
        missing=lambda: graph(resource(tokens.ECS_TASK_DEFINITION, "task", {"family": "app"})),
        missing_is_flagged=False,
        unknown=lambda: _task_role(document=UNKNOWN),
    ),
)
IDS = [c.policy for c in STACK_CASES]


def judged(pack: AnalyzerClient, policy: str, stack: ResourceGraph) -> tuple[list[Diagnostic], list[str]]:
    """The policy's findings, and the "not checked" notes it left for values unknown until deploy."""
    diagnostics = pack.analyze_stack(stack)
    gaps = [d for d in diagnostics if "during preview" in d.message]
    assert all(NOT_CHECKED in d.message and d.enforcement_level == "advisory" for d in gaps), (
        "a policy touched an unknown value instead of noting it"
    )
    mine = [d for d in diagnostics if d.policy_name == policy]
    return [d for d in mine if d not in gaps], [d.message for d in mine if d in gaps]


def flagged_by(pack: AnalyzerClient, case: StackCase | str, stack: ResourceGraph) -> list[str]:
    return [d.urn for d in judged(pack, case if isinstance(case, str) else case.policy, stack)[0]]


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
def test_unknown_value_is_not_judged_but_noted(default_pack: AnalyzerClient, case: StackCase) -> None:
    findings, notes = judged(default_pack, case.policy, case.unknown())
    assert findings == []
    assert bool(notes) is case.unknown_is_noted, notes


@pytest.mark.parametrize(
    ("cidr", "open_to_all"), [("::0/0", True), ("0.0.0.0/00", True), (" 0.0.0.0/0", True), ("10.0.0.0/8", False)]
)
def test_every_spelling_of_everyone_counts_as_open(default_pack: AnalyzerClient, cidr: str, open_to_all: bool) -> None:
    findings = default_pack.analyze_stack(_ingress([cidr], 22, on_balancer=False))
    assert any(d.policy_name == "security-group-no-public-ingress" for d in findings) is open_to_all
