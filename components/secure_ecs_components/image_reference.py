"""What an `image` argument points at: a digest in the service's own repository, or a full URI."""

from __future__ import annotations

import re

_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
# <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]
ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
    r"(?P<repository>[a-z0-9][a-z0-9._/-]*?)(?:[:@].*)?$"
)


def is_digest(image: str) -> bool:
    return bool(_DIGEST.match(image))


def is_ecr_image(image: str) -> bool:
    return bool(ECR_IMAGE.match(image))


def resolve_image(image: str, repository_url: str) -> str:
    """A bare digest means an image already pushed to this service's repository."""
    return f"{repository_url}@{image}" if is_digest(image) else image


def ecr_repository_arn(image: str, partition: str) -> str | None:
    """The repository an ECR image URI lives in (the execution role must be allowed to pull it)."""
    match = ECR_IMAGE.match(image)
    if match is None:
        return None
    return f"arn:{partition}:ecr:{match['region']}:{match['account']}:repository/{match['repository']}"
