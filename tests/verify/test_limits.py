"""verify refuses what would make every check fail for the wrong reason, and never waits minutes."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from secure_ecs.cli import main
from tests.verify.conftest import Builder, write_outputs


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:99999", "http://", "ftp://127.0.0.1"])
def test_a_malformed_endpoint_url_is_one_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, url: str
) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text("{}")
    assert main(["verify", "--outputs", str(outputs), "--endpoint-url", url]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "is not an http(s) URL" in err


def test_a_region_no_output_names_is_an_error_not_failing_checks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, deploy: Builder
) -> None:
    outputs = write_outputs(tmp_path, deploy().outputs)
    assert main(["verify", "--outputs", str(outputs), "--region", "us-west-2", "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert "the region is us-west-2, but every ARN and AWS address" in captured.err
    assert "Pass --region us-east-1" in captured.err
    assert json.loads(captured.out)["error"]["command"] == "verify"


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        server.close()


def test_an_endpoint_that_never_answers_is_reported_within_the_timeout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, deploy: Builder, silent_endpoint: str
) -> None:
    outputs = write_outputs(tmp_path, deploy().outputs)
    began = time.monotonic()
    status = main(["verify", "--outputs", str(outputs), "--endpoint-url", silent_endpoint, "--timeout", "1"])
    seconds = time.monotonic() - began
    assert status == 2
    err = capsys.readouterr().err
    assert "accepted the connection but did not answer in time" in err and "Traceback" not in err
    assert seconds < 10  # two attempts of 1 s, not 4 x 30 s


def test_outputs_can_come_from_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, deploy: Builder
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(deploy().outputs)))
    assert main(["verify", "--outputs", "-", "--region", "us-west-2"]) == 2
    err = capsys.readouterr().err
    assert "every ARN and AWS address in standard input names us-east-1" in err  # read, then judged
