"""Standard output carries only the chosen report (or a JSON error object), whatever the program prints."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.paths import PACK_DIR
from tests.reliability.processes import assert_one_clean_paragraph, command, program, run

PRINTER = """
    import os, subprocess, sys
    import pulumi_aws as aws
    print("debug: starting program")
    os.write(1, b"raw bytes on fd 1\\n")
    subprocess.run(["echo", "from a child process"], check=True)
    sys.stdout.buffer.write(b"\\xff\\xfe not utf-8\\n")
    aws.s3.Bucket("b")
"""


def _printer(tmp_path: Path) -> Path:
    return program(tmp_path / "printer", PRINTER)


@pytest.mark.parametrize("report_format", ["json", "sarif"])
def test_a_printing_program_leaves_plan_stdout_machine_readable(tmp_path: Path, report_format: str) -> None:
    status, stdout, stderr, _ = run(["plan", "--program", str(_printer(tmp_path)), "--stack", "s", "--policy-pack",
                                     str(PACK_DIR), "--out", str(tmp_path / "out"), "--format", report_format])
    assert status in (0, 1), stderr
    json.loads(stdout)
    for line in ("debug: starting program", "raw bytes on fd 1", "from a child process"):
        assert line in stderr and line not in stdout


def test_a_printing_program_leaves_cost_json_machine_readable(tmp_path: Path) -> None:
    status, stdout, stderr, _ = run(["cost", "--program", str(_printer(tmp_path)), "--stack", "s", "--format", "json"])
    assert status == 0, stderr
    assert json.loads(stdout)["stack"] == "s"
    assert "debug: starting program" in stderr


def test_a_failed_json_plan_prints_a_json_error(tmp_path: Path) -> None:
    folder = program(tmp_path / "raises", "raise RuntimeError('boom')\n")
    status, stdout, stderr, _ = run(["plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(PACK_DIR),
                                     "--out", str(tmp_path / "out"), "--format", "json"])
    assert status == 2
    error = json.loads(stdout)["error"]
    assert error["exitCode"] == 2 and "boom" in error["message"]
    assert "boom" in assert_one_clean_paragraph(stderr)


def test_an_ascii_terminal_gets_the_verdict_not_a_traceback(tmp_path: Path) -> None:
    folder = program(tmp_path / "bucket", "import pulumi_aws as aws\naws.s3.Bucket('b')\n")
    status, stdout, stderr, _ = run(["plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(PACK_DIR),
                                     "--out", str(tmp_path / "out")], env={"PYTHONIOENCODING": "ascii"})
    assert status == 0, stderr
    assert "Traceback" not in stderr
    assert "PASSED" in stdout


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_stdout_is_exit_2_with_one_line(tmp_path: Path) -> None:
    folder = program(tmp_path / "bucket", "import pulumi_aws as aws\naws.s3.Bucket('b')\n")
    with open("/dev/full", "w") as full:
        completed = subprocess.run(
            [*command(), "plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(PACK_DIR),
             "--out", str(tmp_path / "out")], stdout=full, stderr=subprocess.PIPE, text=True, timeout=90, check=False)
    assert completed.returncode == 2
    assert "cannot write to standard output: No space left on device" in assert_one_clean_paragraph(
        completed.stderr, "secure-ecs")
