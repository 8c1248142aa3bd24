"""Generate the committed mapping table from pulumi-aws's bridge metadata and the installed SDK.

Facts come from two places, neither needing the network:

- ``bridge-metadata.json`` (pulumi/pulumi-aws ``provider/cmd/pulumi-resource-aws/``): ``renames.resources``
  (token -> Terraform type), and where present ``renames.renamedProperties`` (Pulumi -> Terraform
  property names, by resource or object type token) and ``auto-aliasing`` ``maxItemsOne`` flags;
- the installed SDK: which properties are blocks (a typed object, or a list of them), and the aliases a
  v7 token declares to the token it continues (``aws:s3/bucket:Bucket`` continues ``bucketV2``).

Where the metadata records no property rename, a repeated block's Terraform name is its Pulumi
name with the bridge's pluralisation undone, and a typed single object is a flattened MaxItems=1 block.

    python -m secure_ecs.tfplan.generate_table --metadata bridge-metadata.json \\
        --terraform-types checkov-types.json --source-version "pulumi-aws <tag or commit>"
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import inspect
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from secure_ecs.tfplan.names import singular, snake_case
from secure_ecs.tfplan.table import TABLE_FILE

_GETTER = re.compile(
    r"@pulumi\.getter(?:\(name=\"(?P<camel>\w+)\"\))?\s*\n\s*def (?P<snake>\w+)\(self\) -> (?P<annotation>[^\n]+):"
)
_OBJECT_TYPE = re.compile(r"'(\w+)Args'")
_CLASS = re.compile(r"^class (\w+)\b", re.M)
_ALIAS = re.compile(r'pulumi\.Alias\(type_="([^"]+)"\)')
_RESOURCE_MODULES = re.compile(r'resource_modules="""(.*?)"""', re.S)
MAX_DEPTH = 5
"""Deep enough for the blocks Checkov's checks read (WAFv2 rule statements to their fourth level); objects
nested deeper keep the SDK's camelCase keys in the export."""


@dataclass(frozen=True)
class SdkProperty:
    camel: str
    snake: str
    block: str | None
    object_class: str = ""


@dataclass
class Metadata:
    resources: Mapping[str, str]
    renamed_properties: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    max_items_one: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Metadata:
        renames = document.get("renames", {})
        aliasing = document.get("auto-aliasing", {}).get("resources", {})
        return cls(
            resources=renames.get("resources", {}),
            renamed_properties=renames.get("renamedProperties", {}),
            max_items_one={tf_type: entry.get("fields", {}) for tf_type, entry in aliasing.items()},
        )


@cache
def _class_sources(source_file: str) -> dict[str, str]:
    """Each top-level class's source in one SDK file (`inspect.getsource` re-parses the file per call)."""
    text = Path(source_file).read_text(encoding="utf-8")
    starts = [(match.start(), match[1]) for match in _CLASS.finditer(text)]
    ends = [start for start, _ in starts[1:]] + [len(text)]
    return {name: text[start:end] for (start, name), end in zip(starts, ends, strict=True)}


def sdk_properties(cls: type) -> list[SdkProperty]:
    """The getters of an SDK input/state class: Pulumi name, Python name, and block shape."""
    found = []
    for match in _GETTER.finditer(_class_sources(inspect.getfile(cls)).get(cls.__name__, "")):
        annotation = match["annotation"]
        object_type = _OBJECT_TYPE.search(annotation)
        block = None
        if object_type and "Mapping[" not in annotation:
            block = "list" if "Sequence[" in annotation else "one"
        found.append(SdkProperty(
            camel=match["camel"] or match["snake"],
            snake=match["snake"],
            block=block,
            object_class=f"{object_type[1]}Args" if object_type else "",
        ))
    return found


def _object_token(resource_token: str, object_class: str) -> str:
    module = resource_token.split(":")[1].split("/", maxsplit=1)[0]
    name = object_class.removesuffix("Args")
    return f"aws:{module}/{name}:{name}"


def _fields(
    module: ModuleType, cls: type, parent_token: str, resource_token: str, metadata: Metadata, *,
    max_items_one: Mapping[str, Any], depth: int = 0,
) -> dict[str, Any]:
    renamed = metadata.renamed_properties.get(parent_token, {})
    fields: dict[str, Any] = {}
    for prop in sdk_properties(cls):
        if prop.block:
            tf_name = renamed.get(prop.camel) or (singular(prop.snake) if prop.block == "list" else prop.snake)
        else:
            tf_name = renamed.get(prop.camel) or prop.snake
        entry: dict[str, Any] = {"name": tf_name}
        flags = max_items_one.get(tf_name, {})
        if prop.block:
            block = prop.block
            if "maxItemsOne" in flags:
                block = "one" if flags["maxItemsOne"] else "list"
            entry["block"] = block
            nested = getattr(module, prop.object_class, None)
            if nested is not None and depth < MAX_DEPTH:
                children = _fields(
                    module, nested, _object_token(resource_token, prop.object_class), resource_token, metadata,
                    max_items_one=flags.get("elem", {}).get("fields", {}), depth=depth + 1,
                )
                if children:
                    entry["fields"] = children
        if prop.block or tf_name != snake_case(prop.camel):
            fields[prop.camel] = entry
    return fields


