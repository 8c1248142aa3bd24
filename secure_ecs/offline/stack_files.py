"""Read a Pulumi project's `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the CLI does."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class StackFileError(Exception):
    """A project or stack file is missing or malformed."""


@dataclass(frozen=True)
class StackSettings:
    project: str
    stack: str
    config: dict[str, str]
    """Fully qualified keys (``ns:key``) to the string form the engine passes programs."""
    secret_keys: tuple[str, ...] = ()
    preview: bool = False
    """Run as `pulumi preview` (computed values unknown) rather than `pulumi up`."""


class _Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 booleans, as the Pulumi CLI reads stack files: `yes`, `on`, `no` stay strings."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12Loader)
    except FileNotFoundError:
        raise StackFileError(f"{path} does not exist") from None
    except OSError as exc:
        raise StackFileError(f"{path} cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise StackFileError(f"{path} is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise StackFileError(f"{path} is not valid YAML: {exc}") from None


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
    return f"[offline placeholder for secret {key}]"


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
    return StackSettings(project=project, stack=stack, config=config, secret_keys=tuple(secret_keys))
