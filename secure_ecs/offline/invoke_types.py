"""Data-source results in the shape the SDK declares for them.

The provider coerces a data source's result to its schema (a ``"true"`` argument echoed back
becomes the boolean ``true``); the SDK's result classes then reject anything else with a
TypeError. Answers from the emulated account go through the same coercion, read from the SDK's
own result class (``aws:ec2/getAmi:getAmi`` -> ``pulumi_aws.ec2.get_ami.GetAmiResult``), and an
invoke the account cannot answer gets a placeholder of that declared shape.
"""

from __future__ import annotations

import builtins
import functools
import importlib
import re
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from pulumi import _types

PLACEHOLDER_PREFIX = "offline-placeholder"
"""Every placeholder string starts with this, so it is recognisable wherever it ends up."""

_PYTHON_KEYWORDS = {"lambda", "import", "global", "is", "in", "as", "if", "or", "and", "not", "pass", "from"}


@functools.cache
def result_class(token: str) -> type | None:
    """The SDK's result class for an invoke token, or None when it cannot be found."""
    try:
        package, module_path, function = re.fullmatch(r"([^:]+):([^:]*):(\w+)", token).groups()  # type: ignore[union-attr]
    except AttributeError:
        return None
    module_parts = [p for p in module_path.split("/")[0].split(".") if p and p != "index"]
    names = ["pulumi_" + package.replace("-", "_")]
    names += [f"{p}_" if p in _PYTHON_KEYWORDS else p.replace("-", "_") for p in module_parts]
    try:
        # The package, not the function's own module: importing `pulumi_aws.route53.get_zone` would
        # rebind the package's `get_zone` attribute from the function to that module.
        module = importlib.import_module(".".join(names))
        candidate = getattr(module, function[0].upper() + function[1:] + "Result", None)
    except Exception:  # no such SDK package installed: nothing to coerce against
        return None
    return candidate if isinstance(candidate, type) else None


@functools.cache
def _fields(cls: type) -> dict[str, Any]:
    """camelCase property name -> declared Python type, from the class's ``@pulumi.getter`` properties."""
    fields: dict[str, Any] = {}
    for python_name, pulumi_name, prop in _types._py_properties(cls):
        try:
            hints = typing.get_type_hints(prop.fget)
        except Exception:  # an annotation that does not resolve: leave that field as it is
            continue
        fields[pulumi_name or python_name] = hints.get("return", Any)
    return fields


def _strip_optional(hint: Any) -> Any:
    if typing.get_origin(hint) is typing.Union:
        arguments = [a for a in typing.get_args(hint) if a is not type(None)]
        return arguments[0] if len(arguments) == 1 else hint
    return hint


def _to_bool(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return value


def _to_int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


def _to_float(value: Any) -> Any:
    if isinstance(value, int | str) and not isinstance(value, bool):
        try:
            return float(value)
        except ValueError:
            pass
    return value


def _to_str(value: Any) -> Any:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value) if isinstance(value, int | float) else value


_SCALARS = {builtins.bool: _to_bool, builtins.int: _to_int, builtins.float: _to_float, builtins.str: _to_str}
_SEQUENCES = (list, Sequence, typing.Sequence)
_MAPPINGS = (dict, Mapping, typing.Mapping)


def _coerce(value: Any, hint: Any) -> Any:
    hint = _strip_optional(hint)
    if value is None or hint is Any:
        return value
    if hint in _SCALARS:
        return _SCALARS[hint](value)
    origin = typing.get_origin(hint)
    if isinstance(value, list) and origin in _SEQUENCES:
        element = (typing.get_args(hint) or (Any,))[0]
        return [_coerce(item, element) for item in value]
    if isinstance(value, dict) and origin in _MAPPINGS:
        element = (typing.get_args(hint) or (Any, Any))[-1]
        return {key: _coerce(item, element) for key, item in value.items()}
    if isinstance(value, dict) and isinstance(hint, type) and _types.is_output_type(hint):
        return coerce_fields(value, _fields(hint))
    return value


def coerce_fields(values: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _coerce(value, fields[key]) if key in fields else value for key, value in values.items()}


def coerce_result(token: str, result: Mapping[str, Any]) -> dict[str, Any]:
    """``result`` with each declared field converted to its declared type where the provider would."""
    cls = result_class(token)
    return coerce_fields(result, _fields(cls)) if cls else dict(result)


def _placeholder_value(hint: Any, label: str) -> Any:
    hint = _strip_optional(hint)
    origin = typing.get_origin(hint)
    if hint is builtins.str:
        return f"{PLACEHOLDER_PREFIX}:{label}"
    if hint is builtins.bool:
        return False
    if hint in (builtins.int, builtins.float):
        return 0
    if origin in (list, Sequence, typing.Sequence):
        return []
    if origin in (dict, Mapping, typing.Mapping):
        return {}
    return None


def placeholder_result(token: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """A marked answer of the declared shape: the arguments echoed, every other field a placeholder."""
    cls = result_class(token)
    function = token.rsplit(":", 1)[-1]
    fields = _fields(cls) if cls else {}
    answer = {name: _placeholder_value(hint, f"{function}.{name}") for name, hint in fields.items()}
    answer.update(coerce_fields(args, fields))
    answer.setdefault("id", f"{PLACEHOLDER_PREFIX}:{function}.id")
    return answer
