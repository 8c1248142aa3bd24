"""One running copy of the real policy pack per configuration, shared by the whole session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from secure_ecs.analyzer import AnalyzerClient
from tests.paths import CONFIG_DIR, PACK_DIR

REMEDIATING = ("ecs-service-no-public-ip", "alb-drop-invalid-headers", "ecr-scan-on-push")


def _started(config_file: Path | None = None, overrides: dict[str, object] | None = None) -> Iterator[AnalyzerClient]:
    with AnalyzerClient(PACK_DIR, call_timeout=30.0) as pack:
        pack.configure(overrides, config_file=config_file)
        yield pack


@pytest.fixture(scope="session")
def default_pack() -> Iterator[AnalyzerClient]:
    """The pack with its own defaults (every policy at its default level and thresholds)."""
    yield from _started()


@pytest.fixture(scope="session")
def dev_pack() -> Iterator[AnalyzerClient]:
    yield from _started(CONFIG_DIR / "dev.json")


@pytest.fixture(scope="session")
def prod_pack() -> Iterator[AnalyzerClient]:
    yield from _started(CONFIG_DIR / "prod.json")


@pytest.fixture(scope="session")
def remediating_pack() -> Iterator[AnalyzerClient]:
    """The pack with its fixable policies set to "remediate"."""
    yield from _started(overrides={name: "remediate" for name in REMEDIATING})
