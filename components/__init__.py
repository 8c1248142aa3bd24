"""Reusable secure-ecs components: a private network, its endpoints, and the application tiers."""

from components.alb import HardenedAlb, HardenedAlbArgs
from components.database import PrivateDatabase, PrivateDatabaseArgs
from components.endpoints import EndpointSet, EndpointSetArgs
from components.errors import ComponentArgumentError
from components.fargate_service import SecureFargateService, SecureFargateServiceArgs
from components.network import PrivateNetwork, PrivateNetworkArgs
from components.secret_reference import SecretReference, json_key_reference

__all__ = [
    "ComponentArgumentError",
    "EndpointSet",
    "EndpointSetArgs",
    "HardenedAlb",
    "HardenedAlbArgs",
    "PrivateDatabase",
    "PrivateDatabaseArgs",
    "PrivateNetwork",
    "PrivateNetworkArgs",
    "SecretReference",
    "SecureFargateService",
    "SecureFargateServiceArgs",
    "json_key_reference",
]
