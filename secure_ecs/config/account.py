"""Rules that need the AWS account the stack deploys to: checked at `pulumi preview` / `up`, once.

Values that name an account (a certificate ARN, an ECR image) are only right in that account. An
example value left in a stack file names an account that is not the caller's, so the deploy stops
here with one message instead of failing at the listener or leaving tasks unable to pull.
The offline plan runs in an emulated account with the example account id, so it passes there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from secure_ecs.config.errors import StackConfigError
from secure_ecs.config.loader import NAMESPACE
from secure_ecs.config.stack import StackConfig
from secure_ecs_components.image_reference import ECR_IMAGE

_CERTIFICATE_ARN = re.compile(r"^arn:[a-z-]+:acm:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):certificate/.+$")


@dataclass(frozen=True)
class DeployTarget:
    account_id: str
    region: str


def _certificate_problems(config: StackConfig, target: DeployTarget) -> list[str]:
    arn = config.alb.certificate_arn
    if arn is None:
        return []
    key = f"{NAMESPACE}:alb.certificateArn"
    match = _CERTIFICATE_ARN.match(arn)
    if match is None:
        return [f"{key} '{arn}' is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)"]
    problems = []
    if match["account"] != target.account_id:
        problems.append(
            f"{key} is in account {match['account']}, but the stack deploys to {target.account_id}: a load balancer "
            "can only use a certificate of its own account; request or import one in ACM and put its ARN here"
        )
    if match["region"] != target.region:
        problems.append(
            f"{key} is in {match['region']}, but the stack deploys to {target.region}: "
            "ACM certificates for a load balancer must be in its region"
        )
    return problems


def _image_problems(config: StackConfig, target: DeployTarget) -> list[str]:
    service = config.service
    problems = []
    for setting, value in (("service.repositoryUrl", service.repository_url), ("service.image", service.image)):
        match = ECR_IMAGE.match(value or "")
        if match is None:
            continue
        key = f"{NAMESPACE}:{setting}"
        if match["account"] != target.account_id and not service.allow_cross_account_image:
            problems.append(
                f"{key} is in account {match['account']}, not {target.account_id} where the stack deploys: push "
                "the release to a repository of this account, or set service.allowCrossAccountImage: true once "
                "that repository's policy lets this account pull"
            )
        if match["region"] != target.region and config.network.egress == "none":
            problems.append(
                f"{key} is in {match['region']}, but with network.egress none tasks reach only the ECR of "
                f"{target.region} (through its endpoints); replicate the image to {target.region}"
            )
    return problems


def check_deploy_target(config: StackConfig, target: DeployTarget) -> None:
    """Raise `StackConfigError` listing every setting that cannot work in this account and region."""
    problems = _certificate_problems(config, target) + _image_problems(config, target)
    if problems:
        raise StackConfigError(problems)
