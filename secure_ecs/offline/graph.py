"""The resource graph a program declares, as captured by the offline harness.

This is the contract between the harness (which fills it), the policy runner (which sends it to
analyzers the way the Pulumi engine does) and the reports (text, JSON, SARIF, Mermaid, cost).
Property names are the engine's camelCase names; values not known until deploy appear as
``UNKNOWN`` exactly as the engine encodes them on the wire.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

PROVIDER_TYPE_PREFIX = "pulumi:providers:"
STACK_TYPE = "pulumi:pulumi:Stack"

# The engine's wire sentinel for "computed, not known during preview" (pulumi.runtime.rpc.UNKNOWN).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


@dataclass(frozen=True)
class ResourceOptions:
    """The resource options a program set, in the shape the analyzer protocol carries them."""

    protect: bool = False
    retain_on_delete: bool = False
    delete_before_replace: bool = False
    delete_before_replace_defined: bool = False
    """Whether the program set ``delete_before_replace`` at all (an explicit ``False`` counts)."""
    ignore_changes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    additional_secret_outputs: tuple[str, ...] = ()
    replace_on_changes: tuple[str, ...] = ()
    deleted_with: str = ""
    custom_timeouts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CapturedResource:
    """One registration: a custom resource, a component, or a provider."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    """URN of the parent resource ("" for the stack itself)."""
    inputs: Mapping[str, Any]
    """Inputs as the program gave them (camelCase keys)."""
    outputs: Mapping[str, Any]
    """State the (mock) provider returned: inputs plus computed attributes."""
    id: str = ""
    provider: str = ""
    """Provider reference ``<provider URN>::<provider id>``, as the engine sends it."""
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    options: ResourceOptions = field(default_factory=ResourceOptions)
    remote: bool = False
    """A remote component (built by its provider's Construct, e.g. ``awsx:ecr:Image``)."""

    @property
    def is_provider(self) -> bool:
        return self.type.startswith(PROVIDER_TYPE_PREFIX)

    @property
    def is_infrastructure(self) -> bool:
        """A resource a provider creates in the cloud: custom, and not a provider itself."""
        return self.custom and not self.is_provider


@dataclass(frozen=True)
class PlaceholderAnswer:
    """A data source the emulated account could not answer, answered with a marked placeholder instead."""

    token: str
    reason: str
    """Why the account could not answer (no emulation for the data source, or nothing matched)."""


@dataclass(frozen=True)
class ResourceGraph:
    """Every resource one program run registered, in registration order, plus its stack outputs."""

    project: str
    stack: str
    resources: tuple[CapturedResource, ...]
    stack_outputs: Mapping[str, Any] = field(default_factory=dict)
    placeholder_answers: tuple[PlaceholderAnswer, ...] = ()
    """Data sources answered with placeholders (their results are not what the account would return)."""

    @property
    def opaque_components(self) -> list[CapturedResource]:
        """Remote components: built by their provider's Construct, so their children are not in the graph."""
        return [r for r in self.resources if r.remote]

    def __iter__(self) -> Iterator[CapturedResource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def by_urn(self, urn: str) -> CapturedResource:
        for resource in self.resources:
            if resource.urn == urn:
                return resource
        raise KeyError(urn)

    def of_type(self, type_token: str) -> list[CapturedResource]:
        return [r for r in self.resources if r.type == type_token]
