"""The VPC endpoints private Fargate tasks need when there is no NAT gateway."""

from __future__ import annotations

from typing import Final

REQUIRED_INTERFACE_SERVICES: Final = ("ecr.api", "ecr.dkr", "logs")
"""Image auth, image pull and logs; S3 (image layers) is the gateway endpoint."""
GATEWAY_SERVICE: Final = "s3"
# Services a stack may add: secrets (secretsmanager, kms, ssm), ECS Exec (ssmmessages), ECS agent
# traffic where the region routes it through endpoints (ecs, ecs-agent, ecs-telemetry), and others
# tasks commonly call.
OPTIONAL_INTERFACE_SERVICES: Final = (
    "secretsmanager",
    "kms",
    "ssm",
    "ssmmessages",
    "ec2messages",
    "ecs",
    "ecs-agent",
    "ecs-telemetry",
    "sts",
    "monitoring",
    "xray",
    "elasticfilesystem",
)
# Regions launched from 23 December 2023 on route Fargate's agent traffic to these endpoints too:
# without them (and without NAT) tasks never start there. AWS's ECS VPC-endpoint guide lists this.
FARGATE_AGENT_SERVICES: Final = ("ecs", "ecs-agent", "ecs-telemetry")
REGIONS_NEEDING_FARGATE_AGENT_ENDPOINTS: Final = frozenset(
    {"ca-west-1", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ap-east-2", "mx-central-1"}
)
