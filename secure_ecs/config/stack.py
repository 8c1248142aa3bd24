"""The whole stack's configuration and the rules that span sections."""

from __future__ import annotations

from pydantic import Field, model_validator

from secure_ecs.config.application import (
    DATABASE_PLAIN_VARIABLES,
    DATABASE_SECRET_VARIABLES,
    AlbConfig,
    DatabaseConfig,
    ServiceConfig,
)
from secure_ecs.config.base import ConfigSection
from secure_ecs.config.network import EndpointsConfig, NetworkConfig
from secure_ecs_components.image_reference import is_digest, is_ecr_image


class StackConfig(ConfigSection):
    network: NetworkConfig = NetworkConfig()
    """VPC, subnets, egress, flow logs (`PrivateNetwork`)."""
    endpoints: EndpointsConfig = EndpointsConfig()
    """VPC endpoints for AWS services (`EndpointSet`). Added to `extraServices` by the stack itself:
    secretsmanager when the service reads Secrets Manager secrets or a database exists (its master
    secret, for administration), ssm for SSM parameters, ssmmessages and kms when ECS Exec is on.
    Secrets need no kms endpoint: Secrets Manager decrypts server-side."""
    service: ServiceConfig
    """The Fargate service: image, size, secrets (`SecureFargateService`)."""
    alb: AlbConfig
    """The internet-facing load balancer (`HardenedAlb`)."""
    database: DatabaseConfig | None = None
    """PostgreSQL behind the service (`PrivateDatabase`); no database when absent."""
    protect_stateful: bool = False
    """Pulumi `protect` (destroy refused), retain-on-delete and AWS deletion protection for stateful
    resources (database, repository, keys, log groups, log bucket), and ALB deletion protection."""
    tags: dict[str, str] = Field(default_factory=dict)
    """Tags for every resource."""

    @model_validator(mode="after")
    def _cross_section(self) -> StackConfig:
        endpoint_azs = self.endpoints.availability_zone_count
        network_azs = self.network.availability_zone_count
        if endpoint_azs is not None and endpoint_azs > network_azs:
            raise ValueError(
                f"endpoints.availabilityZoneCount {endpoint_azs} exceeds network.availabilityZoneCount {network_azs}; "
                "endpoints can only be placed in the network's AZs"
            )
        image = self.service.image
        if self.network.egress == "none" and image and not (is_digest(image) or is_ecr_image(image)):
            raise ValueError(
                f"service.image '{image}' is outside ECR, but with network.egress none tasks reach only ECR "
                "(through the endpoints); push it to the stack's repository and give its digest "
                "(sha256:...), build it with service.dockerContext, or set network.egress to a NAT mode"
            )
        if self.database:
            taken = sorted(
                set(DATABASE_SECRET_VARIABLES + DATABASE_PLAIN_VARIABLES)
                & (set(self.service.secrets or {}) | set(self.service.environment or {}))
            )
            if taken:
                raise ValueError(
                    f"service sets {', '.join(taken)}, which the database section provides to the task; "
                    "remove them from service.environment / service.secrets"
                )
        return self

    def interface_endpoint_services(self) -> list[str]:
        """Extra interface endpoints, plus those the service's settings imply.

        Secrets Manager and SSM decrypt with KMS on the caller's behalf, so secrets need only their
        store's endpoint; ECS Exec needs the Session Manager channel and the session key. A database
        implies Secrets Manager for its master secret: the one-off administration task that creates the
        application's IAM database user reads it from inside the VPC.
        """
        references = [str(r) for r in (self.service.secrets or {}).values()]
        implied = []
        if self.database is not None or any(":secretsmanager:" in r for r in references):
            implied.append("secretsmanager")
        if any(":ssm:" in r for r in references):
            implied.append("ssm")
        if self.service.enable_execute_command:
            implied += ["ssmmessages", "kms"]
        return list(dict.fromkeys([*(self.endpoints.extra_services or []), *implied]))
