"""Each component's table of auto-named children is exactly what it creates.

A component refuses, before creating anything, a name too long for the auto-named children whose
AWS name limit it bounds (`require_auto_name_room`). The tables it checks are typed by hand, so
they are held here against the children the dev and prod stacks really register.
"""

from __future__ import annotations

import pytest

from secure_ecs.offline.graph import CapturedResource, ResourceGraph
from secure_ecs_components import alb, database, fargate_service, network
from secure_ecs_facts.name_limits import AUTO_NAME_LIMITS
from tests.offline import ancestors, captured_stack

TABLES = {module.COMPONENT: module.AUTO_NAMED_CHILDREN for module in (alb, database, fargate_service, network)}


def _auto_named_children(graph: ResourceGraph, component: CapturedResource) -> dict[str, str]:
    """Suffix -> type of the resources inside the component that the provider names (no physical name given)."""
    children = {}
    for child in graph.resources:
        limit = AUTO_NAME_LIMITS.get(child.type)
        if limit is None or component.urn not in ancestors(graph, child):
            continue
        if child.inputs.get(limit.name_property) or (limit.prefix_property and child.inputs.get(limit.prefix_property)):
            continue
        assert child.name.startswith(component.name), f"{child.name} is not named after {component.name}"
        children[child.name.removeprefix(component.name)] = child.type
    return children


@pytest.mark.parametrize("component_type", sorted(TABLES))
def test_the_table_names_every_auto_named_child_with_its_type(component_type: str) -> None:
    created: dict[str, str] = {}
    for stack in ("dev", "prod"):  # between them every optional child exists (prod: monitoring; dev: a repository)
        graph = captured_stack(stack)
        [component] = graph.of_type(f"secure-ecs:index:{component_type}")
        created |= _auto_named_children(graph, component)
    assert created == TABLES[component_type]
