"""Read the `secure-ecs:` namespace once and turn every problem into one `StackConfigError`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from secure_ecs.config.derived import RULE_ERROR
from secure_ecs.config.errors import StackConfigError
from secure_ecs.config.stack import StackConfig
from secure_ecs.secret_values import OFFLINE_SECRET_PREFIX

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


# Enough to recognise a value; a huge one (a list of thousands) must not become a huge message.
MAX_SHOWN_CHARS = 200


def _shortened(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _shown(value: Any) -> str:
    return _shortened(json.dumps(value, default=str))


_NOT_A_SECTION = {"model_type", "model_attributes_type", "dict_type"}


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
    if error["type"] == RULE_ERROR:
        context = error.get("ctx", {})
        field = str(context.get("field", ""))
        given = value if isinstance(value, Mapping) else {}
        value = context["value"] if "value" in context else _lookup(given, field.split("."))
        key = f"{key}.{field}"
    message = error["msg"].removeprefix("Value error, ")
    if _encrypted(value):
        return (f"{key} holds an encrypted (`secure:`) value, which an offline plan cannot decrypt and so cannot "
                "check; plan with a copy of the stack file that holds a plain value there (an ARN is no secret)")
    if error["type"] in _NOT_A_SECTION:  # pydantic's wording names our model classes
        kind = "an empty value" if value in ("", None) else _shown(value)
        return f"{key} must be a mapping of settings (keys under it), not {kind}"
    if error["type"] == "value_error" and isinstance(value, Mapping):
        # A rule across a whole section: the message names the keys; the section itself is noise.
        return f"{key.rstrip(':')}: {message}"
    return f"{key} = {_shown(value)}: {message}"


def _encrypted(value: Any) -> bool:
    """Whether the value is, or directly holds, the offline stand-in for a `secure:` value."""
    values = value.values() if isinstance(value, Mapping) else [value]
    return any(isinstance(v, str) and v.startswith(OFFLINE_SECRET_PREFIX) for v in values)


def validate_stack_config(values: Mapping[str, Any]) -> StackConfig:
    """Validate already-parsed values (keys without the namespace). Raises `StackConfigError`."""
    try:
        return StackConfig.model_validate(dict(values))
    except ValidationError as exc:
        # A validator's own message may quote the value too: no line may grow with the input.
        problems = [_shortened(_describe(error), 4 * MAX_SHOWN_CHARS) for error in exc.errors(include_url=False)]
        raise StackConfigError(problems) from None


def load_stack_config() -> StackConfig:
    """The validated config of the running stack, read from the `secure-ecs:` namespace."""
    prefix = f"{NAMESPACE}:"
    values = {key[len(prefix) :]: _parse(raw) for key, raw in _all_config().items() if key.startswith(prefix)}
    config = validate_stack_config(values)
    pulumi.log.debug(f"{NAMESPACE} config validated: {sorted(values)}")
    return config
