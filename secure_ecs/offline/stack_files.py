"""Read a Pulumi project's `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the CLI does."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from secure_ecs.offline.emulated_aws import bundled_botocore_data
from secure_ecs.secret_values import OFFLINE_SECRET_PREFIX


class StackFileError(Exception):
    """A project or stack file is missing or malformed."""


class MissingStackFileError(StackFileError):
    """The project or stack file is not there (as opposed to there but unreadable or invalid)."""


@dataclass(frozen=True)
class StackSettings:
    project: str
    stack: str
    config: dict[str, str]
    """Fully qualified keys (``ns:key``) to the string form the engine passes programs."""
    secret_keys: tuple[str, ...] = ()
    preview: bool = False
    """Run as `pulumi preview` (computed values unknown) rather than `pulumi up`."""
    strict_invokes: bool = False
    """Stop at a data source the emulated account cannot answer, instead of answering with a placeholder."""
    stack_reference_outputs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Outputs of other stacks, by stack name, for `pulumi.StackReference`; unknown for stacks not listed."""


# A stack file is a few kilobytes; these bounds stop a small file of nested YAML aliases from
# expanding into gigabytes (every alias is a reference; the expansion happens when it is used).
MAX_FILE_BYTES = 1_000_000
MAX_VALUES = 100_000


class _DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key: object, first_line: int, second_line: int) -> None:
        super().__init__(f"the key {key!r} appears twice, on lines {first_line} and {second_line}")


class _Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 booleans, as the Pulumi CLI reads stack files: `yes`, `on`, `no` stay strings.

    A key given twice in one mapping is an error, as in the CLI's YAML parser (PyYAML would keep
    the last value silently); keys merged in with `<<:` may still be overridden.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        lines: dict[object, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if isinstance(key, str | int | float | bool) and key in lines:
                raise _DuplicateKeyError(key, lines[key], line)
            if isinstance(key, str | int | float | bool):
                lines[key] = line
        return super().construct_mapping(node, deep=deep)


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _load_yaml(path: Path) -> Any:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise StackFileError(f"{path} is larger than {MAX_FILE_BYTES:,} bytes; a stack file holds settings")
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12Loader)
    except FileNotFoundError:
        raise MissingStackFileError(f"{path} does not exist") from None
    except OSError as exc:
        raise StackFileError(f"{path} cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise StackFileError(f"{path} is not UTF-8 text") from None
    except _DuplicateKeyError as exc:
        raise StackFileError(f"{path}: {exc}; keep one of them") from None
    except yaml.YAMLError as exc:
        raise StackFileError(f"{path} is not valid YAML: {exc}") from None
    if _expanded_size(document) > MAX_VALUES:
        raise StackFileError(
            f"{path} expands to more than {MAX_VALUES:,} values (YAML aliases that refer to aliases); "
            "write the settings out instead"
        )
    return document


def _expanded_size(document: Any) -> int:
    """How many values the document holds once every alias is expanded (counting stops past the bound)."""
    count, pending = 0, [document]
    while pending and count <= MAX_VALUES:
        value = pending.pop()
        count += 1
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return count


def _project_document(project_dir: Path) -> dict[str, Any]:
    document = _load_yaml(project_dir / "Pulumi.yaml")
    if not isinstance(document, dict) or not isinstance(document.get("name"), str):
        raise StackFileError(f"{project_dir / 'Pulumi.yaml'} has no project `name`")
    return document


def read_project_name(project_dir: Path) -> str:
    return str(_project_document(project_dir)["name"])


def read_program_location(project_dir: Path) -> tuple[str, Path]:
    """The project's runtime name and the folder its program lives in (`main:` or the project)."""
    document = _project_document(project_dir)
    runtime = document.get("runtime")
    runtime_name = str(runtime.get("name") if isinstance(runtime, dict) else runtime)
    main = document.get("main")
    return runtime_name, (project_dir / main).resolve() if isinstance(main, str) and main else project_dir


def _engine_string(value: Any) -> str:
    """Structured values reach programs as JSON; scalars as their YAML text."""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _secret_placeholder(key: str) -> str:
    return f"{OFFLINE_SECRET_PREFIX}{key}]"


def _resolve(key: str, value: Any, secret_keys: list[str]) -> Any:
    """Replace `{secure: ...}` values (encrypted for a backend we do not have) with placeholders."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            secret_keys.append(key)
            return _secret_placeholder(key)
        return {k: _resolve(key, v, secret_keys) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(key, v, secret_keys) for v in value]
    return value


def read_stack_settings(project_dir: Path, stack: str) -> StackSettings:
    """Config of one stack, with bare keys qualified by the project name as the CLI does."""
    project = read_project_name(project_dir)
    stack_file = project_dir / f"Pulumi.{stack}.yaml"
    document = _load_yaml(stack_file) or {}
    if not isinstance(document, dict):
        raise StackFileError(f"{stack_file} must be a mapping with a `config:` key")
    raw_config = document.get("config") or {}
    if not isinstance(raw_config, dict):
        raise StackFileError(f"`config` in {stack_file} must be a mapping of keys to values")
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in raw_config.items():
        qualified = key if ":" in str(key) else f"{project}:{key}"
        config[qualified] = _engine_string(_resolve(qualified, value, secret_keys))
    region = config.get(REGION_KEY)
    if region is not None and REGION_KEY not in secret_keys and not is_region_name(region):
        raise StackFileError(f"aws:region {region!r} in {stack_file} is not an AWS region name such as us-east-1 or "
                             "eu-west-1; correct it")
    return StackSettings(project=project, stack=stack, config=config, secret_keys=tuple(secret_keys))


REGION_KEY = "aws:region"


@functools.cache
def _region_patterns() -> tuple[re.Pattern[str], ...]:
    """Each AWS partition's region-name pattern, from botocore's endpoint data (new regions included)."""
    endpoints = bundled_botocore_data("endpoints")
    return tuple(re.compile(partition["regionRegex"]) for partition in endpoints["partitions"])


def is_region_name(name: str) -> bool:
    return any(pattern.fullmatch(name) for pattern in _region_patterns())


def read_stack_outputs(path: Path) -> dict[str, dict[str, Any]]:
    """A JSON object of stack name -> that stack's outputs (e.g. `pulumi stack output --json` per stack)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StackFileError(f"--stack-outputs {path} cannot be read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise StackFileError(f"--stack-outputs {path} is not JSON: {exc}") from None
    if not isinstance(document, dict) or not all(isinstance(v, dict) for v in document.values()):
        raise StackFileError(f"--stack-outputs {path} must be a JSON object of stack names (org/project/stack) "
                             "to objects of outputs")
    return {str(stack): dict(outputs) for stack, outputs in document.items()}
