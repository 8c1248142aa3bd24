"""plan.json: the plan as data, in the stable shape documented by `plan-report.schema.json`.

`schemaVersion` follows semantic versioning: fields are only added within a major version; a
removed or retyped field bumps the major version.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from secure_ecs.analyzer import Diagnostic
from secure_ecs.analyzer.convert import plain
from secure_ecs.cost import load_schema as load_cost_schema
from secure_ecs.cost import to_json
from secure_ecs.offline.graph import CapturedResource
from secure_ecs.plan.graph_views import is_component, owning_component
from secure_ecs.plan.model import PlanResult, tool_version
from secure_ecs.plan.visibility import opaque_components
from secure_ecs.tfplan.report import terraform_plan_json

SCHEMA_VERSION = "1.3.0"
SCHEMA_FILE = "plan-report.schema.json"


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every plan.json validates against, the cost schema embedded."""
    text = resources.files("secure_ecs.plan").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema = dict(json.loads(text))
    schema.setdefault("$defs", {})["costReport"] = load_cost_schema()
    return schema


def _kind(resource: CapturedResource) -> str:
    if resource.is_provider:
        return "provider"
    return "component" if is_component(resource) else "custom"


def _resource(result: PlanResult, resource: CapturedResource, index: dict[str, CapturedResource]) -> dict[str, Any]:
    owner = owning_component(resource, index)
    return {
        "urn": resource.urn,
        "type": resource.type,
        "name": resource.name,
        "kind": _kind(resource),
        "parent": resource.parent,
        "component": owner.urn if owner else None,
        "id": resource.id or None,
        "dependencies": list(resource.dependencies),
        "propertyDependencies": {k: list(v) for k, v in resource.property_dependencies.items()},
        "inputs": plain(dict(resource.inputs)),
        "source": result.source_of(resource.urn),
    }


def _violation(result: PlanResult, diagnostic: Diagnostic, index: dict[str, CapturedResource]) -> dict[str, Any]:
    resource = index.get(diagnostic.urn)
    return {
        "pack": diagnostic.pack_name,
        "packVersion": diagnostic.pack_version,
        "policy": diagnostic.policy_name,
        "enforcementLevel": diagnostic.enforcement_level,
        "mandatory": diagnostic.is_mandatory,
        "severity": diagnostic.severity or None,
        "controls": list(diagnostic.controls),
        "message": diagnostic.message,
        "description": diagnostic.description,
        "remediation": diagnostic.remediation or None,
        "urn": diagnostic.urn or None,
        "resourceType": resource.type if resource else None,
        "resourceName": resource.name if resource else None,
        "source": result.source_of(diagnostic.urn),
    }


def _packs(result: PlanResult) -> list[dict[str, Any]]:
    return [
        {
            "name": pack.info.name,
            "version": pack.info.version,
            "directory": result.relative_path(pack.directory),
            "configFile": result.relative_path(pack.config_file) if pack.config_file else None,
            "configSource": "file" if pack.config_file else "packDefaults",
            "policies": [
                {
                    "name": policy.name,
                    "description": policy.description,
                    "type": policy.policy_type or None,
                    # As configured for this run; the pack's own default when the config left it alone.
                    "enforcementLevel": pack.enforcement.get(policy.name, policy.enforcement_level),
                    "severity": policy.severity or None,
                    "controls": list(policy.controls),
                    "remediation": policy.remediation or None,
                }
                for policy in pack.info.policies
            ],
        }
        for pack in result.packs
    ]


def plan_document(result: PlanResult) -> dict[str, Any]:
    graph = result.graph
    index = {r.urn: r for r in graph}
    diagnostics = result.diagnostics
    mandatory = sum(1 for d in diagnostics if d.is_mandatory)
    by_severity: dict[str, int] = {}
    for diagnostic in diagnostics:
        key = diagnostic.severity or "unrated"
        by_severity[key] = by_severity.get(key, 0) + 1
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": "secure-ecs", "version": tool_version()},
        "project": graph.project,
        "stack": graph.stack,
        "program": result.relative_path(result.program_dir) or ".",
        "summary": {
            "passed": mandatory == 0,
            "exitCode": result.exit_code,
            "resources": sum(1 for r in graph if r.is_infrastructure),
            "components": sum(1 for r in graph if is_component(r)),
            "violations": len(diagnostics),
            "mandatoryViolations": mandatory,
            "advisoryViolations": len(diagnostics) - mandatory,
            "bySeverity": by_severity,
            "durationSeconds": round(result.duration_seconds, 3),
        },
        "packs": _packs(result),
        "resources": [_resource(result, r, index) for r in graph],
        "violations": [_violation(result, d, index) for d in diagnostics],
        "stackOutputs": plain(dict(graph.stack_outputs)),
        "opaqueComponents": [
            {"urn": c.urn, "type": c.type, "name": c.name, "checkedFromInputs": list(c.checked_from_inputs),
             "unchecked": c.unchecked}
            for c in opaque_components(result)
        ],
        "placeholderAnswers": [{"dataSource": a.token, "reason": a.reason} for a in graph.placeholder_answers],
        "cost": to_json(result.cost) if result.cost else {"unavailable": result.cost_unavailable},
        "terraformPlan": terraform_plan_json(result),
    }


def plan_json(result: PlanResult) -> str:
    return json.dumps(plan_document(result), indent=2, sort_keys=False) + "\n"
