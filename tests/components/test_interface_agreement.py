"""Each component interface is declared once: its args TypedDict, its spec, the inferred provider
schema and the stack config agree field by field (names, required, defaults, bounds, docs, choices).

`disagreements` is the oracle; the tests at the end change one side alone and check it notices.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import json
from typing import Any

import pytest
from pulumi.provider.experimental.component import ComponentProvider
from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from secure_ecs.config.application import AlbConfig, DatabaseConfig, ServiceConfig
from secure_ecs.config.derived import derived_section
from secure_ecs.config.network import EndpointsConfig, NetworkConfig
from secure_ecs_components import COMPONENTS, PACKAGE_NAME, PACKAGE_VERSION
from secure_ecs_components.alb import SPEC as ALB_SPEC
from secure_ecs_components.database import SPEC as DATABASE_SPEC
from secure_ecs_components.endpoints import SPEC as ENDPOINTS_SPEC
from secure_ecs_components.fargate_service import SPEC as SERVICE_SPEC
from secure_ecs_components.network import SPEC as NETWORK_SPEC
from secure_ecs_components.spec import Arg, ArgSpec

# component -> (its spec, its stack config section, settings the stack adds beyond the component's arguments)
INTERFACES: dict[str, tuple[ArgSpec, type[BaseModel], set[str]]] = {
    "PrivateNetwork": (NETWORK_SPEC, NetworkConfig, set()),
    "EndpointSet": (ENDPOINTS_SPEC, EndpointsConfig, {"availability_zone_count"}),
    "HardenedAlb": (ALB_SPEC, AlbConfig, set()),
    "PrivateDatabase": (DATABASE_SPEC, DatabaseConfig, set()),
    "SecureFargateService": (SERVICE_SPEC, ServiceConfig, {"allow_cross_account_image"}),
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    provider = ComponentProvider(COMPONENTS, PACKAGE_NAME, version=PACKAGE_VERSION)
    assert provider.schema is not None
    return dict(json.loads(provider.schema))


def _documented_default(arg: Arg, required: bool) -> str:
    if required:
        return "Required."
    if arg.default is None:
        return "Default: none"
    return f"Default: {json.dumps(arg.default)}"


def _flat(text: str | None) -> str:
    return " ".join(inspect.cleandoc(text or "").split())


def _schema_disagreements(
    spec: ArgSpec, properties: dict[str, Any], required: set[str], schema: dict[str, Any]
) -> list[str]:
    problems = []
    names = {to_camel(name): name for name in spec.args}
    if set(properties) != set(names):
        problems.append(f"schema properties {sorted(set(properties) ^ set(names))} differ from the spec")
    if required != {to_camel(n) for n in spec.required}:
        problems.append(f"schema requires {sorted(required)}, the TypedDict {sorted(spec.required)}")
    for key, prop in properties.items():
        name = names.get(key)
        if name is None:
            continue
        if _flat(prop.get("description")) != _flat(spec.docs[name]):
            problems.append(f"{name}: schema description differs from the docstring")
        kind = spec.types[name]
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            enum_type = schema["types"][prop["$ref"].rsplit("/", 1)[-1]]
            if [v["value"] for v in enum_type["enum"]] != [m.value for m in kind]:
                problems.append(f"{name}: schema enum differs from {kind.__name__}")
        if name in spec.nested:
            nested = schema["types"][prop["$ref"].rsplit("/", 1)[-1]]
            problems += [
                f"{name}.{p}"
                for p in _schema_disagreements(
                    spec.nested[name], nested["properties"], set(nested.get("required", [])), schema
                )
            ]
    return problems


def _config_disagreements(spec: ArgSpec, model: type[BaseModel], extras: set[str]) -> list[str]:
    problems = []
    expected = {name for name, arg in spec.args.items() if not arg.wired}
    if set(model.model_fields) - extras != expected:
        problems.append(f"config fields {sorted((set(model.model_fields) - extras) ^ expected)} differ from the spec")
    for name in expected & set(model.model_fields):
        arg, field = spec.args[name], model.model_fields[name]
        if field.alias != to_camel(name):
            problems.append(f"{name}: config key {field.alias} is not {to_camel(name)}")
        if _flat(field.description) != _flat(spec.docs[name]):
            problems.append(f"{name}: config description differs from the docstring")
        nested_model = next(
            (a for a in getattr(field.annotation, "__args__", ()) if isinstance(a, type) and issubclass(a, BaseModel)),
            None,
        )
        if name in spec.nested:
            if nested_model is None:
                problems.append(f"{name}: config is not a section")
            else:
                problems += [f"{name}.{p}" for p in _config_disagreements(spec.nested[name], nested_model, set())]
            continue
        required = name in spec.required
        if field.is_required() != required or (not required and field.default != arg.default):
            problems.append(f"{name}: config default {field.default!r} is not {arg.default!r}")
        bounds = {type(m).__name__: m for m in field.metadata}
        ge = getattr(bounds.get("Ge"), "ge", None)
        le = getattr(bounds.get("Le"), "le", None)
        if (ge, le) != (arg.minimum, arg.maximum):
            problems.append(f"{name}: config bounds {ge}..{le} are not {arg.minimum}..{arg.maximum}")
    return problems


def _doc_disagreements(spec: ArgSpec) -> list[str]:
    problems = []
    for name, arg in spec.args.items():
        # A section argument documents its defaults field by field.
        expected = _documented_default(arg, name in spec.required)
        if name not in spec.nested and expected not in _flat(spec.docs.get(name)):
            problems.append(f"{name}: docstring does not say {expected!r}")
        if name in spec.nested:
            problems += [f"{name}.{p}" for p in _doc_disagreements(spec.nested[name])]
    return problems


def disagreements(
    spec: ArgSpec, resource: dict[str, Any], schema: dict[str, Any], model: type[BaseModel], extras: set[str]
) -> list[str]:
    return (
        _doc_disagreements(spec)
        + _schema_disagreements(spec, resource["inputProperties"], set(resource.get("requiredInputs", [])), schema)
        + _config_disagreements(spec, model, extras)
    )


@pytest.mark.parametrize("component", INTERFACES)
def test_args_spec_schema_and_config_agree(schema: dict[str, Any], component: str) -> None:
    spec, model, extras = INTERFACES[component]
    resource = schema["resources"][f"secure-ecs:index:{component}"]
    assert disagreements(spec, resource, schema, model, extras) == []


def test_a_changed_default_alone_is_caught(schema: dict[str, Any]) -> None:
    changed = dataclasses.replace(ALB_SPEC.args["idle_timeout_seconds"], default=120)
    spec = ArgSpec(
        "HardenedAlb", ALB_SPEC.args_type, {**ALB_SPEC.args, "idle_timeout_seconds": changed}, nested=ALB_SPEC.nested
    )
    found = disagreements(spec, schema["resources"]["secure-ecs:index:HardenedAlb"], schema, AlbConfig, set())
    assert "idle_timeout_seconds: docstring does not say 'Default: 120'" in found
    assert any(p.startswith("idle_timeout_seconds: config default 60") for p in found)


def test_changed_bounds_alone_are_caught(schema: dict[str, Any]) -> None:
    changed = dataclasses.replace(DATABASE_SPEC.args["backup_retention_days"], maximum=30)
    spec = ArgSpec("PrivateDatabase", DATABASE_SPEC.args_type, {**DATABASE_SPEC.args, "backup_retention_days": changed})
    found = _config_disagreements(spec, DatabaseConfig, set())
    assert found == ["backup_retention_days: config bounds 1..35 are not 1..30"]


def test_a_config_field_edited_by_hand_is_caught() -> None:
    class Edited(derived_section("Edited", NETWORK_SPEC)):  # type: ignore[misc]
        flow_log_retention_days: int = 90
        """Days to keep VPC flow logs."""

    found = _config_disagreements(NETWORK_SPEC, Edited, set())
    assert "flow_log_retention_days: config default 90 is not 365" in found
    assert "flow_log_retention_days: config description differs from the docstring" in found


def test_a_schema_without_an_argument_is_caught(schema: dict[str, Any]) -> None:
    resource = json.loads(json.dumps(schema["resources"]["secure-ecs:index:EndpointSet"]))
    del resource["inputProperties"]["restrictToAccount"]
    found = disagreements(ENDPOINTS_SPEC, resource, schema, EndpointsConfig, {"availability_zone_count"})
    assert found == ["schema properties ['restrictToAccount'] differ from the spec"]


def test_a_typeddict_field_without_a_spec_fails_at_import() -> None:
    args = {name: arg for name, arg in NETWORK_SPEC.args.items() if name != "egress"}
    with pytest.raises(TypeError, match="egress"):
        ArgSpec("PrivateNetwork", NETWORK_SPEC.args_type, args)


def test_most_inputs_take_other_resources_outputs(schema: dict[str, Any]) -> None:
    # Only arguments that decide which resources exist (or their options) stay plain values.
    inputs = [p for r in schema["resources"].values() for p in r["inputProperties"].values()]
    plain = [p for p in inputs if p.get("plain")]
    assert len(plain) <= 26 < len(inputs) - len(plain)
    route_tables = schema["resources"]["secure-ecs:index:EndpointSet"]["inputProperties"]["routeTableIds"]
    assert "plain" not in route_tables
