"""plan.sarif: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run whose rules are every policy of every pack (id ``<pack>/<policy>``), with help text from
the policy's remediation and GitHub's ``security-severity`` from its severity. Each violation
points at the line that declared the resource (or the program's entry file) and names the
resource's URN as its logical location.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from secure_ecs.analyzer import Diagnostic, PolicyDescriptor
from secure_ecs.plan.model import PlanResult, tool_version
from secure_ecs.plan.visibility import opaque_components
from secure_ecs.tfplan.report import sarif_run

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SOURCE_ROOT = "SRCROOT"

# GitHub buckets security-severity as critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low < 4.0.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}

LEVELS = {"mandatory": "error", "remediate": "error", "advisory": "warning", "disabled": "none"}


def rule_id(pack: str, policy: str) -> str:
    return f"{pack}/{policy}"


def _rule(pack: str, policy: PolicyDescriptor, level: str) -> dict[str, Any]:
    help_text = policy.remediation or policy.description
    fix = policy.remediation or "see the policy description."
    markdown = f"**{policy.name}**: {policy.description}\n\n**Fix:** {fix}"
    if policy.controls:
        markdown += f"\n\n**Controls:** {', '.join(policy.controls)}"
    properties: dict[str, Any] = {
        "tags": ["security", "pulumi", "crossguard", *policy.controls],
        "precision": "very-high",
    }
    if policy.severity in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[policy.severity]
    return {
        "id": rule_id(pack, policy.name),
        "name": policy.name,
        "shortDescription": {"text": policy.description.split(" [")[0] or policy.name},
        "fullDescription": {"text": policy.description or policy.name},
        "help": {"text": help_text or policy.name, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS.get(level, "warning")},
        "properties": properties,
    }


def _location(result: PlanResult, diagnostic: Diagnostic) -> dict[str, Any]:
    location = result.locations.get(diagnostic.urn)
    path, line = (location.path, location.line) if location else (result.program_file(), 1)
    physical = {
        "artifactLocation": {"uri": result.relative_path(path), "uriBaseId": SOURCE_ROOT},
        "region": {"startLine": max(line, 1)},
    }
    sarif_location: dict[str, Any] = {"physicalLocation": physical}
    if diagnostic.urn:
        name = diagnostic.urn.split("::")[-1]
        sarif_location["logicalLocations"] = [{"name": name, "fullyQualifiedName": diagnostic.urn, "kind": "resource"}]
    return sarif_location


def _result(result: PlanResult, diagnostic: Diagnostic, rule_index: dict[str, int]) -> dict[str, Any]:
    identifier = rule_id(diagnostic.pack_name, diagnostic.policy_name)
    message = diagnostic.message.strip() or diagnostic.description
    if diagnostic.urn:
        message += f" (resource: {diagnostic.urn.split('::')[-1]}, {diagnostic.urn.split('::')[2].split('$')[-1]})"
    sarif_result: dict[str, Any] = {
        "ruleId": identifier,
        "level": LEVELS.get(diagnostic.enforcement_level, "warning"),
        "message": {"text": message},
        "locations": [_location(result, diagnostic)],
        # Stable across commits that move code: the policy and the resource identify the finding.
        "partialFingerprints": {
            "secureEcsFinding/v1": hashlib.sha256(f"{identifier}|{diagnostic.urn}".encode()).hexdigest()
        },
        "properties": {"enforcementLevel": diagnostic.enforcement_level, "urn": diagnostic.urn},
    }
    if identifier in rule_index:
        sarif_result["ruleIndex"] = rule_index[identifier]
    return sarif_result


def _notification(result: PlanResult, identifier: str, text: str, urn: str = "") -> dict[str, Any]:
    location = result.locations.get(urn)
    path, line = (location.path, location.line) if location else (result.program_file(), 1)
    notification: dict[str, Any] = {
        "descriptor": {"id": identifier},
        "level": "warning",
        "message": {"text": text},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": result.relative_path(path),
                                                                 "uriBaseId": SOURCE_ROOT},
                                            "region": {"startLine": max(line, 1)}}}],
    }
    if urn:
        notification["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": urn, "kind": "resource"}]
    return notification


def _notifications(result: PlanResult) -> list[dict[str, Any]]:
    """What the plan could not see: code scanning shows these beside the results, never as a pass."""
    notes = [
        _notification(result, "secure-ecs/opaque-component",
                      f"{c.name} ({c.type}) is a remote component: {c.unchecked}.", c.urn)
        for c in opaque_components(result)
    ]
    notes += [
        _notification(result, "secure-ecs/placeholder-data-source",
                      f"data source {a.token}: {a.reason}; answered with a placeholder, "
                      "values built from it are not real.")
        for a in result.graph.placeholder_answers
    ]
    return notes


def sarif_document(result: PlanResult) -> dict[str, Any]:
    # A pack given twice (e.g. with two configs) would repeat its rules; SARIF wants each id once.
    rules_by_id: dict[str, dict[str, Any]] = {}
    for pack in result.packs:
        for policy in pack.info.policies:
            level = pack.enforcement.get(policy.name, policy.enforcement_level)
            rules_by_id.setdefault(rule_id(pack.info.name, policy.name), _rule(pack.info.name, policy, level))
    rules = list(rules_by_id.values())
    rule_index = {rule["id"]: position for position, rule in enumerate(rules)}
    root = (result.source_root or result.program_dir).resolve()
    scanner_run = sarif_run(result, SOURCE_ROOT, root.as_uri() + "/")
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "secure-ecs",
                        "version": tool_version(),
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"secure-ecs-plan/{result.graph.stack}/"},
                "originalUriBaseIds": {SOURCE_ROOT: {"uri": root.as_uri() + "/"}},
                "results": [_result(result, d, rule_index) for d in result.diagnostics],
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": _notifications(result)}],
                "properties": {"project": result.graph.project, "stack": result.graph.stack},
            },
            *([scanner_run] if scanner_run else []),
        ],
    }


def sarif_json(result: PlanResult) -> str:
    return json.dumps(sarif_document(result), indent=2) + "\n"
