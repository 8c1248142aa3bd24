"""Each component's arguments, declared once.

The `<Component>Args` TypedDict carries every argument's name, type and documentation: Pulumi's
component provider infers the multi-language schema from it, so it must stay a literal class. Next
to it, an `ArgSpec` gives each argument its default, bounds and checks. Components validate through
it, and the stack config (in the tooling) is generated from it, so the two cannot drift apart.

Values that are not known yet (an `Output` from another resource) are checked once known by AWS,
not here: the same rule as CDK's unresolved tokens. Arguments that decide which resources exist
are plain values, so they are always checked at construction.
"""

from __future__ import annotations

import ast
import collections.abc
import enum
import inspect
import itertools
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from secure_ecs_components.errors import ComponentArgumentError


@dataclass(frozen=True)
class Refusal:
    """Why a value is refused: what is allowed, optionally at a sub-path (`environment.API_KEY`) and
    with a stand-in for a value that must not be echoed (a credential)."""

    allowed: str
    at: str = ""
    shown: object = None


Check = Callable[[Any], "Refusal | str | None"]
"""A check of one known value: None when accepted, else what is allowed."""
Rule = Callable[[Mapping[str, Any]], "tuple[str, Any, str] | None"]
"""A check across arguments (all defaults filled in): None, or (argument, value, what is allowed)."""


@dataclass(frozen=True)
class Arg:
    """How one argument is checked. `default` None means "off" / "none" (whether it is required is the
    TypedDict's `Required[...]`)."""

    default: object = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    check: Check | None = None
    wired: bool = False
    """Set from another component or the stack's wiring, not a setting of its own in stack config."""


def is_known(value: object) -> bool:
    """False for a value only the deploy can tell (an Output or awaitable): it is checked then."""
    return not isinstance(value, (pulumi.Output, collections.abc.Awaitable))


def known(*values: object) -> bool:
    return all(is_known(v) for v in values)


def _strip(annotation: Any) -> Any:
    """The plain type behind Required[...], NotRequired[...] and pulumi.Input[...]."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Required, typing.NotRequired):
        return _strip(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for member in typing.get_args(annotation):
            if typing.get_origin(member) is collections.abc.Awaitable:
                return _strip(typing.get_args(member)[0])
    return annotation


def plain_type(annotation: Any) -> Any:
    """The value type of an argument annotation, with `Input` removed at every level."""
    base = _strip(annotation)
    origin = typing.get_origin(base)
    if origin in (collections.abc.Sequence, list):
        return Sequence[plain_type(typing.get_args(base)[0])]  # type: ignore[misc]
    if origin in (collections.abc.Mapping, dict):
        key, value = typing.get_args(base)
        return Mapping[key, plain_type(value)]  # type: ignore[misc,valid-type]
    return base


def field_docs(typed_dict: type) -> dict[str, str]:
    """The docstring under each field, read from the source as Pulumi's schema inference reads it."""
    tree = ast.parse(inspect.getsource(typed_dict))
    body = next(node for node in tree.body if isinstance(node, ast.ClassDef)).body
    docs = {}
    for node, following in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.target.id] = inspect.cleandoc(following.value.value)
    return docs


def _type_refusal(kind: Any, value: object) -> str | None:  # noqa: PLR0911 - one return per kind of type
    """None when `value` has the type `kind`; bools are never numbers (a YAML 'yes' must not pass)."""
    if kind is bool:
        return None if isinstance(value, bool) else "use true or false"
    if kind is int:
        return None if isinstance(value, int) and not isinstance(value, bool) else "use a whole number"
    if kind is float:
        return None if isinstance(value, (int, float)) and not isinstance(value, bool) else "use a number"
    if kind is str:
        return None if isinstance(value, str) else "use a string"
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        values = [m.value for m in kind]
        return None if value in values else "use one of " + ", ".join(repr(v) for v in values)
    origin = typing.get_origin(kind)
    if origin is collections.abc.Sequence:
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            return "use a list"
        item = typing.get_args(kind)[0]
        problems = [_type_refusal(item, v) for v in value if is_known(v)]
        return next((f"each entry: {p}" for p in problems if p), None)
    if origin is collections.abc.Mapping:
        if not isinstance(value, Mapping):
            return "use a map"
        item = typing.get_args(kind)[1]
        problems = [
            _type_refusal(str, k) or (_type_refusal(item, v) if is_known(v) else None) for k, v in value.items()
        ]
        return next((f"each entry: {p}" for p in problems if p), None)
    if typing.is_typeddict(kind):
        return None if isinstance(value, Mapping) else "use a map"
    return None


