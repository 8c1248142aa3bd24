"""Misbehaving policy packs: fail fast with the pack's exit code, never hang, never leave processes."""

from __future__ import annotations

import time
from pathlib import Path

from tests.reliability.processes import assert_one_clean_paragraph, pack, program, run

ONE_BUCKET = "import pulumi_aws as aws\naws.s3.Bucket('b')\n"

SLOW_POLICY = """
    import time
    from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

    def validate(args, report_violation):
        time.sleep(600)

    PolicyPack("slow", enforcement_level=EnforcementLevel.MANDATORY,
               policies=[ResourceValidationPolicy(name="slow", description="never answers", validate=validate)])
"""

DYING_POLICY = """
    import os
    from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

    def validate(args, report_violation):
        os._exit(9)

    PolicyPack("dying", enforcement_level=EnforcementLevel.MANDATORY,
               policies=[ResourceValidationPolicy(name="dying", description="exits", validate=validate)])
"""


def _plan(tmp_path: Path, pack_dir: Path, *extra: str) -> tuple[int, str, float, list[int]]:
    folder = program(tmp_path / "bucket", ONE_BUCKET)
    began = time.monotonic()
    status, _, stderr, left = run(["plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(pack_dir),
                                   "--out", str(tmp_path / "out"), *extra])
    return status, stderr, time.monotonic() - began, left


def test_a_pack_that_leaves_a_child_and_exits_fails_at_once(tmp_path: Path) -> None:
    source = "import subprocess\nsubprocess.Popen(['sleep', '3600'])\nraise SystemExit(1)\n"
    spawner = pack(tmp_path / "spawner", source)
    status, stderr, seconds, left = _plan(tmp_path, spawner)
    assert status == 2
    assert "exited (code 1) before announcing a port" in assert_one_clean_paragraph(stderr)
    assert seconds < 30  # it used to hang for ever
    assert left == [], "the pack's own child (sleep 3600) must be stopped with it"
    assert not (tmp_path / "out").exists()


def test_a_pack_that_announces_a_port_and_exits_reports_its_exit_code(tmp_path: Path) -> None:
    liar = pack(tmp_path / "liar", "import sys\nprint('23456', flush=True)\nsys.exit(4)\n")
    status, stderr, seconds, left = _plan(tmp_path, liar)
    assert status == 2
    assert "exited (code 4) before accepting a connection" in assert_one_clean_paragraph(stderr)
    assert seconds < 30  # not the start time limit
    assert left == []


def test_a_pack_that_dies_during_analyze_reports_its_exit_code(tmp_path: Path) -> None:
    status, stderr, _, left = _plan(tmp_path, pack(tmp_path / "dying", DYING_POLICY))
    assert status == 2
    assert "the pack exited with code 9" in assert_one_clean_paragraph(stderr)
    assert left == []


def test_a_pack_that_never_answers_hits_the_time_limit_naming_the_call(tmp_path: Path) -> None:
    status, stderr, seconds, left = _plan(tmp_path, pack(tmp_path / "slow", SLOW_POLICY), "--timeout", "3")
    assert status == 2
    text = assert_one_clean_paragraph(stderr)
    assert "answering Analyze of urn:pulumi:s::bucket::aws:s3/bucket:Bucket::b" in text
    assert "did not finish within the time limit of 3 s" in text and "--timeout" in text
    assert seconds < 40
    assert left == []


def test_a_pack_that_never_announces_a_port_hits_the_start_time_limit(tmp_path: Path) -> None:
    status, stderr, seconds, left = _plan(tmp_path, pack(tmp_path / "mute", "import time\ntime.sleep(600)\n"),
                                          "--timeout", "2")
    assert status == 2
    text = assert_one_clean_paragraph(stderr)
    assert "starting policy pack" in text and "did not finish within the time limit of 2 s" in text
    assert "it announced no port" in text
    assert seconds < 30
    assert left == []
