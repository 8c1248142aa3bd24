"""Every check against a moto deployment: the secure one passes all, each flaw fails only its check."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from secure_ecs.verify.checks import CHECK_IDS
from secure_ecs.verify.model import Status
from secure_ecs.verify.runner import verify
from tests.verify.conftest import Builder, InputMaker
from tests.verify.deployment import DB_ID, REPOSITORY, Deployment
from tests.verify.deployment import client as _client


def _statuses(deployment: Deployment, check_input: InputMaker) -> dict[str, Status]:
    run = verify(check_input(deployment))
    return {result.id: result.status for result in run.results}


def test_secure_deployment_passes_every_check(deploy: Builder, check_input: InputMaker) -> None:
    run = verify(check_input(deploy()))
    assert run.account == "123456789012"
    assert [r.id for r in run.results] == list(CHECK_IDS)
    assert {r.id: r.status for r in run.results} == dict.fromkeys(CHECK_IDS, Status.PASS), run.results
    assert run.exit_code == 0


def _health_fails(d: Deployment) -> None:
    d.outputs["healthCheckUrl"] = d.outputs["healthCheckUrl"].replace("/api/health", "/broken")


def _breaker_off(d: Deployment) -> None:
    d.circuit_breaker = {"enable": False, "rollback": False}


def _eip_on_task_eni(d: Deployment) -> None:
    ec2 = _client("ec2")
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=allocation, NetworkInterfaceId=d.task_enis[0])


def _private_subnet_maps_public_ips(d: Deployment) -> None:
    _client("ec2").modify_subnet_attribute(SubnetId=d.outputs["privateSubnetIds"][1],
                                           MapPublicIpOnLaunch={"Value": True})


def _private_route_to_igw(d: Deployment) -> None:
    ec2 = _client("ec2")
    igw = ec2.describe_internet_gateways()["InternetGateways"][0]["InternetGatewayId"]
    ec2.create_route(RouteTableId=d.private_route_tables[0], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)


def _ecr_dkr_endpoint_removed(d: Deployment) -> None:
    _client("ec2").delete_vpc_endpoints(VpcEndpointIds=[d.outputs["interfaceEndpointIds"]["ecr.dkr"]])


def _s3_gateway_detached(d: Deployment) -> None:
    _client("ec2").modify_vpc_endpoint(VpcEndpointId=d.outputs["s3EndpointId"],
                                       RemoveRouteTableIds=[d.private_route_tables[1]])


def _scan_on_push_off(d: Deployment) -> None:
    _client("ecr").put_image_scanning_configuration(repositoryName=REPOSITORY,
                                                    imageScanningConfiguration={"scanOnPush": False})


def _tags_mutable(d: Deployment) -> None:
    _client("ecr").put_image_tag_mutability(repositoryName=REPOSITORY, imageTagMutability="MUTABLE")


def _waf_disassociated(d: Deployment) -> None:
    _client("wafv2").disassociate_web_acl(ResourceArn=d.alb_arn)


def _invalid_headers_kept(d: Deployment) -> None:
    _client("elbv2").modify_load_balancer_attributes(LoadBalancerArn=d.alb_arn, Attributes=[
        {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "false"}])


def _flow_log_deleted(d: Deployment) -> None:
    _client("ec2").delete_flow_logs(FlowLogIds=[d.outputs["flowLogId"]])


def _database_public(d: Deployment) -> None:
    _client("rds").modify_db_instance(DBInstanceIdentifier=DB_ID, PubliclyAccessible=True, ApplyImmediately=True)


FLAWS: list[tuple[str, Callable[[Deployment], None]]] = [
    ("health", _health_fails),
    ("service", _breaker_off),
    ("task-enis", _eip_on_task_eni),
    ("subnets", _private_subnet_maps_public_ips),
    ("subnets", _private_route_to_igw),
    ("endpoints", _ecr_dkr_endpoint_removed),
    ("endpoints", _s3_gateway_detached),
    ("ecr", _scan_on_push_off),
    ("ecr", _tags_mutable),
    ("waf", _waf_disassociated),
    ("alb", _invalid_headers_kept),
    ("flow-logs", _flow_log_deleted),
    ("database", _database_public),
]


@pytest.mark.parametrize(("check_id", "flaw"), FLAWS, ids=[flaw.__name__.strip("_") for _, flaw in FLAWS])
def test_one_flaw_fails_exactly_its_check(check_id: str, flaw: Callable[[Deployment], None], deploy: Builder,
                                          check_input: InputMaker) -> None:
    deployment = deploy()
    flaw(deployment)
    statuses = _statuses(deployment, check_input)
    assert statuses[check_id] == Status.FAIL
    assert {k: v for k, v in statuses.items() if k != check_id} == dict.fromkeys(set(CHECK_IDS) - {check_id},
                                                                                 Status.PASS)


def test_service_with_public_ip_fails_only_the_service_check(deploy: Builder, check_input: InputMaker) -> None:
    run = verify(check_input(deploy(assign_public_ip="ENABLED")))
    failed = {r.id: r for r in run.results if r.status != Status.PASS}
    assert list(failed) == ["service"]
    assert "FAIL: assignPublicIp is ENABLED" in failed["service"].evidence
    assert run.exit_code == 1


def test_registry_scanning_rule_stands_in_for_scan_on_push(deploy: Builder, check_input: InputMaker) -> None:
    deployment = deploy()
    _scan_on_push_off(deployment)
    _client("ecr").put_registry_scanning_configuration(scanType="BASIC", rules=[
        {"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "app-*", "filterType": "WILDCARD"}]}])
    result = verify(check_input(deployment), skip=set(CHECK_IDS) - {"ecr"}).results
    ecr = next(r for r in result if r.id == "ecr")
    assert ecr.status == Status.PASS
    assert any("registry rule SCAN_ON_PUSH 'app-*'" in line for line in ecr.evidence)


def test_nat_route_in_private_subnet_is_a_warning(deploy: Builder, check_input: InputMaker) -> None:
    deployment = deploy()
    ec2 = _client("ec2")
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=deployment.outputs["publicSubnetIds"][0],
                                 AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    ec2.create_route(RouteTableId=deployment.private_route_tables[0], DestinationCidrBlock="0.0.0.0/0",
                     NatGatewayId=nat)
    statuses = _statuses(deployment, check_input)
    assert statuses["subnets"] == Status.WARN
    assert verify(check_input(deployment)).exit_code == 0


def test_stack_without_database_skips_the_database_check(deploy: Builder, check_input: InputMaker) -> None:
    deployment = deploy()
    del deployment.outputs["databaseEndpoint"], deployment.outputs["databaseSecretArn"]
    deployment.outputs["interfaceEndpointIds"].pop("secretsmanager")
    statuses = _statuses(deployment, check_input)
    assert statuses["database"] == Status.SKIPPED
    assert set(statuses.values()) == {Status.PASS, Status.SKIPPED}


def test_refused_api_call_is_an_error_of_that_check_only(deploy: Builder, check_input: InputMaker) -> None:
    from botocore.stub import Stubber

    made = check_input(deploy())
    stubber = Stubber(made.aws.client("wafv2"))
    stubber.add_client_error("get_web_acl_for_resource", "AccessDeniedException", "not authorized", 400)
    with stubber:
        run = verify(made)
    waf = next(r for r in run.results if r.id == "waf")
    assert waf.status == Status.ERROR
    assert "GetWebACLForResource was refused: AccessDeniedException" in waf.evidence[0]
    assert {r.status for r in run.results if r.id != "waf"} == {Status.PASS}
    assert run.exit_code == 2
