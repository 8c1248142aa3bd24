"""Tags every child carries: the caller's tags plus a Name and, where useful, the tier."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from secure_ecs_facts.tiers import TIER_TAG

__all__ = ["TIER_TAG", "merged_tags"]



def merged_tags(base: pulumi.Input[Mapping[str, str]] | None, **extra: str) -> pulumi.Output[dict[str, str]]:
    return pulumi.Output.from_input(base or {}).apply(lambda tags: {**(tags or {}), **extra})
