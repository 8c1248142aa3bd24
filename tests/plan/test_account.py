"""The emulated account answers data-source invokes from moto (who and where it is: from its own context)."""

from __future__ import annotations

import os
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
