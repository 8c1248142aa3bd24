"""Read the `secure-ecs:` namespace once and turn every problem into one `StackConfigError`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from secure_ecs.config.errors import StackConfigError
from secure_ecs.config.network import SUBNET_LAYOUT_ERROR
from secure_ecs.config.stack import StackConfig

NAMESPACE = "secure-ecs"


def _parse(raw: str) -> Any:
    """Structured values arrive as JSON text; plain strings stay strings."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def _all_config() -> Mapping[str, str]:
    # The SDK keeps every config key of the stack here; pulumi.Config can only look up known keys.
    from pulumi.runtime.config import CONFIG

    return dict(CONFIG.get())


def _model_at(model: type[BaseModel], path: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The section model a (camelCase) error path ends in, to list its allowed keys."""
    current: type[BaseModel] = model
    for step in path:
        field = next((f for f in current.model_fields.values() if f.alias == step), None)
        annotation = field.annotation if field else None
        candidates = [a for a in getattr(annotation, "__args__", (annotation,)) if isinstance(a, type)]
        sections = [a for a in candidates if issubclass(a, BaseModel)]
        if not sections:
            return None
        current = sections[0]
    return current


def _lookup(values: Mapping[str, Any], path: list[str]) -> Any:
    current: Any = values
    for step in path:
        current = current.get(step) if isinstance(current, Mapping) else None
    return current


def _describe(error: ErrorDetails) -> str:
    location = tuple(error["loc"])
    key = f"{NAMESPACE}:" + ".".join(str(part) for part in location)
    value = error.get("input")
    if error["type"] == "extra_forbidden":
        section = _model_at(StackConfig, location[:-1])
        allowed = ", ".join(f.alias or name for name, f in section.model_fields.items()) if section else "none"
        return f"{key} is not a known setting; allowed here: {allowed}"
    if error["type"] == "missing":
        return f"{key} is required but not set"
    if error["type"] == SUBNET_LAYOUT_ERROR:
        field = str(error.get("ctx", {}).get("field", ""))
        value = _lookup(value if isinstance(value, Mapping) else {}, field.split("."))
        key = f"{key}.{field}"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "value_error" and isinstance(value, Mapping):
        # A rule across a whole section: the message names the keys; the section itself is noise.
        return f"{key.rstrip(':')}: {message}"
    return f"{key} = {json.dumps(value, default=str)}: {message}"


def validate_stack_config(values: Mapping[str, Any]) -> StackConfig:
    """Validate already-parsed values (keys without the namespace). Raises `StackConfigError`."""
    try:
        return StackConfig.model_validate(dict(values))
    except ValidationError as exc:
        raise StackConfigError([_describe(error) for error in exc.errors(include_url=False)]) from None


def load_stack_config() -> StackConfig:
    """The validated config of the running stack, read from the `secure-ecs:` namespace."""
    prefix = f"{NAMESPACE}:"
    values = {key[len(prefix) :]: _parse(raw) for key, raw in _all_config().items() if key.startswith(prefix)}
    config = validate_stack_config(values)
    pulumi.log.debug(f"{NAMESPACE} config validated: {sorted(values)}")
    return config
