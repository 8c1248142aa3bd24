"""The TLS policy the components default to and the pack recommends."""

from typing import Final

RECOMMENDED_TLS_POLICY: Final = "ELBSecurityPolicy-TLS13-1-2-2021-06"
"""ELB's TLS 1.3 policy with TLS 1.2 as the minimum: current clients only, no TLS 1.0/1.1."""
