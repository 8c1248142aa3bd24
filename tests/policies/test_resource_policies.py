"""Every resource policy through Analyze: flags the bad resource, passes the near miss, copes with gaps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from secure_ecs.analyzer import AnalyzerClient, Diagnostic
from secure_ecs_policies import POLICY_METADATA
from secure_ecs_policies.preview_gaps import NOT_CHECKED
from tests.policies.builders import graph, resource
from tests.policies.cases import RESOURCE_CASES, ResourceCase

CASE_IDS = [f"{c.policy}:{c.type_token.split(':')[1]}" for c in RESOURCE_CASES]
PREVIEW_GAP = "during preview"


def judged(pack: AnalyzerClient, case: ResourceCase, props: Mapping[str, Any]) -> tuple[list[Diagnostic], list[str]]:
    """The policy's findings, and the "not checked" notes it left for values unknown until deploy."""
    subject = resource(case.type_token, "subject", props)
    diagnostics = pack.analyze(subject, graph(subject))
    gaps = [d for d in diagnostics if PREVIEW_GAP in d.message]
    assert all(NOT_CHECKED in d.message and d.enforcement_level == "advisory" for d in gaps), (
        "a policy touched an unknown value instead of noting it"
    )
    mine = [d for d in diagnostics if d.policy_name == case.policy]
    return [d for d in mine if d not in gaps], [d.message for d in mine if d in gaps]


def analyze(pack: AnalyzerClient, case: ResourceCase, props: Mapping[str, Any]) -> list[Diagnostic]:
    return judged(pack, case, props)[0]


@pytest.mark.parametrize("case", RESOURCE_CASES, ids=CASE_IDS)
def test_flags_the_insecure_resource(default_pack: AnalyzerClient, case: ResourceCase) -> None:
    for props in (case.flagged, *case.extra_flagged):
        findings = analyze(default_pack, case, props)
        assert findings, f"{case.policy} did not flag {props}"
        level = POLICY_METADATA[case.policy].default_enforcement
        assert all(d.urn.endswith("::subject") and d.enforcement_level == level for d in findings)
        assert all(d.severity and d.controls and d.remediation for d in findings)


@pytest.mark.parametrize("case", RESOURCE_CASES, ids=CASE_IDS)
def test_passes_the_near_miss(default_pack: AnalyzerClient, case: ResourceCase) -> None:
    for props in (case.near_miss, *case.extra_passing):
        assert analyze(default_pack, case, props) == [], f"{case.policy} flagged {props}"


@pytest.mark.parametrize("case", RESOURCE_CASES, ids=CASE_IDS)
def test_missing_property_means_provider_default(default_pack: AnalyzerClient, case: ResourceCase) -> None:
    assert bool(analyze(default_pack, case, case.missing)) is case.missing_is_flagged


@pytest.mark.parametrize("case", RESOURCE_CASES, ids=CASE_IDS)
def test_unknown_value_is_not_judged_but_noted(default_pack: AnalyzerClient, case: ResourceCase) -> None:
    findings, notes = judged(default_pack, case, case.unknown)
    assert findings == []
    assert bool(notes) is case.unknown_is_noted, notes
    assert all(d.urn.endswith("::subject") for d in analyze(default_pack, case, case.unknown))


def test_other_resource_types_are_ignored(default_pack: AnalyzerClient) -> None:
    bystander = resource("aws:sqs/queue:Queue", "queue", {"assignPublicIp": True, "privileged": True})
    assert default_pack.analyze(bystander, graph(bystander)) == []


def test_unset_backup_retention_is_the_one_day_default(dev_pack: AnalyzerClient, prod_pack: AnalyzerClient) -> None:
    database = resource("aws:rds/instance:Instance", "db", {"engine": "postgres"})
    policy = "rds-backup-retention"
    assert [d for d in dev_pack.analyze(database, graph(database)) if d.policy_name == policy] == []
    [finding] = [d for d in prod_pack.analyze(database, graph(database)) if d.policy_name == policy]
    assert "unset (1 day)" in finding.message and "at least 7 days" in finding.message


def test_the_note_names_the_unknown_property(default_pack: AnalyzerClient) -> None:
    task = resource(
        "aws:ecs/taskDefinition:TaskDefinition",
        "task",
        {"containerDefinitions": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"},
    )
    notes = [
        d for d in default_pack.analyze(task, graph(task)) if d.policy_name == "ecs-task-no-secrets-in-environment"
    ]
    assert [d.enforcement_level for d in notes] == ["advisory"]
    assert f"{NOT_CHECKED}: containerDefinitions" in notes[0].message
