"""Property-name conversions shared by the table generator and the export."""

from __future__ import annotations

import re

import inflection

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake_case(camel: str) -> str:
    """The Terraform name the bridge derives a Pulumi camelCase name from when it records no rename."""
    return _CAMEL_BOUNDARY.sub("_", camel).lower()


def singular(plural_snake: str) -> str:
    """Undo the bridge's pluralisation of a repeated block's last word (`default_actions` -> `default_action`).

    The bridge pluralises with an English inflector (`alias` -> `aliases`), so the inverse is one too;
    only for words in s, the plurals it makes (`metadata` stays, where the inflector knows `datum`).
    """
    head, _, last = plural_snake.rpartition("_")
    if last.endswith("s"):
        last = inflection.singularize(last)
    return f"{head}_{last}" if head else last
