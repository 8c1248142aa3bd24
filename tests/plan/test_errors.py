"""Programs, stack files and packs that cannot be run end in exit 2 with one clear paragraph."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from secure_ecs.cli import main
from tests.paths import REPO_ROOT
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


def _copy_of_this_project(tmp_path: Path, stack_yaml: str) -> Path:
    """This repository's program with a stack file of the test's own."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text((REPO_ROOT / "Pulumi.yaml").read_text())
    (project / "__main__.py").write_text((REPO_ROOT / "__main__.py").read_text())
    (project / "Pulumi.dev.yaml").write_text(stack_yaml)
    return project


def test_stack_config_error_reads_as_one_sentence_per_fix(run_cli: CliRunner, tmp_path: Path) -> None:
    stack_yaml = "config:\n  aws:region: us-east-1\n  secure-ecs:network:\n    bogusKey: 9\n"
    project = _copy_of_this_project(tmp_path, stack_yaml)
    run = run_cli("--program", str(project))
    assert run.exit_code == 2
    _assert_clean_error(run.stderr)
    assert "bogusKey" in run.stderr
    assert ".." not in run.stderr
    assert run.stderr.count("Fix ") == 1
    assert "Pulumi.dev.yaml" in run.stderr and "<stack>" not in run.stderr
    assert "StackConfigError" not in run.stderr


def test_a_config_error_of_this_project_run_in_place_is_read_as_one(tmp_path: Path) -> None:
    # In place (the program folder is the checkout, where the editable install lives too) and in a
    # fresh process: the harness forgets the modules of the program folder after the run, so the
    # stack config's error type is gone from sys.modules when the error is explained.
    stack = f"bad-config-{uuid.uuid4().hex[:8]}"
    stack_file = REPO_ROOT / f"Pulumi.{stack}.yaml"
    stack_file.write_text("config:\n  aws:region: us-east-1\n  secure-ecs:network:\n    bogusKey: 9\n")
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "secure_ecs.cli", "plan", "--stack", stack, "--out", str(tmp_path / "out")],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False,
        )
    finally:
        stack_file.unlink()
    assert completed.returncode == 2, completed.stderr
    _assert_clean_error(completed.stderr)
    assert f"The configuration of stack '{stack}' was rejected" in completed.stderr
    assert "bogusKey" in completed.stderr and "error in the program" not in completed.stderr


def test_a_stack_file_that_exists_but_is_broken_gets_no_stack_init_advice(run_cli: CliRunner, tmp_path: Path) -> None:
    project = _copy_of_this_project(tmp_path, "config:\n\t- not yaml\n")
    run = run_cli("--program", str(project))
    assert run.exit_code == 2
    _assert_clean_error(run.stderr)
    assert "not valid YAML" in run.stderr
    assert "stack init" not in run.stderr


def test_a_stack_without_a_region_says_which_region_was_assumed(run_cli: CliRunner, tmp_path: Path) -> None:
    project = tmp_path / "no_region"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: no-region\nruntime: python\n")
    (project / "Pulumi.dev.yaml").write_text("config: {}\n")
    (project / "__main__.py").write_text("import pulumi_aws as aws\naws.sqs.Queue('queue')\n")
    run = run_cli("--program", str(project))
    assert run.exit_code == 0
    assert "us-east-1 assumed (the stack sets no aws:region" in run.stdout
    (project / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    assert "assumed" not in run_cli("--program", str(project)).stdout
