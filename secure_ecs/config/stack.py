"""The whole stack's configuration and the rules that span sections."""

from __future__ import annotations

from pydantic import model_validator

from components.image_reference import is_digest, is_ecr_image
from secure_ecs.config.application import (
    DATABASE_PLAIN_VARIABLES,
    DATABASE_SECRET_VARIABLES,
    AlbConfig,
    DatabaseConfig,
    ServiceConfig,
)
from secure_ecs.config.base import ConfigSection
from secure_ecs.config.network import EndpointsConfig, NetworkConfig


class StackConfig(ConfigSection):
    network: NetworkConfig = NetworkConfig()
    """VPC, subnets, egress, flow logs."""
    endpoints: EndpointsConfig = EndpointsConfig()
    """VPC endpoints for AWS services."""
    service: ServiceConfig
    """The Fargate service (image, size, secrets)."""
    alb: AlbConfig
    """The internet-facing load balancer."""
    database: DatabaseConfig | None = None
    """PostgreSQL behind the service; no database when absent."""
    protect_stateful: bool = False
    """Deletion protection and retain-on-delete for stateful resources (database, repository, keys,
    log groups, log bucket) and ALB deletion protection."""
    tags: dict[str, str] = {}
    """Tags for every resource."""

    @model_validator(mode="after")
    def _cross_section(self) -> StackConfig:
        endpoint_azs = self.endpoints.az_count
        if endpoint_azs is not None and endpoint_azs > self.network.az_count:
            raise ValueError(
                f"endpoints.azCount {endpoint_azs} exceeds network.azCount {self.network.az_count}; "
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
                & (set(self.service.secrets) | set(self.service.environment))
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
        store's endpoint; ECS Exec needs the Session Manager channel and the session key.
        """
        references = list(self.service.secrets.values())
        implied = []
        if self.database is not None or any(":secretsmanager:" in r for r in references):
            implied.append("secretsmanager")
        if any(":ssm:" in r for r in references):
            implied.append("ssm")
        if self.service.enable_execute_command:
            implied += ["ssmmessages", "kms"]
        return list(dict.fromkeys([*self.endpoints.extra_services, *implied]))
