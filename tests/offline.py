"""Run inline programs under the offline harness for component tests."""

from __future__ import annotations

import functools
from collections.abc import Callable

from secure_ecs.offline.graph import CapturedResource, ResourceGraph
from secure_ecs.offline.harness import run_function, run_stack
from secure_ecs.offline.stack_files import StackSettings
from tests.paths import REPO_ROOT

REGION = "us-east-1"


def offline_settings(region: str = REGION) -> StackSettings:
    return StackSettings(project="secure-ecs", stack="test", config={"aws:region": region})


def run_offline(program: Callable[[], object], region: str = REGION) -> ResourceGraph:
    """Run `program` (a function declaring resources) against the emulated account of `region`."""
    return run_function(program, offline_settings(region))


def only(graph: ResourceGraph, type_token: str) -> CapturedResource:
    matches = graph.of_type(type_token)
    assert len(matches) == 1, f"expected one {type_token}, found {[r.name for r in matches]}"
    return matches[0]


def ancestors(graph: ResourceGraph, resource: CapturedResource) -> list[str]:
    """URNs of the resource's parent, its parent's parent, ... (up to the first not in the graph)."""
    by_urn = {r.urn: r for r in graph.resources}
    chain, parent = [], by_urn.get(resource.parent)
    while parent is not None:
        chain.append(parent.urn)
        parent = by_urn.get(parent.parent)
    return chain


@functools.cache
def captured_stack(stack: str) -> ResourceGraph:
    """One offline run of the project's stack per test session (graphs are immutable)."""
    return run_stack(stack, REPO_ROOT)
