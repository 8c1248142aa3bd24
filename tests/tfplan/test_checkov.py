"""Checkov, an independent scanner, judges the exported plans: it parses them, passes prod (but for a
committed allow-list), and fails insecure edits of the stacks on the check the pack claims for them."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from secure_ecs.analyzer import AnalyzerClient
from secure_ecs.offline.graph import ResourceGraph
from secure_ecs.offline.stack_files import read_stack_settings
from secure_ecs.plan.pipeline import capture_graph
from secure_ecs.tfplan.checkov import ScannerResult, run_checkov
from secure_ecs.tfplan.export import export_plan
from secure_ecs_facts import tokens
from tests.offline import captured_stack
from tests.paths import REPO_ROOT
from tests.plan.conftest import PROGRAMS
from tests.policies.test_project_stacks import VARIANTS, edited, mandatory

ALLOWLIST: dict[str, str] = yaml.safe_load(Path(__file__).with_name("prod_checkov_allowlist.yaml").read_text())

Edit = Callable[[dict[str, Any]], dict[str, Any] | None]


def scan(graph: ResourceGraph, tmp_path: Path) -> ScannerResult:
    plan = export_plan(graph)
    plan_file = tmp_path / "plan.tfplan.json"
    plan_file.write_text(json.dumps(plan.document))
    result = run_checkov(plan_file, plan.addresses)
    assert result.parsing_errors == () and result.findings, "Checkov read the plan"
    return result


def failed(result: ScannerResult) -> set[tuple[str, str]]:
    return {(finding.check_id, finding.urn) for finding in result.failed}


def test_prod_fails_no_check_outside_the_allowlist(tmp_path: Path) -> None:
    result = scan(captured_stack("prod"), tmp_path)
    assert {f.check_id for f in result.failed} <= set(ALLOWLIST)
    assert len(result.passed) > 200
    assert all(f.urn for f in result.findings), "every finding maps back to a resource of the program"


def test_prod_in_preview_keeps_its_graph_connections_and_lists_what_is_unknown(tmp_path: Path) -> None:
    """With ids unknown, references follow the property names (`vpcId` -> the VPC): graph checks still connect."""
    settings = dataclasses.replace(read_stack_settings(REPO_ROOT, "prod"), preview=True)
    graph, _ = capture_graph(REPO_ROOT, settings)
    assert export_plan(graph).unknown, "preview leaves computed values unknown"
    result = scan(graph, tmp_path)
    assert {f.check_id for f in result.failed} <= set(ALLOWLIST)


# The plan test programs that declare resources (the others test error paths).
PLAN_TEST_PROGRAMS = ("awsx_private", "awsx_public_fargate", "foreign_http_listener", "public_fargate",
                      "resource_references", "unknown_outputs")


def test_dev_is_accepted(tmp_path: Path) -> None:
    scan(captured_stack("dev"), tmp_path)


@pytest.mark.parametrize("program", PLAN_TEST_PROGRAMS)
def test_plan_test_programs_are_accepted_with_every_type_mapped(program: str, tmp_path: Path) -> None:
    graph, _ = capture_graph(PROGRAMS / program, read_stack_settings(PROGRAMS / program, "dev"))
    assert export_plan(graph).unmapped == ()
    result = scan(graph, tmp_path)
    if program == "public_fargate":
        # The public-IP design the pack rejects is rejected by Checkov too.
        assert "CKV_AWS_333" in {f.check_id for f in result.failed}


def _open_ssh(props: dict[str, Any]) -> dict[str, Any]:
    return {**props, "fromPort": 22, "toPort": 22} if props.get("fromPort") == 443 else props


def _drop(props: dict[str, Any]) -> None:
    return None


# variant -> (type edited, edit, the pack's policy, the Checkov check the pack claims)
CHECKOV_VARIANTS: dict[str, tuple[str, Edit, str, str]] = {
    "public IP on the service": (*VARIANTS["public IP on the service"], "CKV_AWS_333"),
    "unscanned repository": (*VARIANTS["scanning off"], "CKV_AWS_163"),
    "public RDS": (*VARIANTS["database made public"], "CKV_AWS_17"),
    "WAF association removed": (*VARIANTS["WAF association removed"], "CKV2_AWS_28"),
    "flow log removed": (*VARIANTS["flow log removed"], "CKV2_AWS_11"),
    "0.0.0.0/0 on port 22": (tokens.SECURITY_GROUP_INGRESS_RULE, _open_ssh, "security-group-no-public-ingress",
                             "CKV_AWS_24"),
    "public-access block lets public ACLs in": (
        tokens.S3_PUBLIC_ACCESS_BLOCK, lambda props: {**props, "blockPublicAcls": False}, "s3-public-access-block",
        "CKV_AWS_53",
    ),
}


@pytest.mark.parametrize("variant", list(CHECKOV_VARIANTS))
def test_checkov_and_the_pack_agree_on_insecure_variants(
    variant: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    type_token, edit, policy, check_id = CHECKOV_VARIANTS[variant]
    # Prod runs a released image and has no repository of its own; dev builds into one.
    stack = "prod" if captured_stack("prod").of_type(type_token) else "dev"
    baseline, insecure = captured_stack(stack), edited(captured_stack(stack), type_token, edit)
    introduced = failed(scan(insecure, tmp_path)) - failed(scan(baseline, tmp_path))
    assert check_id in {check for check, _ in introduced}
    pack: AnalyzerClient = request.getfixturevalue(f"{stack}_pack")
    assert policy in {name for name, _ in mandatory(pack, insecure) - mandatory(pack, baseline)}


def test_removed_public_access_block_fails_checkov_but_not_the_pack_by_design(
    tmp_path: Path, prod_pack: AnalyzerClient
) -> None:
    """CKV2_AWS_6 wants a block resource per bucket; the pack accepts S3's default (all four on since April 2023)."""
    baseline = captured_stack("prod")
    insecure = edited(baseline, tokens.S3_PUBLIC_ACCESS_BLOCK, _drop)
    introduced = failed(scan(insecure, tmp_path)) - failed(scan(baseline, tmp_path))
    assert "CKV2_AWS_6" in {check for check, _ in introduced}
    assert mandatory(prod_pack, insecure) - mandatory(prod_pack, baseline) == set()
