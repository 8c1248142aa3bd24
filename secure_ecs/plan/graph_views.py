"""Ways of looking at a captured graph that several reports share."""

from __future__ import annotations

from collections.abc import Mapping

from secure_ecs.offline.graph import STACK_TYPE, CapturedResource, ResourceGraph


def is_component(resource: CapturedResource) -> bool:
    return not resource.custom and resource.type != STACK_TYPE


def owning_component(resource: CapturedResource, index: Mapping[str, CapturedResource]) -> CapturedResource | None:
    """The nearest ancestor that is a component, or None for resources declared at top level."""
    parent = index.get(resource.parent)
    while parent is not None:
        if is_component(parent):
            return parent
        parent = index.get(parent.parent)
    return None


def component_label(component: CapturedResource | None) -> str:
    return f"{component.name} ({component.type})" if component else "program (top level)"


def resources_by_component(graph: ResourceGraph) -> dict[str, list[CapturedResource]]:
    """Component URN ("" for top level) -> the custom resources it owns directly or through children."""
    index = {r.urn: r for r in graph}
    grouped: dict[str, list[CapturedResource]] = {}
    for resource in graph:
        if is_component(resource):
            grouped.setdefault(resource.urn, [])
    for resource in graph:
        if resource.is_infrastructure:
            owner = owning_component(resource, index)
            grouped.setdefault(owner.urn if owner else "", []).append(resource)
    return grouped


def resource_label(urn: str, index: Mapping[str, CapturedResource]) -> str:
    """`name (type)` for a URN in the graph, the URN's own tail otherwise (e.g. the stack)."""
    resource = index.get(urn)
    if resource is not None:
        return f"{resource.name} ({resource.type})"
    parts = urn.split("::")
    return f"{parts[-1]} ({parts[2].split('$')[-1]})" if len(parts) >= 4 else urn or "the stack"
