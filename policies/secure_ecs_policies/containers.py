"""Reading an ECS task definition's ``containerDefinitions``, which the provider takes as a JSON string."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from secure_ecs_policies.properties import MISSING, is_sequence, is_unknown, items, lookup, text


@dataclass(frozen=True)
class ContainerDefinitions:
    containers: list[Mapping[str, Any]] = field(default_factory=list)
    unknown: bool = False
    """The definitions are computed during the deployment and cannot be judged now."""
    error: str = ""
    """Why the definitions could not be read, when they are present but malformed."""


def read_containers(props: Any) -> ContainerDefinitions:
    raw = lookup(props, "containerDefinitions")
    if is_unknown(raw):
        return ContainerDefinitions(unknown=True)
    if raw is MISSING or raw is None:
        return ContainerDefinitions(error="containerDefinitions is not set")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError) as problem:
            return ContainerDefinitions(error=f"containerDefinitions is not valid JSON ({problem})")
    if not is_sequence(raw):
        return ContainerDefinitions(error="containerDefinitions is not a JSON array")
    elements = items(raw)
    return ContainerDefinitions(
        containers=[c for c in elements if isinstance(c, Mapping)],
        unknown=any(is_unknown(c) for c in elements),
    )

def container_name(container: Mapping[str, Any], index: int) -> str:
    return text(lookup(container, "name")) or f"#{index}"


SECRET_VALUE = re.compile(r"(AKIA|ASIA)[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----")
"""AWS access key ids and PEM private keys, whatever the variable is called."""
