"""What installing a distribution pulls in, read from the installed metadata of this environment."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

LOCAL = ("secure-ecs-facts", "secure-ecs-components", "secure-ecs-policies", "secure-ecs")
"""This repository's distributions."""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(*names: str) -> set[str]:
    """`names` and every distribution their requirements reach (with the extras they ask for), canonically named."""
    seen: set[tuple[str, str]] = set()
    todo = [(canonical(n), "") for n in names]
    while todo:
        name, extra = todo.pop()
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        for line in metadata.distribution(name).requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": extra}):
                dependency = canonical(requirement.name)
                todo += [(dependency, "")] + [(dependency, e) for e in requirement.extras]
    return {name for name, _ in seen}


def megabytes(names: set[str]) -> float:
    """Size on disk of the installed files of `names` (editable ones count their sources' size)."""
    total = 0
    for name in names:
        for file in metadata.distribution(name).files or []:
            path = Path(str(file.locate()))
            if path.is_file():
                total += path.stat().st_size
    return total / 1e6


def top_level_entries(name: str) -> set[Path]:
    """The top-level files and folders (code and metadata) a non-editable install of `name` put on sys.path."""
    dist = metadata.distribution(name)
    entries = set()
    for file in dist.files or []:
        first = file.parts[0]
        if first.endswith(".data") or first in ("..", "__pycache__") or first.endswith(".pth"):
            continue
        entries.add(Path(str(dist.locate_file(first))))
    return entries
