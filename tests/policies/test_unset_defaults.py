"""Every policy says how it judges a property the program left unset, and the cases hold it to that."""

from __future__ import annotations

import re

import pytest
from pulumi_policy import Policy

from secure_ecs_policies import ALL_POLICIES
from tests.policies.cases import RESOURCE_CASES, ResourceCase
from tests.policies.test_stack_policies import STACK_CASES, StackCase

UNSET = re.compile(r" Unset: (?P<rule>.+?)(?: \[[^\]]*\])?$", re.DOTALL)
FLAGGED, PASSES = re.compile(r"\b(flagged|reported)\b"), re.compile(r"\bpass(es)?\b")

MISSING_IS_FLAGGED: dict[str, set[bool]] = {}
CASES: list[ResourceCase | StackCase] = [*RESOURCE_CASES, *STACK_CASES]
for case in CASES:
    MISSING_IS_FLAGGED.setdefault(case.policy, set()).add(case.missing_is_flagged)


def stated_verdict(rule: str) -> bool | None:
    """True when the unset rule's first verdict is "flagged", False when it is "passes", None when it names neither."""
    flagged, passes = FLAGGED.search(rule), PASSES.search(rule)
    if flagged and (not passes or flagged.start() < passes.start()):
        return True
    return False if passes else None


@pytest.mark.parametrize("policy", ALL_POLICIES, ids=[p.name for p in ALL_POLICIES])
def test_description_states_the_unset_rule(policy: Policy) -> None:
    assert UNSET.search(policy.description), f"{policy.name} does not say how unset is judged"


@pytest.mark.parametrize("name", sorted(MISSING_IS_FLAGGED))
def test_missing_property_cases_match_the_stated_rule(name: str) -> None:
    [policy] = [p for p in ALL_POLICIES if p.name == name]
    match = UNSET.search(policy.description)
    assert match, name
    assert MISSING_IS_FLAGGED[name] == {stated_verdict(match["rule"])}, match["rule"]


def test_every_policy_with_a_check_has_a_missing_property_case() -> None:
    checked = {p.name for p in ALL_POLICIES if not p.name.startswith("deploy-") and p.name != "ecr-scan-on-push"}
    assert checked - set(MISSING_IS_FLAGGED) == set()
