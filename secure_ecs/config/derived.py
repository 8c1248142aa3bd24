"""Stack config sections generated from the components' own argument specs.

Every argument a component takes, except those the program wires from other components, becomes a
camelCase setting with the component's default, bounds and documentation, and is checked by the
component's own checks. So a value the config accepts is one the component accepts, and the two can
never disagree about a default.
"""

from __future__ import annotations

import enum
import re
import typing
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, Field, create_model, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from secure_ecs.config.base import ConfigSection
from secure_ecs_components.spec import ArgSpec

RULE_ERROR = "component_rule"
"""Error type of a rule across settings; its context names the setting at fault (`field`)."""
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def config_words(text: str) -> str:
    """A component's message in the config's words: argument names become camelCase keys."""
    return _SNAKE.sub(lambda match: to_camel(match[0]), text)


class DerivedSection(ConfigSection):
    """A config section whose fields are one component's arguments."""

    spec: ClassVar[ArgSpec]

    def to_args(self, **wiring: Any) -> dict[str, Any]:
        """The settings given in the stack file as the component's arguments (defaults stay the
        component's), plus the `wiring` the program adds (other components' outputs, tags)."""
        args: dict[str, Any] = {}
        for name in self.model_fields_set & set(self.spec.args):
            value = getattr(self, name)
            args[name] = value.to_args() if isinstance(value, DerivedSection) else value
        return {**args, **wiring}

    @model_validator(mode="after")
    def _rules(self) -> DerivedSection:
        values = self.spec.filled({name: getattr(self, name, None) for name in self.spec.args})
        for name in self.spec.nested:
            if isinstance(values[name], DerivedSection):
                # A section left at its defaults is an argument not given.
                values[name] = values[name].to_args() or None
        for rule in self.spec.rules:
            found = rule(values)
            if found is not None:
                raise PydanticCustomError(
                    RULE_ERROR,
                    "{message}",
                    {"field": config_words(found[0]), "message": config_words(found[2]), "value": found[1]},
                )
        return self


def _config_type(kind: Any) -> Any:
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return Literal[tuple(member.value for member in kind)]
    origin = typing.get_origin(kind)
    if origin is Sequence:
        return list[_config_type(typing.get_args(kind)[0])]  # type: ignore[misc]
    if origin is Mapping:
        return dict[str, _config_type(typing.get_args(kind)[1])]  # type: ignore[misc]
    return kind


def _checked_by(spec: ArgSpec, name: str) -> AfterValidator:
    def check(value: Any) -> Any:
        found = spec.refusal(name, value)
        if found is not None:
            at = found[0].removeprefix(name).lstrip(".")
            raise ValueError(config_words(f"{at}: {found[2]}" if at else found[2]))
        return value

    return AfterValidator(check)


def derived_section(model_name: str, spec: ArgSpec) -> Any:
    """A config section (a `DerivedSection` subclass) with one field per non-wired argument of `spec`.

    Typed `Any`: its fields exist only at run time, so sections subclass it to add their own."""
    fields: dict[str, Any] = {}
    for name, arg in spec.args.items():
        if arg.wired:
            continue
        doc = spec.docs[name]
        if name in spec.nested:
            nested = derived_section(f"{model_name}{to_camel(name)[0].upper()}{to_camel(name)[1:]}", spec.nested[name])
            required = bool(spec.nested[name].required)
            fields[name] = (nested | None, Field(None if required else nested(), description=doc))
            continue
        kind = _config_type(spec.types[name])
        required = name in spec.required
        annotation = Annotated[kind if required else kind | None, _checked_by(spec, name)]  # type: ignore[valid-type]
        default = ... if required else arg.default
        fields[name] = (annotation, Field(default, description=doc, ge=arg.minimum, le=arg.maximum))
    model = create_model(model_name, __base__=DerivedSection, **fields)
    model.spec = spec
    return model
