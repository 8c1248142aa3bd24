"""`--preview`: computed values stay unknown, as in `pulumi preview`, and the verdicts still hold."""

from __future__ import annotations

import json

from secure_ecs.offline.graph import UNKNOWN
from tests.paths import REPO_ROOT
from tests.plan.conftest import PROGRAMS, CliRunner


def test_project_stack_passes_with_unknown_ids(run_cli: CliRunner) -> None:
    run = run_cli("--program", str(REPO_ROOT), "--stack", "prod", "--preview", "--format", "json")
    assert run.exit_code == 0, run.stdout
    plan = json.loads(run.stdout)
    service = next(r for r in plan["resources"] if r["type"] == "aws:ecs/service:Service")
    assert service["inputs"]["networkConfiguration"]["subnets"] == UNKNOWN  # ids come from subnets not yet created
    assert plan["summary"]["mandatoryViolations"] == 0


def test_public_fargate_program_is_still_flagged(run_cli: CliRunner) -> None:
    run = run_cli("--program", str(PROGRAMS / "public_fargate"), "--stack", "prod", "--preview", "--format", "json")
    assert run.exit_code == 1
    flagged = {v["policy"] for v in json.loads(run.stdout)["violations"] if v["mandatory"]}
    assert {"ecs-service-no-public-ip", "ecr-repository-scanned", "listener-http-redirects-to-https"} <= flagged
