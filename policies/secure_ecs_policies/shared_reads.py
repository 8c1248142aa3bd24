"""Convert each resource's properties once per analyzer call, not once per policy.

pulumi-policy 1.x's Python runtime turns a resource's protobuf properties into Python values again
for every policy it runs: per resource policy on each Analyze call, and a full pass over the whole
stack per stack policy on AnalyzeStack. With this pack's catalogue that repeated conversion, not
the rules, was most of the time spent on a large stack. The conversion is pure, so the pack's entry
point memoises it for the length of one call; policies get the same values they would otherwise get.

Only the pack's own `__main__` turns this on. It touches two module-level names of pulumi-policy's
runtime and leaves the runtime as it is when those names are not there (another major version).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pulumi_policy.policy as runtime

# The runtime serves calls on a thread pool: each thread keeps its own memo, emptied when its call ends.
_calls = threading.local()


def _once_per_call(key: str, value: object, compute: Callable[[], Any]) -> Any:
    """`compute()` for (key, value) at most once per call. The memo keeps each value alive, so its id
    cannot be reused by another object while the entry exists."""
    memo: dict[tuple[str, int], tuple[object, Any]] | None = getattr(_calls, "memo", None)
    if memo is None:
        return compute()
    entry = memo.get((key, id(value)))
    if entry is None or entry[0] is not value:
        entry = (value, compute())
        memo[(key, id(value))] = entry
    return entry[1]


def _remembered(convert: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(convert)
    def once(value: object, *variant: Any) -> Any:
        if variant:  # the Remediate path asks for secret-preserving values: not shared
            return convert(value, *variant)
        return _once_per_call(convert.__qualname__, value, lambda: convert(value))

    return once


def _remembered_method(method: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    @functools.wraps(method)
    def once(self: object, request: object) -> Any:
        return _once_per_call(method.__qualname__, request, lambda: method(self, request))

    return once


class _JsonFormat(ModuleType):
    """`google.protobuf.json_format` with a memoised MessageToDict."""

    def __init__(self, original: ModuleType) -> None:
        super().__init__(original.__name__)
        self.__dict__.update(original.__dict__)
        self.MessageToDict = _remembered(original.MessageToDict)


def _within_one_call(handler: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(handler)
    def call(*args: Any, **kwargs: Any) -> Any:
        _calls.memo = {}
        try:
            return handler(*args, **kwargs)
        finally:
            _calls.memo = None

    return call


def share_property_reads() -> bool:
    """Install the memo in pulumi-policy's runtime; False (nothing changed) when its layout differs."""
    servicer = getattr(runtime, "_PolicyAnalyzerServicer", None)
    if servicer is None or getattr(servicer, "_shares_property_reads", False):
        return servicer is not None
    functions = ("deserialize_properties", "unknown_checking_proxy")
    methods = ("_get_resource_options", "_get_provider_resource")
    if not hasattr(runtime, "json_format") or not all(hasattr(runtime, name) for name in functions):
        return False
    if not all(hasattr(servicer, name) for name in methods):
        return False
    runtime.json_format = _JsonFormat(runtime.json_format)
    for name in functions:
        setattr(runtime, name, _remembered(getattr(runtime, name)))
    for name in methods:
        setattr(servicer, name, _remembered_method(getattr(servicer, name)))
    for name in ("Analyze", "AnalyzeStack"):
        setattr(servicer, name, _within_one_call(getattr(servicer, name)))
    servicer._shares_property_reads = True
    return True
