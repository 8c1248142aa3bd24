"""The secure-ecs policy pack, as `pulumi preview --policy-pack policies` runs it."""

from pulumi_policy import EnforcementLevel, PolicyPack

from secure_ecs_policies import ALL_POLICIES
from secure_ecs_policies.shared_reads import share_property_reads

share_property_reads()

PolicyPack(
    name="secure-ecs",
    policies=ALL_POLICIES,
    enforcement_level=EnforcementLevel.MANDATORY,
    description="Private, hardened ECS Fargate on AWS: no public IPs, scanned images, private endpoints, WAF, logs.",
    provider="aws",
    tags=["aws", "ecs", "fargate", "security"],
)
