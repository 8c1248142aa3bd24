"""A captured resource graph written as Terraform plan JSON (format 1.2), the input of Terraform-plan scanners.

Every mapped custom resource becomes a `create` change. Values the engine did not know are left out
of `after` and marked in `after_unknown`, and listed so a report can say which attributes a scanner
could not judge. `configuration` carries the references the engine recorded (property dependencies),
so graph checks can connect a bucket to its public-access block or an ALB to its WAF association.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from secure_ecs.offline.graph import UNKNOWN, CapturedResource, ResourceGraph
from secure_ecs.tfplan.names import singular, snake_case
from secure_ecs.tfplan.table import FieldRule, MappingTable, ResourceRule, load_table

FORMAT_VERSION = "1.2"
TERRAFORM_VERSION = "1.9.0"
"""The plan format's producer version scanners expect; no Terraform binary is involved."""
PROVIDER_NAME = "hashicorp/aws"
_NOT_IDENTIFIER = re.compile(r"[^A-Za-z0-9_-]")
# Attributes a reference may point at, in the order a value is matched against them.
_REFERENCE_ATTRIBUTES = ("id", "arn", "name")


@dataclass(frozen=True)
class UnknownAttribute:
    address: str
    urn: str
    path: str
    """Terraform attribute path, e.g. ``network_configuration.0.subnets``."""


@dataclass(frozen=True)
class TerraformPlan:
    document: dict[str, Any]
    addresses: Mapping[str, str]
    """Terraform address -> URN, to map a scanner's findings back to the program."""
    unknown: tuple[UnknownAttribute, ...]
    unmapped: tuple[tuple[str, str], ...]
    """(URN, type token) of custom resources the table has no Terraform type for; left out, never guessed."""


def _tf_value(value: Any, rule: FieldRule | None) -> Any:
    if rule is not None and rule.block and isinstance(value, Mapping | list):
        items = value if isinstance(value, list) else [value]
        return [_tf_object(item, rule) if isinstance(item, Mapping) else item for item in items]
    if isinstance(value, list):
        return [_tf_value(item, None) for item in value]
    return value


def _tf_object(values: Mapping[str, Any], rule: FieldRule | ResourceRule) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    for key, value in values.items():
        field_rule = rule.field_rule(key)
        converted[field_rule.name] = _tf_value(value, field_rule)
    return converted


def _split_unknowns(value: Any) -> tuple[Any, Any, list[str]]:
    """(value without unknowns, its after_unknown shape, unknown paths); None/False mean nothing unknown."""
    if value == UNKNOWN:
        return None, True, [""]
    if isinstance(value, Mapping):
        known: dict[str, Any] = {}
        shape: dict[str, Any] = {}
        paths: list[str] = []
        for key, item in value.items():
            item_known, item_shape, item_paths = _split_unknowns(item)
            if item_shape is not True:
                known[key] = item_known
            if item_shape:
                shape[key] = item_shape
            paths += [f"{key}.{path}" if path else key for path in item_paths]
        return known, shape, paths
    if isinstance(value, list):
        parts = [_split_unknowns(item) for item in value]
        shape_list = [part[1] or False for part in parts]
        paths = [f"{index}.{path}" if path else str(index) for index, part in enumerate(parts) for path in part[2]]
        return [part[0] for part in parts], (shape_list if any(shape_list) else None), paths
    return value, None, []


class _Names:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def address(self, tf_type: str, pulumi_name: str) -> str:
        base = _NOT_IDENTIFIER.sub("_", pulumi_name) or "resource"
        if not (base[0].isalpha() or base[0] == "_"):
            base = f"r_{base}"
        name, counter = base, 1
        while f"{tf_type}.{name}" in self.used:
            counter += 1
            name = f"{base}_{counter}"
        self.used.add(f"{tf_type}.{name}")
        return f"{tf_type}.{name}"


def _attribute_for(value: Any, target: CapturedResource) -> str | None:
    """The attribute of `target` a value was taken from, chosen by value (id, arn, name, then any output)."""
    state = {"id": target.id, **target.outputs}
    for attribute in _REFERENCE_ATTRIBUTES:
        if state.get(attribute) not in (None, "", UNKNOWN) and state.get(attribute) == value:
            return attribute
    for key, candidate in target.outputs.items():
        if isinstance(candidate, str) and candidate not in ("", UNKNOWN) and candidate == value:
            return key
    return None


