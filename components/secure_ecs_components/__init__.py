"""Reusable secure-ecs components: a private network, its endpoints, and the application tiers."""

import pulumi

from secure_ecs_components.alb import HardenedAlb, HardenedAlbArgs, WafArgs
from secure_ecs_components.database import PrivateDatabase, PrivateDatabaseArgs
from secure_ecs_components.endpoints import EndpointSet, EndpointSetArgs
from secure_ecs_components.errors import ComponentArgumentError
from secure_ecs_components.fargate_service import (
    AutoscalingArgs,
    ContainerInsights,
    CpuArchitecture,
    SecureFargateService,
    SecureFargateServiceArgs,
)
from secure_ecs_components.network import Egress, PrivateNetwork, PrivateNetworkArgs, SubnetCidrs, SubnetPrefixes
from secure_ecs_components.secret_reference import json_key_reference

PACKAGE_NAME = "secure-ecs"
"""Package part of every component's type token (`secure-ecs:index:<ClassName>`)."""
PACKAGE_VERSION = "0.1.0"
"""The provider's version: the distributions' release (a test keeps every place that names it in step)."""
COMPONENTS: list[type[pulumi.ComponentResource]] = [
    PrivateNetwork,
    EndpointSet,
    HardenedAlb,
    PrivateDatabase,
    SecureFargateService,
]

__all__ = [
    "COMPONENTS",
    "PACKAGE_NAME",
    "PACKAGE_VERSION",
    "AutoscalingArgs",
    "ComponentArgumentError",
    "ContainerInsights",
    "CpuArchitecture",
    "Egress",
    "EndpointSet",
    "EndpointSetArgs",
    "HardenedAlb",
    "HardenedAlbArgs",
    "PrivateDatabase",
    "PrivateDatabaseArgs",
    "PrivateNetwork",
    "PrivateNetworkArgs",
    "SecureFargateService",
    "SecureFargateServiceArgs",
    "SubnetCidrs",
    "SubnetPrefixes",
    "WafArgs",
    "json_key_reference",
]
