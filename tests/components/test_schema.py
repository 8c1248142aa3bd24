"""The multi-language schema Pulumi infers from the components (what `pulumi package add` serves)."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
from pulumi.provider.experimental.component import ComponentProvider

from secure_ecs_components import COMPONENTS, PACKAGE_NAME, PACKAGE_VERSION


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    provider = ComponentProvider(COMPONENTS, PACKAGE_NAME, version=PACKAGE_VERSION)
    assert provider.schema is not None
    return dict(json.loads(provider.schema))


def test_every_component_is_a_resource_under_its_token(schema: dict[str, Any]) -> None:
    expected = {f"secure-ecs:index:{cls.__name__}" for cls in COMPONENTS}
    assert set(schema["resources"]) == expected
    assert all(resource["isComponent"] for resource in schema["resources"].values())


@pytest.mark.parametrize("cls", COMPONENTS, ids=lambda c: c.__name__)
def test_inputs_and_outputs_follow_the_python_types(schema: dict[str, Any], cls: type) -> None:
    resource = schema["resources"][f"secure-ecs:index:{cls.__name__}"]
    args_type = inspect.get_annotations(vars(cls)["__init__"])["args"]
    required = {_camel(name) for name in args_type.__required_keys__}
    assert set(resource.get("requiredInputs", [])) == required
    assert set(resource["inputProperties"]) == {_camel(name) for name in args_type.__annotations__}
    assert set(resource["properties"]) == {_camel(name) for name in cls.__annotations__}
    # Docstrings under each field become the documentation other languages see.
    assert all(p.get("description") for p in resource["inputProperties"].values())
    assert all(p.get("description") for p in resource["properties"].values())


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)

