"""The task-ENI check's ECS path: moto cannot run awsvpc tasks, so list_tasks/describe_tasks are
stubbed with the ECS API's documented answer shape while the ENIs themselves live in moto."""

from __future__ import annotations

from typing import Any

from botocore.stub import Stubber

from secure_ecs.verify.checks.service import check_task_enis, task_eni_ids
from secure_ecs.verify.model import Status
from tests.verify.conftest import Builder, InputMaker
from tests.verify.deployment import CLUSTER, REGION, SERVICE, client

_TASK_ARN = f"arn:aws:ecs:{REGION}:123456789012:task/{CLUSTER}/0123456789abcdef"


def _described_task(eni_id: str) -> dict[str, Any]:
    return {"taskArn": _TASK_ARN, "lastStatus": "RUNNING", "attachments": [{
        "id": "attachment-1", "type": "ElasticNetworkInterface", "status": "ATTACHED",
        "details": [{"name": "subnetId", "value": "subnet-x"}, {"name": "networkInterfaceId", "value": eni_id},
                    {"name": "privateIPv4Address", "value": "10.0.10.5"}]}]}


def test_eni_ids_come_from_the_eni_attachments() -> None:
    tasks = [_described_task("eni-1"), {"attachments": [{"type": "Other", "details": [
        {"name": "networkInterfaceId", "value": "eni-ignored"}]}]}, {}]
    assert task_eni_ids(tasks) == ["eni-1"]


def test_public_ip_on_a_running_task_eni_outside_the_swept_subnets_fails(deploy: Builder,
                                                                          check_input: InputMaker) -> None:
    deployment = deploy()
    ec2 = client("ec2")
    # An ENI in a public subnet without the task group: only the ECS listing can lead to it.
    eni = ec2.create_network_interface(SubnetId=deployment.outputs["publicSubnetIds"][0])["NetworkInterface"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=allocation, NetworkInterfaceId=eni["NetworkInterfaceId"])
    made = check_input(deployment)
    with Stubber(made.aws.client("ecs")) as ecs:
        ecs.add_response("list_tasks", {"taskArns": [_TASK_ARN]},
                         {"cluster": CLUSTER, "serviceName": SERVICE, "desiredStatus": "RUNNING"})
        ecs.add_response("describe_tasks", {"tasks": [_described_task(eni["NetworkInterfaceId"])], "failures": []},
                         {"cluster": CLUSTER, "tasks": [_TASK_ARN]})
        result = check_task_enis(made)
        ecs.assert_no_pending_responses()
    assert result.status == Status.FAIL
    assert result.evidence[0].startswith(f"FAIL: task ENI {eni['NetworkInterfaceId']}")
    assert "ECS lists 1 running task ENI(s); 1 still exist" in result.evidence


def test_without_running_tasks_the_evidence_says_what_was_checked(deploy: Builder, check_input: InputMaker) -> None:
    result = check_task_enis(check_input(deploy()))
    assert result.status == Status.PASS
    assert result.evidence[0] == "ECS lists no running task ENIs; ENIs were checked by subnet and security group only"
