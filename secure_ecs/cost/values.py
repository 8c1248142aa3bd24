"""Defensive readers for captured property values.

Inputs come from arbitrary programs: a value may be missing, the engine's UNKNOWN sentinel, a
string where a number is expected, or plain garbage. The estimator must never crash on them; these
helpers return None (or an empty container) for anything that is not usable.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from secure_ecs.offline.graph import UNKNOWN


def number(value: Any) -> float | None:
    """A finite, non-negative number from an int, float or numeric string; None otherwise."""
    if isinstance(value, bool) or value is None:  # bool is an int subclass, never a quantity
        return None
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str) and value != UNKNOWN:
        try:
            result = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) and result >= 0 else None


def text(value: Any) -> str | None:
    """A known, non-empty string; None for anything else (including UNKNOWN)."""
    return value if isinstance(value, str) and value and value != UNKNOWN else None


def flag(value: Any) -> bool | None:
    """True/False from a bool or a "true"/"false"/"ENABLED"/"DISABLED" string; None when not known."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "enabled"):
            return True
        if lowered in ("false", "disabled"):
            return False
    return None


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def items(value: Any) -> list[Any]:
    """The elements of a list/tuple (not of a string or mapping); [] otherwise."""
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(value)
    return []


def strings(value: Any) -> list[str]:
    return [s for s in (text(v) for v in items(value)) if s is not None]
