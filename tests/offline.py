"""Run inline programs under the offline harness for component tests."""

from __future__ import annotations

from collections.abc import Callable

from secure_ecs.offline.graph import CapturedResource, ResourceGraph
from secure_ecs.offline.harness import run_function
from secure_ecs.offline.stack_files import StackSettings

TEST_SETTINGS = StackSettings(project="secure-ecs", stack="test", config={"aws:region": "us-east-1"})


def build(program: Callable[[], object], settings: StackSettings = TEST_SETTINGS) -> ResourceGraph:
    return run_function(program, settings)


def only(graph: ResourceGraph, type_token: str) -> CapturedResource:
    matches = graph.of_type(type_token)
    assert len(matches) == 1, f"expected one {type_token}, found {len(matches)}"
    return matches[0]
