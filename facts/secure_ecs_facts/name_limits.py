"""How long the physical names Pulumi derives from logical names may be, per resource type.

When a program leaves a resource's name property unset, the provider names it
``<logical name>-<7 random hex characters>``. AWS refuses names over its own limit for the type,
so the logical name must leave room for the suffix. Plain data: the pack (which runs without the
components) and the components (which validate their own names) share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

AUTO_NAME_SUFFIX_LENGTH: Final = 8
"""`-` plus seven random characters."""


@dataclass(frozen=True)
class NameLimit:
    name_property: str
    """The input that holds the physical name (auto-named when unset)."""
    maximum: int
    """AWS's length limit for that name."""
    prefix_property: str = ""
    """An input that, when set, makes the provider use it as a prefix instead (e.g. `namePrefix`)."""

    def room_for(self, logical_name: str) -> int:
        """Characters left over (negative: the auto-name would be refused)."""
        return self.maximum - len(logical_name) - AUTO_NAME_SUFFIX_LENGTH


AUTO_NAME_LIMITS: Final[dict[str, NameLimit]] = {
    "aws:lb/loadBalancer:LoadBalancer": NameLimit("name", 32, "namePrefix"),
    "aws:alb/loadBalancer:LoadBalancer": NameLimit("name", 32, "namePrefix"),
    "aws:lb/targetGroup:TargetGroup": NameLimit("name", 32, "namePrefix"),
    "aws:alb/targetGroup:TargetGroup": NameLimit("name", 32, "namePrefix"),
    "aws:iam/role:Role": NameLimit("name", 64, "namePrefix"),
    "aws:iam/policy:Policy": NameLimit("name", 128, "namePrefix"),
    "aws:lambda/function:Function": NameLimit("name", 64),
    "aws:cloudwatch/eventRule:EventRule": NameLimit("name", 64, "namePrefix"),
    "aws:sqs/queue:Queue": NameLimit("name", 80, "namePrefix"),
    "aws:s3/bucket:Bucket": NameLimit("bucket", 63, "bucketPrefix"),
    "aws:s3/bucketV2:BucketV2": NameLimit("bucket", 63, "bucketPrefix"),
    "aws:rds/instance:Instance": NameLimit("identifier", 63, "identifierPrefix"),
    "aws:wafv2/webAcl:WebAcl": NameLimit("name", 128, "namePrefix"),
    "aws:ecs/cluster:Cluster": NameLimit("name", 255),
    "aws:ecs/service:Service": NameLimit("name", 255),
    "aws:ec2/securityGroup:SecurityGroup": NameLimit("name", 255, "namePrefix"),
    "aws:ecr/repository:Repository": NameLimit("name", 256),
}
"""Resource token -> naming rule, for the types whose AWS limit a real program can hit."""


def longest_logical_name(type_token: str, suffix: str) -> int | None:
    """The longest component name for which `<name><suffix>` still auto-names within the limit."""
    limit = AUTO_NAME_LIMITS.get(type_token)
    return None if limit is None else limit.maximum - AUTO_NAME_SUFFIX_LENGTH - len(suffix)
