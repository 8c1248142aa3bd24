"""The pack, the stack config and the components judge environment variable names alike.

Each layer is asked through its own entry point (Analyze over the protocol, the pydantic config
model, the component's argument check), so a layer that stops applying the shared rule, or applies
it to other names, fails here.
"""

from __future__ import annotations

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secure_ecs.analyzer import AnalyzerClient
from secure_ecs.config.application import ServiceConfig
from secure_ecs_components.errors import ComponentArgumentError
from secure_ecs_components.fargate_service import _check_environment
from tests.policies.builders import container_definitions, graph, resource, secure_container

POLICY = "ecs-task-no-secrets-in-environment"
WORDS = [
    "DB",
    "PASSWORD",
    "TOKEN",
    "TTL",
    "API",
    "KEY",
    "HEADER",
    "SECRET",
    "ARN",
    "URL",
    "LOG",
    "LEVEL",
    "AUTHOR",
    "PWD",
    "PASS",
    "PAT",
    "AUTH",
    "SORT",
    "GITHUB",
    "ENABLE",
    "FILE",
]
names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map("_".join)

FROM_PUBLIC_PROGRAMS = ["REDIS_PWD", "DB_PASS", "PGPASSWORD", "GITHUB_PAT", "STRIPE_KEY", "USER_PASSWORD", "SECRET_KEY"]
NOT_SECRET = ["PWD", "SORT_KEY", "DB_PASS_FILE", "ENABLE_AUTH", "JWT_SECRET_ARN", "REDIS_HOST", "API_KEY_HEADER"]


def pack_flags(pack: AnalyzerClient, name: str) -> bool:
    container = secure_container(environment=[{"name": name, "value": "plain"}])
    task = resource(
        "aws:ecs/taskDefinition:TaskDefinition", "task", {"containerDefinitions": container_definitions(container)}
    )
    return any(d.policy_name == POLICY for d in pack.analyze(task, graph(task)))


def config_refuses(name: str) -> bool:
    try:
        ServiceConfig(image="sha256:" + "0" * 64, environment={name: "plain"})
    except pydantic.ValidationError as refused:
        return any(error["loc"][:1] == ("environment",) for error in refused.errors())
    return False


def component_refuses(name: str) -> bool:
    try:
        _check_environment({name: "plain"})
    except ComponentArgumentError:
        return True
    return False


@pytest.mark.parametrize("name", FROM_PUBLIC_PROGRAMS + NOT_SECRET)
def test_every_layer_gives_the_same_verdict(default_pack: AnalyzerClient, name: str) -> None:
    expected = name in FROM_PUBLIC_PROGRAMS
    assert (pack_flags(default_pack, name), config_refuses(name), component_refuses(name)) == (expected,) * 3


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names)
def test_pack_config_and_components_agree(default_pack: AnalyzerClient, name: str) -> None:
    verdict = pack_flags(default_pack, name)
    assert config_refuses(name) is verdict, name
    assert component_refuses(name) is verdict, name
