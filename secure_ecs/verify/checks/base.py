"""What every check receives, and how a check is declared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from secure_ecs.verify.aws import AwsContext
from secure_ecs.verify.model import CheckResult
from secure_ecs.verify.outputs import StackOutputs


@dataclass(frozen=True)
class CheckInput:
    outputs: StackOutputs
    aws: AwsContext
    http_timeout: float = 10.0
    """Seconds the health URL may take to answer."""
    ca_bundle: Path | None = None
    """Extra CA certificates for the health URL's TLS (a private CA); None trusts the system store."""


@dataclass(frozen=True)
class Check:
    id: str
    """What --skip takes."""
    title: str
    run: Callable[[CheckInput], CheckResult]
