"""Plausible computed attributes for resources the mock engine creates.

Dependent resources and policies should see values shaped like the real ones (``vpc-…`` ids, ARNs
in this account and region, DNS names), so a program that parses or joins them behaves as it
would against AWS. Values are derived from the resource's type and name, so runs are repeatable.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Physical id prefixes AWS uses, by pulumi-aws type token.
_ID_PREFIXES: dict[str, str] = {
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/internetGateway:InternetGateway": "igw-",
    "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/eip:Eip": "eipalloc-",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-",
    "aws:ec2/flowLog:FlowLog": "fl-",
    "aws:ec2/networkAcl:NetworkAcl": "acl-",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg-",
    "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": "acl-",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc-",
    "aws:ec2/route:Route": "r-rtb-",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr-",
    "aws:ec2/instance:Instance": "i-",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
}

# ARN (service, resource path prefix, name property) by type token; the path gets the name appended.
_ARN_SHAPES: dict[str, tuple[str, str]] = {
    "aws:kms/key:Key": ("kms", "key/"),
    "aws:kms/alias:Alias": ("kms", ""),
    "aws:cloudwatch/logGroup:LogGroup": ("logs", "log-group:"),
    "aws:iam/role:Role": ("iam", "role/"),
    "aws:iam/policy:Policy": ("iam", "policy/"),
    "aws:ecr/repository:Repository": ("ecr", "repository/"),
    "aws:ecs/cluster:Cluster": ("ecs", "cluster/"),
    "aws:ecs/taskDefinition:TaskDefinition": ("ecs", "task-definition/"),
    "aws:ecs/service:Service": ("ecs", "service/"),
    "aws:lb/loadBalancer:LoadBalancer": ("elasticloadbalancing", "loadbalancer/app/"),
    "aws:lb/targetGroup:TargetGroup": ("elasticloadbalancing", "targetgroup/"),
    "aws:lb/listener:Listener": ("elasticloadbalancing", "listener/app/"),
    "aws:wafv2/webAcl:WebAcl": ("wafv2", "regional/webacl/"),
    "aws:secretsmanager/secret:Secret": ("secretsmanager", "secret:"),
    "aws:rds/instance:Instance": ("rds", "db:"),
    "aws:rds/subnetGroup:SubnetGroup": ("rds", "subgrp:"),
    "aws:rds/parameterGroup:ParameterGroup": ("rds", "pg:"),
    "aws:acm/certificate:Certificate": ("acm", "certificate/"),
    "aws:sns/topic:Topic": ("sns", ""),
}

# Services whose ARNs carry no region (IAM) or no account (S3).
_GLOBAL_SERVICES = {"iam"}
_ACCOUNTLESS_SERVICES = {"s3"}


@dataclass(frozen=True)
class AccountContext:
    """Where mock resources live."""

    account_id: str = "123456789012"
    """moto's default account (moto.core.models.DEFAULT_ACCOUNT_ID), unless MOTO_ACCOUNT_ID names another."""
    region: str = "us-east-1"
    partition: str = "aws"


