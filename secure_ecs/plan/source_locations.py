"""Remember which line of the program declared each resource, for reports that point at code.

While a program runs, `pulumi.Resource.__init__` is wrapped so that every construction records
the innermost calling frame that lies inside the program's folder (and outside any virtualenv).
For a resource built inside a component that is the component's line, which is where a fix goes.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pulumi.resource

from secure_ecs.offline.graph import ResourceGraph
from secure_ecs.plan.model import SourceLocation

_INSTALLED_CODE = ("site-packages", "dist-packages")
# This tool's own frames (the recorder, the harness) sit inside the program folder when the
# program is this repository; they are never the declaration.
_TOOL_PACKAGE = Path(__file__).resolve().parents[1]


def is_program_file(filename: str, program_dir: Path) -> bool:
    """A file of the program itself: inside its folder, not installed code, not this tool."""
    path = Path(filename)
    return (
        path.is_relative_to(program_dir)
        and not path.is_relative_to(_TOOL_PACKAGE)
        and not any(marker in path.parts for marker in _INSTALLED_CODE)
    )


class DeclarationRecorder:
    """Collects (type, name) -> declaring lines while active; resolves them to URNs afterwards."""

    def __init__(self, program_dir: Path) -> None:
        self.program_dir = program_dir.resolve()
        self._declared: dict[tuple[str, str], list[SourceLocation]] = defaultdict(list)

    def _declaring_frame(self) -> SourceLocation | None:
        frame = sys._getframe(2)
        while frame is not None:
            if is_program_file(frame.f_code.co_filename, self.program_dir):
                return SourceLocation(Path(frame.f_code.co_filename), frame.f_lineno)
            frame = frame.f_back  # type: ignore[assignment]
        return None

    def record(self, type_token: str, name: str) -> None:
        location = self._declaring_frame()
        if location is not None:
            self._declared[(type_token, name)].append(location)

    @contextmanager
    def recording(self) -> Iterator[DeclarationRecorder]:
        original = pulumi.resource.Resource.__init__
        recorder = self

        def recording_init(resource: Any, t: str, name: str, *args: Any, **kwargs: Any) -> None:
            recorder.record(t, name)
            original(resource, t, name, *args, **kwargs)

        pulumi.resource.Resource.__init__ = recording_init  # type: ignore[method-assign,assignment]
        try:
            yield self
        finally:
            pulumi.resource.Resource.__init__ = original  # type: ignore[method-assign]

    def locations(self, graph: ResourceGraph) -> dict[str, SourceLocation]:
        """URN -> location, matching resources to declarations by type and name in order."""
        remaining = {key: list(locations) for key, locations in self._declared.items()}
        located: dict[str, SourceLocation] = {}
        for resource in graph:
            candidates = remaining.get((resource.type, resource.name))
            if candidates:
                located[resource.urn] = candidates.pop(0)
        return located
