"""The project's own dev and prod stacks, captured by the offline harness, and insecure edits of them."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from secure_ecs.analyzer import AnalyzerClient, Diagnostic
from secure_ecs.offline.graph import CapturedResource, ResourceGraph
from secure_ecs_facts import tokens
from tests.offline import captured_stack

Edit = Callable[[dict[str, Any]], dict[str, Any] | None]
"""New properties for a resource, or None to drop the resource from the graph."""


@pytest.fixture(scope="module")
def captured() -> dict[str, ResourceGraph]:
    return {stack: captured_stack(stack) for stack in ("dev", "prod")}


def mandatory(pack: AnalyzerClient, stack: ResourceGraph) -> set[tuple[str, str]]:
    findings: list[Diagnostic] = pack.analyze_resources(stack) + pack.analyze_stack(stack)
    assert not [d for d in findings if "during preview" in d.message]
    return {(d.policy_name, d.urn) for d in findings if d.is_mandatory}


def edited(stack: ResourceGraph, type_token: str, edit: Edit, only_first: bool = False) -> ResourceGraph:
    resources: list[CapturedResource] = []
    done = False
    for item in stack.resources:
        if item.type != type_token or (only_first and done):
            resources.append(item)
            continue
        done = True
        inputs, outputs = edit(dict(item.inputs)), edit(dict(item.outputs))
        if inputs is not None and outputs is not None:
            resources.append(dataclasses.replace(item, inputs=inputs, outputs=outputs))
    assert done, f"the stack has no {type_token}"
    return dataclasses.replace(stack, resources=tuple(resources))


def _with(**changes: Any) -> Edit:
    return lambda props: {**props, **changes}


def _drop(props: dict[str, Any]) -> None:
    return None


def _drop_endpoint(service: str) -> Edit:
    return lambda props: None if str(props.get("serviceName", "")).endswith("." + service) else props


def _secret_into_environment(props: dict[str, Any]) -> dict[str, Any]:
    raw = props["containerDefinitions"]
    containers: list[dict[str, Any]] = json.loads(raw) if isinstance(raw, str) else list(raw)
    for container in containers:
        moved = [{"name": s["name"], "value": "plaintext"} for s in container.pop("secrets", [])]
        container["environment"] = [*container.get("environment", []), *moved, {"name": "API_TOKEN", "value": "x"}]
    return {**props, "containerDefinitions": json.dumps(containers)}


def _listener_serves_http(props: dict[str, Any]) -> dict[str, Any]:
    if str(props.get("protocol", "HTTP")).upper() != "HTTP":
        return props
    return {**props, "defaultActions": [{"type": "forward", "targetGroupArn": "tg"}]}


def _assign_public_ip(props: Mapping[str, Any]) -> dict[str, Any]:
    return {**props, "networkConfiguration": {**props.get("networkConfiguration", {}), "assignPublicIp": True}}


VARIANTS: dict[str, tuple[str, Edit, str]] = {
    "public IP on the service": (tokens.ECS_SERVICE, _assign_public_ip, "ecs-service-no-public-ip"),
    "scanning off": (
        tokens.ECR_REPOSITORY,
        _with(imageScanningConfiguration={"scanOnPush": False}),
        "ecr-repository-scanned",
    ),
    "HTTP listener without redirect": (tokens.LISTENERS[0], _listener_serves_http, "listener-http-redirects-to-https"),
    "WAF association removed": (tokens.WAF_ASSOCIATION, _drop, "alb-waf-association"),
    "flow log removed": (tokens.FLOW_LOG, _drop, "vpc-flow-logs"),
    "ecr.dkr endpoint removed": (tokens.VPC_ENDPOINT, _drop_endpoint("ecr.dkr"), "private-service-endpoints"),
    "secret moved into an env var": (
        tokens.ECS_TASK_DEFINITION,
        _secret_into_environment,
        "ecs-task-no-secrets-in-environment",
    ),
    "database made public": (tokens.RDS_INSTANCE, _with(publiclyAccessible=True), "rds-not-public"),
}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_project_stack_has_no_mandatory_violation(
    captured: dict[str, ResourceGraph], stack: str, request: pytest.FixtureRequest
) -> None:
    pack: AnalyzerClient = request.getfixturevalue(f"{stack}_pack")
    assert mandatory(pack, captured[stack]) == set()


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_insecure_edit_of_prod_is_rejected(
    captured: dict[str, ResourceGraph], variant: str, request: pytest.FixtureRequest
) -> None:
    type_token, edit, policy = VARIANTS[variant]
    # Prod runs a released image from a registry and has no repository of its own; dev builds into one.
    stack = "prod" if captured["prod"].of_type(type_token) else "dev"
    pack: AnalyzerClient = request.getfixturevalue(f"{stack}_pack")
    baseline = mandatory(pack, captured[stack])
    introduced = mandatory(pack, edited(captured[stack], type_token, edit)) - baseline
    assert {name for name, _ in introduced} == {policy}
