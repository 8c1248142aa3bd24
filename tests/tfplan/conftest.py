"""Checkov for the tests: its own virtualenv (`make test` creates .venv-checkov), SECURE_ECS_CHECKOV, or PATH."""

from __future__ import annotations

import os

import pytest

from secure_ecs.tfplan.checkov import CHECKOV_ENV, ScannerError, find_checkov
from tests.paths import REPO_ROOT
from tests.plan.conftest import run_cli  # noqa: F401  (shared fixtures)
from tests.policies.conftest import dev_pack, prod_pack  # noqa: F401

PROJECT_CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"


@pytest.fixture(scope="session", autouse=True)
def checkov_executable() -> str:
    if CHECKOV_ENV not in os.environ and PROJECT_CHECKOV.is_file():
        os.environ[CHECKOV_ENV] = str(PROJECT_CHECKOV)
    try:
        return find_checkov()
    except ScannerError as missing:
        pytest.fail(f"{missing} (`make test` creates .venv-checkov)")
