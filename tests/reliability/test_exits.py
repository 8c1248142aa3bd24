"""The program never decides the verdict: an early exit is a program error (exit 2), in plan and cost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secure_ecs.cli import main
from tests.paths import PACK_DIR
from tests.reliability.processes import PUBLIC_SUBNET, assert_one_clean_paragraph, program, run


@pytest.mark.parametrize(("exit_call", "shown"), [
    ("import sys\nsys.exit(0)", "sys.exit(0)"),
    ("import sys\nsys.exit(3)", "sys.exit(3)"),
    ("raise SystemExit", "sys.exit(None)"),
    ("import os\nos._exit(5)", "os._exit(5)"),
])
def test_a_program_that_exits_early_fails_the_plan(tmp_path: Path, exit_call: str, shown: str) -> None:
    folder = program(tmp_path / "exits", PUBLIC_SUBNET + exit_call + "\n")
    out = tmp_path / "out"
    status, stdout, stderr, left = run(["plan", "--program", str(folder), "--stack", "s", "--policy-pack",
                                        str(PACK_DIR), "--out", str(out), "--format", "json"])
    assert status == 2
    assert f"The program called {shown} before it finished" in assert_one_clean_paragraph(stderr)
    assert json.loads(stdout)["error"]["exitCode"] == 2
    assert not out.exists()
    assert left == []


def test_an_exit_inside_an_apply_is_caught_too(tmp_path: Path) -> None:
    source = PUBLIC_SUBNET + "import sys\nvpc.id.apply(lambda _: sys.exit(0))\n"
    folder = program(tmp_path / "applyexit", source)
    status, _, stderr, left = run(["plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(PACK_DIR),
                                   "--out", str(tmp_path / "out")])
    assert status == 2
    assert "sys.exit(0)" in assert_one_clean_paragraph(stderr)
    assert left == []


def test_cost_refuses_a_program_that_exits(tmp_path: Path) -> None:
    folder = program(tmp_path / "exits", PUBLIC_SUBNET + "import sys\nsys.exit(3)\n")
    status, stdout, stderr, _ = run(["cost", "--program", str(folder), "--stack", "s", "--format", "json"])
    assert status == 2
    assert "sys.exit(3)" in assert_one_clean_paragraph(stderr, "secure-ecs cost: ")
    assert json.loads(stdout)["error"]["command"] == "cost"


def test_without_the_exit_the_same_program_fails_on_its_violation(tmp_path: Path) -> None:
    folder = program(tmp_path / "violates", PUBLIC_SUBNET)
    status, _, stderr, left = run(["plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(PACK_DIR),
                                   "--out", str(tmp_path / "out")])
    assert status == 1, stderr
    assert left == []


def test_a_program_raising_keyboardinterrupt_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = program(tmp_path / "ctrlc", "raise KeyboardInterrupt\n")
    assert main(["plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(PACK_DIR),
                 "--out", str(tmp_path / "out")]) == 130
    err = capsys.readouterr().err
    assert err.strip() == "secure-ecs plan: interrupted; the run did not finish."
    assert not (tmp_path / "out").exists()
