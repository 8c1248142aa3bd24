"""Shared settings for every config section: camelCase keys, unknown keys refused, no coercion."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class ConfigSection(BaseModel):
    # strict: a quoted "2" is not an AZ count; YAML and JSON already carry the right types.
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=False,
        extra="forbid",
        strict=True,
        frozen=True,
        # The docstring under each field is its documentation (README reference, error hints).
        use_attribute_docstrings=True,
    )
