"""Run Checkov on an exported plan and read its verdicts back as findings on the program's resources.

Checkov pins dependencies the project cannot share (boto3, networkx), so it usually lives in its own
virtualenv: set ``SECURE_ECS_CHECKOV`` to its executable, or have ``checkov`` on PATH.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secure_ecs.tfplan.export import TerraformPlan

CHECKOV_ENV = "SECURE_ECS_CHECKOV"
TOOL_NAME = "checkov"


class ScannerError(Exception):
    """Checkov is missing, failed, or could not read the plan; the message says what to do."""


@dataclass(frozen=True)
class ScannerFinding:
    tool: str
    check_id: str
    check_name: str
    address: str
    urn: str
    passed: bool
    guideline: str = ""


@dataclass(frozen=True)
class ScannerResult:
    tool: str
    version: str
    findings: tuple[ScannerFinding, ...]
    parsing_errors: tuple[str, ...] = ()

    @property
    def failed(self) -> tuple[ScannerFinding, ...]:
        return tuple(finding for finding in self.findings if not finding.passed)

    @property
    def passed(self) -> tuple[ScannerFinding, ...]:
        return tuple(finding for finding in self.findings if finding.passed)


def find_checkov() -> str:
    configured = os.environ.get(CHECKOV_ENV)
    if configured:
        if not Path(configured).is_file():
            raise ScannerError(f"{CHECKOV_ENV} is set to {configured}, which is not a file; point it at the "
                               "checkov executable (e.g. a virtualenv's bin/checkov)")
        return configured
    found = shutil.which("checkov")
    if found is None:
        raise ScannerError("Checkov is not installed. Install it in its own virtualenv (`python -m venv "
                           ".venv-checkov && .venv-checkov/bin/pip install checkov`) and set "
                           f"{CHECKOV_ENV}=.venv-checkov/bin/checkov, or put checkov on PATH")
    return found


def _findings(report: Mapping[str, Any], addresses: Mapping[str, str]) -> list[ScannerFinding]:
    results = report.get("results", {})
    findings = []
    for key, passed in (("passed_checks", True), ("failed_checks", False)):
        for check in results.get(key, []):
            address = str(check.get("resource", ""))
            if address not in addresses:
                continue  # the export's own provider block, not a resource of the program
            findings.append(ScannerFinding(
                tool=TOOL_NAME, check_id=str(check["check_id"]), check_name=str(check.get("check_name", "")),
                address=address, urn=addresses[address], passed=passed,
                guideline=str(check.get("guideline") or ""),
            ))
    return findings


def run_checkov(plan_file: Path, addresses: Mapping[str, str], timeout: float = 600.0) -> ScannerResult:
    """Checkov's verdicts on `plan_file` (a Terraform plan JSON); offline (`--skip-download`)."""
    command = [find_checkov(), "--file", str(plan_file), "--framework", "terraform_plan", "--output", "json",
               "--skip-download", "--soft-fail"]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise ScannerError(f"Checkov did not finish within {timeout:.0f} s on {plan_file}") from error
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError as error:
        detail = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise ScannerError(f"Checkov exited {completed.returncode} without a JSON report: {detail}") from error
    reports = report if isinstance(report, list) else [report]
    findings: list[ScannerFinding] = []
    errors: list[str] = []
    version = ""
    for entry in reports:
        if not isinstance(entry, dict) or entry.get("check_type", "terraform_plan") != "terraform_plan":
            continue
        findings += _findings(entry, addresses)
        summary = entry.get("summary", {})
        version = str(summary.get("checkov_version", version))
        errors += [str(item) for item in entry.get("results", {}).get("parsing_errors", [])]
        if summary.get("parsing_errors"):
            errors.append(f"{summary['parsing_errors']} parsing error(s)")
    return ScannerResult(tool=TOOL_NAME, version=version, findings=tuple(findings), parsing_errors=tuple(errors))


def scan_plan(plan: TerraformPlan, timeout: float = 600.0) -> ScannerResult:
    """Checkov's verdicts on an exported plan, written to a private temporary file for the run."""
    with tempfile.TemporaryDirectory(prefix="secure-ecs-tfplan-") as folder:
        plan_file = Path(folder) / "plan.tfplan.json"
        plan_file.write_text(json.dumps(plan.document), encoding="utf-8")
        return run_checkov(plan_file, plan.addresses, timeout)
