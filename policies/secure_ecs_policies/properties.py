"""Safe reads of resource properties as the analyzer hands them to a policy.

Properties arrive as proxies that raise when an unknown (preview-time) value is touched, or as
plain data with the engine's unknown sentinels in place (remediation, direct calls). Every read in
the pack goes through these helpers so that neither form, nor a value of the wrong type, can make
a policy raise: an unknown value reads as ``UNKNOWN`` and an absent one as ``MISSING``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from pulumi_policy.proxy import UnknownValueError

# The engine encodes "not known until deploy" as one of these strings, one per value type.
UNKNOWN_SENTINELS: Final = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    }
)


class _Marker:
    def __init__(self, label: str) -> None:
        self._label = label

    def __repr__(self) -> str:
        return self._label


UNKNOWN: Final = _Marker("UNKNOWN")
"""A value that is computed during the deployment and so cannot be judged in a preview."""

MISSING: Final = _Marker("MISSING")
"""A property the program did not set: the provider default applies."""


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN or (isinstance(value, str) and value in UNKNOWN_SENTINELS)


def lookup(props: Any, *path: str | int) -> Any:
    """The value at ``path``, ``UNKNOWN`` if it (or a container on the way) is unknown, else ``MISSING``."""
    current = props
    for key in path:
        if is_unknown(current):
            return UNKNOWN
        if isinstance(key, int):
            if not is_sequence(current) or not -len(current) <= key < len(current):
                return MISSING
        elif not isinstance(current, Mapping):
            return MISSING
        try:
            current = current[key]
        except UnknownValueError:
            return UNKNOWN
        except (KeyError, IndexError, TypeError):
            return MISSING
    return UNKNOWN if is_unknown(current) else current


def is_sequence(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def items(value: Any) -> list[Any]:
    """Elements of a list property (unknown elements as ``UNKNOWN``); [] for anything that is not a list."""
    if not is_sequence(value):
        return []
    return [lookup(value, index) for index in range(len(value))]


def plain(value: Any) -> Any:
    """A proxied property tree as plain data, unknown parts as ``UNKNOWN``: safe to walk and to copy."""
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {key: plain(lookup(value, key)) for key in list(value.keys())}
    if is_sequence(value):
        return [plain(item) for item in items(value)]
    return value


def is_true(value: Any) -> bool:
    """True for a boolean true, also when it arrives as the string "true"."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def text(value: Any) -> str | None:
    return value if isinstance(value, str) and not is_unknown(value) else None


def integer(value: Any) -> int | None:
    """Whole numbers, also when the wire turned them into floats or strings; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and not is_unknown(value):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def config_value(config: Mapping[str, Any], key: str, default: Any) -> Any:
    """A policy config value; the default when unset or when the stored value has the wrong type."""
    value = config.get(key, default) if isinstance(config, Mapping) else default
    if isinstance(default, bool):
        return value if isinstance(value, bool) else default
    if isinstance(default, int):
        number = integer(value)
        return number if number is not None else default
    if isinstance(default, list | tuple):
        # Numbers cross the wire as floats; whole ones come back as ints.
        elements = [integer(item) if isinstance(item, float) else item for item in items(value)]
        return [item for item in elements if isinstance(item, str | int)] if is_sequence(value) else default
    return value if isinstance(value, type(default)) else default


def replace_in(props: Any, path: Sequence[str], value: Any) -> bool:
    """Set ``value`` at ``path`` inside a (proxied) property tree in place; False if the path is absent."""
    container = props
    for key in path[:-1]:
        container = lookup(container, key)
        if not isinstance(container, Mapping) or not hasattr(container, "__setitem__"):
            return False
    if not hasattr(container, "__setitem__"):
        return False
    container[path[-1]] = value
    return True
