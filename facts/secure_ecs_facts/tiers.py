"""The tag `PrivateNetwork` puts on each subnet and the pack reads to tell the load balancer's subnets apart."""

from __future__ import annotations

from typing import Final

TIER_TAG: Final = "secure-ecs:tier"
"""Subnet tier: `public` (load balancer only), `private` (tasks) or `data` (databases)."""