def _strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [text for item in value.values() for text in _strings_in(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings_in(item)]
    return []


def _unknown_matches(
    key: str, dependencies: Sequence[CapturedResource], table: MappingTable
) -> list[tuple[CapturedResource, str]]:
    """For a value unknown until deploy: the dependency the property's name points at, and the attribute.

    `securityGroups` -> the security group, `vpcId` -> the VPC, `webAclArn` -> the web ACL's ARN; a
    property with a single dependency takes that one.
    """
    attribute = "arn" if key.endswith(("Arn", "Arns")) else "name" if key.endswith("Name") else "id"
    stem = re.sub(r"_(ids?|arns?|names?)$", "", singular(snake_case(key)))
    typed = [(target, rule.type) for target in dependencies if (rule := table.rule(target.type)) is not None]
    named = [target for target, tf_type in typed if tf_type == f"aws_{stem}" or tf_type.endswith(f"_{stem}")]
    chosen = named or ([typed[0][0]] if len(typed) == 1 else [])
    return [(target, attribute) for target in chosen]


def _references(
    key: str, value: Any, dependencies: Sequence[CapturedResource], addresses: Mapping[str, str],
    table: MappingTable,
) -> list[str]:
    found: list[str] = []
    for text in _strings_in(value):
        if text == UNKNOWN:
            matches = _unknown_matches(key, dependencies, table)
        else:
            matches = [(target, attribute) for target in dependencies
                       if (attribute := _attribute_for(text, target)) is not None]
        # Side resources that share their bucket's id (S3 public-access blocks, policies) depend on
        # the bucket: the one the others depend on is the source of the value.
        urns = {target.urn for target, _ in matches}
        roots = [(t, a) for t, a in matches if not urns & set(t.dependencies)] or matches
        for target, attribute in roots if text == UNKNOWN else roots[:1]:
            rule = table.rule(target.type)
            if rule is None or target.urn not in addresses:
                continue
            address = addresses[target.urn]
            attribute_name = rule.field_rule(attribute).name if attribute != "id" else "id"
            found += [f"{address}.{attribute_name}", address]
    return list(dict.fromkeys(found))


def _expressions(
    resource: CapturedResource, rule: ResourceRule, graph_index: Mapping[str, CapturedResource],
    addresses: Mapping[str, str], table: MappingTable,
) -> dict[str, Any]:
    expressions: dict[str, Any] = {}
    for key, dependency_urns in resource.property_dependencies.items():
        dependencies = [graph_index[urn] for urn in dependency_urns if urn in graph_index]
        value = resource.inputs.get(key)
        if not dependencies or value is None:
            continue
        field_rule = rule.field_rule(key)
        if field_rule.block and isinstance(value, Mapping | list):
            # Scanners follow references inside blocks: keep the block's shape, one level deep.
            items = value if isinstance(value, list) else [value]
            blocks = []
            for item in items:
                nested = {}
                for child_key, child in (item.items() if isinstance(item, Mapping) else ()):
                    references = _references(child_key, child, dependencies, addresses, table)
                    if references:
                        nested[field_rule.field_rule(child_key).name] = {"references": references}
                blocks.append(nested)
            if any(blocks):
                expressions[field_rule.name] = blocks
            continue
        references = _references(key, value, dependencies, addresses, table)
        if references:
            expressions[field_rule.name] = {"references": references}
    return expressions


def export_plan(graph: ResourceGraph, table: MappingTable | None = None) -> TerraformPlan:
    table = table or load_table()
    names = _Names()
    addresses: dict[str, str] = {}
    unmapped: list[tuple[str, str]] = []
    mapped: list[tuple[CapturedResource, ResourceRule]] = []
    for resource in graph.resources:
        if not resource.is_infrastructure or resource.remote:
            continue
        rule = table.rule(resource.type)
        if rule is None:
            unmapped.append((resource.urn, resource.type))
            continue
        addresses[resource.urn] = names.address(rule.type, resource.name)
        mapped.append((resource, rule))
    index = {resource.urn: resource for resource in graph.resources}
    planned: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    configured: list[dict[str, Any]] = []
    unknown: list[UnknownAttribute] = []
    for resource, rule in mapped:
        address = addresses[resource.urn]
        name = address.split(".", 1)[1]
        state = {**resource.inputs, **{k: v for k, v in resource.outputs.items() if k not in resource.inputs}}
        known, after_unknown, paths = _split_unknowns(_tf_object(state, rule))
        unknown += [UnknownAttribute(address, resource.urn, path) for path in paths]
        common = {"address": address, "mode": "managed", "type": rule.type, "name": name}
        planned.append({**common, "provider_name": PROVIDER_NAME, "schema_version": 0, "values": known,
                        "sensitive_values": {}})
        changes.append({**common, "provider_name": PROVIDER_NAME, "change": {
            "actions": ["create"], "before": None, "after": known, "after_unknown": after_unknown or {},
            "before_sensitive": False, "after_sensitive": {},
        }})
        configured.append({**common, "provider_config_key": "aws", "schema_version": 0,
                           "expressions": _expressions(resource, rule, index, addresses, table)})
    document = {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": PROVIDER_NAME}},
            "root_module": {"resources": configured},
        },
    }
    by_address = {address: urn for urn, address in addresses.items()}
    return TerraformPlan(document, by_address, tuple(unknown), tuple(unmapped))
