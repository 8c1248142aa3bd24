"""This project's dev and prod stacks plan cleanly and draw the intended architecture."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from secure_ecs.cli import main
from secure_ecs.plan.json_report import load_schema
from tests.paths import REPO_ROOT

SARIF_SCHEMA = json.loads((Path(__file__).with_name("schemas") / "sarif-schema-2.1.0.json").read_text())
NODE = re.compile(r'^\s*(?!subgraph)(\w+)[\[\(\{]+"([^":]+): ([^"]+)"')



@pytest.fixture(scope="module", params=["dev", "prod"])
def stack_plan(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int, Path]:
    stack = str(request.param)
    out_dir = tmp_path_factory.mktemp(stack)
    code = main(["plan", "--stack", stack, "--program", str(REPO_ROOT), "--format", "json", "--out", str(out_dir)])
    return stack, code, out_dir


def test_stack_has_no_mandatory_violation(stack_plan: tuple[str, int, Path]) -> None:
    stack, code, out_dir = stack_plan
    document = json.loads((out_dir / "plan.json").read_text())
    mandatory = [v["policy"] for v in document["violations"] if v["mandatory"]]
    assert (code, mandatory) == (0, []), f"{stack}: {mandatory}"
    assert document["summary"]["resources"] > 50


def test_reports_validate_against_their_schemas(stack_plan: tuple[str, int, Path]) -> None:
    _, _, out_dir = stack_plan
    jsonschema.Draft202012Validator(load_schema()).validate(json.loads((out_dir / "plan.json").read_text()))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads((out_dir / "plan.sarif").read_text()))


def test_diagram_follows_the_private_design(stack_plan: tuple[str, int, Path]) -> None:
    _, _, out_dir = stack_plan
    diagram = (out_dir / "architecture.mmd").read_text()
    kinds: dict[str, list[str]] = {}
    for match in filter(None, map(NODE.match, diagram.splitlines())):
        kinds.setdefault(match.group(2), []).append(match.group(1))
    (balancer,), (target_group,), (tasks,), (database,) = (
        kinds["load balancer"], kinds["target group"], kinds["ECS tasks"], kinds["database"]
    )
    assert re.search(rf'internet -- "HTTPS? \d+" --> {balancer}\b', diagram)
    assert re.search(rf'{balancer} -- "HTTPS? \d+" --> {target_group}\b', diagram)
    assert f'{target_group} -- "forwards" --> {tasks}' in diagram
    assert re.search(rf'{balancer} -\. "tcp \d+" \.-> {tasks}\b', diagram), "ALB group -> task group rule"
    assert f'{tasks} -. "tcp 5432" .-> {database}' in diagram
    endpoint_edges = [e for e in kinds["endpoint"] if f'{tasks} -. "tcp 443" .-> {e}' in diagram]
    assert len(endpoint_edges) >= 4, "tasks reach ecr.api, ecr.dkr, logs and the S3 gateway"
    assert f"internet -- \"public IP\" --> {tasks}" not in diagram
    assert "subgraph" in diagram
