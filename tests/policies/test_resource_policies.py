"""Every resource policy through Analyze: flags the bad resource, passes the near miss, copes with gaps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from secure_ecs.analyzer import AnalyzerClient, Diagnostic
from tests.policies.builders import graph, resource
from tests.policies.cases import RESOURCE_CASES, ResourceCase

CASE_IDS = [f"{c.policy}:{c.type_token.split(':')[1]}" for c in RESOURCE_CASES]
PREVIEW_GAP = "during preview"


def analyze(pack: AnalyzerClient, case: ResourceCase, props: Mapping[str, Any]) -> list[Diagnostic]:
    subject = resource(case.type_token, "subject", props)
    findings = pack.analyze(subject, graph(subject))
    assert not [d for d in findings if PREVIEW_GAP in d.message], "a policy touched an unknown value"
    return [d for d in findings if d.policy_name == case.policy]


@pytest.mark.parametrize("case", RESOURCE_CASES, ids=CASE_IDS)
def test_flags_the_insecure_resource(default_pack: AnalyzerClient, case: ResourceCase) -> None:
    for props in (case.flagged, *case.extra_flagged):
        findings = analyze(default_pack, case, props)
        assert findings, f"{case.policy} did not flag {props}"
        assert all(d.urn.endswith("::subject") and d.enforcement_level == "mandatory" for d in findings)
        assert all(d.severity and d.controls and d.remediation for d in findings)


@pytest.mark.parametrize("case", RESOURCE_CASES, ids=CASE_IDS)
def test_passes_the_near_miss(default_pack: AnalyzerClient, case: ResourceCase) -> None:
    for props in (case.near_miss, *case.extra_passing):
        assert analyze(default_pack, case, props) == [], f"{case.policy} flagged {props}"


@pytest.mark.parametrize("case", RESOURCE_CASES, ids=CASE_IDS)
def test_missing_property_means_provider_default(default_pack: AnalyzerClient, case: ResourceCase) -> None:
    assert bool(analyze(default_pack, case, case.missing)) is case.missing_is_flagged


@pytest.mark.parametrize("case", RESOURCE_CASES, ids=CASE_IDS)
def test_unknown_value_is_not_judged(default_pack: AnalyzerClient, case: ResourceCase) -> None:
    assert analyze(default_pack, case, case.unknown) == []


def test_other_resource_types_are_ignored(default_pack: AnalyzerClient) -> None:
    bystander = resource("aws:sqs/queue:Queue", "queue", {"assignPublicIp": True, "privileged": True})
    assert default_pack.analyze(bystander, graph(bystander)) == []
