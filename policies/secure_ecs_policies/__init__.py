"""secure-ecs CrossGuard rules, importable so that any pack can enforce them.

    from pulumi_policy import PolicyPack
    from secure_ecs_policies import ALL_POLICIES

    PolicyPack("my-pack", policies=ALL_POLICIES)

``POLICY_METADATA`` maps each policy name to its severity, control ids and remediation steps, for
reports (e.g. SARIF) that need them without starting the pack.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from pulumi_policy import Policy

from secure_ecs_policies import (
    database,
    deploy_hazards,
    ecr,
    ecs,
    encryption,
    endpoints,
    iam,
    load_balancing,
    logging,
    network,
)
from secure_ecs_policies.awsx_components import covering_awsx_components
from secure_ecs_policies.metadata import PolicyMetadata, metadata_of
from secure_ecs_policies.network import PUBLIC_TIER_TAG

MANDATORY_CORE: list[Policy] = covering_awsx_components([
    ecs.ecs_service_no_public_ip,
    network.subnet_no_public_ip,
    network.ec2_instance_no_public_ip,
    network.launch_template_no_public_ip,
    network.launch_configuration_no_public_ip,
    network.public_ip_from_subnet,
    database.rds_not_public,
    ecr.ecr_repository_scanned,
])
"""The rules every stack must pass: no public IPs anywhere, every ECR repository scanned."""

# Every rule also judges what awsx components would create from their inputs (see awsx_components).
ALL_POLICIES: list[Policy] = covering_awsx_components([
    *ecs.POLICIES,
    *network.POLICIES,
    *endpoints.POLICIES,
    *ecr.POLICIES,
    *load_balancing.POLICIES,
    *logging.POLICIES,
    *database.POLICIES,
    *encryption.POLICIES,
    *iam.POLICIES,
    *deploy_hazards.POLICIES,
])

POLICY_METADATA: Mapping[str, PolicyMetadata] = MappingProxyType({p.name: metadata_of(p) for p in ALL_POLICIES})

__all__ = ["ALL_POLICIES", "MANDATORY_CORE", "POLICY_METADATA", "PUBLIC_TIER_TAG", "PolicyMetadata"]
