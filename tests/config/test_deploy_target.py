"""Settings that only work in one account: refused before `pulumi up` creates anything elsewhere."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from secure_ecs.config import StackConfigError, validate_stack_config
from secure_ecs.config.account import DeployTarget, check_deploy_target
from secure_ecs.config.stack import StackConfig
from tests.config.test_stack_config import with_value
from tests.paths import REPO_ROOT

EXAMPLE_ACCOUNT = "123456789012"
REAL = DeployTarget(account_id="210987654321", region="us-east-1")


def stack_values(stack: str) -> dict[str, Any]:
    raw = yaml.safe_load((REPO_ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]
    return {key.split(":", 1)[1]: value for key, value in raw.items() if key.startswith("secure-ecs:")}


def problems(values: dict[str, Any], target: DeployTarget = REAL) -> list[str]:
    with pytest.raises(StackConfigError) as caught:
        check_deploy_target(validate_stack_config(values), target)
    return caught.value.problems


def test_shipped_prod_example_values_are_refused_in_a_real_account() -> None:
    found = problems(stack_values("prod"))
    # The image is a bare digest in the example repository: the repository URL names the account.
    assert [p.split(" ", 1)[0] for p in found] == ["secure-ecs:alb.certificateArn", "secure-ecs:service.repositoryUrl"]
    assert all(EXAMPLE_ACCOUNT in p and REAL.account_id in p for p in found)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_stacks_pass_in_the_emulated_account(stack: str) -> None:
    check_deploy_target(validate_stack_config(stack_values(stack)), DeployTarget(EXAMPLE_ACCOUNT, "us-east-1"))


def test_certificate_of_another_region_is_refused() -> None:
    values = with_value("alb.certificateArn", f"arn:aws:acm:eu-west-1:{REAL.account_id}:certificate/abc")
    values["alb"].pop("allowHttpOnly")
    values["service"]["image"] = f"{REAL.account_id}.dkr.ecr.us-east-1.amazonaws.com/app@sha256:" + "a" * 64
    (problem,) = problems(values)
    assert "eu-west-1" in problem and "must be in its region" in problem


def test_cross_account_image_needs_an_explicit_yes() -> None:
    values = with_value("service.allowCrossAccountImage", True)
    check_deploy_target(validate_stack_config(values), REAL)
    (problem,) = problems(with_value("service.allowCrossAccountImage", False))
    assert "allowCrossAccountImage" in problem


def test_image_from_another_region_is_refused_without_egress() -> None:
    image = f"{REAL.account_id}.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:" + "a" * 64
    (problem,) = problems(with_value("service.image", image))
    assert "replicate the image to us-east-1" in problem


def test_repository_url_must_be_an_ecr_repository() -> None:
    with pytest.raises(StackConfigError, match="repositoryUrl"):
        validate_stack_config(with_value("service.repositoryUrl", "ghcr.io/acme/app"))


def test_enhanced_monitoring_interval_must_be_one_rds_offers() -> None:
    with pytest.raises(StackConfigError, match="monitoringIntervalSeconds = 45"):
        validate_stack_config({**with_value("service.cpu", 256), "database": {"monitoringIntervalSeconds": 45}})


def test_documented_implied_endpoints_match_the_code() -> None:
    # Secrets Manager decrypts with KMS server-side: reading secrets adds no kms endpoint, ECS Exec does.
    described = StackConfig.model_fields["endpoints"].description or ""
    assert "no kms endpoint" in described
    secrets = with_value("service.secrets", {"TOKEN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:t-AbCdEf"})
    assert validate_stack_config(secrets).interface_endpoint_services() == ["secretsmanager"]
