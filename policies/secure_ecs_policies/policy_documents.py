"""Reading IAM policy documents (resource policies and identity policies) as the provider takes them.

A document arrives as a JSON string (or, from some programs, as an object). Each statement is
normalised so that the rules can ask plain questions: does it allow everyone, which actions does it
grant, does a condition narrow it down.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from secure_ecs_policies.properties import MISSING, is_sequence, is_unknown, items, lookup, plain, text

RESTRICTING_CONDITION_KEYS: Final = frozenset(
    {
        "aws:sourcevpce",
        "aws:sourcevpc",
        "aws:sourceip",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:sourceowner",
        "aws:userid",
        "aws:username",
    }
)
"""Condition keys that limit who can use a grant to a known network, organisation, account or caller."""

# Operators under which such a key narrows an Allow; a negated operator ("StringNotEquals") widens it.
RESTRICTING_OPERATORS: Final = frozenset(
    {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"}
)


@dataclass(frozen=True)
class Statement:
    effect: str
    principals: tuple[str, ...]
    """Every principal value (AWS, Service, Federated, CanonicalUser), "*" for Principal "*"."""
    not_principal: bool
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...]
    conditions: Mapping[str, Any]

    @property
    def allows(self) -> bool:
        return self.effect.lower() == "allow"

    @property
    def public(self) -> bool:
        """Allows anyone: Principal "*" (or {"AWS": "*"}), or NotPrincipal, which allows everyone else."""
        return self.allows and (self.not_principal or "*" in self.principals)

    @property
    def restricted(self) -> bool:
        """A condition narrows the grant to a known VPC endpoint, network, organisation or account."""
        for operator, clauses in self.conditions.items():
            base = operator.lower().split(":")[-1]
            if base.endswith("ifexists") or base not in RESTRICTING_OPERATORS or not isinstance(clauses, Mapping):
                continue
            for key, value in clauses.items():
                values = value if isinstance(value, list) else [value]
                if str(key).lower() in RESTRICTING_CONDITION_KEYS and values and "*" not in values:
                    return True
        return False

    def grants(self, *patterns: str) -> list[str]:
        """The granted actions that match any of ``patterns`` (IAM wildcards on both sides, case-insensitive)."""
        if self.not_action:
            return ["NotAction (everything else)"]
        wanted = [p.lower() for p in patterns]
        return [
            action
            for action in self.actions
            if any(fnmatch.fnmatchcase(p, action.lower()) or fnmatch.fnmatchcase(action.lower(), p) for p in wanted)
        ]


@dataclass(frozen=True)
class Document:
    statements: tuple[Statement, ...] = ()
    unknown: bool = False
    """The document (or a part that decides the verdict) is computed during the deployment."""
    error: str = ""
    present: bool = True


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(v for v in (text(item) for item in items(value)) if v is not None)


def _principals(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Mapping):
        return tuple(p for kind in value for p in _strings(lookup(value, kind)))
    return ()


def _statement(raw: Mapping[str, Any]) -> Statement:
    principal_key = "NotPrincipal" if "NotPrincipal" in raw else "Principal"
    action_key = "NotAction" if "NotAction" in raw else "Action"
    conditions = raw.get("Condition")
    return Statement(
        effect=text(raw.get("Effect")) or "",
        principals=_principals(raw.get(principal_key)),
        not_principal=principal_key == "NotPrincipal",
        actions=_strings(raw.get(action_key)),
        not_action=action_key == "NotAction",
        resources=_strings(raw.get("Resource", raw.get("NotResource"))),
        conditions=conditions if isinstance(conditions, Mapping) else {},
    )


def _contains_unknown(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(_contains_unknown(v) for v in value.values())
    if is_sequence(value):
        return any(_contains_unknown(v) for v in value)
    return False


def read_document(value: Any) -> Document:
    if value is MISSING or value is None or value == "":
        return Document(present=False)
    if is_unknown(value):
        return Document(unknown=True)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError) as problem:
            return Document(error=f"the policy is not valid JSON ({problem})")
    if not isinstance(value, Mapping):
        return Document(error="the policy is not a JSON object")
    value = plain(value)
    raw_statements = value.get("Statement")
    listed = [raw_statements] if isinstance(raw_statements, Mapping) else list(items(raw_statements))
    return Document(
        statements=tuple(_statement(s) for s in listed if isinstance(s, Mapping)),
        unknown=_contains_unknown(value),
    )


@dataclass(frozen=True)
class Grant:
    """One statement's verdict, for messages."""

    index: int
    actions: list[str] = field(default_factory=list)


def public_grants(document: Document, *patterns: str) -> list[Grant]:
    """Statements that allow everyone, unconditionally, any action matching ``patterns``."""
    found: list[Grant] = []
    for index, statement in enumerate(document.statements):
        if statement.public and not statement.restricted and (actions := statement.grants(*patterns)):
            found.append(Grant(index, actions))
    return found


def administrator_statements(document: Document) -> list[int]:
    """Statements allowing every action on every resource ("*" on "*"); a condition does not make it less so."""
    return [
        index
        for index, s in enumerate(document.statements)
        if s.allows and not s.not_action and "*" in s.resources and any(a in {"*", "*:*"} for a in s.actions)
    ]
