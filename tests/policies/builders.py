"""Resource graphs built by hand, in the shape the offline harness captures them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from secure_ecs.offline.graph import UNKNOWN, CapturedResource, ResourceGraph

PROJECT = "secure-ecs"
STACK = "test"
__all__ = ["UNKNOWN", "container_definitions", "graph", "resource", "secure_container", "urn"]


def urn(type_token: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{type_token}::{name}"


def resource(
    type_token: str,
    name: str,
    inputs: Mapping[str, Any] | None = None,
    *,
    links: Mapping[str, Iterable[CapturedResource]] | None = None,
) -> CapturedResource:
    """A custom resource whose ``links`` say which resources feed which input (property dependencies)."""
    property_dependencies = {key: tuple(r.urn for r in sources) for key, sources in (links or {}).items()}
    dependencies = tuple(dict.fromkeys(u for urns in property_dependencies.values() for u in urns))
    return CapturedResource(
        urn=urn(type_token, name),
        type=type_token,
        name=name,
        custom=True,
        parent=urn("pulumi:pulumi:Stack", f"{PROJECT}-{STACK}"),
        inputs=dict(inputs or {}),
        outputs=dict(inputs or {}),
        id=f"{name}-id",
        dependencies=dependencies,
        property_dependencies=property_dependencies,
    )


def graph(*resources: CapturedResource) -> ResourceGraph:
    return ResourceGraph(project=PROJECT, stack=STACK, resources=tuple(resources))


def secure_container(**overrides: Any) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": "app",
        "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:" + "0" * 64,
        "essential": True,
        "privileged": False,
        "readonlyRootFilesystem": True,
        "user": "1000",
        "environment": [{"name": "LOG_LEVEL", "value": "info"}],
        "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"}],
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "app"}},
    }
    for key, value in overrides.items():
        if value is None:
            container.pop(key, None)
        else:
            container[key] = value
    return container


def container_definitions(*containers: Mapping[str, Any]) -> str:
    return json.dumps(list(containers))
