"""Where the policy pack installed with the tooling lives (inside the secure-ecs-policies package)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def bundled_policy_pack() -> Path:
    """The pack folder shipped in `secure_ecs_policies.pack`, found without importing the pack."""
    spec = importlib.util.find_spec("secure_ecs_policies")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("secure-ecs-policies is not installed; install it or pass --policy-pack")
    return Path(next(iter(spec.submodule_search_locations))).resolve() / "pack"
