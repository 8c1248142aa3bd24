"""Programs written the way public Pulumi programs are: each style once broke the offline plan.

Each test program under programs/ is a small program of our own reproducing one failure class
seen on public programs (see REAL_PROGRAMS.md): remote components, unmodelled outputs, resource
objects as inputs, data sources, foreign stacks named like ours, a program's own `components`
package, and failing callbacks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from secure_ecs.cli import build_parser
from secure_ecs.offline.graph import UNKNOWN
from secure_ecs.offline.invoke_types import PLACEHOLDER_PREFIX
from secure_ecs.plan.command import build_request
from tests.paths import PACK_DIR, REPO_ROOT
from tests.plan.conftest import PROGRAMS, CliRun, CliRunner

MODES = [pytest.param((), id="full"), pytest.param(("--preview",), id="preview")]


def _plan(run: CliRun) -> dict[str, Any]:
    return dict(json.loads((run.out_dir / "plan.json").read_text()))


def _violations(run: CliRun) -> set[tuple[str, str, bool]]:
    return {(v["policy"], v["resourceName"], v["mandatory"]) for v in _plan(run)["violations"]}


def _assert_quiet(run: CliRun) -> None:
    assert "Traceback" not in run.stderr
    assert "never retrieved" not in run.stderr


@pytest.mark.parametrize("mode", MODES)
def test_awsx_public_ip_behind_http_only_listener_fails(run_cli: CliRunner, mode: tuple[str, ...]) -> None:
    run = run_cli("--program", str(PROGRAMS / "awsx_public_fargate"), *mode)
    assert run.exit_code == 1, run.stderr
    _assert_quiet(run)
    found = _violations(run)
    assert ("ecs-service-no-public-ip", "svc", True) in found
    assert ("listener-http-redirects-to-https", "lb", True) in found
    # The tasks' default group is open to the world; the balancer's own group reaches only its listener.
    assert ("security-group-no-public-ingress", "svc", True) in found
    assert not any(policy == "security-group-no-public-ingress" and name == "lb" for policy, name, _ in found)
    assert "assignPublicIp is true" in run.stdout
    assert "HTTP listener serves content" in run.stdout


def test_awsx_with_nothing_insecure_passes_and_lists_what_it_could_not_see(run_cli: CliRunner) -> None:
    run = run_cli("--program", str(PROGRAMS / "awsx_private"))
    assert run.exit_code == 0, run.stdout
    opaque = {c["type"]: c for c in _plan(run)["opaqueComponents"]}
    assert set(opaque) == {"awsx:ecr:Repository", "awsx:ecs:FargateService"}
    assert "aws:ecs/service:Service" in opaque["awsx:ecs:FargateService"]["checkedFromInputs"]
    assert "not checked" in opaque["awsx:ecs:FargateService"]["unchecked"]
    assert "not visible offline" in run.stdout
    assert "PASSED" in run.stdout and "not fully visible" in run.stdout
    sarif = json.loads((run.out_dir / "plan.sarif").read_text())
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert {n["descriptor"]["id"] for n in notes} == {"secure-ecs/opaque-component"}
    assert len(notes) == 2


@pytest.mark.parametrize("mode", MODES)
def test_outputs_of_remote_components_are_unknown_not_echoed_inputs(run_cli: CliRunner, mode: tuple[str, ...]) -> None:
    run = run_cli("--program", str(PROGRAMS / "awsx_vpc_outputs"), *mode)
    assert run.exit_code in (0, 1), run.stderr
    _assert_quiet(run)
    # The awsx VPC maps public IPs in its default public subnets, as the real child subnets would.
    assert ("subnet-no-public-ip", "vpc", True) in _violations(run)


@pytest.mark.parametrize("mode", MODES)
def test_unmodelled_outputs_and_stack_references_are_unknown(run_cli: CliRunner, mode: tuple[str, ...]) -> None:
    run = run_cli("--program", str(PROGRAMS / "unknown_outputs"), *mode)
    assert run.exit_code == 0, run.stderr
    _assert_quiet(run)
    permission = next(r for r in _plan(run)["resources"] if r["type"] == "aws:lambda/permission:Permission")
    assert permission["inputs"]["sourceArn"] == UNKNOWN


def test_stack_reference_outputs_can_come_from_a_file(run_cli: CliRunner, tmp_path: Path) -> None:
    outputs = tmp_path / "stacks.json"
    outputs.write_text(json.dumps({"acme/network/dev": {"vpcId": "vpc-0abc"}}))
    run = run_cli("--program", str(PROGRAMS / "unknown_outputs"), "--stack-outputs", str(outputs))
    assert run.exit_code == 0, run.stderr
    assert _plan(run)["stackOutputs"]["vpc"] == "VPC-0ABC"


def test_a_stack_outputs_file_that_is_not_json_is_one_clear_message(run_cli: CliRunner, tmp_path: Path) -> None:
    outputs = tmp_path / "stacks.json"
    outputs.write_text("vpcId: vpc-0abc")
    run = run_cli("--program", str(PROGRAMS / "unknown_outputs"), "--stack-outputs", str(outputs))
    assert run.exit_code == 2
    assert "is not JSON" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.timeout(120)
@pytest.mark.parametrize("mode", MODES)
def test_resource_objects_as_inputs_reach_the_pack_as_ids(run_cli: CliRunner, mode: tuple[str, ...]) -> None:
    run = run_cli("--program", str(PROGRAMS / "resource_references"), *mode)
    assert run.exit_code == 1, run.stderr
    _assert_quiet(run)
    resources = {r["name"]: r for r in _plan(run)["resources"]}
    role, subnet = resources["a"]["inputs"]["role"], resources["public"]["inputs"]["vpcId"]
    if mode:
        assert role == UNKNOWN and subnet == UNKNOWN  # ids are not known before the deploy
    else:
        assert role == resources["r"]["id"] and subnet == resources["vpc"]["id"]
    assert ("subnet-no-public-ip", "public", True) in _violations(run)


@pytest.mark.parametrize("mode", MODES)
def test_unanswerable_data_sources_get_listed_placeholders(run_cli: CliRunner, mode: tuple[str, ...]) -> None:
    run = run_cli("--program", str(PROGRAMS / "data_sources"), *mode)
    assert run.exit_code in (0, 1), run.stderr
    _assert_quiet(run)
    document = _plan(run)
    assert [a["dataSource"] for a in document["placeholderAnswers"]] == ["aws:route53/getZone:getZone"]
    record = next(r for r in document["resources"] if r["type"] == "aws:route53/record:Record")
    assert record["inputs"]["zoneId"] == f"{PLACEHOLDER_PREFIX}:getZone.zoneId"
    assert "aws:route53/getZone:getZone" in run.stdout and "placeholder" in run.stdout


def test_strict_stops_at_an_unanswerable_data_source(run_cli: CliRunner) -> None:
    run = run_cli("--program", str(PROGRAMS / "data_sources"), "--strict")
    assert run.exit_code == 2
    assert "aws:route53/getZone:getZone" in run.stderr
    assert "__main__.py:15" in run.stderr


def test_a_foreign_program_on_a_stack_named_dev_gets_the_pack_defaults(run_cli: CliRunner) -> None:
    run = run_cli("--program", str(PROGRAMS / "foreign_http_listener"), "--stack", "dev")
    assert run.exit_code == 1
    assert ("listener-http-redirects-to-https", "http", True) in _violations(run)
    assert _plan(run)["packs"][0]["configSource"] == "packDefaults"
    assert "policy config: secure-ecs: the pack defaults" in run.stdout


def test_this_project_still_gets_its_own_stack_config() -> None:
    arguments = build_parser().parse_args(["plan", "--program", str(REPO_ROOT), "--stack", "dev"])
    assert build_request(arguments).config_files == (PACK_DIR / "config" / "dev.json",)


def test_an_error_in_the_programs_own_components_package_is_a_program_error(run_cli: CliRunner) -> None:
    run = run_cli("--program", str(PROGRAMS / "own_components_package"))
    assert run.exit_code == 2
    _assert_quiet(run)
    assert "BucketNameError at components/buckets.py:12" in run.stderr
    assert "Pulumi.dev.yaml" not in run.stderr


def test_a_failing_callback_is_one_paragraph_naming_its_line(tmp_path: Path) -> None:
    # In its own process: the failed futures are collected (and would be logged) at any later point.
    script = Path(sys.executable).with_name("secure-ecs")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "secure_ecs.cli"]
    completed = subprocess.run(
        [*command, "plan", "--program", str(PROGRAMS / "failing_apply"), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "never retrieved" not in completed.stderr
    paragraphs = [line for line in completed.stderr.splitlines() if line.startswith("secure-ecs plan:")]
    assert len(paragraphs) == 1
    assert "ZeroDivisionError at __main__.py:7" in paragraphs[0]


def test_program_dirs_exist() -> None:
    for name in ("awsx_public_fargate", "awsx_private", "awsx_vpc_outputs", "unknown_outputs", "resource_references",
                 "data_sources", "foreign_http_listener", "own_components_package", "failing_apply"):
        assert (PROGRAMS / name / "Pulumi.dev.yaml").is_file(), name
    assert Path(__file__).with_name("REAL_PROGRAMS.md").is_file()


def test_a_container_built_by_docker_build_is_judged_in_full_mode(run_cli: CliRunner) -> None:
    run = run_cli("--program", str(PROGRAMS / "docker_build_image"))
    _assert_quiet(run)
    assert run.exit_code == 1, run.stdout
    assert ("ecs-task-no-secrets-in-environment", "worker", True) in _violations(run)


def test_policy_documents_embedding_arns_of_any_aws_type_are_judged_in_full_mode(run_cli: CliRunner) -> None:
    run = run_cli("--program", str(PROGRAMS / "unmodelled_arns"))
    _assert_quiet(run)
    assert run.exit_code == 1, run.stdout
    assert ("iam-no-admin-policy", "app-access", True) in _violations(run)
    assert "not checked" not in run.stdout


def _plan_in_fresh_process(program: str, out_dir: Path) -> dict[str, Any]:
    """plan.json of `secure-ecs plan` run in its own process, where moto and boto3 are not imported yet."""
    script = Path(sys.executable).with_name("secure-ecs")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "secure_ecs.cli"]
    completed = subprocess.run(
        [*command, "plan", "--program", str(PROGRAMS / program), "--out", str(out_dir)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr
    assert "Traceback" not in completed.stderr
    return dict(json.loads((out_dir / "plan.json").read_text()))


def test_a_fresh_process_answers_data_sources_from_the_emulated_account(tmp_path: Path) -> None:
    # A boto3 session made before moto starts would send the account's calls to the real endpoints,
    # and every answer would become a placeholder.
    placeholders = _plan_in_fresh_process("data_sources", tmp_path)["placeholderAnswers"]
    assert [p["dataSource"] for p in placeholders] == ["aws:route53/getZone:getZone"], placeholders


def test_a_programs_own_boto3_calls_are_answered_by_the_emulated_account(tmp_path: Path) -> None:
    # Its client exists before any data source has started moto; it must still never reach AWS.
    assert _plan_in_fresh_process("own_boto3_calls", tmp_path)["stackOutputs"] == {"account_id": "123456789012"}


def test_who_and_where_the_account_is_needs_no_emulated_aws_api(tmp_path: Path) -> None:
    # Identity, region, partition and policy documents come from the account's context: moto (a tenth
    # of a second to start, a second with EC2) is never imported for them. Nor is this project's own
    # stack config and components (a second of imports) for a program that is not this project.
    outputs = _plan_in_fresh_process("account_facts", tmp_path)["stackOutputs"]
    assert outputs == {"endpoint": "ec2.cn-north-1.amazonaws.com.cn", "loaded": [],
                       "statement": "arn:aws-cn:s3:::assets-123456789012/*"}
