"""Shared helpers: run `secure-ecs` in-process and the paths of the test programs and packs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from secure_ecs.cli import main

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
PACKS = HERE / "packs"


@dataclass(frozen=True)
class CliRun:
    exit_code: int
    stdout: str
    stderr: str
    out_dir: Path


CliRunner = Callable[..., CliRun]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> CliRunner:
    def run(*argv: str) -> CliRun:
        out_dir = tmp_path / "plan"
        code = main(["plan", *argv, "--out", str(out_dir)])
        captured = capsys.readouterr()
        return CliRun(code, captured.out, captured.err, out_dir)

    return run
