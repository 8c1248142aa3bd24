"""Random property trees (wrong types, nulls, deep nesting, unknowns) never make a policy raise."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UNKNOWN_STRING_VALUE, unknown_checking_proxy

from secure_ecs.analyzer import AnalyzerClient
from secure_ecs_facts import tokens
from secure_ecs_policies import ALL_POLICIES
from secure_ecs_policies.preview_gaps import NOT_CHECKED, NotCheckedUntilDeployError
from tests.policies.builders import graph, resource

TYPES = sorted({
    value for name, value in vars(tokens).items() if name.isupper() and isinstance(value, str)
} | set(tokens.LOAD_BALANCERS) | set(tokens.LISTENERS) | set(tokens.S3_BUCKETS))

# Property names the policies read, so random trees reach deep into the code paths.
KEYS = [
    "networkConfiguration", "assignPublicIp", "subnets", "containerDefinitions", "privileged", "environment",
    "readonlyRootFilesystem", "logConfiguration", "logDriver", "secrets", "valueFrom", "name", "value",
    "mapPublicIpOnLaunch", "tags", "secure-ecs:tier", "associatePublicIpAddress", "networkInterfaces", "ingress",
    "cidrBlocks", "ipv6CidrBlocks", "cidrIpv4", "cidrIpv6", "fromPort", "toPort", "protocol", "ipProtocol", "type",
    "imageScanningConfiguration", "scanOnPush", "imageTagMutability", "encryptionConfigurations", "encryptionType",
    "rules", "scanFrequency", "repositoryFilters", "filter", "repository", "dropInvalidHeaderFields",
    "desyncMitigationMode", "enableDeletionProtection", "accessLogs", "enabled", "loadBalancerType", "internal",
    "sslPolicy", "defaultActions", "redirect", "retentionInDays", "kmsKeyId", "publiclyAccessible",
    "storageEncrypted", "backupRetentionPeriod", "deletionProtection", "multiAz", "enableKeyRotation",
    "customerMasterKeySpec", "keyUsage", "blockPublicAcls", "restrictPublicBuckets", "serviceName",
    "vpcEndpointType", "routes", "natGatewayId", "gatewayId", "cidrBlock", "destinationCidrBlock",
]
CONFIG_KEYS = ["allowedNames", "publicSubnetNames", "loadBalancerPorts", "allowedModes", "allowedSslPolicies",
               "allowHttpOnly", "minimumRetentionDays"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12), st.sampled_from([UNKNOWN_STRING_VALUE, UNKNOWN_BOOLEAN_VALUE, "true", "0.0.0.0/0", "*"]),
)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), children, max_size=5),
        st.builds(json.dumps, st.lists(children, max_size=3)),
    ),
    max_leaves=25,
)
properties = st.dictionaries(st.sampled_from(KEYS), trees, max_size=8)
configs = st.dictionaries(st.sampled_from(CONFIG_KEYS), trees, max_size=3)
OPTIONS = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def _report(message: str, urn: str | None = None) -> None:
    assert isinstance(message, str)


def _judge(validate: Any, args: Any) -> None:
    """Run a validation; the only exception allowed is the pack's own note about values unknown until deploy."""
    with contextlib.suppress(NotCheckedUntilDeployError):
        validate(args, _report)


def _proxied(props: dict[str, Any]) -> Any:
    """Properties exactly as the pack's servicer hands them to a policy."""
    return unknown_checking_proxy(deserialize_properties(json.loads(json.dumps(props))))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(type_token=st.sampled_from(TYPES), props=properties, config=configs)
def test_resource_policies_never_raise(type_token: str, props: dict[str, Any], config: dict[str, Any]) -> None:
    for policy in ALL_POLICIES:
        if isinstance(policy, ResourceValidationPolicy):
            args = ResourceValidationArgs(type_token, _proxied(props), "urn:x", "x", OPTIONS, None, config)
            if policy.has_validation():
                _judge(policy.validate, args)
            policy.remediate(args)


@st.composite
def stacks(draw: st.DrawFn) -> list[PolicyResource]:
    count = draw(st.integers(1, 8))
    resources = [
        PolicyResource(draw(st.sampled_from(TYPES)), _proxied(draw(properties)), f"urn:{i}", f"r{i}", OPTIONS,
                       None, None, [], {})
        for i in range(count)
    ]
    for item in resources:
        for key in draw(st.lists(st.sampled_from(KEYS), max_size=3)):
            item.property_dependencies[key] = draw(st.lists(st.sampled_from(resources), max_size=3))
        item.dependencies = [r for deps in item.property_dependencies.values() for r in deps]
    return resources


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(resources=stacks(), config=configs)
def test_stack_policies_never_raise(resources: list[PolicyResource], config: dict[str, Any]) -> None:
    for policy in ALL_POLICIES:
        if isinstance(policy, StackValidationPolicy):
            _judge(policy.validate, StackValidationArgs(resources, config))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(type_token=st.sampled_from(TYPES), props=properties, other=properties)
def test_pack_answers_every_request(default_pack: AnalyzerClient, type_token: str, props: dict[str, Any],
                                    other: dict[str, Any]) -> None:
    first = resource(type_token, "first", props)
    second = resource(type_token, "second", other, links={key: [first] for key in other})
    stack = graph(first, second)
    findings = default_pack.analyze_resources(stack) + default_pack.analyze_stack(stack)
    assert all(NOT_CHECKED in d.message for d in findings if "during preview" in d.message)
