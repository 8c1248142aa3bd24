"""A captured resource graph in the protobuf shapes the engine sends to analyzers."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from secure_ecs.offline.graph import PROVIDER_TYPE_PREFIX, STACK_TYPE, CapturedResource, ResourceGraph

GraphIndex = Mapping[str, CapturedResource]

DEFAULT_PROVIDER_NAME = "default"


def index_graph(graph: ResourceGraph) -> dict[str, CapturedResource]:
    return {resource.urn: resource for resource in graph.resources}


def plain(value: Any) -> Any:
    """A JSON-compatible copy of a property value (tuples become lists, odd types strings)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return value if not isinstance(value, float) or math.isfinite(value) else str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return str(value)


def to_struct(properties: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(plain(dict(properties)))
    return struct


def resource_options(resource: CapturedResource) -> analyzer_pb2.AnalyzerResourceOptions:
    options = resource.options
    timeouts = analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(
        **{k: _seconds(v) for k, v in options.custom_timeouts.items() if k in {"create", "update", "delete"}}
    )
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=options.protect,
        ignoreChanges=list(options.ignore_changes),
        deleteBeforeReplace=options.delete_before_replace,
        deleteBeforeReplaceDefined=options.delete_before_replace_defined,
        additionalSecretOutputs=list(options.additional_secret_outputs),
        aliases=list(options.aliases),
        customTimeouts=timeouts,
        parent=resource.parent,
    )


def _seconds(duration: str) -> float:
    """Seconds in a Go-style duration such as "10m", "1h30m" or "45s"; 0 if unreadable."""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0}
    total, number = 0.0, ""
    for char in str(duration).strip():
        if char.isdigit() or char == ".":
            number += char
        elif char in units and number:
            total += float(number) * units[char]
            number = ""
        else:
            return 0.0
    return total + (float(number) if number else 0.0)


def stack_urn(graph: ResourceGraph) -> str:
    """The URN of the root ``pulumi:pulumi:Stack`` resource the engine registers for every program."""
    return f"urn:pulumi:{graph.stack}::{graph.project}::{STACK_TYPE}::{graph.project}-{graph.stack}"


def default_provider_urn(graph: ResourceGraph, package: str) -> str:
    """The URN this project gives the engine's default provider of ``package``.

    The engine names default providers ``default`` or ``default_<version>``; offline there is no
    plugin version, so ``default`` is used, consistently for the ``provider`` field and AnalyzeStack.
    """
    return f"urn:pulumi:{graph.stack}::{graph.project}::{PROVIDER_TYPE_PREFIX}{package}::{DEFAULT_PROVIDER_NAME}"


def provider_urn(resource: CapturedResource, graph: ResourceGraph) -> str:
    """The URN of the provider that serves ``resource``: the explicit one, else its package's default."""
    if resource.provider:
        # A provider reference is "<provider URN>::<provider id>"; a URN alone has exactly three "::".
        return resource.provider.rsplit("::", 1)[0] if resource.provider.count("::") > 3 else resource.provider
    return default_provider_urn(graph, resource.type.split(":", 1)[0])


def provider_resource(
    resource: CapturedResource, graph: ResourceGraph, index: GraphIndex
) -> analyzer_pb2.AnalyzerProviderResource:
    """The provider the engine would name: the explicit one, else the package's default provider."""
    urn = provider_urn(resource, graph)
    parts = urn.split("::")
    provider_type = parts[2].split("$")[-1] if len(parts) > 2 else ""
    name = parts[3] if len(parts) > 3 else ""
    captured = index.get(urn)
    return analyzer_pb2.AnalyzerProviderResource(
        type=provider_type,
        urn=urn,
        name=name,
        properties=to_struct(captured.inputs if captured else {}),
    )


def has_provider(resource: CapturedResource) -> bool:
    """Whether the engine names a provider for ``resource`` in AnalyzeStack.

    Custom resources (other than providers) and remote components are served by a provider; local
    components, providers and the stack carry no provider reference, so the engine sends none.
    """
    return (resource.custom or resource.remote) and not resource.is_provider


def analyze_request(
    resource: CapturedResource, graph: ResourceGraph, index: GraphIndex
) -> analyzer_pb2.AnalyzeRequest:
    """What the engine sends per resource during a preview: the program's inputs."""
    return analyzer_pb2.AnalyzeRequest(
        type=resource.type,
        properties=to_struct(resource.inputs),
        urn=resource.urn,
        name=resource.name,
        options=resource_options(resource),
        provider=provider_resource(resource, graph, index),
    )


def stack_resource(
    resource: CapturedResource, graph: ResourceGraph, index: GraphIndex
) -> analyzer_pb2.AnalyzerResource:
    """A resource in AnalyzeStack, which the engine sends with each resource's outputs."""
    return analyzer_pb2.AnalyzerResource(
        type=resource.type,
        properties=to_struct(resource.outputs or resource.inputs),
        urn=resource.urn,
        name=resource.name,
        options=resource_options(resource),
        provider=provider_resource(resource, graph, index) if has_provider(resource) else None,
        parent=resource.parent,
        dependencies=list(resource.dependencies),
        propertyDependencies={
            key: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(urns))
            for key, urns in resource.property_dependencies.items()
        },
    )


def engine_resources(graph: ResourceGraph) -> list[CapturedResource]:
    """What the engine registers besides the program's resources: the stack and default providers.

    The root ``pulumi:pulumi:Stack`` (its outputs are the stack outputs) comes first, then one
    default provider per package that some custom resource uses without an explicit provider,
    in order of first use. Neither is part of ``graph.resources``.
    """
    root = stack_urn(graph)
    seen = {resource.urn for resource in graph.resources}
    extra: list[CapturedResource] = []
    if root not in seen:
        extra.append(
            CapturedResource(
                urn=root,
                type=STACK_TYPE,
                name=f"{graph.project}-{graph.stack}",
                custom=False,
                parent="",
                inputs={},
                outputs=dict(graph.stack_outputs),
            )
        )
    for resource in graph.resources:
        if not has_provider(resource) or resource.provider:
            continue
        urn = provider_urn(resource, graph)
        if urn in seen:
            continue
        seen.add(urn)
        extra.append(
            CapturedResource(
                urn=urn,
                type=f"{PROVIDER_TYPE_PREFIX}{resource.type.split(':', 1)[0]}",
                name=DEFAULT_PROVIDER_NAME,
                custom=True,
                parent="",  # the engine registers default providers without a parent
                inputs={},
                outputs={},
            )
        )
    return extra


def analyze_stack_request(graph: ResourceGraph) -> analyzer_pb2.AnalyzeStackRequest:
    """AnalyzeStack as the engine sends it: the stack, the default providers, then the program's resources."""
    index = index_graph(graph)
    everything = [*engine_resources(graph), *graph.resources]
    return analyzer_pb2.AnalyzeStackRequest(resources=[stack_resource(r, graph, index) for r in everything])


def is_analyzed_per_resource(resource: CapturedResource) -> bool:
    """Custom resources and components, not providers.

    The engine analyzes every registration that reaches its step generator, components included
    (pulumi pkg/resource/deploy/step_generator.go:3450-3486). A remote component's own registration
    never does (source_eval.go:2826-2836), but offline it stands in for the children its provider
    would have registered, which the pack then judges from its inputs (secure_ecs_policies.awsx_components).
    """
    return not resource.is_provider
