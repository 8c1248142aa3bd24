"""Every stack setting as a Markdown table, generated from the config model itself."""

from __future__ import annotations

import json
from typing import Any, get_args

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from secure_ecs.config.loader import NAMESPACE
from secure_ecs.config.stack import StackConfig


def _section_model(annotation: Any) -> type[BaseModel] | None:
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _default(value: Any) -> str:
    if value is PydanticUndefined:
        return "required"
    if value is None:
        return "—"
    if isinstance(value, BaseModel):
        return "see below"
    return f"`{json.dumps(value)}`"


def _rows(model: type[BaseModel], prefix: str) -> list[str]:
    rows: list[str] = []
    nested: list[tuple[type[BaseModel], str]] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{field.alias or name}"
        section = _section_model(field.annotation)
        description = (field.description or "").replace("\n", " ").replace("|", "\\|")
        default = _default(field.default if field.default_factory is None else field.default_factory())  # type: ignore[call-arg]
        rows.append(f"| `{key}` | {default} | {description} |")
        if section is not None:
            nested.append((section, f"{key}."))
    for section, section_prefix in nested:
        rows.extend(_rows(section, section_prefix))
    return rows


def settings_reference_markdown() -> str:
    header = ["| setting | default | meaning |", "|---|---|---|"]
    return "\n".join(header + _rows(StackConfig, f"{NAMESPACE}:")) + "\n"


if __name__ == "__main__":
    print(settings_reference_markdown(), end="")
