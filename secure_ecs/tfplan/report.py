"""plan.tfplan.json, and the export's and the scanner's part of the summary, plan.json and SARIF."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from rich.console import RenderableType
from rich.rule import Rule
from rich.text import Text

from secure_ecs.plan.model import PlanResult
from secure_ecs.tfplan.checkov import ScannerFinding
from secure_ecs.tfplan.export import TerraformPlan, export_plan

TFPLAN_FILE = "plan.tfplan.json"


def tfplan_json(plan: TerraformPlan) -> str:
    return json.dumps(plan.document, indent=1) + "\n"


def plan_of(result: PlanResult) -> TerraformPlan:
    """The plan's Terraform export (made here for a result built without one)."""
    return result.terraform_plan or export_plan(result.graph)


def _finding(result: PlanResult, finding: ScannerFinding) -> dict[str, Any]:
    return {"checkId": finding.check_id, "checkName": finding.check_name, "address": finding.address,
            "urn": finding.urn, "guideline": finding.guideline or None, "source": result.source_of(finding.urn)}


def terraform_plan_json(result: PlanResult) -> dict[str, Any]:
    """plan.json's `terraformPlan`: what the export left out or could not know, and the scanner's verdicts."""
    plan = plan_of(result)
    scanner = result.scanner
    return {
        "file": TFPLAN_FILE,
        "resources": len(plan.addresses),
        "unmappedResources": [{"urn": urn, "type": token} for urn, token in plan.unmapped],
        "unknownAttributes": [{"address": u.address, "urn": u.urn, "path": u.path} for u in plan.unknown],
        "scanner": None if scanner is None else {
            "tool": scanner.tool,
            "version": scanner.version,
            "gate": result.scanner_gate,
            "passed": len(scanner.passed),
            "failed": [_finding(result, finding) for finding in scanner.failed],
            "parsingErrors": list(scanner.parsing_errors),
        },
    }


def summary_section(result: PlanResult) -> list[RenderableType]:
    """The scanner's failed checks beside what it could not judge (unknown values, unmapped types)."""
    plan = plan_of(result)
    scanner = result.scanner
    if scanner is None and not plan.unmapped:
        return []
    title = f"{scanner.tool} {scanner.version} on {TFPLAN_FILE}" if scanner else TFPLAN_FILE
    lines: list[RenderableType] = [Rule(title)]
    if scanner is not None:
        counted = "count toward the exit status" if result.scanner_gate else "are reported only (--scanner-gate)"
        lines.append(Text(f"{len(scanner.passed)} checks passed, {len(scanner.failed)} failed; failures {counted}."))
        if scanner.parsing_errors:
            lines.append(Text(f"{scanner.tool} could not read the plan: {'; '.join(scanner.parsing_errors)}",
                              style="bold red"))
        for finding in sorted(scanner.failed, key=lambda f: (f.check_id, f.address)):
            location = result.locations.get(finding.urn)
            where = f" at {result.relative_path(location.path)}:{location.line}" if location else ""
            lines.append(Text.assemble((finding.check_id, "bold"), f"  {finding.address}{where}\n    "
                                       f"{finding.check_name}"))
        if plan.unknown:
            shown = ", ".join(f"{u.address}.{u.path}" for u in plan.unknown[:20])
            more = f" and {len(plan.unknown) - 20} more" if len(plan.unknown) > 20 else ""
            lines.append(Text(f"{len(plan.unknown)} attribute(s) unknown until deploy, so the scanner passed or "
                              f"skipped its checks on them without saying so: {shown}{more}. Plan without "
                              "--preview to scan known values."))
    for urn, token in plan.unmapped:
        lines.append(Text(f"not exported (no Terraform type known for {token}): {urn}"))
    return lines


def sarif_run(result: PlanResult, source_root: str, root_uri: str) -> dict[str, Any] | None:
    """A SARIF run of the scanner's failed checks, located by the program's source map."""
    scanner = result.scanner
    if scanner is None:
        return None
    level = "error" if result.scanner_gate else "warning"
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for finding in scanner.failed:
        rule: dict[str, Any] = {"id": finding.check_id, "name": finding.check_id,
                                "shortDescription": {"text": finding.check_name or finding.check_id}}
        if finding.guideline.startswith("http"):
            rule["helpUri"] = finding.guideline
        rules.setdefault(finding.check_id, rule)
        location = result.locations.get(finding.urn)
        path, line = (location.path, location.line) if location else (result.program_file(), 1)
        results.append({
            "ruleId": finding.check_id,
            "level": level,
            "message": {"text": f"{finding.check_name} (resource: {finding.address}, {finding.urn})"},
            "locations": [{
                "physicalLocation": {"artifactLocation": {"uri": result.relative_path(path), "uriBaseId": source_root},
                                     "region": {"startLine": max(line, 1)}},
                "logicalLocations": [{"name": finding.address, "fullyQualifiedName": finding.urn,
                                      "kind": "resource"}],
            }],
            "partialFingerprints": {
                "secureEcsScannerFinding/v1": hashlib.sha256(f"{finding.check_id}|{finding.urn}".encode()).hexdigest()
            },
        })
    return {
        "tool": {"driver": {"name": scanner.tool, "version": scanner.version or "unknown",
                            "rules": list(rules.values())}},
        "automationDetails": {"id": f"secure-ecs-plan-{scanner.tool}/{result.graph.stack}/"},
        "originalUriBaseIds": {source_root: {"uri": root_uri}},
        "results": results,
    }
