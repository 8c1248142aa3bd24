"""A report folder holds one complete run's reports or the previous ones: never a mix, never half a file."""

from __future__ import annotations

import resource
import signal
from pathlib import Path

import pytest

from secure_ecs.cli import main
from secure_ecs.plan.outputs import REPORTS
from secure_ecs.plan.report_folder import report_folder
from tests.paths import PACK_DIR
from tests.reliability.processes import assert_one_clean_paragraph, program, run, started, wait_until

BUCKET = "import pulumi_aws as aws\naws.s3.Bucket('b')\n"
OLD_FILES = {"summary.txt": "old summary\n", "plan.json": "{\"old\": true}\n"}


def _old_reports(folder: Path) -> Path:
    folder.mkdir()
    for name, text in OLD_FILES.items():
        (folder / name).write_text(text)
    return folder


def _unchanged(folder: Path) -> bool:
    return {p.name: p.read_text() for p in folder.iterdir()} == OLD_FILES


def _nothing_beside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def _small_files() -> None:
    # Files may grow to 4 kB: plan.json cannot be written in full (EFBIG, as on a full disk).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_a_failed_write_leaves_the_previous_reports_untouched(tmp_path: Path) -> None:
    out = _old_reports(tmp_path / "out")
    folder = program(tmp_path / "bucket", BUCKET)
    status, _, stderr, _ = run(["plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(PACK_DIR),
                                "--out", str(out)], preexec=_small_files)
    assert status == 2
    text = assert_one_clean_paragraph(stderr)
    assert f"cannot write the reports to {out}" in text and "left as it was" in text
    assert _unchanged(out)
    assert _nothing_beside(out) == []


def test_an_interrupted_run_leaves_the_previous_reports_untouched(tmp_path: Path) -> None:
    out = _old_reports(tmp_path / "out")
    folder = program(tmp_path / "sleeper", BUCKET + "import time\ntime.sleep(60)\n")
    argv = ["plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(PACK_DIR), "--out", str(out)]
    with started(argv) as process:
        assert wait_until((out.parent / ".out.lock").exists, 30)
        wait_until(lambda: False, 1.0)
        process.process.send_signal(signal.SIGTERM)
        status, _, _ = process.finish(30)
    assert status == 143
    assert _unchanged(out)
    assert _nothing_beside(out) == []


def test_a_completed_run_replaces_the_whole_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _old_reports(tmp_path / "out")
    (out / "stale-extra.txt").write_text("from an older version")
    folder = program(tmp_path / "bucket", BUCKET)
    assert main(["plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(PACK_DIR),
                 "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {file_name for file_name, _ in REPORTS.values()}
    assert "old" not in (out / "plan.json").read_text()[:20]
    assert _nothing_beside(out) == []


def test_a_second_run_on_the_same_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    marker = tmp_path / "program-ran"
    folder = program(tmp_path / "marks", f"open({str(marker)!r}, 'w').close()\n")
    with report_folder(out):  # another run holds the folder
        status = main(["plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(PACK_DIR),
                       "--out", str(out)])
    assert status == 2
    assert "another secure-ecs run is writing reports to" in assert_one_clean_paragraph(capsys.readouterr().err)
    assert not marker.exists(), "the program must not run when the reports cannot be written"
    assert not out.exists()


@pytest.mark.parametrize("where", ["file", "under-a-file"])
def test_an_unusable_out_fails_before_the_program_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    marker = tmp_path / "program-ran"
    folder = program(tmp_path / "marks", f"open({str(marker)!r}, 'w').close()\n")
    out = blocker if where == "file" else blocker / "plan"
    status = main(["plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(PACK_DIR),
                   "--out", str(out)])
    assert status == 2
    assert "Choose another folder with --out" in assert_one_clean_paragraph(capsys.readouterr().err)
    assert not marker.exists()


def test_reports_go_to_the_project_not_the_working_subfolder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = program(tmp_path / "project", BUCKET)
    (project / "components").mkdir()
    monkeypatch.chdir(project / "components")
    assert main(["plan", "--stack", "s", "--policy-pack", str(PACK_DIR)]) == 0
    assert (project / "build" / "plan" / "s" / "plan.json").is_file()
    assert not (project / "components" / "build").exists()
    assert "Reports written to ../build/plan/s/" in capsys.readouterr().out