class ArgSpec:
    """The checks and defaults of one args TypedDict; `resolve` validates a component's arguments."""

    def __init__(
        self,
        component: str,
        args_type: type,
        args: Mapping[str, Arg],
        rules: Sequence[Rule] = (),
        nested: Mapping[str, ArgSpec] | None = None,
    ) -> None:
        # Not get_type_hints: pulumi.Input holds a forward reference the SDK never resolves.
        hints: dict[str, Any] = dict(args_type.__annotations__)
        missing, extra = set(hints) - set(args), set(args) - set(hints)
        # A field without a spec (or the reverse) is a programming error: fail at import, not at deploy.
        if missing or extra:
            raise TypeError(f"{args_type.__name__}: spec and TypedDict differ: {sorted(missing ^ extra)}")
        self.component = component
        self.args_type = args_type
        self.args = dict(args)
        self.rules = tuple(rules)
        self.nested = dict(nested or {})
        self.types = {name: plain_type(hint) for name, hint in hints.items()}
        self.docs = field_docs(args_type)
        self.required = frozenset(args_type.__required_keys__)  # type: ignore[attr-defined]

    def refusal(self, name: str, value: object) -> tuple[str, object, str] | None:
        """(argument path, shown value, allowed) when a known value is refused."""
        if value is None or not is_known(value):
            return None
        arg = self.args[name]
        kind = self.types[name]
        problem: Refusal | str | None = _type_refusal(kind, value)
        if problem is None and name in self.nested and isinstance(value, Mapping):
            inner = self.nested[name].first_refusal(value)
            if inner is not None:
                return (f"{name}.{inner[0]}", inner[1], inner[2])
        if problem is None and isinstance(value, (int, float)) and not isinstance(value, bool):
            low, high = arg.minimum, arg.maximum
            if (low is not None and value < low) or (high is not None and value > high):
                problem = (
                    f"use {_number(low)} to {_number(high)}"
                    if low is not None and high is not None
                    else (f"use at least {_number(low)}" if low is not None else f"use at most {_number(high)}")
                )
        if (
            problem is None
            and arg.pattern is not None
            and isinstance(value, str)
            and not re.fullmatch(arg.pattern, value)
        ):
            problem = f"use a value matching {arg.pattern}"
        if problem is None and arg.check is not None:
            problem = arg.check(value)
        if problem is None:
            return None
        if isinstance(problem, str):
            return (name, value, problem)
        argument = f"{name}.{problem.at}" if problem.at else name
        return (argument, value if problem.shown is None else problem.shown, problem.allowed)

    def filled(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The arguments with every default filled in."""
        return {name: arg.default if given.get(name) is None else given[name] for name, arg in self.args.items()}

    def first_refusal(self, given: Mapping[str, Any]) -> tuple[str, object, str] | None:
        unknown = sorted(set(given) - set(self.args))
        if unknown:
            return (unknown[0], given[unknown[0]], "not an argument; use " + ", ".join(self.args))
        values = self.filled(given)
        for name in self.args:
            if values[name] is None and name in self.required:
                return (name, None, "required")
            found = self.refusal(name, values[name])
            if found is not None:
                return found
        for rule in self.rules:
            found = rule(values)
            if found is not None:
                return found
        return None

    def resolve(self, instance: str, given: Mapping[str, Any]) -> dict[str, Any]:
        """Validated arguments with defaults filled in and enum choices as members.

        Raises `ComponentArgumentError` naming the component, this instance and the argument.
        """
        found = self.first_refusal(given)
        if found is not None:
            raise ComponentArgumentError(self.component, found[0], found[1], found[2], instance=instance)
        values = self.filled(given)
        for name, kind in self.types.items():
            if isinstance(kind, type) and issubclass(kind, enum.Enum) and values[name] is not None:
                values[name] = values[name] if not is_known(values[name]) else kind(values[name])
        return values


def _number(value: float | None) -> str:
    return str(int(value)) if value is not None and float(value).is_integer() else str(value)