def _digest(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def physical_name(type_token: str, logical_name: str, inputs: dict[str, Any]) -> str:
    """The name AWS would know the resource by: an explicit name input or an auto-name."""
    for key in ("name", "bucket", "functionName", "clusterIdentifier", "identifier"):
        value = inputs.get(key)
        if isinstance(value, str) and value:
            return value
    for key in ("namePrefix", "bucketPrefix", "identifierPrefix"):
        prefix = inputs.get(key)
        if isinstance(prefix, str) and prefix:
            # AWS and the provider complete a prefix with a unique suffix.
            return f"{prefix}{_digest(type_token, logical_name, length=26)}"
    return f"{logical_name}-{_digest(type_token, logical_name, length=7)}"


def physical_id(type_token: str, logical_name: str, inputs: dict[str, Any]) -> str:
    prefix = _ID_PREFIXES.get(type_token)
    if prefix is not None:
        return prefix + _digest(type_token, logical_name)
    return physical_name(type_token, logical_name, inputs)


def computed_attributes(
    type_token: str, logical_name: str, inputs: dict[str, Any], account: AccountContext, has_arn: bool = False
) -> tuple[str, dict[str, Any]]:
    """(id, state) for a new resource: its inputs plus the attributes AWS would compute.

    `has_arn`: the SDK declares an `arn` output, so a type with no known ARN shape gets a generic one
    (policy documents that embed it can then be judged rather than left unknown)."""
    resource_id = physical_id(type_token, logical_name, inputs)
    name = physical_name(type_token, logical_name, inputs)
    state: dict[str, Any] = dict(inputs)
    if type_token in _ARN_SHAPES:
        state.setdefault("name", name)
    arn = _arn_for(type_token, name, resource_id, account) or (
        _generic_arn(type_token, name, account) if has_arn and type_token.startswith("aws:") else ""
    )
    if arn:
        state.setdefault("arn", arn)
    state.update(_type_specific(type_token, name, resource_id, inputs, account))
    return resource_id, state


def _arn_for(type_token: str, name: str, resource_id: str, account: AccountContext) -> str:
    shape = _ARN_SHAPES.get(type_token)
    if shape is None:
        if type_token.startswith("aws:s3/bucket"):
            return f"arn:{account.partition}:s3:::{name}"
        if type_token.startswith("aws:ec2/"):
            kind = _ec2_arn_kind(type_token)
            return f"arn:{account.partition}:ec2:{account.region}:{account.account_id}:{kind}/{resource_id}"
        return ""
    service, path = shape
    region = "" if service in _GLOBAL_SERVICES else account.region
    owner = "" if service in _ACCOUNTLESS_SERVICES else account.account_id
    suffix = resource_id if type_token == "aws:kms/key:Key" else name
    return f"arn:{account.partition}:{service}:{region}:{owner}:{path}{suffix}"


def _generic_arn(type_token: str, name: str, account: AccountContext) -> str:
    """``arn:<partition>:<module>:<region>:<account>:<kind>/<name>``, e.g. a DynamoDB table's
    ``...:dynamodb:us-east-1:123456789012:table/orders``: right for most services, plausible for the rest."""
    module = type_token.split(":")[1].split("/", maxsplit=1)[0]
    kind = re.sub(r"(?<!^)(?=[A-Z])", "-", type_token.rsplit(":", 1)[-1]).lower()
    return f"arn:{account.partition}:{module}:{account.region}:{account.account_id}:{kind}/{name}"


_EC2_ARN_KINDS = {
    "SecurityGroup": "security-group",
    "RouteTable": "route-table",
    "InternetGateway": "internet-gateway",
    "NatGateway": "natgateway",
    "VpcEndpoint": "vpc-endpoint",
    "FlowLog": "vpc-flow-log",
    "NetworkAcl": "network-acl",
    "LaunchTemplate": "launch-template",
    "Eip": "elastic-ip",
}


def _ec2_arn_kind(type_token: str) -> str:
    """The resource kind in an EC2 ARN (``security-group``, ``vpc``, ``subnet`` ...)."""
    class_name = type_token.rsplit(":", 1)[-1]
    return _EC2_ARN_KINDS.get(class_name, class_name.lower())


Attributes = Callable[[str, str, dict[str, Any], AccountContext], dict[str, Any]]


def _load_balancer(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    scheme = "internal-" if inputs.get("internal") else ""
    return {
        "dnsName": f"{scheme}{name}-{_digest(name, length=9)}.{account.region}.elb.amazonaws.com",
        "zoneId": "Z35SXDOTRQ7X7K",
        "arnSuffix": f"app/{name}/{_digest(name, length=16)}",
    }


def _target_group(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    return {"arnSuffix": f"targetgroup/{name}/{_digest(name, length=16)}"}


def _ecr_repository(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    return {
        "repositoryUrl": f"{account.account_id}.dkr.ecr.{account.region}.amazonaws.com/{name}",
        "registryId": account.account_id,
    }


def _rds_instance(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    address = f"{name}.{_digest(name, length=12)}.{account.region}.rds.amazonaws.com"
    secret_arn = (
        f"arn:{account.partition}:secretsmanager:{account.region}:{account.account_id}"
        f":secret:rds!db-{_digest(name, length=8)}-{_digest(name, 'suffix', length=6)}"
    )
    managed_secret = {
        "secretArn": secret_arn,
        "secretStatus": "active",
        "kmsKeyId": inputs.get("masterUserSecretKmsKeyId", ""),
    }
    return {
        "address": address,
        "endpoint": f"{address}:{int(inputs.get('port', 5432))}",
        "masterUserSecrets": [managed_secret] if inputs.get("manageMasterUserPassword") else [],
        "resourceId": f"db-{_digest(name, length=26).upper()}",
    }


def _vpc(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    return {
        "defaultSecurityGroupId": "sg-" + _digest(resource_id, "default-sg"),
        "defaultRouteTableId": "rtb-" + _digest(resource_id, "main-rtb"),
        "defaultNetworkAclId": "acl-" + _digest(resource_id, "default-acl"),
        "mainRouteTableId": "rtb-" + _digest(resource_id, "main-rtb"),
        "ownerId": account.account_id,
    }


def _vpc_endpoint(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    service = str(inputs.get("serviceName", ""))
    if inputs.get("vpcEndpointType") == "Gateway":
        return {"prefixListId": "pl-" + _digest(service, length=8), "state": "available"}
    return {
        "dnsEntries": [{"dnsName": f"{resource_id}.{service.split('.', 3)[-1]}", "hostedZoneId": "Z7HUB22UULQXV"}],
        "networkInterfaceIds": [],
        "state": "available",
    }


def _awsx_image(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    # Built and pushed at deploy time; offline it resolves to a digest reference in its repository.
    return {"imageUri": f"{inputs.get('repositoryUrl', name)}@{_image_digest(name)}"}


def _image_digest(name: str) -> str:
    return f"sha256:{_digest(name, 'image', length=64)}"


def _docker_build_image(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    # docker-build's `ref` is the first tag pinned to the pushed digest (the tag alone when not pushed).
    tags = inputs.get("tags") or []
    tag = tags[0] if tags and isinstance(tags[0], str) else name
    return {"digest": _image_digest(name), "ref": f"{tag.split('@')[0]}@{_image_digest(name)}"}


def _docker_image(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    image_name = inputs.get("imageName")
    repository = image_name if isinstance(image_name, str) and image_name else name
    if ":" in repository.rsplit("/", 1)[-1]:  # drop a tag, not a registry port
        repository = repository.rsplit(":", 1)[0]
    return {"repoDigest": f"{repository}@{_image_digest(name)}"}


def _kms_key(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    return {"keyId": resource_id}


def _secret(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    arn = f"arn:{account.partition}:secretsmanager:{account.region}:{account.account_id}:secret:{name}"
    return {"arn": f"{arn}-{_digest(name, length=6)}"}


def _task_definition(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    family = inputs.get("family", name)
    family_arn = f"arn:{account.partition}:ecs:{account.region}:{account.account_id}:task-definition/{family}"
    return {"revision": 1, "arn": f"{family_arn}:1", "arnWithoutRevision": family_arn}


def _bucket(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    return {
        "bucket": name,
        "bucketDomainName": f"{name}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{name}.s3.{account.region}.amazonaws.com",
    }


def _security_group(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    return {"ownerId": account.account_id}


def _iam_role(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    return {"uniqueId": "AROA" + _digest(name, "role", length=17).upper()}


def _subnet(name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext) -> dict[str, Any]:
    return {"ownerId": account.account_id}


# Type token -> the attributes beyond id/arn/name that programs commonly read.
_TYPE_SPECIFIC: dict[str, Attributes] = {
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:alb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:lb/targetGroup:TargetGroup": _target_group,
    "aws:alb/targetGroup:TargetGroup": _target_group,
    "aws:ecr/repository:Repository": _ecr_repository,
    "aws:rds/instance:Instance": _rds_instance,
    "aws:ec2/vpc:Vpc": _vpc,
    "aws:ec2/vpcEndpoint:VpcEndpoint": _vpc_endpoint,
    "awsx:ecr:Image": _awsx_image,
    "docker-build:index:Image": _docker_build_image,
    "docker:index/image:Image": _docker_image,
    "aws:kms/key:Key": _kms_key,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:ecs/taskDefinition:TaskDefinition": _task_definition,
    "aws:ec2/securityGroup:SecurityGroup": _security_group,
    "aws:iam/role:Role": _iam_role,
    "aws:ec2/subnet:Subnet": _subnet,
}


def _type_specific(
    type_token: str, name: str, resource_id: str, inputs: dict[str, Any], account: AccountContext
) -> dict[str, Any]:
    """Attributes beyond id/arn/name that programs commonly read."""
    attributes = _TYPE_SPECIFIC.get(type_token)
    if attributes is None and type_token.startswith("aws:s3/bucket"):
        attributes = _bucket
    return attributes(name, resource_id, inputs, account) if attributes else {}
