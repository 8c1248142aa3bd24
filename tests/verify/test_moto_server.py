"""One run of the CLI against moto's threaded server over real HTTP, selected with --endpoint-url."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer  # the `moto[server]` dev extra (Flask)

from tests.verify.conftest import write_outputs
from tests.verify.deployment import build_deployment
from tests.verify.servers import HealthServer
from tests.verify.test_cli import free_port, run_cli


@pytest.fixture
def moto_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def test_cli_over_http_against_moto_server(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path, moto_server: str, https_health: HealthServer) -> None:
    # The deployment is built through the server too (AWS_ENDPOINT_URL), then the variable is removed
    # so that only --endpoint-url can lead the CLI there.
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    deployment = build_deployment(f"{https_health.base_url}/api/health")
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    assert https_health.ca_file is not None
    run = run_cli(capsys, "--outputs", str(write_outputs(tmp_path, deployment.outputs)), "--endpoint-url", moto_server,
               "--region", "us-east-1", "--ca-bundle", str(https_health.ca_file), "--format", "json")
    report = json.loads(run.out)
    statuses = {check["id"]: check["status"] for check in report["checks"]}
    # moto drops the service's deploymentConfiguration (no in-process shim here), so the service
    # check fails on the circuit breaker alone; everything else passes over real HTTP.
    assert statuses.pop("service") == "fail"
    service = next(check for check in report["checks"] if check["id"] == "service")
    assert [line for line in service["evidence"] if line.startswith("FAIL")] == [
        "FAIL: deployment circuit breaker is off (a broken image keeps being redeployed)"]
    assert set(statuses.values()) == {"pass"}
    assert (run.code, report["exitCode"], report["account"]) == (1, 1, "123456789012")
