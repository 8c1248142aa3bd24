"""Policy configuration resolved the way the Pulumi engine resolves it before calling Configure.

Precedence, lowest first: each policy's own enforcement level and config-schema defaults, the
pack's ``initialConfig``, then the user's config file. In both config sources the key ``"all"``
applies to every policy and a policy's own key overrides it. A value is either an enforcement
level string or an object with an optional ``enforcementLevel`` plus config properties.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from google.protobuf import struct_pb2
from jsonschema import Draft7Validator
from jsonschema.exceptions import SchemaError
from pulumi.runtime.proto import analyzer_pb2

from secure_ecs.analyzer.diagnostics import ENFORCEMENT_VALUES, AnalyzerInfo, PolicyConfig, PolicyDescriptor
from secure_ecs.analyzer.errors import PolicyConfigError

ALL_POLICIES_KEY = "all"


def load_config_file(path: Path) -> dict[str, Any]:
    """Read a policy config file in the format of the CLI's ``--policy-pack-config``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as problem:
        raise PolicyConfigError(f"cannot read policy config {path}: {problem}") from problem
    if not isinstance(data, dict):
        raise PolicyConfigError(f"policy config {path} must be a JSON object keyed by policy name")
    return data


def _split(key: str, value: Any) -> PolicyConfig:
    if isinstance(value, str):
        return PolicyConfig(enforcement_level=_level(key, value))
    if isinstance(value, Mapping):
        level = value.get("enforcementLevel")
        properties = {k: v for k, v in value.items() if k != "enforcementLevel"}
        return PolicyConfig(_level(key, level) if level is not None else None, properties)
    raise PolicyConfigError(f"config for {key!r} must be an enforcement level or an object, not {value!r}")


def _level(key: str, level: Any) -> str:
    if level not in ENFORCEMENT_VALUES:
        raise PolicyConfigError(
            f"config for {key!r}: enforcement level {level!r} is not one of {', '.join(sorted(ENFORCEMENT_VALUES))}"
        )
    return str(level)


def _defaults(policy: PolicyDescriptor) -> dict[str, Any]:
    return {
        name: schema["default"]
        for name, schema in policy.config_schema.items()
        if isinstance(schema, Mapping) and "default" in schema
    }


def _apply(
    resolved: dict[str, PolicyConfig], policy: PolicyDescriptor, overlay: PolicyConfig | None
) -> None:
    if overlay is None:
        return
    current = resolved[policy.name]
    unknown = set(overlay.properties) - set(policy.config_schema)
    if unknown:
        raise PolicyConfigError(
            f"policy {policy.name!r} has no config propert{'ies' if len(unknown) > 1 else 'y'} "
            f"{', '.join(sorted(unknown))} (known: {', '.join(sorted(policy.config_schema)) or 'none'})"
        )
    resolved[policy.name] = PolicyConfig(
        overlay.enforcement_level or current.enforcement_level,
        {**current.properties, **overlay.properties},
    )


def resolve_policy_config(info: AnalyzerInfo, user_config: Mapping[str, Any] | None = None) -> dict[str, PolicyConfig]:
    """The configuration of every policy in the pack, ready for Configure."""
    names = {p.name for p in info.policies}
    user = {key: _split(key, value) for key, value in (user_config or {}).items()}
    unknown = set(user) - names - {ALL_POLICIES_KEY}
    if unknown:
        listed = ", ".join(sorted(unknown))
        raise PolicyConfigError(f"policy config names policies the pack {info.name!r} lacks: {listed}")

    resolved = {p.name: PolicyConfig(p.enforcement_level, _defaults(p)) for p in info.policies}
    for policy in info.policies:
        for source in (info.initial_config, user):
            all_entry = source.get(ALL_POLICIES_KEY)
            if all_entry is not None:
                # "all" carries an enforcement level; its properties would not fit every schema.
                _apply(resolved, policy, PolicyConfig(all_entry.enforcement_level))
            _apply(resolved, policy, source.get(policy.name))
    problems = [problem for policy in info.policies for problem in _schema_problems(policy, resolved[policy.name])]
    if problems:
        raise PolicyConfigError("; ".join(problems))
    return resolved


def _schema_problems(policy: PolicyDescriptor, config: PolicyConfig) -> list[str]:
    """What the resolved properties break in the policy's configSchema (JSON Schema, as the CLI checks it).

    The engine validates each policy's final properties against ``{type: object, properties, required}``
    and refuses to run with any error; a value that fails is never replaced by the default.
    """
    if not policy.config_schema and not policy.required_config:
        return []
    schema = {"type": "object", "properties": dict(policy.config_schema), "required": list(policy.required_config)}
    try:
        validator = Draft7Validator(schema)
        errors = sorted(validator.iter_errors(dict(config.properties)), key=lambda e: list(map(str, e.path)))
    except SchemaError as error:
        return [f"policy {policy.name!r} declares an invalid configSchema ({error.message})"]
    return [
        f"policy {policy.name!r}: {'.'.join(map(str, error.path)) or 'config'}: {error.message}" for error in errors
    ]


def configure_request(resolved: Mapping[str, PolicyConfig]) -> analyzer_pb2.ConfigureAnalyzerRequest:
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, config in resolved.items():
        properties = struct_pb2.Struct()  # always set: Node packs reject an entry without properties
        properties.update(dict(config.properties))
        request.policyConfig[name].CopyFrom(
            analyzer_pb2.PolicyConfig(
                enforcementLevel=ENFORCEMENT_VALUES[config.enforcement_level or "advisory"],  # type: ignore[arg-type]
                properties=properties,
            )
        )
    return request
