"""A mock resource monitor that also records what the engine would see of each registration."""

from __future__ import annotations

import dataclasses
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

from secure_ecs.offline.graph import STACK_TYPE, UNKNOWN, CapturedResource, ResourceOptions


def _plain(struct: Any) -> dict[str, Any]:
    """Protobuf Struct -> plain dict: the engine's unknown sentinel kept, secrets unwrapped, resource
    references as ids or URNs."""
    value = json_format.MessageToDict(struct) if struct is not None else {}
    # Registered outputs (a component's, the stack's exports) may hold resource objects too.
    return _unwrap_secrets(_reference_as_engine_sends_it(value))  # type: ignore[no-any-return]


def _unwrap_secrets(value: Any) -> Any:
    """Drop secret wrappers (policies judge the value) and give whole numbers back their int type."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return _unwrap_secrets(value.get("value"))
        return {k: _unwrap_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap_secrets(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _reference_as_engine_sends_it(value: Any) -> Any:
    """Resource references replaced by what the engine hands analyzers and providers without
    ``KeepResources``: a custom resource's id (unknown while it has none), a component's URN."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_resource_sig:
            if "id" in value:
                return value["id"] or UNKNOWN
            return value.get("urn", UNKNOWN)
        return {k: _reference_as_engine_sends_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_reference_as_engine_sends_it(v) for v in value]
    return value


def _without_references(struct: struct_pb2.Struct) -> struct_pb2.Struct | None:
    """A copy of ``struct`` with resource references flattened, or None when it holds none."""
    if rpc._special_resource_sig not in str(struct):
        return None
    flattened = struct_pb2.Struct()
    flattened.update(_reference_as_engine_sends_it(json_format.MessageToDict(struct)))
    return flattened


def _modelled(outputs: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    """The state minus the unknown fillers the mocks add for outputs they do not model (see
    `declared_outputs`): stack policies should see what the harness computed, not a wall of unknowns."""
    return {k: v for k, v in outputs.items() if not (v == UNKNOWN and k not in inputs)}


class CapturingMonitor(MockMonitor):
    """Answers registrations through the mocks and keeps a `CapturedResource` for each one."""

    def __init__(self, mocks: Any) -> None:
        super().__init__(mocks)
        self.captured: list[CapturedResource] = []
        self.stack_urn = ""
        self.stack_resource: CapturedResource | None = None
        """The root ``pulumi:pulumi:Stack`` registration, kept apart from `captured` (graph consumers
        see only the program's own resources; the analyzer client synthesizes the stack for AnalyzeStack)."""
        self.registered_outputs: dict[str, dict[str, Any]] = {}
        """URN -> what a component passed to `register_outputs`."""

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The engine leaves the root stack out of a resource's type chain.
        if parent.split("::")[2:3] == [STACK_TYPE]:
            parent = ""
        return str(super().make_urn(parent, type_, name))

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        flattened = _without_references(request.object)
        if flattened is not None:
            # Mocks, analyzers and the captured graph see ids and URNs, never resource objects: a
            # resource object echoed back in a mock's state would make the monitor's worker thread
            # wait forever on an output of the program's event loop.
            original, request = request, type(request)()
            request.CopyFrom(original)
            request.object.CopyFrom(flattened)
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        options = self._options(request)
        if request.type == STACK_TYPE:
            self.stack_urn = response.urn
            self.stack_resource = CapturedResource(
                urn=response.urn, type=request.type, name=request.name, custom=False, parent="",
                inputs=_plain(request.object), outputs={}, options=options,
            )
            return response
        inputs = _plain(request.object)
        self.captured.append(
            CapturedResource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=bool(request.custom),
                parent=request.parent or self.stack_urn,
                inputs=inputs,
                outputs=_modelled(_plain(response.object), inputs) if request.custom else {},
                id=response.id,
                provider=request.provider,
                dependencies=tuple(request.dependencies),
                property_dependencies={
                    key: tuple(deps.urns) for key, deps in request.propertyDependencies.items()
                },
                options=options,
                remote=bool(request.remote),
            )
        )
        return response

    def ReadResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        flattened = _without_references(request.properties)
        if flattened is not None:
            original, request = request, type(request)()
            request.CopyFrom(original)
            request.properties.CopyFrom(flattened)
        response = super().ReadResource(request)  # type: ignore[no-untyped-call]
        unknown = [key for key, value in response.properties.items() if value == UNKNOWN]
        if unknown:
            # The SDK turns unknown sentinels in a read's result into known Nones outside a preview;
            # the response's `unknown` flag is the way to say "not known" for a read.
            for key in unknown:
                del response.properties[key]
            response.unknown = True
        return response

    @staticmethod
    def _options(request: Any) -> ResourceOptions:
        return ResourceOptions(
            protect=bool(request.protect),
            retain_on_delete=bool(request.retainOnDelete),
            delete_before_replace=bool(request.deleteBeforeReplace),
            delete_before_replace_defined=bool(request.deleteBeforeReplaceDefined),
            ignore_changes=tuple(request.ignoreChanges),
            aliases=tuple(request.aliasURNs),
            additional_secret_outputs=tuple(request.additionalSecretOutputs),
            replace_on_changes=tuple(request.replaceOnChanges),
            deleted_with=request.deletedWith,
            custom_timeouts={
                key: getattr(request.customTimeouts, key)
                for key in ("create", "update", "delete")
                if getattr(request.customTimeouts, key)
            },
        )

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        self.registered_outputs[request.urn] = _plain(request.outputs)
        if self.stack_resource is not None and request.urn == self.stack_resource.urn:
            # The stack's outputs are the program's exports, as the engine records them.
            self.stack_resource = dataclasses.replace(self.stack_resource, outputs=self.registered_outputs[request.urn])
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]

    def captured_resources(self) -> tuple[CapturedResource, ...]:
        """Everything registered, components carrying the outputs they registered."""
        return tuple(
            dataclasses.replace(r, outputs=self.registered_outputs.get(r.urn, {})) if not r.custom else r
            for r in self.captured
        )
