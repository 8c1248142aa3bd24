"""Hand-built resource graphs with known quantities for the cost tests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from secure_ecs.offline.graph import CapturedResource, ResourceGraph

STACK_URN = "urn:pulumi:test::proj::"


def res(
    type_token: str,
    name: str,
    inputs: Mapping[str, Any] | None = None,
    *,
    outputs: Mapping[str, Any] | None = None,
    dependencies: tuple[str, ...] = (),
    parent: str = "",
    resource_id: str = "",
) -> CapturedResource:
    return CapturedResource(
        urn=f"{STACK_URN}{type_token}::{name}",
        type=type_token,
        name=name,
        custom=True,
        parent=parent,
        inputs=dict(inputs or {}),
        outputs=dict(outputs or inputs or {}),
        id=resource_id,
        dependencies=dependencies,
    )


def graph(*resources: CapturedResource) -> ResourceGraph:
    return ResourceGraph(project="proj", stack="test", resources=tuple(resources))


def subnets(count: int, tier: str = "private") -> list[CapturedResource]:
    return [
        res(
            "aws:ec2/subnet:Subnet",
            f"{tier}-{i}",
            {"availabilityZone": f"us-east-1{'abc'[i]}"},
            resource_id=f"subnet-{tier}-{i}",
        )
        for i in range(count)
    ]


def fargate(
    name: str = "app",
    *,
    tasks: int = 2,
    cpu: str = "512",
    memory: str = "1024",
    arch: str = "X86_64",
    public_ip: bool = False,
    subnet_ids: tuple[str, ...] = ("subnet-private-0", "subnet-private-1"),
    log_group: CapturedResource | None = None,
) -> list[CapturedResource]:
    """A task definition and the Fargate service running it."""
    definition = res(
        "aws:ecs/taskDefinition:TaskDefinition",
        f"{name}-task",
        {
            "cpu": cpu,
            "memory": memory,
            "family": name,
            "requiresCompatibilities": ["FARGATE"],
            "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": arch},
        },
        outputs={"arn": f"arn:aws:ecs:us-east-1:1:task-definition/{name}:1"},
        dependencies=(log_group.urn,) if log_group else (),
    )
    service = res(
        "aws:ecs/service:Service",
        f"{name}-service",
        {
            "launchType": "FARGATE",
            "desiredCount": tasks,
            "taskDefinition": f"arn:aws:ecs:us-east-1:1:task-definition/{name}:1",
            "networkConfiguration": {"subnets": list(subnet_ids), "assignPublicIp": public_ip},
        },
    )
    return [definition, service]


def interface_endpoint(service: str, subnet_ids: list[str]) -> CapturedResource:
    return res(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        f"ep-{service}",
        {"vpcEndpointType": "Interface", "serviceName": f"com.amazonaws.us-east-1.{service}", "subnetIds": subnet_ids},
    )


def s3_gateway() -> CapturedResource:
    return res(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "ep-s3",
        {"vpcEndpointType": "Gateway", "serviceName": "com.amazonaws.us-east-1.s3"},
    )
