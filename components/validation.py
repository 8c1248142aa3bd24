"""Construction-time checks shared by the components; each raises ComponentArgumentError."""

from __future__ import annotations

from collections.abc import Collection
from typing import TypeVar

from components.errors import ComponentArgumentError

T = TypeVar("T")

# The only retention periods CloudWatch Logs accepts (days).
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


def require_bool(component: str, argument: str, value: object) -> bool:
    # bool is checked exactly: a YAML "false" string or 0 would otherwise slip through as truthy/falsy.
    if not isinstance(value, bool):
        raise ComponentArgumentError(component, argument, value, "use true or false")
    return value


def require_int(component: str, argument: str, value: object, *, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ComponentArgumentError(component, argument, value, f"use a whole number from {minimum} to {maximum}")
    return value


def require_choice(component: str, argument: str, value: T, allowed: Collection[T]) -> T:
    if value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ComponentArgumentError(component, argument, value, f"use one of {choices}")
    return value


def require_log_retention(component: str, argument: str, value: object) -> int:
    if isinstance(value, bool) or value not in LOG_RETENTION_DAYS:
        raise ComponentArgumentError(
            component, argument, value, f"CloudWatch Logs accepts only {', '.join(map(str, LOG_RETENTION_DAYS))} days"
        )
    assert isinstance(value, int)
    return value


def require_http_path(component: str, argument: str, value: object) -> str:
    if not isinstance(value, str) or not value.startswith("/") or any(c.isspace() for c in value):
        raise ComponentArgumentError(component, argument, value, "use an absolute URL path such as '/api/health'")
    return value
