"""`secure-ecs cost` end to end, and the estimate inside `secure-ecs plan`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secure_ecs.cli import main
from tests.paths import REPO_ROOT


def test_cost_prints_the_prod_estimate_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", "--stack", "prod", "--program", str(REPO_ROOT), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["stack"] == "prod"
    designs = {d["key"]: d["totalMonthlyUsd"] for d in document["comparison"]["designs"]}
    assert designs["declared"] == document["totalMonthlyUsd"]


def test_usage_overrides_change_the_estimate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def total(*extra: str) -> float:
        assert main(["cost", "--program", str(REPO_ROOT), "--format", "json", *extra]) == 0
        return float(json.loads(capsys.readouterr().out)["totalMonthlyUsd"])

    usage = tmp_path / "usage.json"
    usage.write_text(json.dumps({"requests_per_month": 500_000_000}))
    assert total("--usage", str(usage)) > total()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "cannot read --usage file"),
        ('{"requests_per_month": "many"}', "requests_per_month"),
        ('{"unknown_knob": 1}', "unknown_knob"),
        ('{"request_response_kb": 20}', "request_kb and response_kb"),
    ],
)
def test_bad_usage_file_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, words: str
) -> None:
    usage = tmp_path / "usage.json"
    if content is not None:
        usage.write_text(content)
    assert main(["cost", "--program", str(REPO_ROOT), "--usage", str(usage)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("secure-ecs cost: ") and words in error
    assert "Traceback" not in error


def test_plan_reports_carry_the_estimate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stack", "dev", "--program", str(REPO_ROOT), "--out", str(tmp_path)]) == 0
    summary = capsys.readouterr().out
    plan = json.loads((tmp_path / "plan.json").read_text())
    total = plan["cost"]["totalMonthlyUsd"]
    assert f"${total:,.2f}/month as declared" in summary
    assert f"${total:,.2f}/month" in (tmp_path / "cost.txt").read_text()
