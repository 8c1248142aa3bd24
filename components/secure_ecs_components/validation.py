"""Value checks several components share (used in their `ArgSpec`s): None when accepted, else what is allowed."""

from __future__ import annotations

import ipaddress
import re

from secure_ecs_facts.log_retention import LOG_RETENTION_DAYS

PORT_RANGE = (1, 65535)
_SQL_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")


def log_retention(value: object) -> str | None:
    if value in LOG_RETENTION_DAYS:
        return None
    return f"CloudWatch Logs accepts only {', '.join(map(str, LOG_RETENTION_DAYS))} days"


def http_path(value: object) -> str | None:
    if isinstance(value, str) and value.startswith("/") and len(value) <= 1024 and not any(c.isspace() for c in value):
        return None
    return "use an absolute URL path such as '/api/health' (at most 1024 characters, no spaces)"


def ipv4_cidrs(value: object) -> str | None:
    """Client ranges of an IPv4 load balancer: an IPv6 range would admit no one."""
    if not isinstance(value, (list, tuple)) or not value:
        return "use a non-empty list of IPv4 CIDRs such as ['0.0.0.0/0']"
    for cidr in value:
        try:
            ipaddress.IPv4Network(cidr, strict=True)
        except (TypeError, ValueError) as exc:
            return f"'{cidr}' is not an IPv4 CIDR range ({exc}); the load balancer is IPv4-only"
    return None


def sql_identifier(value: object) -> str | None:
    if isinstance(value, str) and _SQL_IDENTIFIER.match(value):
        return None
    return "use a letter then letters, digits or '_' (at most 63)"
