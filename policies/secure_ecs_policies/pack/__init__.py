"""The secure-ecs policy pack, ready to run.

This folder is a pack folder itself (`PulumiPolicy.yaml`, `__main__.py`), so an installed `secure-ecs`
starts the pack from the installed package, with no checkout. The repository's `policies/` folder,
which `pulumi preview --policy-pack policies` runs, starts the same pack through `run_pack`.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pulumi_policy import EnforcementLevel, PolicyPack

from secure_ecs_policies import ALL_POLICIES
from secure_ecs_policies.shared_reads import share_property_reads

PACK_DIR = Path(__file__).resolve().parent
"""The bundled pack folder (inside the installed package)."""
PACK_NAME = "secure-ecs"


def run_pack() -> None:
    """Serve the pack to the Pulumi engine (the body of a pack folder's `__main__.py`)."""
    share_property_reads()
    PolicyPack(
        name=PACK_NAME,
        policies=ALL_POLICIES,
        enforcement_level=EnforcementLevel.MANDATORY,
        description=str(yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text(encoding="utf-8"))["description"]),
        provider="aws",
        tags=["aws", "ecs", "fargate", "security"],
    )
