"""Which output properties each resource type declares, read from the Python SDK classes the program uses.

The mock engine answers a registration with a state dict; any declared output missing from it
resolves to a *known* ``None`` in a non-preview run, and programs that do
``api.execution_arn.apply(lambda arn: arn + "/*")`` then crash. A real `pulumi up` would have a
value there, so an output the harness cannot give a realistic value must be *unknown* instead: the
harness fills the engine's unknown sentinel into every declared output it did not model.

The SDK class of a registration is learned from the resource object itself, through a stack
transformation (the one hook that sees the Python object): every resource the program creates,
components and their children included, passes through it before it is registered.
"""

from __future__ import annotations

import threading
from typing import Any

import pulumi
from pulumi import _types


class DeclaredOutputs:
    """Type token -> the camelCase output names its SDK class declares (``id`` and ``urn`` excluded)."""

    def __init__(self) -> None:
        self._classes: dict[str, type] = {}
        self._names: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()  # read from the mock monitor's worker threads

    def install(self) -> None:
        """Start learning classes; call once the root stack resource exists (after `set_mocks`)."""
        pulumi.runtime.register_stack_transformation(self._learn)

    def _learn(self, args: pulumi.ResourceTransformationArgs) -> None:
        with self._lock:
            self._classes.setdefault(args.type_, type(args.resource))

    def of(self, type_token: str) -> frozenset[str]:
        with self._lock:
            if type_token not in self._names:
                cls = self._classes.get(type_token)
                self._names[type_token] = frozenset(_output_names(cls)) if cls else frozenset()
            return self._names[type_token]


def _output_names(cls: type) -> set[str]:
    try:
        names = set(_types.resource_types(cls))
    except Exception:  # an SDK class the type helpers cannot read: model nothing rather than fail the run
        return set()
    return names - {"id", "urn"}


def unknown_fillers(declared: frozenset[str], state: dict[str, Any], unknown: str) -> dict[str, Any]:
    """``unknown`` for every declared output ``state`` leaves out."""
    return {name: unknown for name in declared if name not in state}
