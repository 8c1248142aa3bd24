"""Interrupted runs: one line, status 128 + signal, and no policy pack left running (checked in /proc)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.paths import PACK_DIR
from tests.reliability.processes import assert_one_clean_paragraph, processes_marked, program, started, wait_until

SLEEPING = """
    import time
    import pulumi_aws as aws
    aws.s3.Bucket("b")
    time.sleep(60)
"""


def _plan_argv(tmp_path: Path, source: str = SLEEPING) -> list[str]:
    folder = program(tmp_path / "sleeper", source)
    return ["plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(PACK_DIR),
            "--out", str(tmp_path / "out")]


def _pack_is_running(marker: str, command_pid: int) -> bool:
    return any(pid != command_pid and b"pulumi.policy" in Path(f"/proc/{pid}/cmdline").read_bytes()
               for pid in processes_marked(marker))


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_ends_the_plan_with_one_line_and_stops_the_pack(
    tmp_path: Path, signum: signal.Signals, status: int
) -> None:
    with started(_plan_argv(tmp_path)) as run:
        assert wait_until(lambda: _pack_is_running(run.marker, run.process.pid), 30), "the pack never started"
        run.process.send_signal(signum)
        code, _, err = run.finish(30)
        assert code == status
        text = assert_one_clean_paragraph(err)
        assert f"interrupted by {signum.name}" in text
        assert len(err.strip().splitlines()) == 1
        assert run.leftovers() == []
    assert not (tmp_path / "out").exists()


def test_sigkill_of_the_command_takes_the_pack_with_it(tmp_path: Path) -> None:
    with started(_plan_argv(tmp_path)) as run:
        assert wait_until(lambda: _pack_is_running(run.marker, run.process.pid), 30)
        run.process.kill()
        run.process.wait()
        assert run.leftovers() == [], "the parent-death guard did not stop the pack"


def test_os_exit_in_the_program_is_exit_2_and_leaves_no_pack(tmp_path: Path) -> None:
    source = "import os\nimport pulumi_aws as aws\naws.s3.Bucket('b')\nos._exit(5)\n"
    with started(_plan_argv(tmp_path, source)) as run:
        code, _, err = run.finish(60)
        assert code == 2
        assert "os._exit(5)" in assert_one_clean_paragraph(err)
        assert run.leftovers() == []


def test_ctrl_c_while_a_pack_is_still_starting_takes_effect_at_once(tmp_path: Path) -> None:
    # A pack that never announces its port: the start waits (up to --timeout) in another thread.
    silent = tmp_path / "silent"
    silent.mkdir()
    (silent / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (silent / "__main__.py").write_text("import time\ntime.sleep(600)\n")
    argv = _plan_argv(tmp_path, "import pulumi_aws as aws\naws.s3.Bucket('b')\n")
    argv[argv.index(str(PACK_DIR))] = str(silent)
    with started(argv) as run:
        assert wait_until(lambda: _pack_is_running(run.marker, run.process.pid), 30)
        wait_until(lambda: False, 1.0)  # let the program finish: the main thread now waits for the pack
        run.process.send_signal(signal.SIGINT)
        code, _, err = run.finish(10)  # not the 300 s start timeout
        assert code == 130, err
        assert_one_clean_paragraph(err)
        assert run.leftovers() == []


def test_a_program_that_ignores_signals_is_still_stopped_by_the_time_limit(tmp_path: Path) -> None:
    source = "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nsignal.signal(signal.SIGTERM, " \
             "signal.SIG_IGN)\ntime.sleep(4)\n"
    with started([*_plan_argv(tmp_path, source), "--timeout", "2"]) as run:
        code, _, err = run.finish(30)
        assert code == 2
        assert "The program did not finish within the time limit of 2 s" in assert_one_clean_paragraph(err)
        assert run.leftovers() == []
