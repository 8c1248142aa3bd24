"""A typical "Fargate with a public IP in the default VPC" program must fail the plan."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from secure_ecs.cli import main
from secure_ecs.plan.json_report import load_schema
from tests.paths import REPO_ROOT
from tests.plan.conftest import PROGRAMS

SARIF_SCHEMA = Path(__file__).with_name("schemas") / "sarif-schema-2.1.0.json"
PROGRAM = PROGRAMS / "public_fargate"
EXPECTED_POLICIES = {"ecs-service-no-public-ip", "ecr-repository-scanned", "listener-http-redirects-to-https"}


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    # Module-scoped: one run feeds every assertion below. The prod config forbids HTTP-only listeners.
    out_dir = tmp_path_factory.mktemp("public_fargate")
    code = main(["plan", "--program", str(PROGRAM), "--stack", "prod", "--format", "json", "--out", str(out_dir)])
    return code, out_dir


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_exit_code_is_one_for_mandatory_violations(plan: tuple[int, Path]) -> None:
    assert plan[0] == 1


def test_the_three_public_design_flaws_are_mandatory_violations(plan: tuple[int, Path]) -> None:
    violations = _json(plan[1] / "plan.json")["violations"]
    mandatory = {v["policy"] for v in violations if v["mandatory"]}
    assert mandatory >= EXPECTED_POLICIES
    public_ip = next(v for v in violations if v["policy"] == "ecs-service-no-public-ip")
    assert public_ip["resourceName"] == "app-svc"
    assert public_ip["severity"] == "critical"
    assert public_ip["source"] == {"file": "tests/plan/programs/public_fargate/__main__.py", "line": 71}


def test_plan_json_matches_its_schema(plan: tuple[int, Path]) -> None:
    document = _json(plan[1] / "plan.json")
    jsonschema.Draft202012Validator.check_schema(load_schema())
    jsonschema.Draft202012Validator(load_schema()).validate(document)
    assert document["summary"]["passed"] is False
    assert document["project"] == "public-fargate"


def test_sarif_is_valid_and_maps_enforcement_to_level(plan: tuple[int, Path]) -> None:
    sarif = _json(plan[1] / "plan.sarif")
    jsonschema.Draft4Validator(_json(SARIF_SCHEMA)).validate(sarif)
    run = sarif["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    results = {r["ruleId"]: r for r in run["results"]}
    public_ip = results["secure-ecs/ecs-service-no-public-ip"]
    assert public_ip["level"] == "error"
    assert run["tool"]["driver"]["rules"][public_ip["ruleIndex"]]["id"] == public_ip["ruleId"]
    location = public_ip["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "tests/plan/programs/public_fargate/__main__.py"
    assert location["logicalLocations"][0]["fullyQualifiedName"].endswith("aws:ecs/service:Service::app-svc")
    rule = rules["secure-ecs/ecs-service-no-public-ip"]
    assert float(rule["properties"]["security-severity"]) >= 9.0
    assert "FSBP ECS.2" in rule["properties"]["tags"]
    assert rule["help"]["text"]
    assert {r["level"] for r in run["results"]} <= {"error", "warning"}


def test_diagram_shows_internet_alb_tasks_and_the_public_ip(plan: tuple[int, Path]) -> None:
    diagram = (plan[1] / "architecture.mmd").read_text(encoding="utf-8")
    assert diagram.startswith("flowchart LR")
    ids = {label.split(": ", 1)[1]: node for node, label in _nodes(diagram)}
    assert f'internet -- "HTTP 80" --> {ids["app-lb"]}' in diagram
    assert f'{ids["app-lb"]} -- "HTTP 80" --> {ids["app-tg"]}' in diagram
    assert f'{ids["app-tg"]} -- "forwards" --> {ids["app-svc"]}' in diagram
    assert f'internet -- "public IP" --> {ids["app-svc"]}' in diagram


def test_summary_names_the_fix(plan: tuple[int, Path]) -> None:
    summary = (plan[1] / "summary.txt").read_text(encoding="utf-8")
    assert "ecs-service-no-public-ip" in summary
    assert "fix:" in summary
    assert "FAILED" in summary


def _nodes(diagram: str) -> list[tuple[str, str]]:
    """(node id, label) of every node line, e.g. `n1["target group: app-tg"]`."""
    pattern = re.compile(r'^\s*(?!subgraph)(\w+)[\[\(\{]+"([^"]+: [^"]+)"')
    return [(m.group(1), m.group(2)) for m in map(pattern.match, diagram.splitlines()) if m]


def test_repo_root_is_the_source_root() -> None:
    assert (REPO_ROOT / "tests" / "plan").is_dir()
