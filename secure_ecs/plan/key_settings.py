"""The few settings per resource type that say whether a resource is exposed or hardened.

Shown next to the resource counts in the summary so a reader sees, for example, that a service
assigns public IPs or a listener speaks plain HTTP without opening the JSON report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from secure_ecs.offline.graph import UNKNOWN, CapturedResource

# type token -> (label, property path) pairs; a path is dot-separated, `[]` reads every list item.
KEY_SETTINGS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "aws:ecs/service:Service": (
        ("public IP", "networkConfiguration.assignPublicIp"),
        ("launch", "launchType"),
        ("desired", "desiredCount"),
    ),
    "aws:ec2/subnet:Subnet": (("cidr", "cidrBlock"), ("public IP on launch", "mapPublicIpOnLaunch")),
    "aws:ecr/repository:Repository": (
        ("scan on push", "imageScanningConfiguration.scanOnPush"),
        ("tags", "imageTagMutability"),
    ),
    "aws:lb/loadBalancer:LoadBalancer": (
        ("internal", "internal"),
        ("drop invalid headers", "dropInvalidHeaderFields"),
        ("deletion protection", "enableDeletionProtection"),
    ),
    "aws:lb/listener:Listener": (("protocol", "protocol"), ("port", "port"), ("TLS policy", "sslPolicy")),
    "aws:lb/targetGroup:TargetGroup": (("target", "targetType"), ("port", "port"), ("health", "healthCheck.path")),
    "aws:rds/instance:Instance": (
        ("public", "publiclyAccessible"),
        ("encrypted", "storageEncrypted"),
        ("multi-AZ", "multiAz"),
        ("deletion protection", "deletionProtection"),
    ),
    "aws:ec2/vpcEndpoint:VpcEndpoint": (("service", "serviceName"), ("type", "vpcEndpointType"),
                                        ("private DNS", "privateDnsEnabled")),
    "aws:ec2/vpc:Vpc": (("cidr", "cidrBlock"),),
    "aws:cloudwatch/logGroup:LogGroup": (("retention days", "retentionInDays"), ("KMS", "kmsKeyId")),
    "aws:ec2/flowLog:FlowLog": (("traffic", "trafficType"),),
    "aws:ec2/natGateway:NatGateway": (("connectivity", "connectivityType"),),
    "aws:ec2/instance:Instance": (("public IP", "associatePublicIpAddress"),),
}

# pulumi-aws keeps `aws:alb/...` as aliases of the `aws:lb/...` types.
KEY_SETTINGS = {
    **KEY_SETTINGS,
    **{t.replace("aws:lb/", "aws:alb/"): v for t, v in KEY_SETTINGS.items() if t.startswith("aws:lb/")},
}

_NOT_SET = "(not set)"


def _read(properties: Any, path: list[str]) -> list[Any]:
    if not path:
        return [properties]
    head, rest = path[0], path[1:]
    if isinstance(properties, list):
        return [value for item in properties for value in _read(item, path)]
    if isinstance(properties, Mapping) and head in properties:
        return _read(properties[head], rest)
    return []


def _show(value: Any) -> str:
    if value == UNKNOWN:
        return "(known after deploy)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith("arn:"):
        return "set"
    return str(value)


def key_settings(resource: CapturedResource) -> list[tuple[str, str]]:
    """(label, shown value) for the resource's type; a missing property shows as not set."""
    settings = []
    for label, path in KEY_SETTINGS.get(resource.type, ()):
        values = _read(resource.inputs, path.split("."))
        shown = ", ".join(sorted({_show(v) for v in values})) if values else _NOT_SET
        settings.append((label, shown))
    return settings