@dataclass(frozen=True)
class SdkResource:
    token: str
    fqn: str
    class_name: str
    source_file: Path

    def declared_aliases(self) -> list[str]:
        """Tokens this class continues; read from its source, so choosing needs no import."""
        return _ALIAS.findall(self.source_file.read_text(encoding="utf-8")) if self.source_file.is_file() else []


def sdk_resources(sdk: ModuleType) -> list[SdkResource]:
    """Every resource token the SDK registers, with the file that defines its class."""
    root = Path(inspect.getfile(sdk)).parent
    found = []
    for block in _RESOURCE_MODULES.findall((root / "__init__.py").read_text(encoding="utf-8")):
        for module in json.loads(block):
            package_dir = root.joinpath(*module["fqn"].split(".")[1:])
            file_name = snake_case(module["mod"].rsplit("/", 1)[-1]) + ".py"
            for token, class_name in module["classes"].items():
                found.append(SdkResource(token, module["fqn"], class_name, package_dir / file_name))
    return sorted(found, key=lambda resource: resource.token)


def build_table(
    metadata: Metadata, terraform_types: Iterable[str], sdk: ModuleType, source: Mapping[str, Any],
    extra_tokens: Iterable[str] = (),
) -> dict[str, Any]:
    wanted = set(terraform_types)
    resources: dict[str, Any] = {}
    for sdk_resource in sdk_resources(sdk):
        token = sdk_resource.token
        # A v7 class that declares an alias continues the aliased resource: the alias target's type wins.
        tf_type = next(
            (metadata.resources[alias] for alias in sdk_resource.declared_aliases() if alias in metadata.resources),
            metadata.resources.get(token),
        )
        if tf_type is None or (tf_type not in wanted and token not in extra_tokens):
            continue
        module = importlib.import_module(sdk_resource.fqn)
        cls = getattr(module, sdk_resource.class_name)
        state = getattr(sys.modules[cls.__module__], f"_{sdk_resource.class_name}State")
        entry: dict[str, Any] = {"type": tf_type}
        fields = _fields(module, state, token, token, metadata, max_items_one=metadata.max_items_one.get(tf_type, {}))
        if fields:
            entry["fields"] = fields
        resources[token] = entry
    mapped = {entry["type"] for entry in resources.values()}
    return {
        "source": dict(source),
        "resources": resources,
        "unmappedTerraformTypes": sorted(wanted - mapped),
    }


def render_table(table: Mapping[str, Any]) -> str:
    """Compact JSON with one resource type a line, so a regeneration diffs by type."""
    lines = [f" {json.dumps(token)}: {json.dumps(entry, sort_keys=True, separators=(',', ':'))}"
             for token, entry in sorted(table["resources"].items())]
    head = {key: value for key, value in table.items() if key != "resources"}
    return (json.dumps(head, sort_keys=True, indent=1)[:-2] + ',\n "resources": {\n' + ",\n".join(lines) + "\n }\n}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--metadata", type=Path, required=True, help="bridge-metadata.json (or an excerpt of it)")
    parser.add_argument("--terraform-types", type=Path, required=True,
                        help="JSON list of the Terraform types to cover (e.g. every type Checkov checks)")
    parser.add_argument("--source-version", required=True, help="where the metadata came from (tag or commit)")
    parser.add_argument("--token", action="append", default=[], help="a token to include whatever its type")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name(TABLE_FILE))
    args = parser.parse_args(argv)
    raw = args.metadata.read_bytes()
    sdk = importlib.import_module("pulumi_aws")
    plugin = json.loads((Path(inspect.getfile(sdk)).parent / "pulumi-plugin.json").read_text())
    source = {
        "bridgeMetadata": args.source_version,
        "bridgeMetadataSha256": hashlib.sha256(raw).hexdigest(),
        "sdk": f"pulumi-aws {plugin['version']}",
        "terraformTypes": args.terraform_types.name,
    }
    table = build_table(Metadata.from_document(json.loads(raw)), json.loads(args.terraform_types.read_text()), sdk,
                        source, args.token)
    args.out.write_text(render_table(table), encoding="utf-8")
    print(f"{len(table['resources'])} resource types written to {args.out}; "
          f"{len(table['unmappedTerraformTypes'])} Terraform types without a token")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
