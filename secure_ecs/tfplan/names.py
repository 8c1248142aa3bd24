"""Property-name conversions shared by the table generator and the export."""

from __future__ import annotations

import re

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake_case(camel: str) -> str:
    """The Terraform name the bridge derives a Pulumi camelCase name from when it records no rename."""
    return _CAMEL_BOUNDARY.sub("_", camel).lower()


def singular(plural_snake: str) -> str:
    """Undo the bridge's pluralisation of a repeated block's last word (`default_actions` -> `default_action`)."""
    head, _, last = plural_snake.rpartition("_")
    if last.endswith("ies") and len(last) > 3:
        last = last[:-3] + "y"
    elif last.endswith(("sses", "xes", "ches", "shes")):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return f"{head}_{last}" if head else last
