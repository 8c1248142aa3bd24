"""The deploy-hazards group through the analyzer protocol: each rule on a hand-built graph (flagged,
near miss), and on the project's stacks as they are and in the shape they had before the hazards
were fixed (which a real `pulumi up` or `destroy` would have tripped over)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi_policy import EnforcementLevel

from secure_ecs.analyzer import AnalyzerClient, Diagnostic
from secure_ecs.offline.graph import CapturedResource, ResourceGraph
from secure_ecs_facts import tokens
from secure_ecs_policies import deploy_hazards
from tests.offline import captured_stack
from tests.policies.builders import UNKNOWN, container_definitions, graph, resource, secure_container

HAZARDS = {p.name for p in deploy_hazards.POLICIES}
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
RDS_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf"


def findings(pack: AnalyzerClient, stack: ResourceGraph) -> list[Diagnostic]:
    return [d for d in pack.analyze_resources(stack) + pack.analyze_stack(stack) if d.policy_name in HAZARDS]


def flagged(pack: AnalyzerClient, stack: ResourceGraph, policy: str) -> set[str]:
    return {d.urn for d in findings(pack, stack) if d.policy_name == policy}


def with_options(item: CapturedResource, **changes: Any) -> CapturedResource:
    return dataclasses.replace(item, options=dataclasses.replace(item.options, **changes))


# --- each rule: flagged and near miss -------------------------------------------------------------


def _target_group(name: str, props: dict[str, object] | None = None) -> ResourceGraph:
    return graph(resource(TARGET_GROUP, name, props or {"port": 8080}))


def _balancer(depends_on_gateway: bool, internal: object = False) -> ResourceGraph:
    vpc = resource(tokens.VPC, "vpc", {})
    gateway = resource(tokens.INTERNET_GATEWAY, "igw", {}, links={"vpcId": [vpc]})
    subnet = resource(tokens.SUBNET, "public-a", {}, links={"vpcId": [vpc]})
    sources = [subnet, gateway] if depends_on_gateway else [subnet]
    balancer = resource(tokens.LOAD_BALANCERS[0], "alb", {"internal": internal}, links={"subnets": sources})
    return graph(vpc, gateway, subnet, balancer)


def _database(props: dict[str, object], **options: Any) -> ResourceGraph:
    return graph(with_options(resource(tokens.RDS_INSTANCE, "db", props), **options))


def _image_build(image_tag: object, mutability: str = "IMMUTABLE") -> ResourceGraph:
    repository = resource(tokens.ECR_REPOSITORY, "repo", {"imageTagMutability": mutability})
    props: dict[str, object] = {"context": "app"} if image_tag is None else {"context": "app", "imageTag": image_tag}
    build = dataclasses.replace(
        resource("awsx:ecr:Image", "image", props, links={"repositoryUrl": [repository]}), custom=False, remote=True
    )
    return graph(repository, build)


def _service(wait: object) -> ResourceGraph:
    props: dict[str, object] = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
    if wait is not None:
        props["waitForSteadyState"] = wait
    return graph(resource(tokens.ECS_SERVICE, "svc", props))


def _task(value_from: str) -> ResourceGraph:
    container = secure_container(secrets=[{"name": "DB_PASSWORD", "valueFrom": value_from}])
    return graph(
        resource(tokens.ECS_TASK_DEFINITION, "task", {"containerDefinitions": container_definitions(container)})
    )


@dataclass(frozen=True)
class HazardCase:
    policy: str
    flagged: Callable[[], ResourceGraph]
    near_miss: Callable[[], ResourceGraph]


CASES = (
    HazardCase(
        "deploy-auto-name-fits",
        flagged=lambda: _target_group("customer-portal-frontend-tg"),  # 27 + 8 > 32
        near_miss=lambda: _target_group("customer-portal-frontend-tg", {"name": "portal-tg"}),
    ),
    HazardCase(
        "deploy-lb-waits-for-internet-gateway",
        flagged=lambda: _balancer(depends_on_gateway=False),
        near_miss=lambda: _balancer(depends_on_gateway=True),
    ),
    HazardCase(
        "deploy-physical-names-unique",
        flagged=lambda: _database({"identifier": "db-test", "finalSnapshotIdentifier": "db-test-final"}, protect=True),
        near_miss=lambda: _database(
            {"identifier": "db-test", "finalSnapshotIdentifier": "db-test-final-20261201"},
            protect=True,
            ignore_changes=("finalSnapshotIdentifier",),
        ),
    ),
    HazardCase(
        "deploy-immutable-repository-content-tags",
        flagged=lambda: _image_build(None),
        near_miss=lambda: _image_build("ctx-0123456789abcdef01234567"),
    ),
    HazardCase(
        "deploy-ecs-service-waits-for-steady-state",
        flagged=lambda: _service(None),
        near_miss=lambda: _service(True),
    ),
    HazardCase(
        "deploy-stateful-resources-protected",
        flagged=lambda: _database({"deletionProtection": True, "skipFinalSnapshot": True}),
        near_miss=lambda: _database({"deletionProtection": True, "skipFinalSnapshot": True}, protect=True),
    ),
    HazardCase(
        "deploy-no-rotating-secret-in-environment",
        flagged=lambda: _task(f"{RDS_SECRET}:password::"),
        near_miss=lambda: _task("arn:aws:secretsmanager:us-east-1:123456789012:secret:api-key-AbCdEf"),
    ),
)
IDS = [c.policy for c in CASES]


def test_every_hazard_has_a_case_and_is_advisory_by_default(default_pack: AnalyzerClient) -> None:
    assert {c.policy for c in CASES} == HAZARDS
    assert {p.enforcement_level for p in deploy_hazards.POLICIES} == {EnforcementLevel.ADVISORY}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_flags_the_hazard(default_pack: AnalyzerClient, case: HazardCase) -> None:
    stack = case.flagged()
    urns = flagged(default_pack, stack, case.policy)
    assert urns and urns <= {r.urn for r in stack}
    assert not any(d.is_mandatory for d in findings(default_pack, stack))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_passes_the_near_miss(default_pack: AnalyzerClient, case: HazardCase) -> None:
    assert flagged(default_pack, case.near_miss(), case.policy) == set()


def test_internal_or_unknown_balancers_and_programs_without_a_gateway_are_not_judged(
    default_pack: AnalyzerClient,
) -> None:
    policy = "deploy-lb-waits-for-internet-gateway"
    assert flagged(default_pack, _balancer(depends_on_gateway=False, internal=True), policy) == set()
    assert flagged(default_pack, _balancer(depends_on_gateway=False, internal=UNKNOWN), policy) == set()
    no_gateway = graph(resource(tokens.LOAD_BALANCERS[0], "alb", {"internal": False}))
    assert flagged(default_pack, no_gateway, policy) == set()


def test_fixed_names_must_carry_the_stack_and_survive_replacement(default_pack: AnalyzerClient) -> None:
    policy = "deploy-physical-names-unique"
    shared = graph(
        with_options(
            resource(tokens.LOG_GROUP, "logs", {"name": "/app/logs"}),
            delete_before_replace=True,
            delete_before_replace_defined=True,
        )
    )
    (message,) = [d.message for d in findings(default_pack, shared) if d.policy_name == policy]
    assert "stack name 'test'" in message
    replaced = graph(resource(tokens.LOG_GROUP, "logs", {"name": "/app/test/logs"}))
    (message,) = [d.message for d in findings(default_pack, replaced) if d.policy_name == policy]
    assert "replacement fails" in message
    assert flagged(default_pack, graph(resource(tokens.LOG_GROUP, "logs", {})), policy) == set()


def test_mutable_repositories_and_unknown_tags_are_not_judged(default_pack: AnalyzerClient) -> None:
    policy = "deploy-immutable-repository-content-tags"
    assert flagged(default_pack, _image_build(None, mutability="MUTABLE"), policy) == set()
    assert flagged(default_pack, _image_build(UNKNOWN), policy) == set()
    assert flagged(default_pack, _image_build("latest"), policy)


# --- the project's stacks: today's shape passes, the shape before the fixes is caught ----------


Edit = Callable[[ResourceGraph], ResourceGraph]


def _replace(
    stack: ResourceGraph, type_token: str, change: Callable[[CapturedResource], CapturedResource]
) -> ResourceGraph:
    resources = tuple(change(r) if r.type == type_token else r for r in stack.resources)
    assert resources != stack.resources, f"nothing of type {type_token} changed"
    return dataclasses.replace(stack, resources=resources)


def _with_inputs(**changes: object) -> Callable[[CapturedResource], CapturedResource]:
    def change(item: CapturedResource) -> CapturedResource:
        inputs = {k: v for k, v in {**item.inputs, **changes}.items() if v is not None}
        return dataclasses.replace(item, inputs=inputs, outputs={**item.outputs, **inputs})

    return change


def _balancer_without_gateway(stack: ResourceGraph) -> ResourceGraph:
    gateways = {r.urn for r in stack.of_type(tokens.INTERNET_GATEWAY)}

    def change(item: CapturedResource) -> CapturedResource:
        by_property = {
            key: tuple(u for u in urns if u not in gateways) for key, urns in item.property_dependencies.items()
        }
        dependencies = tuple(u for u in item.dependencies if u not in gateways)
        return dataclasses.replace(item, dependencies=dependencies, property_dependencies=by_property)

    return _replace(stack, tokens.LOAD_BALANCERS[0], change)


def _unprotected(stack: ResourceGraph) -> ResourceGraph:
    return _replace(stack, tokens.RDS_INSTANCE, lambda r: with_options(r, protect=False))


def _master_secret_in_task(stack: ResourceGraph) -> ResourceGraph:
    secret = str(stack.stack_outputs["databaseSecretArn"])

    def change(item: CapturedResource) -> CapturedResource:
        (container,) = json.loads(item.inputs["containerDefinitions"])
        container["secrets"] = [{"name": "DB_PASSWORD", "valueFrom": f"{secret}:password::"}]
        return _with_inputs(containerDefinitions=json.dumps([container]))(item)

    return _replace(stack, tokens.ECS_TASK_DEFINITION, change)


def _fixed_final_snapshot(stack: ResourceGraph) -> ResourceGraph:
    return _replace(
        stack,
        tokens.RDS_INSTANCE,
        lambda r: with_options(_with_inputs(finalSnapshotIdentifier="database-prod-final")(r), ignore_changes=()),
    )


BEFORE_THE_FIXES: dict[str, tuple[Edit, str]] = {
    "F2 load balancer racing the gateway": (_balancer_without_gateway, "deploy-lb-waits-for-internet-gateway"),
    "F5 fixed final snapshot name": (_fixed_final_snapshot, "deploy-physical-names-unique"),
    "F7 master password in the task": (_master_secret_in_task, "deploy-no-rotating-secret-in-environment"),
    "F9 nobody waits for the deployment": (
        lambda s: _replace(s, tokens.ECS_SERVICE, _with_inputs(waitForSteadyState=None)),
        "deploy-ecs-service-waits-for-steady-state",
    ),
    # Unprotected, the fixed identifier also blocks a replacement: main's prod was flagged for both.
    "F13 retained but not protected": (_unprotected, "deploy-stateful-resources-protected"),
}


@pytest.fixture(scope="module")
def prod() -> ResourceGraph:
    return captured_stack("prod")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_stacks_have_no_deploy_hazard(stack: str, request: pytest.FixtureRequest) -> None:
    pack: AnalyzerClient = request.getfixturevalue(f"{stack}_pack")
    assert findings(pack, captured_stack(stack)) == []


@pytest.mark.parametrize("variant", list(BEFORE_THE_FIXES))
def test_prod_in_its_shape_before_the_fixes_is_refused(
    prod: ResourceGraph, prod_pack: AnalyzerClient, variant: str
) -> None:
    edit, policy = BEFORE_THE_FIXES[variant]
    found = findings(prod_pack, edit(prod))
    assert policy in {d.policy_name for d in found}
    assert {d.policy_name for d in found} <= {policy, "deploy-physical-names-unique"}
    assert all(d.is_mandatory for d in found)


def test_dev_build_without_a_content_tag_is_reported_but_advisory(dev_pack: AnalyzerClient) -> None:
    dev = _replace(captured_stack("dev"), "awsx:ecr:Image", _with_inputs(imageTag=None))
    found = findings(dev_pack, dev)
    assert {d.policy_name for d in found} == {"deploy-immutable-repository-content-tags"}
    assert not any(d.is_mandatory for d in found)


def test_a_long_component_name_is_caught_before_pulumi_up(prod: ResourceGraph, prod_pack: AnalyzerClient) -> None:
    # What `HardenedAlb("customer-portal-frontend", ...)` would register if the component did not refuse it.
    renamed = _replace(prod, TARGET_GROUP, lambda r: dataclasses.replace(r, name="customer-portal-frontend-tg"))
    assert {d.policy_name for d in findings(prod_pack, renamed)} == {"deploy-auto-name-fits"}
