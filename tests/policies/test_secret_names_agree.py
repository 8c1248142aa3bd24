"""The pack and the components judge environment variable names with one rule."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secure_ecs.analyzer import AnalyzerClient
from secure_ecs_policies.secret_names import name_looks_secret
from tests.policies.builders import container_definitions, graph, resource, secure_container

POLICY = "ecs-task-no-secrets-in-environment"
WORDS = ["DB", "PASSWORD", "TOKEN", "TTL", "API", "KEY", "HEADER", "SECRET", "ARN", "URL", "LOG", "LEVEL", "AUTHOR"]
names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map("_".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names)
def test_pack_flags_exactly_the_names_components_refuse(default_pack: AnalyzerClient, name: str) -> None:
    container = secure_container(environment=[{"name": name, "value": "plain"}])
    task = resource(
        "aws:ecs/taskDefinition:TaskDefinition", "task", {"containerDefinitions": container_definitions(container)}
    )
    flagged = any(d.policy_name == POLICY for d in default_pack.analyze(task, graph(task)))
    assert flagged == name_looks_secret(name), name
