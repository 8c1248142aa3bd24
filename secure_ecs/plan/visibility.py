"""What an offline plan could not look at: remote components' children and placeholder data sources.

Every report (summary, plan.json, SARIF) lists these, so a plan never passes silently because the
resources that matter were hidden inside a component or built from a made-up data-source answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from secure_ecs.plan.model import PlanResult
from secure_ecs_policies.awsx_components import children_of

SECURE_ECS_PACK = "secure-ecs"


@dataclass(frozen=True)
class OpaqueComponent:
    """A remote component: its provider builds its children, so they are not in the offline graph."""

    urn: str
    type: str
    name: str
    checked_from_inputs: tuple[str, ...]
    """Types of the children the secure-ecs pack judged from the component's inputs (awsx defaults)."""

    @property
    def unchecked(self) -> str:
        if self.checked_from_inputs:
            return (f"judged from its inputs as the {', '.join(self.checked_from_inputs)} it creates; anything "
                    "else it creates (roles, log groups, target groups ...) was not checked")
        return "nothing it creates was checked: its children exist only in a real `pulumi preview`"


def opaque_components(result: PlanResult) -> list[OpaqueComponent]:
    pack_checks_inputs = any(pack.info.name == SECURE_ECS_PACK for pack in result.packs)
    listed = []
    for component in result.graph.opaque_components:
        children = children_of(component.type, component.name, dict(component.inputs)) if pack_checks_inputs else []
        types = tuple(dict.fromkeys(child.type for child in children))
        listed.append(OpaqueComponent(component.urn, component.type, component.name, types))
    return listed
