"""Fixtures: fake credentials (so nothing can reach real AWS), moto, health servers, the deployment."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from secure_ecs.verify.aws import AwsContext
from secure_ecs.verify.checks import CheckInput
from secure_ecs.verify.outputs import parse_outputs
from tests.verify.deployment import REGION, Deployment, build_deployment, fresh_session
from tests.verify.servers import HealthServer, health_server


@pytest.fixture(autouse=True)
def fake_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake keys and no config files: a test that escaped moto would be refused, never billed."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                 "AWS_ENDPOINT_URL", "AWS_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # moto reports this many running tasks per service (it cannot run awsvpc tasks itself).
    monkeypatch.setenv("MOTO_ECS_SERVICE_RUNNING", "2")


@pytest.fixture(scope="session")
def https_health(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HealthServer]:
    with health_server(tmp_path_factory.mktemp("tls")) as server:
        yield server


@pytest.fixture(scope="session")
def http_health() -> Iterator[HealthServer]:
    with health_server() as server:
        yield server


@pytest.fixture
def moto() -> Iterator[None]:
    with mock_aws():
        yield


Builder = Callable[..., Deployment]


@pytest.fixture
def deploy(moto: None, https_health: HealthServer) -> Builder:
    """Build the secure deployment (options as for `build_deployment`) with an HTTPS health URL."""

    def build(**options: Any) -> Deployment:
        return build_deployment(f"{https_health.base_url}/api/health", **options)

    return build


InputMaker = Callable[[Deployment], CheckInput]


@pytest.fixture
def check_input(https_health: HealthServer) -> InputMaker:
    """What the CLI would build for this deployment, talking to the in-process moto."""

    def make(deployment: Deployment) -> CheckInput:
        aws = AwsContext(session=fresh_session(), region=REGION)
        deployment.add_circuit_breaker(aws)
        outputs = parse_outputs(deployment.outputs, "the test outputs")
        return CheckInput(outputs=outputs, aws=aws, http_timeout=2.0, ca_bundle=https_health.ca_file)

    return make


def write_outputs(folder: Path, outputs: dict[str, Any]) -> Path:
    path = folder / "outputs.json"
    path.write_text(json.dumps(outputs), encoding="utf-8")
    return path
