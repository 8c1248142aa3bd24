"""The health check against a real HTTP(S) server on 127.0.0.1: pass, fail, timeout, TLS, plain HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from secure_ecs.verify.aws import AwsContext
from secure_ecs.verify.checks import CheckInput
from secure_ecs.verify.checks.health import check_health
from secure_ecs.verify.model import Status
from secure_ecs.verify.outputs import parse_outputs
from tests.verify.deployment import REGION, fresh_session
from tests.verify.servers import HealthServer

_OUTPUTS = {
    "albUrl": "https://alb.example", "clusterName": "c", "serviceName": "s", "vpcId": "vpc-1",
    "publicSubnetIds": ["subnet-1"], "privateSubnetIds": ["subnet-2"], "dataSubnetIds": ["subnet-3"],
    "taskSecurityGroupId": "sg-1", "interfaceEndpointIds": {}, "s3EndpointId": "vpce-1",
    "repositoryUrl": "1.dkr.ecr.us-east-1.amazonaws.com/r", "flowLogId": "fl-1", "logGroupName": "g",
}


def _health(url: str, timeout: float = 2.0, ca_bundle: Path | None = None) -> tuple[Status, tuple[str, ...]]:
    outputs = parse_outputs({**_OUTPUTS, "healthCheckUrl": url}, "test")
    # The health check makes no AWS call; the context is only there because every check gets one.
    check = CheckInput(outputs, AwsContext(fresh_session(), REGION), http_timeout=timeout, ca_bundle=ca_bundle)
    result = check_health(check)
    return result.status, result.evidence


def test_https_2xx_with_a_trusted_certificate_passes(https_health: HealthServer) -> None:
    status, evidence = _health(f"{https_health.base_url}/api/health", ca_bundle=https_health.ca_file)
    assert status == Status.PASS
    assert evidence == (f"GET {https_health.base_url}/api/health answered HTTP 200",)


def test_untrusted_certificate_fails(https_health: HealthServer) -> None:
    status, evidence = _health(f"{https_health.base_url}/api/health")
    assert status == Status.FAIL
    assert "TLS certificate did not verify" in evidence[0]


def test_non_2xx_fails(https_health: HealthServer) -> None:
    status, evidence = _health(f"{https_health.base_url}/missing", ca_bundle=https_health.ca_file)
    assert status == Status.FAIL
    assert "answered HTTP 503" in evidence[0]


def test_slow_answer_times_out(http_health: HealthServer) -> None:
    status, evidence = _health(f"{http_health.base_url}/slow", timeout=0.3)
    assert status == Status.FAIL
    assert "within 0.3 s" in evidence[0]


def test_plain_http_answers_but_warns_about_encryption(http_health: HealthServer) -> None:
    status, evidence = _health(f"{http_health.base_url}/api/health")
    assert status == Status.WARN
    assert evidence[0].startswith("WARN:") and "not encrypted" in evidence[0]


def test_nothing_listening_fails() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    status, evidence = _health(f"http://127.0.0.1:{port}/api/health")
    assert status == Status.FAIL
    assert "failed" in evidence[0]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x"])
def test_only_http_urls_are_opened(url: str) -> None:
    status, evidence = _health(url)
    assert status == Status.FAIL
    assert evidence == (f"FAIL: {url} is not an http(s) URL",)
