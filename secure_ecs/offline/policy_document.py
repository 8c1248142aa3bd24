"""`aws.iam.get_policy_document` rendered locally, the way the AWS provider renders it.

The provider computes this data source without calling AWS, so the offline answer can be exact:
single-item lists collapse to a string, list items are sorted in reverse order, statements from
source documents come first and statements with the same ``Sid`` in override documents win.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

_DEFAULT_VERSION = "2012-10-17"


def _string_or_list(values: Iterable[str]) -> str | list[str]:
    ordered = sorted(set(values), reverse=True)
    return ordered[0] if len(ordered) == 1 else ordered


def _principals(blocks: Iterable[Mapping[str, Any]]) -> str | dict[str, Any]:
    by_type: dict[str, list[str]] = {}
    for block in blocks:
        by_type.setdefault(str(block.get("type", "")), []).extend(str(i) for i in block.get("identifiers") or [])
    if set(by_type) == {"*"} and by_type["*"] == ["*"]:
        return "*"
    return {kind: _string_or_list(identifiers) for kind, identifiers in by_type.items()}


def _conditions(blocks: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    rendered: dict[str, dict[str, Any]] = {}
    for block in blocks:
        values = [str(v) for v in block.get("values") or []]
        test = rendered.setdefault(str(block["test"]), {})
        existing = test.get(str(block["variable"]))
        if existing is not None:
            values = ([existing] if isinstance(existing, str) else list(existing)) + values
        test[str(block["variable"])] = values[0] if len(values) == 1 else values
    return rendered


def _statement(arguments: Mapping[str, Any]) -> dict[str, Any]:
    statement: dict[str, Any] = {}
    if arguments.get("sid"):
        statement["Sid"] = arguments["sid"]
    statement["Effect"] = arguments.get("effect") or "Allow"
    for argument, key in (("actions", "Action"), ("notActions", "NotAction"),
                          ("resources", "Resource"), ("notResources", "NotResource")):
        if arguments.get(argument):
            statement[key] = _string_or_list(arguments[argument])
    if arguments.get("principals"):
        statement["Principal"] = _principals(arguments["principals"])
    if arguments.get("notPrincipals"):
        statement["NotPrincipal"] = _principals(arguments["notPrincipals"])
    if arguments.get("conditions"):
        statement["Condition"] = _conditions(arguments["conditions"])
    return statement


def _merge_by_sid(base: list[dict[str, Any]], replacements: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    merged = list(base)
    for statement in replacements:
        sid = statement.get("Sid")
        positions = [i for i, existing in enumerate(merged) if sid and existing.get("Sid") == sid]
        if positions:
            merged[positions[0]] = statement
        else:
            merged.append(statement)
    return merged


def _statements_of(documents: Iterable[str]) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for text in documents:
        listed = json.loads(text).get("Statement") or []
        statements.extend([listed] if isinstance(listed, dict) else listed)
    return statements


def render_policy_document(args: Mapping[str, Any]) -> dict[str, Any]:
    """The data source's result (``json``, ``minifiedJson``, ``id``) for its invoke arguments."""
    sources = list(args.get("sourcePolicyDocuments") or [])
    if args.get("sourceJson"):
        sources.insert(0, args["sourceJson"])
    overrides = list(args.get("overridePolicyDocuments") or [])
    if args.get("overrideJson"):
        overrides.append(args["overrideJson"])

    own = [_statement(s) for s in args.get("statements") or []]
    statements = _merge_by_sid(_statements_of(sources), own)
    statements = _merge_by_sid(statements, _statements_of(overrides))

    document: dict[str, Any] = {"Version": args.get("version") or _DEFAULT_VERSION}
    if args.get("policyId"):
        document["Id"] = args["policyId"]
    document["Statement"] = statements
    pretty = json.dumps(document, indent=2)
    minified = json.dumps(document, separators=(",", ":"))
    return {
        **args,
        "json": pretty,
        "minifiedJson": minified,
        "id": hashlib.sha256(minified.encode()).hexdigest()[:10],
    }
