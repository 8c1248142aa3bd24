"""The installed console script, in its own process, prints the chosen format and sets the status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.paths import REPO_ROOT
from tests.plan.conftest import PROGRAMS


def _command() -> list[str]:
    script = Path(sys.executable).with_name("secure-ecs")
    return [str(script)] if script.exists() else [sys.executable, "-m", "secure_ecs.cli"]


def test_console_script_prints_sarif_and_exits_one(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            *_command(),
            "plan",
            "--program",
            str(PROGRAMS / "public_fargate"),
            "--stack",
            "prod",
            "--format",
            "sarif",
            "--out",
            str(tmp_path),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    sarif = json.loads(completed.stdout)
    assert sarif["version"] == "2.1.0"
    assert {path.name for path in tmp_path.iterdir()} == {
        "summary.txt",
        "plan.json",
        "plan.sarif",
        "architecture.mmd",
        "cost.txt",
        "plan.tfplan.json",
    }
