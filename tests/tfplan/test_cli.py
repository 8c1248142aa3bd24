"""`secure-ecs plan` writes plan.tfplan.json, prints it with --format tfplan, and runs Checkov with --scanner."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from secure_ecs.plan.json_report import load_schema
from tests.plan.conftest import PROGRAMS, CliRunner

PUBLIC_FARGATE = str(PROGRAMS / "public_fargate")
SARIF_SCHEMA = json.loads((PROGRAMS.parent / "schemas" / "sarif-schema-2.1.0.json").read_text())
ALL_ADVISORY = Path(__file__).with_name("fixtures") / "all-advisory.json"


def test_format_tfplan_prints_the_plan_written_beside_the_reports(run_cli: CliRunner) -> None:
    run = run_cli("--program", PUBLIC_FARGATE, "--format", "tfplan")
    document = json.loads(run.stdout)
    assert document == json.loads((run.out_dir / "plan.tfplan.json").read_text())
    assert document["format_version"] == "1.2" and document["resource_changes"]
    terraform = json.loads((run.out_dir / "plan.json").read_text())["terraformPlan"]
    assert terraform["scanner"] is None and terraform["resources"] == len(document["resource_changes"])


def test_scanner_results_join_the_reports_and_gate_only_when_asked(run_cli: CliRunner, tmp_path: Path) -> None:
    reported = run_cli("--program", PUBLIC_FARGATE, "--format", "json", "--scanner", "checkov")
    document = json.loads(reported.stdout)
    jsonschema.Draft202012Validator(load_schema()).validate(document)
    scanner = document["terraformPlan"]["scanner"]
    assert scanner["tool"] == "checkov" and scanner["passed"] > 0 and scanner["parsingErrors"] == []
    public_ip = [f for f in scanner["failed"] if f["checkId"] == "CKV_AWS_333"]
    assert public_ip and public_ip[0]["source"]["file"].endswith("__main__.py"), "located by our source map"
    sarif = json.loads((reported.out_dir / "plan.sarif").read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    assert [run["tool"]["driver"]["name"] for run in sarif["runs"]] == ["secure-ecs", "checkov"]
    assert "CKV_AWS_333" in (reported.out_dir / "summary.txt").read_text()
    assert reported.exit_code == 1  # the pack's own mandatory violations


@pytest.mark.parametrize(("gate", "expected"), [((), 0), (("--scanner-gate",), 1)])
def test_scanner_gate_decides_whether_failed_checks_fail_the_plan(
    run_cli: CliRunner, gate: tuple[str, ...], expected: int
) -> None:
    # Every policy advisory: the pack alone passes the program, so only the scanner can fail it.
    run = run_cli("--program", PUBLIC_FARGATE, "--policy-config", str(ALL_ADVISORY), "--scanner", "checkov", *gate)
    assert run.exit_code == expected, run.stderr
    assert ("scanner check(s) failed" in run.stdout) == bool(gate)


def test_missing_checkov_is_one_clear_message(run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECURE_ECS_CHECKOV", "/no/such/checkov")
    run = run_cli("--program", PUBLIC_FARGATE, "--scanner", "checkov")
    assert run.exit_code == 2
    assert "SECURE_ECS_CHECKOV is set to /no/such/checkov" in run.stderr and "Traceback" not in run.stderr
