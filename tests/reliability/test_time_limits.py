"""--timeout bounds the program; a thread the program leaves running does not keep the command alive."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from secure_ecs.cli import main
from tests.paths import PACK_DIR
from tests.reliability.processes import assert_one_clean_paragraph, program, run


@pytest.mark.parametrize("source", ["while True:\n    pass\n", "import time\ntime.sleep(3600)\n"])
def test_a_program_that_never_ends_hits_the_time_limit(tmp_path: Path, source: str) -> None:
    folder = program(tmp_path / "endless", source)
    began = time.monotonic()
    status, _, stderr, left = run(["plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(PACK_DIR),
                                   "--out", str(tmp_path / "out"), "--timeout", "2"])
    assert status == 2
    text = assert_one_clean_paragraph(stderr)
    assert "The program did not finish within the time limit of 2 s" in text and "--timeout" in text
    assert time.monotonic() - began < 30
    assert left == []


def test_cost_has_the_same_time_limit(tmp_path: Path) -> None:
    folder = program(tmp_path / "endless", "while True:\n    pass\n")
    status, _, stderr, _ = run(["cost", "--program", str(folder), "--stack", "s", "--timeout", "2"])
    assert status == 2
    assert "The program did not finish within the time limit of 2 s" in assert_one_clean_paragraph(
        stderr, "secure-ecs cost: ")


def test_a_thread_left_running_does_not_keep_the_command_alive(tmp_path: Path) -> None:
    source = "import threading, time\nimport pulumi_aws as aws\naws.s3.Bucket('b')\n" \
             "threading.Thread(target=lambda: time.sleep(3600)).start()\n"
    folder = program(tmp_path / "threads", source)
    began = time.monotonic()
    status, stdout, stderr, left = run(["plan", "--program", str(folder), "--stack", "s", "--policy-pack",
                                        str(PACK_DIR), "--out", str(tmp_path / "out")], seconds=60)
    assert status in (0, 1), stderr
    assert "Reports written to" in stdout
    assert time.monotonic() - began < 30
    assert left == []


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_bad_timeouts_are_refused(capsys: pytest.CaptureFixture[str], value: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["plan", "--timeout", value])
    assert exited.value.code == 2
    assert "is not a positive number of seconds" in capsys.readouterr().err
