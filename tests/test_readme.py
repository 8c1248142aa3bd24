"""The README's setup contract and its generated sections."""

from __future__ import annotations

import re

from tests.offline import run_offline
from tests.paths import REPO_ROOT
from tools.readme_sections import render

README = (REPO_ROOT / "README.md").read_text()


def test_readme_starts_with_exactly_the_two_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None and README.index("```sh") < README.index("\n## ")
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make plan", "make test"]


def test_generated_sections_match_the_config_model_and_the_pack() -> None:
    assert render(README) == README, "README is stale: run `.venv/bin/python tools/readme_sections.py README.md`"


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text()


def test_component_example_builds_a_private_service() -> None:
    section = README.split("## Using the components in your own project", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    example = match.group(1).replace("arn:aws:acm:...", "arn:aws:acm:us-east-1:123456789012:certificate/x")
    example = example.replace("@sha256:...", "@sha256:" + "a" * 64)
    graph = run_offline(lambda: exec(compile(example, "README.md", "exec"), {}))
    (service,) = graph.of_type("aws:ecs/service:Service")
    assert service.inputs["networkConfiguration"]["assignPublicIp"] is False
    assert graph.stack_outputs["url"].startswith("https://")
