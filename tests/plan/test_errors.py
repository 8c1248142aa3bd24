"""Programs, stack files and packs that cannot be run end in exit 2 with one clear paragraph."""

from __future__ import annotations

from pathlib import Path

import pytest

from secure_ecs.cli import main
from tests.plan.conftest import PACKS, PROGRAMS, CliRunner


def _assert_clean_error(stderr: str) -> None:
    assert "Traceback" not in stderr
    assert stderr.startswith("secure-ecs plan: ")


def test_syntax_error_names_file_and_line(run_cli: CliRunner) -> None:
    run = run_cli("--program", str(PROGRAMS / "syntax_error"))
    assert run.exit_code == 2
    _assert_clean_error(run.stderr)
    assert "syntax_error/__main__.py:5: syntax error" in run.stderr


def test_program_exception_names_type_line_and_message(run_cli: CliRunner) -> None:
    run = run_cli("--program", str(PROGRAMS / "raises"))
    assert run.exit_code == 2
    _assert_clean_error(run.stderr)
    assert "ValueError at __main__.py:9" in run.stderr
    assert "containerPort must be a number" in run.stderr


def test_unknown_invoke_names_the_data_source_under_strict(run_cli: CliRunner) -> None:
    run = run_cli("--program", str(PROGRAMS / "unknown_invoke"), "--strict")
    assert run.exit_code == 2
    _assert_clean_error(run.stderr)
    assert "aws:organizations/getOrganization:getOrganization" in run.stderr
    assert "__main__.py:6" in run.stderr


def test_missing_stack_file(run_cli: CliRunner) -> None:
    run = run_cli("--program", str(PROGRAMS / "no_stack_file"))
    assert run.exit_code == 2
    _assert_clean_error(run.stderr)
    assert "Pulumi.dev.yaml" in run.stderr
    assert "pulumi stack init dev" in run.stderr


def test_broken_pack_shows_its_error_not_its_traceback(run_cli: CliRunner) -> None:
    run = run_cli("--program", str(PROGRAMS / "public_fargate"), "--policy-pack", str(PACKS / "broken"))
    assert run.exit_code == 2
    _assert_clean_error(run.stderr)
    assert "No module named 'policies_that_do_not_exist'" in run.stderr


def test_debug_prints_the_traceback(run_cli: CliRunner) -> None:
    run = run_cli("--program", str(PROGRAMS / "raises"), "--debug")
    assert run.exit_code == 2
    assert "Traceback" in run.stderr


def test_no_reports_are_written_on_error(run_cli: CliRunner) -> None:
    run = run_cli("--program", str(PROGRAMS / "raises"))
    assert not run.out_dir.exists()


def test_policy_config_that_names_an_unknown_policy(run_cli: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text('{"no-such-policy": "mandatory"}')
    run = run_cli("--program", str(PROGRAMS / "public_fargate"), "--policy-config", str(config))
    assert run.exit_code == 2
    _assert_clean_error(run.stderr)
    assert "no-such-policy" in run.stderr


def test_more_configs_than_packs(run_cli: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text("{}")
    run = run_cli("--program", str(PROGRAMS / "public_fargate"), "--policy-config", str(config),
                  "--policy-config", str(config))
    assert run.exit_code == 2
    assert "one config per pack" in run.stderr


def test_unwritable_report_folder_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file where the report folder should go")
    assert main(["plan", "--program", str(PROGRAMS / "public_fargate"), "--out", str(blocker / "plan")]) == 2
    stderr = capsys.readouterr().err
    _assert_clean_error(stderr)
    assert "cannot write the reports" in stderr and "--out" in stderr
