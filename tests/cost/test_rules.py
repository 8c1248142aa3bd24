"""Every priced type, priced from a hand-built graph; expected values computed here from list prices."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pydantic import ValidationError

from secure_ecs.cost import CostEstimate, UsageAssumptions, estimate_cost, rules
from secure_ecs.offline.graph import UNKNOWN, CapturedResource
from tests.cost.graphs import fargate, graph, interface_endpoint, res, s3_gateway, subnets

H = 730.0
QUIET = UsageAssumptions(requests_per_month=0, deploys_per_month=0, container_log_gb_per_task=0, aws_api_gb_per_task=0)


def _sum(estimate: CostEstimate, name: str, what: str = "") -> float:
    return sum(i.monthly_usd for i in estimate.line_items if i.resource.endswith(f"::{name}") and what in i.what)


def test_fargate_x86_and_arm64() -> None:
    est = estimate_cost(graph(*subnets(2), *fargate("x86", tasks=2), *fargate("arm", tasks=1, arch="ARM64")), QUIET)
    assert _sum(est, "x86-service", "vCPU") == pytest.approx(2 * 0.5 * H * 0.04048)
    assert _sum(est, "x86-service", "memory") == pytest.approx(2 * 1.0 * H * 0.004445)
    assert _sum(est, "arm-service", "vCPU") == pytest.approx(1 * 0.5 * H * 0.03238)
    assert _sum(est, "arm-service", "memory") == pytest.approx(1 * 1.0 * H * 0.00356)


def test_autoscaling_floor_sets_the_task_count() -> None:
    definition, service = fargate(tasks=1)
    target = res("aws:appautoscaling/target:Target", "scale", {"minCapacity": 4, "maxCapacity": 9}, parent=service.urn)
    est = estimate_cost(graph(*subnets(2), definition, service, target), QUIET)
    assert _sum(est, "app-service", "vCPU") == pytest.approx(4 * 0.5 * H * 0.04048)


def test_interface_endpoints_are_per_az_and_gateways_free() -> None:
    nets = subnets(3)
    est = estimate_cost(graph(*nets, interface_endpoint("logs", [s.id for s in nets]), s3_gateway()), QUIET)
    assert _sum(est, "ep-logs") == pytest.approx(3 * H * 0.01)
    assert _sum(est, "ep-s3") == 0
    assert any(u.resource.endswith("::ep-s3") for u in est.no_charge)


def test_nat_gateway_and_its_eip_and_a_loose_eip() -> None:
    nat_eip = res("aws:ec2/eip:Eip", "nat-ip", resource_id="eipalloc-1")
    loose = res("aws:ec2/eip:Eip", "loose-ip", resource_id="eipalloc-2")
    nat = res("aws:ec2/natGateway:NatGateway", "nat", {"allocationId": "eipalloc-1", "subnetId": "subnet-public-0"})
    est = estimate_cost(graph(*subnets(1), nat_eip, loose, nat), QUIET)
    assert _sum(est, "nat", "hours") == pytest.approx(H * 0.045)
    assert _sum(est, "nat", "public IPv4") == pytest.approx(H * 0.005)
    assert _sum(est, "loose-ip") == pytest.approx(H * 0.005)
    assert _sum(est, "nat-ip") == 0  # priced with its NAT gateway, not twice


def test_nat_processes_traffic_when_it_is_the_only_path() -> None:
    usage = UsageAssumptions(
        requests_per_month=0,
        deploys_per_month=1,
        image_size_gb=1.0,
        container_log_gb_per_task=2.0,
        aws_api_gb_per_task=0,
    )
    nat = res("aws:ec2/natGateway:NatGateway", "nat", {"connectivityType": "public"})
    est = estimate_cost(graph(*subnets(2), *fargate(tasks=2), nat), usage)
    traffic = sum(i.monthly_usd for i in est.line_items if i.resource == "task traffic")
    assert traffic == pytest.approx((2 * 1.0 + 2 * 2.0) * 0.045)  # 2 pulls of 1 GB + 4 GB of logs


def test_task_public_ips() -> None:
    est = estimate_cost(graph(*subnets(2), *fargate(tasks=3, public_ip=True)), QUIET)
    ips = [i for i in est.line_items if i.what == "public IPv4 address per task"]
    assert sum(i.monthly_usd for i in ips) == pytest.approx(3 * H * 0.005)


def test_alb_hours_ips_lcus_and_egress() -> None:
    alb = res(
        "aws:lb/loadBalancer:LoadBalancer",
        "alb",
        {"loadBalancerType": "application", "internal": False, "subnets": ["a", "b"]},
    )
    usage = UsageAssumptions(requests_per_month=10_000_000, request_kb=10, response_kb=90, requests_per_connection=10)
    est = estimate_cost(graph(*subnets(1), alb), usage)
    assert _sum(est, "alb", "ALB hours") == pytest.approx(H * 0.0225)
    assert _sum(est, "alb", "public IPv4") == pytest.approx(2 * H * 0.005)
    processed = 10_000_000 * (10 + 90) / 1024 / 1024  # both directions count for LCUs
    # Bytes dominate: gigabytes/h processed vs (1e7/10 connections / seconds) / 25.
    assert processed / H > 10_000_000 / 10 / (H * 3600) / 25
    assert _sum(est, "alb", "LCU") == pytest.approx(processed / H * H * 0.008)
    # Only responses leave AWS: inbound request bytes are free.
    assert _sum(est, "alb", "internet") == pytest.approx(10_000_000 * 90 / 1024 / 1024 * 0.09)


def test_alb_request_and_response_defaults_keep_20_kb_processed() -> None:
    usage = UsageAssumptions()
    assert usage.request_kb + usage.response_kb == pytest.approx(20.0)
    assert usage.processed_kb_per_request == pytest.approx(20.0)
    assert usage.response_kb < 20.0


def test_old_request_response_kb_names_its_replacement() -> None:
    with pytest.raises(ValidationError, match="request_kb and response_kb"):
        UsageAssumptions.model_validate({"request_response_kb": 20})


def test_internal_alb_has_no_public_ips_and_nlb_is_not_priced() -> None:
    internal = res("aws:lb/loadBalancer:LoadBalancer", "internal", {"internal": True, "subnets": ["a", "b"]})
    nlb = res("aws:lb/loadBalancer:LoadBalancer", "nlb", {"loadBalancerType": "network"})
    est = estimate_cost(graph(*subnets(1), internal, nlb), QUIET)
    assert _sum(est, "internal", "public IPv4") == 0
    assert any(u.resource.endswith("::nlb") for u in est.not_priced)


def test_rds_multi_az_storage_and_managed_secret() -> None:
    db = res(
        "aws:rds/instance:Instance",
        "db",
        {
            "engine": "postgres",
            "instanceClass": "db.m6g.large",
            "multiAz": True,
            "allocatedStorage": 50,
            "storageType": "gp3",
            "manageMasterUserPassword": True,
        },
    )
    est = estimate_cost(graph(*subnets(1), db), QUIET)
    assert _sum(est, "db", "db.m6g.large") == pytest.approx(2 * H * 0.159)
    assert _sum(est, "db", "storage") == pytest.approx(50 * 2 * 0.115)
    assert _sum(est, "db", "secret") == pytest.approx(0.40)


def test_rds_other_engines_and_classes_are_listed_not_priced() -> None:
    mysql = res("aws:rds/instance:Instance", "mysql", {"engine": "mysql", "instanceClass": "db.t3.micro"})
    odd = res(
        "aws:rds/instance:Instance",
        "odd",
        {"engine": "postgres", "instanceClass": "db.x9.huge", "allocatedStorage": 10, "storageType": "gp2"},
    )
    est = estimate_cost(graph(*subnets(1), mysql, odd), QUIET)
    reasons = {u.resource.rsplit("::", 1)[-1]: u.reason for u in est.not_priced}
    assert "mysql" in reasons["mysql"]
    assert "db.x9.huge" in reasons["odd"]
    assert _sum(est, "odd", "storage") == pytest.approx(10 * 0.115)  # what is known is still priced


def _db(name: str, **inputs: object) -> CapturedResource:
    return res("aws:rds/instance:Instance", name, {"engine": "postgres", "instanceClass": "db.m6g.large", **inputs})


@pytest.mark.parametrize(("multi_az", "copies"), [(False, 1), (True, 2)])
def test_rds_io1_prices_storage_and_every_provisioned_iops(multi_az: bool, copies: int) -> None:
    db = _db("db", multiAz=multi_az, allocatedStorage=200, storageType="io1", iops=5000)
    est = estimate_cost(graph(*subnets(1), db), QUIET)
    assert _sum(est, "db", "io1 storage") == pytest.approx(200 * copies * 0.125)
    assert _sum(est, "db", "provisioned IOPS") == pytest.approx(5000 * copies * 0.10)
    assert not est.not_priced


def test_rds_iops_alone_means_io1_and_unknown_iops_is_listed() -> None:
    implied = _db("implied", allocatedStorage=100, iops=1000)
    unknown = _db("unknown", allocatedStorage=100, storageType="io1", iops=UNKNOWN)
    est = estimate_cost(graph(*subnets(1), implied, unknown), QUIET)
    assert _sum(est, "implied", "provisioned IOPS") == pytest.approx(1000 * 0.10)
    reasons = {u.resource.rsplit("::", 1)[-1]: u.reason for u in est.not_priced}
    assert "IOPS" in reasons["unknown"] and "implied" not in reasons
    assert _sum(est, "unknown", "io1 storage") == pytest.approx(100 * 0.125)  # what is known is still priced


@pytest.mark.parametrize(
    ("storage", "inputs", "listed"),
    [
        (100, {}, None),
        (100, {"iops": 3000, "storageThroughput": 125}, None),  # the baseline below 400 GB
        (400, {"iops": 12000, "storageThroughput": 500}, None),  # the baseline from 400 GB
        (500, {"iops": 15000}, "3000 IOPS above the 12000 included"),
        (500, {"storageThroughput": 750}, "250 MiB/s above the 500 included"),
        (100, {"iops": 4000}, "1000 IOPS above the 3000 included"),
    ],
)
def test_rds_gp3_above_the_baseline_is_listed_not_priced(
    storage: int, inputs: dict[str, int], listed: str | None
) -> None:
    db = _db("db", allocatedStorage=storage, storageType="gp3", **inputs)
    est = estimate_cost(graph(*subnets(1), db), QUIET)
    assert _sum(est, "db", "gp3 storage") == pytest.approx(storage * 0.115)
    reasons = [u.reason for u in est.not_priced]
    if listed is None:
        assert reasons == []
    else:
        assert len(reasons) == 1 and listed in reasons[0]


def test_no_charge_table_names_each_type_once() -> None:
    source = Path(rules.__file__).read_text()
    table = next(
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "NO_CHARGE"
    )
    assert isinstance(table, ast.Dict)
    keys = [k.value if isinstance(k, ast.Constant) else getattr(rules, ast.unparse(k)) for k in table.keys if k]
    assert len(keys) == len(set(keys)) == len(rules.NO_CHARGE)


def test_log_groups_ingestion_and_storage() -> None:
    group = res("aws:cloudwatch/logGroup:LogGroup", "app-logs", {"retentionInDays": 30})
    never = res("aws:cloudwatch/logGroup:LogGroup", "forever", {})
    usage = UsageAssumptions(container_log_gb_per_task=3.0, log_storage_horizon_months=12)
    est = estimate_cost(graph(*subnets(2), *fargate(tasks=2, log_group=group), group, never), usage)
    monthly = 2 * 3.0
    assert _sum(est, "app-logs", "ingestion") == pytest.approx(monthly * 0.50)
    assert _sum(est, "app-logs", "storage") == pytest.approx(monthly * 30 / (365 / 12) * 0.03)
    assert _sum(est, "forever", "storage") == pytest.approx(0.5 * 12 * 0.03)


def test_flow_log_group_gets_the_flow_log_volume() -> None:
    group = res("aws:cloudwatch/logGroup:LogGroup", "flow", {"retentionInDays": 365})
    flow = res("aws:ec2/flowLog:FlowLog", "fl", {"trafficType": "ALL"}, dependencies=(group.urn,))
    est = estimate_cost(graph(*subnets(1), group, flow), UsageAssumptions(flow_log_gb_per_month=8))
    assert _sum(est, "flow", "ingestion") == pytest.approx(8 * 0.50)


def test_kms_secrets_waf_ecr() -> None:
    key = res("aws:kms/key:Key", "key", {"enableKeyRotation": True})
    secret = res("aws:secretsmanager/secret:Secret", "secret", {})
    acl = res("aws:wafv2/webAcl:WebAcl", "acl", {"rules": [{"name": "a"}, {"name": "b"}, {"name": "c"}]})
    repo = res("aws:ecr/repository:Repository", "repo", {})
    usage = UsageAssumptions(requests_per_month=2_000_000, image_size_gb=0.5, ecr_images_retained=4)
    est = estimate_cost(graph(*subnets(1), key, secret, acl, repo), usage)
    assert _sum(est, "key") == pytest.approx(1.0)
    assert _sum(est, "secret") == pytest.approx(0.40)
    assert _sum(est, "acl") == pytest.approx(5.0 + 3 * 1.0 + 2 * 0.60)
    assert _sum(est, "repo") == pytest.approx(0.5 * 4 * 0.10)


def test_unknown_types_are_listed_never_silently_zero() -> None:
    instance = res("aws:ec2/instance:Instance", "vm", {"instanceType": "t3.micro"})
    role = res("aws:iam/role:Role", "role", {})
    est = estimate_cost(graph(*subnets(1), instance, role), QUIET)
    assert [u.resource_type for u in est.not_priced] == ["aws:ec2/instance:Instance"]
    assert {u.resource_type for u in est.no_charge} == {"aws:ec2/subnet:Subnet", "aws:iam/role:Role"}


def test_total_is_the_sum_of_line_items() -> None:
    est = estimate_cost(graph(*subnets(2), *fargate(), res("aws:kms/key:Key", "k", {})))
    assert est.total_monthly_usd == pytest.approx(sum(i.monthly_usd for i in est.line_items))
    assert est.comparison.design("declared").total_monthly_usd == pytest.approx(est.total_monthly_usd)
