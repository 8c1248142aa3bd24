"""The emulated account answers data-source invokes from moto (who and where it is: from its own context)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from secure_ecs.offline.account import EmulatedAccount, NoMatchingResourceError
from secure_ecs.offline.invokes import UnansweredInvokeError


@pytest.fixture(scope="module")
def account() -> Iterator[EmulatedAccount]:
    with EmulatedAccount("eu-west-1") as emulated:
        yield emulated


def test_zones_identity_region_partition(account: EmulatedAccount) -> None:
    zones = account.answer("aws:index/getAvailabilityZones:getAvailabilityZones", {"state": "available"})
    assert zones["names"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert len(zones["zoneIds"]) == 3
    identity = account.answer("aws:index/getCallerIdentity:getCallerIdentity", {})
    assert identity["accountId"] == "123456789012"
    region = account.answer("aws:index/getRegion:getRegion", {})
    assert (region["region"], region["description"]) == ("eu-west-1", "Europe (Ireland)")
    partition = account.answer("aws:index/getPartition:getPartition", {})
    assert (partition["partition"], partition["dnsSuffix"]) == ("aws", "amazonaws.com")


@pytest.mark.parametrize("region", ["eu-west-1", "cn-north-1", "us-gov-west-1"])
def test_the_caller_identity_is_the_one_a_programs_own_sts_call_gets(region: str) -> None:
    with EmulatedAccount(region) as emulated:
        answered = emulated.answer("aws:index/getCallerIdentity:getCallerIdentity", {})
        asked = emulated.aws.client("sts").get_caller_identity()
    assert (answered["accountId"], answered["arn"], answered["userId"]) == (asked["Account"], asked["Arn"],
                                                                            asked["UserId"])


def test_default_vpc_and_its_subnets(account: EmulatedAccount) -> None:
    vpc = account.answer("aws:ec2/getVpc:getVpc", {"default": True})
    assert vpc["default"] is True
    assert vpc["id"].startswith("vpc-") and vpc["mainRouteTableId"].startswith("rtb-")
    subnets = account.answer("aws:ec2/getSubnets:getSubnets", {"filters": [{"name": "vpc-id", "values": [vpc["id"]]}]})
    assert len(subnets["ids"]) == 3
    subnet = account.answer("aws:ec2/getSubnet:getSubnet", {"id": subnets["ids"][0]})
    assert subnet["vpcId"] == vpc["id"] and subnet["defaultForAz"] is True
    group = account.answer("aws:ec2/getSecurityGroup:getSecurityGroup", {"vpcId": vpc["id"], "name": "default"})
    assert group["id"].startswith("sg-")


def test_newest_matching_ami(account: EmulatedAccount) -> None:
    ami = account.answer("aws:ec2/getAmi:getAmi", {
        "mostRecent": True, "owners": ["amazon"],
        "filters": [{"name": "name", "values": ["amzn2-ami-hvm-*-x86_64-gp2"]}],
    })
    assert ami["id"].startswith("ami-") and ami["name"].startswith("amzn2-ami-hvm-")
    ids = account.answer("aws:ec2/getAmiIds:getAmiIds", {"owners": ["amazon"], "nameRegex": "^amzn2-ami-hvm"})
    assert ami["id"] in ids["ids"]


def test_no_match_is_an_error_naming_the_data_source(account: EmulatedAccount) -> None:
    with pytest.raises(NoMatchingResourceError, match="aws:ec2/getVpc:getVpc"):
        account.answer("aws:ec2/getVpc:getVpc", {"id": "vpc-00000000000000000"})


def test_unknown_data_source_is_refused(account: EmulatedAccount) -> None:
    with pytest.raises(UnansweredInvokeError, match="aws:rds/getEngineVersion:getEngineVersion"):
        account.answer("aws:rds/getEngineVersion:getEngineVersion", {"engine": "postgres"})


def test_user_aws_settings_are_hidden_then_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "production-admin")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://example.invalid")
    emulated = EmulatedAccount("us-east-1")
    with emulated:
        assert "AWS_PROFILE" not in os.environ
        assert "AWS_ENDPOINT_URL" not in os.environ
        assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
        assert emulated.answer("aws:index/getCallerIdentity:getCallerIdentity", {})["accountId"] == "123456789012"
    assert os.environ["AWS_PROFILE"] == "production-admin"
    assert os.environ["AWS_ENDPOINT_URL"] == "https://example.invalid"


def test_answers_outside_a_with_block_switch_the_emulation_on_and_off() -> None:
    emulated = EmulatedAccount("us-east-1")
    zones = emulated.answer("aws:index/getAvailabilityZones:getAvailabilityZones", {})
    assert zones["names"][0] == "us-east-1a"
    assert "AWS_ACCESS_KEY_ID" not in os.environ or os.environ["AWS_ACCESS_KEY_ID"] != "OFFLINEPLANACCESSKEY"


def test_default_gateway_route_table_and_endpoint_service(account: EmulatedAccount) -> None:
    vpc = account.answer("aws:ec2/getVpc:getVpc", {"default": True})
    gateway = account.answer("aws:ec2/getInternetGateway:getInternetGateway",
                             {"filters": [{"name": "attachment.vpc-id", "values": [vpc["id"]]}]})
    assert gateway["attachments"][0]["vpcId"] == vpc["id"]
    table = account.answer("aws:ec2/getRouteTable:getRouteTable", {"routeTableId": vpc["mainRouteTableId"]})
    assert table["vpcId"] == vpc["id"]
    assert any(route["gatewayId"] == gateway["id"] for route in table["routes"])
    service = account.answer("aws:ec2/getVpcEndpointService:getVpcEndpointService",
                             {"service": "ecr.dkr", "serviceType": "Interface"})
    assert service["serviceName"] == "com.amazonaws.eu-west-1.ecr.dkr"
    assert service["availabilityZones"][0] == "eu-west-1a"


def test_api_errors_become_a_clear_message(account: EmulatedAccount) -> None:
    with pytest.raises(NoMatchingResourceError, match="aws:ecr/getRepository:getRepository"):
        account.answer("aws:ecr/getRepository:getRepository", {"name": "missing"})


# Run in a fresh process, where moto is not imported yet (in this one it is, and starts at once).
_DEFAULT_SESSION_FROM_BEFORE = """
import os, boto3, botocore.httpsession
from secure_ecs.offline.account import EmulatedAccount

