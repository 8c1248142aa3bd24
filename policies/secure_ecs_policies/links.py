"""Following references between resources in a stack policy.

Resources are linked through the engine's property dependencies (which resource's output feeds
which input), never by comparing ARNs or ids: those are unknown during a preview.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pulumi_policy import PolicyResource


def _property_dependencies(resource: PolicyResource) -> Mapping[str, Any]:
    deps = getattr(resource, "property_dependencies", None)
    return deps if isinstance(deps, Mapping) else {}


def _resources(value: Any) -> list[PolicyResource]:
    if not isinstance(value, Iterable) or isinstance(value, str | bytes | Mapping):
        return []
    return [item for item in value if isinstance(item, PolicyResource)]


class StackView:
    """Type and reference lookups over the resources an AnalyzeStack request carries.

    One index per stack policy call, built lazily: every lookup a policy makes goes through it, and
    no policy scans the stack twice. It cannot be shared between policies, because pulumi-policy
    hands each stack policy its own freshly deserialized resources.
    """

    def __init__(self, resources: Sequence[PolicyResource]) -> None:
        self.resources = [r for r in resources if isinstance(r, PolicyResource)]
        self._by_type: dict[str, list[PolicyResource]] = {}
        self._reverse: dict[tuple[str, tuple[str, ...]], dict[int, list[PolicyResource]]] = {}
        for resource in self.resources:
            self._by_type.setdefault(str(resource.resource_type), []).append(resource)

    def of_type(self, *type_tokens: str) -> list[PolicyResource]:
        return [r for token in type_tokens for r in self._by_type.get(token, [])]

    def linked(self, resource: PolicyResource, prop: str, *type_tokens: str) -> list[PolicyResource]:
        """Resources of the given types whose outputs feed ``resource``'s input ``prop``.

        Engines that send no property dependencies at all fall back to the plain dependency list.
        """
        by_property = _property_dependencies(resource)
        sources = (
            _resources(by_property.get(prop, ()))
            if by_property
            else _resources(getattr(resource, "dependencies", ()))
        )
        return [r for r in sources if not type_tokens or r.resource_type in type_tokens]

    def referrers(self, target: PolicyResource, prop: str, *type_tokens: str) -> list[PolicyResource]:
        """Resources of the given types whose input ``prop`` is fed by ``target``."""
        key = (prop, type_tokens)
        if key not in self._reverse:
            # Built once per lookup kind, so stacks of thousands of resources stay linear.
            reverse: dict[int, list[PolicyResource]] = {}
            for referrer in self.of_type(*type_tokens):
                for source in {id(d): d for d in self.linked(referrer, prop)}.values():
                    reverse.setdefault(id(source), []).append(referrer)
            self._reverse[key] = reverse
        return list(self._reverse[key].get(id(target), []))
