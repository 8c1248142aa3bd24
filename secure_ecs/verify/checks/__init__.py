"""The checks, in the order they run and are reported (network outward, then data)."""

from __future__ import annotations

from secure_ecs.verify.checks import database, ecr, edge, health, network, service
from secure_ecs.verify.checks.base import Check, CheckInput

CHECKS: tuple[Check, ...] = (
    health.CHECK,
    service.SERVICE_CHECK,
    service.ENI_CHECK,
    network.SUBNETS_CHECK,
    network.ENDPOINTS_CHECK,
    ecr.CHECK,
    edge.WAF_CHECK,
    edge.ALB_CHECK,
    network.FLOW_LOGS_CHECK,
    database.CHECK,
)
CHECK_IDS: tuple[str, ...] = tuple(check.id for check in CHECKS)

__all__ = ["CHECKS", "CHECK_IDS", "Check", "CheckInput"]