def no_network(session, request):
    raise AssertionError("a request reached the network: " + request.url)

botocore.httpsession.URLLib3Session.send = no_network
os.environ.update(AWS_ACCESS_KEY_ID="AKIAUSERSOWNKEY", AWS_SECRET_ACCESS_KEY="users-own-secret")
boto3.setup_default_session(region_name="us-east-1")  # the user's own, from earlier in the process
users_session = boto3.DEFAULT_SESSION
with EmulatedAccount("us-east-1"):
    queues = boto3.client("sqs", region_name="us-east-1")  # as a program would, during the plan
    assert queues.list_queues()["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert queues._request_signer._credentials.access_key != "AKIAUSERSOWNKEY"
assert boto3.DEFAULT_SESSION is users_session
print("served by moto")
"""


_NESTED_EMULATIONS = """
import boto3, botocore.httpsession
from secure_ecs.offline.emulated_aws import EmulatedAws

def no_network(session, request):
    raise AssertionError("a request reached the network: " + request.url)

botocore.httpsession.URLLib3Session.send = no_network
outer, inner = EmulatedAws("us-east-1"), EmulatedAws("us-east-1")
with outer:
    with inner:
        inner.client("sqs").list_queues()  # the inner one starts moto, and stops it on the way out
    boto3.client("sqs", region_name="us-east-1").list_queues()  # back in the outer one
print("served by moto")
"""


_MOTO_IMPORTED_AFTERWARDS = """
import boto3
from secure_ecs.offline.emulated_aws import EmulatedAws

with EmulatedAws("us-east-1"):
    pass  # a run that needed no AWS call: moto was never imported
from moto import mock_aws

with mock_aws():  # the process's own use of moto, later
    queues = boto3.client("sqs", region_name="us-east-1")
    url = queues.create_queue(QueueName="once")["QueueUrl"]
    queues.send_message(QueueUrl=url, MessageBody="m")
    count = queues.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert count["Attributes"]["ApproximateNumberOfMessages"] == "1", count  # not served twice
print("served by moto")
"""


@pytest.mark.parametrize("script", [_DEFAULT_SESSION_FROM_BEFORE, _NESTED_EMULATIONS, _MOTO_IMPORTED_AFTERWARDS],
                         ids=["default-session", "nested", "moto-imported-afterwards"])
def test_each_request_is_served_by_moto_once(script: str) -> None:
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                               check=False)
    assert completed.stdout.strip() == "served by moto", completed.stderr[-2000:]
