"""Construction-time check that a component's name leaves room for its children's auto-names."""

from __future__ import annotations

from collections.abc import Mapping

from secure_ecs_components.errors import ComponentArgumentError
from secure_ecs_facts.name_limits import longest_logical_name


def require_auto_name_room(component: str, name: str, children: Mapping[str, str]) -> None:
    """`children` maps each auto-named child's name suffix to its type token.

    The provider names such a child `<name><suffix>-<7 random characters>`; AWS refuses it at
    `pulumi up` when that exceeds the type's limit, which the mock engine never shows.
    """
    for suffix, type_token in children.items():
        longest = longest_logical_name(type_token, suffix)
        if longest is not None and len(name) > longest:
            raise ComponentArgumentError(
                component,
                "name",
                name,
                f"use at most {longest} characters: the {type_token.rsplit(':', 1)[-1]} '{name}{suffix}' "
                "gets a random 8-character suffix and AWS limits that name's length",
                instance=name,
            )
