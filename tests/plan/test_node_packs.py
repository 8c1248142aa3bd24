"""Node policy packs, started as the Pulumi CLI starts them, and the comparison with `@pulumi/awsguard`.

Two fixtures under `tests/plan/packs/` are installed with `npm ci` from their committed lock files into
`build/node-packs/` (see `node_support`): `node_pack`, a small pack of our own (one resource policy,
one stack policy), and `awsguard_pack`, the public AWS pack `@pulumi/awsguard` 0.3.1 wrapped as its
README shows with every policy mandatory. Node and npm are required here: without them these tests
fail with a message saying so.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from secure_ecs.analyzer import AnalyzerClient, Diagnostic
from secure_ecs.cli import main
from secure_ecs.offline.graph import CapturedResource
from tests.paths import REPO_ROOT
from tests.plan.conftest import PACKS, PROGRAMS
from tests.plan.node_support import NodeSupportError, installed_pack, require_node
from tests.policies.builders import graph, resource

PROGRAM = PROGRAMS / "public_fargate"
OUR_PACK = REPO_ROOT / "policies"
ECS_SERVICE = "aws:ecs/service:Service"
NODE_POLICIES = {"node-ecs-service-no-public-ip": "resource", "node-stack-flow-logs": "stack"}
AWSGUARD_POLICY_COUNT = 26


@pytest.fixture(scope="module")
def installs() -> Iterator[dict[str, Future[Path]]]:
    """Both fixtures installing side by side (a cold install is mostly waiting on the registry)."""
    try:
        require_node()
    except NodeSupportError as problem:
        missing = str(problem)
    else:
        missing = ""
    if missing:
        pytest.fail(missing, pytrace=False)  # outside the handler, so the report is the message alone
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="npm-ci") as pool:
        yield {name: pool.submit(installed_pack, PACKS / name) for name in ("node_pack", "awsguard_pack")}


def _installed(installs: dict[str, Future[Path]], name: str) -> Path:
    try:
        return installs[name].result()
    except NodeSupportError as problem:
        failure = str(problem)
    pytest.fail(failure, pytrace=False)  # outside the handler, so the report is the message alone


@pytest.fixture(scope="module")
def node_pack(installs: dict[str, Future[Path]]) -> Path:
    return _installed(installs, "node_pack")


@pytest.fixture(scope="module")
def awsguard_pack(installs: dict[str, Future[Path]]) -> Path:
    return _installed(installs, "awsguard_pack")


# One running pack per module: each test that uses one sends its own Configure first.
@pytest.fixture(scope="module")
def node_client(node_pack: Path) -> Iterator[AnalyzerClient]:
    with AnalyzerClient(node_pack) as client:
        yield client


@pytest.fixture(scope="module")
def awsguard_client(awsguard_pack: Path) -> Iterator[AnalyzerClient]:
    with AnalyzerClient(awsguard_pack) as client:
        yield client


def _service(name: str, public: bool) -> CapturedResource:
    return resource(ECS_SERVICE, name, {"launchType": "FARGATE", "networkConfiguration": {
        "assignPublicIp": public, "subnets": ["subnet-1"], "securityGroups": ["sg-1"]}})


SERVICES = (_service("web-svc", True), _service("private-svc", False), _service("legacy-svc", True))
REPOSITORY = resource("aws:ecr/repository:Repository", "repo", {"imageTagMutability": "MUTABLE"})
FLOW_LOG = resource("aws:ec2/flowLog:FlowLog", "vpc-flow", {"trafficType": "ALL", "vpcId": "vpc-1"})


# -- (a) our Node pack through AnalyzerClient --


def test_node_pack_describes_itself(node_client: AnalyzerClient) -> None:
    info = node_client.info()
    assert (info.name, info.version) == ("node-fixture", "0.2.0")  # the version comes from package.json
    assert {p.name: p.policy_type for p in info.policies} == NODE_POLICIES
    levels = {p.name: p.enforcement_level for p in info.policies}
    assert levels == {"node-ecs-service-no-public-ip": "mandatory", "node-stack-flow-logs": "advisory"}
    schema = info.policy("node-ecs-service-no-public-ip").config_schema
    assert schema["exemptServices"]["default"] == []


def test_node_pack_configure_analyze_and_analyze_stack(node_client: AnalyzerClient) -> None:
    resources = graph(*SERVICES, REPOSITORY)
    resolved = node_client.configure({"node-ecs-service-no-public-ip": {"exemptServices": ["legacy-svc"]}})
    assert resolved["node-ecs-service-no-public-ip"].properties == {"exemptServices": ["legacy-svc"]}
    per_resource = node_client.analyze_resources(resources)
    stack = node_client.analyze_stack(resources)
    stack_with_flow_log = node_client.analyze_stack(graph(*SERVICES, REPOSITORY, FLOW_LOG))
    node_client.configure({"node-ecs-service-no-public-ip": "disabled"})
    disabled = node_client.analyze_resources(resources)

    [public] = per_resource  # private-svc passes, legacy-svc is exempt by config, the repository is ignored
    assert (public.pack_name, public.pack_version, public.policy_name) == (
        "node-fixture", "0.2.0", "node-ecs-service-no-public-ip")
    assert public.urn == SERVICES[0].urn
    assert public.is_mandatory
    # The pack read the provider the client sends with each request (the package's default provider).
    assert "ECS service web-svc assigns public IPs to its tasks (provider default)" in public.message

    [flow_logs] = stack
    assert (flow_logs.policy_name, flow_logs.enforcement_level) == ("node-stack-flow-logs", "advisory")
    # The 4 captured resources plus the stack and the aws default provider, as the engine sends them.
    assert "3 ECS service(s) but no VPC flow log among 6 resources" in flow_logs.message
    assert stack_with_flow_log == []
    assert disabled == []


def test_node_pack_refuses_what_the_client_never_sends(node_client: AnalyzerClient) -> None:
    """Why the client sends resource options and always sets Configure properties (DESIGN.md section 7)."""
    properties = struct_pb2.Struct()
    properties.update({"networkConfiguration": {"assignPublicIp": True}})
    bare = analyzer_pb2.AnalyzeRequest(type=ECS_SERVICE, properties=properties, name="x",
                                       urn=f"urn:pulumi:test::p::{ECS_SERVICE}::x")
    no_properties = analyzer_pb2.ConfigureAnalyzerRequest()
    no_properties.policyConfig["node-stack-flow-logs"].CopyFrom(
        analyzer_pb2.PolicyConfig(enforcementLevel=analyzer_pb2.MANDATORY))
    node_client.configure()
    stub = node_client._require_stub()  # raw calls: the client's own requests are always complete
    with pytest.raises(grpc.RpcError, match="more recent version of the Pulumi CLI"):
        stub.Analyze(bare, timeout=30)
    with pytest.raises(grpc.RpcError, match="toJavaScript"):
        stub.Configure(no_properties, timeout=30)


# -- (b) `secure-ecs plan` with a Node pack and the Python pack side by side --


def _plan(tmp_path_factory: pytest.TempPathFactory, name: str, *packs: Path) -> tuple[int, Path]:
    out_dir = tmp_path_factory.mktemp(name)
    pack_args = [arg for pack in packs for arg in ("--policy-pack", str(pack))]
    code = main(["plan", "--program", str(PROGRAM), *pack_args, "--format", "json", "--out", str(out_dir)])
    return code, out_dir


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _findings(plan_json: Any, pack: str) -> set[tuple[str, str | None, bool]]:
    """(policy, resource name, mandatory) of every violation one pack reported."""
    return {(v["policy"], v["resourceName"], v["mandatory"]) for v in plan_json["violations"] if v["pack"] == pack}


@pytest.fixture(scope="module")
def node_plan(tmp_path_factory: pytest.TempPathFactory, node_pack: Path) -> tuple[int, Path]:
    return _plan(tmp_path_factory, "node_plan", node_pack, OUR_PACK)


def test_plan_reports_both_packs_by_name(node_plan: tuple[int, Path]) -> None:
    code, out_dir = node_plan
    document = _read(out_dir / "plan.json")
    assert code == 1
    assert [p["name"] for p in document["packs"]] == ["node-fixture", "secure-ecs"]
    assert document["packs"][0]["version"] == "0.2.0"
    assert _findings(document, "node-fixture") == {
        ("node-ecs-service-no-public-ip", "app-svc", True),
        ("node-stack-flow-logs", None, False),
    }
    ours = _findings(document, "secure-ecs")
    assert {("ecs-service-no-public-ip", "app-svc", True), ("ecr-repository-scanned", "app-repo", True)} <= ours
    rule_ids = {r["ruleId"] for r in _read(out_dir / "plan.sarif")["runs"][0]["results"]}
    assert {"node-fixture/node-ecs-service-no-public-ip", "secure-ecs/ecs-service-no-public-ip"} <= rule_ids


# -- the comparison with the public AWS pack (DESIGN.md sections 4 and 7) --


@pytest.fixture(scope="module")
def awsguard_plan(tmp_path_factory: pytest.TempPathFactory, awsguard_pack: Path) -> tuple[int, Path]:
    return _plan(tmp_path_factory, "awsguard_plan", awsguard_pack, OUR_PACK)


def test_awsguard_is_all_mandatory(awsguard_client: AnalyzerClient) -> None:
    info = awsguard_client.info()
    resolved = awsguard_client.configure()
    assert info.name == "pulumi-awsguard"
    assert len(info.policies) == AWSGUARD_POLICY_COUNT
    assert {config.enforcement_level for config in resolved.values()} == {"mandatory"}
    assert not [p for p in info.policies if "ecs" in p.name or "ecr" in p.name]


def test_awsguard_passes_the_public_fargate_program_that_ours_rejects(awsguard_plan: tuple[int, Path]) -> None:
    code, out_dir = awsguard_plan
    document = _read(out_dir / "plan.json")
    assert [p["name"] for p in document["packs"]] == ["pulumi-awsguard", "secure-ecs"]
    assert code == 1  # because of our pack alone
    # awsguard reports nothing at all on this program: no public-IP finding for the ECS service, none
    # for the unscanned ECR repository, none for the HTTP-only listener or the unlogged ALB either.
    assert _findings(document, "pulumi-awsguard") == set()
    ours = _findings(document, "secure-ecs")
    assert ("ecs-service-no-public-ip", "app-svc", True) in ours
    assert ("ecr-repository-scanned", "app-repo", True) in ours


def _policies(diagnostics: list[Diagnostic]) -> set[tuple[str, str]]:
    return {(d.policy_name, d.urn.rsplit("::", 1)[-1]) for d in diagnostics}


def test_awsguard_does_check_what_the_client_sends(awsguard_client: AnalyzerClient) -> None:
    """A control for the empty result above: awsguard flags the resources it knows, through the same client.

    Its load-balancer policies match the pulumi-aws v4 tokens (`aws:elasticloadbalancingv2/...`), which
    pulumi-aws v7 no longer has; `aws.lb.LoadBalancer` (`aws:lb/...`) passes them unchecked.
    """
    elb_inputs = {"loadBalancerType": "application", "internal": False}
    resources = graph(
        resource("aws:rds/instance:Instance", "db", {"publiclyAccessible": True, "storageEncrypted": True,
                                                     "multiAz": True, "backupRetentionPeriod": 7}),
        resource("aws:ec2/instance:Instance", "vm", {"associatePublicIpAddress": True, "monitoring": True}),
        resource("aws:lb/loadBalancer:LoadBalancer", "current-alb", elb_inputs),
        resource("aws:elasticloadbalancingv2/loadBalancer:LoadBalancer", "v4-alb", elb_inputs),
        *SERVICES,
        REPOSITORY,
    )
    awsguard_client.configure()
    found = _policies(awsguard_client.analyze_resources(resources) + awsguard_client.analyze_stack(resources))
    assert {("rds-instance-public-access", "db"), ("ec2-instance-no-public-ip", "vm"),
            ("elb-logging-enabled", "v4-alb"), ("elb-deletion-protection-enabled", "v4-alb")} <= found
    flagged = {name for _, name in found}
    assert not flagged & {"current-alb", "web-svc", "legacy-svc", "repo"}
