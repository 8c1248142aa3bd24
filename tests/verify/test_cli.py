"""`secure-ecs verify` through the CLI: exit codes, the one-paragraph errors, and moto over HTTP."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from secure_ecs.cli import main
from tests.verify.conftest import Builder, write_outputs
from tests.verify.servers import HealthServer


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> Run:
    code = main(["verify", *argv])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _one_paragraph(text: str) -> str:
    assert "Traceback" not in text
    assert text.startswith("secure-ecs verify: ")
    return " ".join(text.split())


def test_missing_outputs_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = run_cli(capsys, "--outputs", str(tmp_path / "nope.json"))
    assert run.code == 2
    assert "does not exist" in _one_paragraph(run.err)
    assert "pulumi stack output --json --show-secrets" in run.err


def test_malformed_outputs_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "outputs.json"
    path.write_text("{not json", encoding="utf-8")
    run = run_cli(capsys, "--outputs", str(path))
    assert run.code == 2
    assert "is not valid JSON" in _one_paragraph(run.err)


@pytest.mark.parametrize(("document", "kind"), [("null", "null"), ("[1]", "an array"), ('"x"', "a string")])
def test_outputs_that_are_not_an_object_are_named_in_json_terms(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, document: str, kind: str
) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(document, encoding="utf-8")
    run = run_cli(capsys, "--outputs", str(path))
    assert run.code == 2
    assert f"should hold a JSON object of stack outputs, not {kind}." in _one_paragraph(run.err)
    assert "NoneType" not in run.err


@pytest.mark.parametrize(("change", "message"), [
    ({"vpcId": None}, "'vpcId' in"),
    ({"privateSubnetIds": "subnet-1"}, "'privateSubnetIds' in"),
    ({"databaseEndpoint": "[secret]"}, "'databaseEndpoint' in"),
])
def test_bad_outputs_name_the_key(capsys: pytest.CaptureFixture[str], tmp_path: Path, deploy: Builder,
                                  change: dict[str, Any], message: str) -> None:
    outputs = {**deploy().outputs, **change}
    outputs = {k: v for k, v in outputs.items() if v is not None}
    run = run_cli(capsys, "--outputs", str(write_outputs(tmp_path, outputs)))
    assert run.code == 2
    assert message in _one_paragraph(run.err)


def test_stack_without_the_pulumi_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    run = run_cli(capsys, "--stack", "dev")
    assert run.code == 2
    assert "needs the Pulumi CLI, which is not on PATH" in _one_paragraph(run.err)


def test_no_credentials_names_what_to_set(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path, deploy: Builder) -> None:
    outputs = write_outputs(tmp_path, deploy().outputs)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    # Outside moto and towards a closed local port, so nothing could leave the machine anyway.
    run = run_cli(capsys, "--outputs", str(outputs), "--endpoint-url", f"http://127.0.0.1:{free_port()}")
    assert run.code == 2
    text = _one_paragraph(run.err)
    assert "No AWS credentials were found" in text
    assert "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" in text and "--profile" in text


def test_unknown_profile(capsys: pytest.CaptureFixture[str], tmp_path: Path, deploy: Builder) -> None:
    run = run_cli(capsys, "--outputs", str(write_outputs(tmp_path, deploy().outputs)), "--profile", "nobody")
    assert run.code == 2
    assert "nobody" in _one_paragraph(run.err)


def test_unreachable_endpoint(capsys: pytest.CaptureFixture[str], tmp_path: Path, deploy: Builder) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    run = run_cli(capsys, "--outputs", str(write_outputs(tmp_path, deploy().outputs)), "--endpoint-url", endpoint)
    assert run.code == 2
    assert f"Cannot reach the endpoint {endpoint}" in _one_paragraph(run.err)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--skip", "everything"], "invalid choice: 'everything'"),
        (["--timeout", "nan"], "argument --timeout: 'nan' is not a positive number of seconds"),
        (["--timeout", "0"], "argument --timeout: '0' is not a positive number of seconds"),
    ],
)
def test_invalid_options_are_argparse_errors(capsys: pytest.CaptureFixture[str], arguments: list[str],
                                             message: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["verify", "--outputs", "x.json", *arguments])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_text_report_and_skip(capsys: pytest.CaptureFixture[str], tmp_path: Path, deploy: Builder,
                              https_health: HealthServer) -> None:
    # In-process moto; the service check (needs the circuit-breaker shim) and health (HTTP) are skipped.
    run = run_cli(capsys, "--outputs", str(write_outputs(tmp_path, deploy().outputs)), "--skip", "service",
               "--skip", "health", "--region", "us-east-1")
    assert run.code == 0, run.out + run.err
    assert "SKIPPED" in run.out and "PASS" in run.out
    assert "8 pass, 2 skipped (exit 0)" in run.out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--endpoint-url", "notaurl"], "is not an http(s) URL"),
        (["--ca-bundle", "/nonexistent/ca.pem"], "is not a readable PEM file"),
    ],
)
def test_bad_arguments_are_errors_not_failing_checks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, arguments: list[str], message: str
) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text("{}", encoding="utf-8")
    run = run_cli(capsys, "--outputs", str(outputs), *arguments)
    assert run.code == 2
    assert message in _one_paragraph(run.err)
