"""`secure-ecs:network` and `secure-ecs:endpoints`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from components.endpoints import OPTIONAL_INTERFACE_SERVICES
from components.network import DEFAULT_SUBNET_PREFIXES, MAX_AZS, MIN_AZS
from components.subnet_layout import SubnetLayout, SubnetLayoutError, check_explicit_subnets, plan_subnets
from secure_ecs.config.base import ConfigSection
from secure_ecs.config.retention import RetentionDays

SUBNET_LAYOUT_ERROR = "subnet_layout"


class SubnetPrefixes(ConfigSection):
    public: int = Field(DEFAULT_SUBNET_PREFIXES["public"], ge=16, le=28)
    """Prefix length of each public (load balancer) subnet."""
    private: int = Field(DEFAULT_SUBNET_PREFIXES["private"], ge=16, le=28)
    """Prefix length of each private (task) subnet."""
    data: int = Field(DEFAULT_SUBNET_PREFIXES["data"], ge=16, le=28)
    """Prefix length of each isolated (database) subnet."""


class SubnetRanges(ConfigSection):
    public: list[str]
    """Load balancer subnets, one range per AZ."""
    private: list[str]
    """Task subnets, one range per AZ."""
    data: list[str]
    """Database subnets, one range per AZ."""


class NetworkConfig(ConfigSection):
    cidr: str = "10.0.0.0/16"
    """VPC range: RFC 1918, /16 to /28."""
    az_count: int = Field(2, ge=MIN_AZS, le=MAX_AZS)
    """AZs to span (2 to 6)."""
    subnet_prefixes: SubnetPrefixes = SubnetPrefixes()
    """Sizes of the automatically carved subnets."""
    subnets: SubnetRanges | None = None
    """Explicit subnet ranges per tier instead of carving (one per AZ, inside the VPC, no overlap)."""
    egress: Literal["none", "nat-single", "nat-per-az"] = "none"
    """Internet egress for tasks: none (endpoints only), one NAT, or one NAT per AZ."""
    flow_log_retention_days: RetentionDays = 365
    """Days to keep VPC flow logs (a CloudWatch Logs retention value)."""

    @model_validator(mode="after")
    def _subnets_fit(self) -> NetworkConfig:
        try:
            self.layout()
        except SubnetLayoutError as exc:
            # The loader reports this under the field at fault rather than the whole section.
            raise PydanticCustomError(
                SUBNET_LAYOUT_ERROR, "{message}", {"field": exc.field, "message": str(exc)}
            ) from None
        return self

    def layout(self) -> SubnetLayout:
        """Raises `SubnetLayoutError` naming the field when the ranges do not work."""
        if self.subnets is not None:
            ranges = {"public": self.subnets.public, "private": self.subnets.private, "data": self.subnets.data}
            return check_explicit_subnets(self.cidr, self.az_count, ranges)
        return plan_subnets(self.cidr, self.az_count, self.subnet_prefixes.model_dump())


class EndpointsConfig(ConfigSection):
    extra_services: list[str] = []
    """Interface endpoints beyond ecr.api, ecr.dkr and logs. secretsmanager (and kms) are added
    automatically when the service reads secrets, ssmmessages when ECS Exec is on."""
    az_count: int | None = Field(None, ge=1, le=MAX_AZS)
    """How many AZs get endpoint interfaces: all network AZs by default; 1 for a cheap dev stack."""
    s3_buckets: list[str] = []
    """Buckets of this account reachable through the S3 gateway besides ECR's layer bucket."""
    restrict_to_account: bool = True
    """Endpoint policies that admit only this account's callers and resources."""

    @field_validator("extra_services")
    @classmethod
    def _known_once(cls, services: list[str]) -> list[str]:
        unknown = [s for s in services if s not in OPTIONAL_INTERFACE_SERVICES]
        if unknown:
            raise ValueError(f"{', '.join(unknown)} not offered; choose from {', '.join(OPTIONAL_INTERFACE_SERVICES)}")
        repeated = sorted({s for s in services if services.count(s) > 1})
        if repeated:
            raise ValueError(f"lists {', '.join(repeated)} more than once")
        return services
