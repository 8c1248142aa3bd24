"""`secure-ecs:network` and `secure-ecs:endpoints`: `PrivateNetwork`'s and `EndpointSet`'s own arguments."""

from __future__ import annotations

from pydantic import Field

from secure_ecs.config.derived import derived_section
from secure_ecs_components.endpoints import SPEC as ENDPOINTS_SPEC
from secure_ecs_components.network import MAX_AZS, subnet_layout
from secure_ecs_components.network import SPEC as NETWORK_SPEC
from secure_ecs_components.subnet_layout import SubnetLayout


class NetworkConfig(derived_section("NetworkSection", NETWORK_SPEC)):  # type: ignore[misc]
    """`PrivateNetwork`'s arguments."""

    def layout(self) -> SubnetLayout:
        """The subnets these settings carve (already checked: the section validated them)."""
        return subnet_layout(NETWORK_SPEC.filled(self.to_args()))


class EndpointsConfig(derived_section("EndpointsSection", ENDPOINTS_SPEC)):  # type: ignore[misc]
    """`EndpointSet`'s arguments, and where its interfaces go."""

    availability_zone_count: int | None = Field(None, ge=1, le=MAX_AZS)
    """How many AZs get endpoint interfaces: all network AZs by default; 1 for a cheap dev stack."""
