"""Hundreds of random configurations: each is either valid or one clean StackConfigError."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secure_ecs.config import StackConfig, StackConfigError, validate_stack_config
from secure_ecs_components.alb import SPEC as ALB_SPEC
from secure_ecs_components.database import SPEC as DATABASE_SPEC
from secure_ecs_components.endpoints import SPEC as ENDPOINTS_SPEC
from secure_ecs_components.fargate_service import SPEC as SERVICE_SPEC
from secure_ecs_components.network import SPEC as NETWORK_SPEC
from secure_ecs_components.spec import ArgSpec

# Required arguments the program wires from other components (ids a real stack would pass).
WIRED = {
    "vpc_id": "vpc-1",
    "subnet_ids": ["subnet-1"],
    "route_table_ids": ["rtb-1"],
    "public_subnet_ids": ["subnet-2"],
    "alb_security_group_id": "sg-1",
    "target_group_arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1",
    "endpoint_security_group_id": "sg-2",
    "s3_prefix_list_id": "pl-1",
}

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.floats(allow_nan=True), st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
cidrs = st.one_of(
    st.builds(lambda a, b, p: f"10.{a}.{b}.0/{p}", st.integers(0, 300), st.integers(0, 255), st.integers(8, 32)),
    st.sampled_from(["172.16.0.0/16", "192.168.0.0/20", "8.8.8.0/24", "fd00::/8", "", "10.0.0.0"]),
)
network = st.fixed_dictionaries(
    {},
    optional={
        "cidrBlock": cidrs | json_values,
        "availabilityZoneCount": st.integers(-1, 8) | json_values,
        "egress": st.sampled_from(["none", "nat-single", "nat-per-az", "all"]) | json_values,
        "flowLogRetentionDays": st.sampled_from([1, 7, 10, 365, 3653, 0]) | json_values,
        "subnetPrefixes": st.dictionaries(st.sampled_from(["public", "private", "data", "x"]), st.integers(10, 30)),
        "subnetCidrs": st.dictionaries(st.sampled_from(["public", "private", "data"]), st.lists(cidrs, max_size=3)),
    },
)
service = st.fixed_dictionaries(
    {},
    optional={
        "image": st.sampled_from(["repo/app@sha256:" + "b" * 64, ""]) | json_values,
        "dockerContext": st.sampled_from(["app", "."]) | json_values,
        "cpu": st.sampled_from([256, 512, 1024, 300]) | json_values,
        "memory": st.sampled_from([512, 1024, 2048, 3000]) | json_values,
        "desiredCount": st.integers(-2, 20),
        "environment": st.dictionaries(
            st.sampled_from(["APP_ENV", "DB_PASSWORD", "API_TOKEN", "X"]), st.text(max_size=20)
        ),
        "secrets": st.dictionaries(st.text(max_size=8), st.sampled_from(["arn:aws:secretsmanager:x", "plain"])),
        "autoscaling": st.fixed_dictionaries(
            {}, optional={"minCount": st.integers(0, 5), "maxCount": st.integers(0, 5)}
        ),
    },
)
alb = st.fixed_dictionaries(
    {},
    optional={
        "certificateArn": st.sampled_from(["arn:aws:acm:us-east-1:1:certificate/x", "cert"]) | json_values,
        "allowHttpOnly": st.booleans() | json_values,
        "ingressCidrs": st.lists(cidrs, max_size=3) | json_values,
        "healthCheckPath": st.sampled_from(["/api/health", "health", ""]) | json_values,
        "waf": st.dictionaries(st.sampled_from(["enabled", "rateLimit", "other"]), json_values, max_size=3),
    },
)
stack_configs = st.fixed_dictionaries(
    {},
    optional={
        "network": network | json_values,
        "endpoints": st.dictionaries(
            st.sampled_from(["extraServices", "availabilityZoneCount", "s3BucketNames"]), json_values
        ),
        "service": service | json_values,
        "alb": alb | json_values,
        "database": st.dictionaries(st.sampled_from(["multiAz", "port", "instanceClass"]), json_values) | st.none(),
        "protectStateful": json_values,
        "unknownKey": json_values,
    },
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stack_configs)
def test_random_config_is_valid_or_one_clean_error(values: dict[str, Any]) -> None:
    try:
        config = validate_stack_config(values)
    except StackConfigError as error:
        assert error.problems, "an error must name at least one problem"
        assert all(problem.startswith("secure-ecs:") for problem in error.problems), error.problems
        return
    assert isinstance(config, StackConfig)
    # Anything accepted must carve into subnets that fit the VPC.
    layout = config.network.layout()
    assert all(subnet.subnet_of(layout.vpc) for tier in ("public", "private", "data") for subnet in layout.tier(tier))
    # ... and be accepted by the components themselves, whatever the program wires in.
    sections: list[tuple[ArgSpec, Any]] = [
        (NETWORK_SPEC, config.network),
        (ENDPOINTS_SPEC, config.endpoints),
        (ALB_SPEC, config.alb),
        (SERVICE_SPEC, config.service),
        (DATABASE_SPEC, config.database),
    ]
    for spec, section in sections:
        if section is not None:
            spec.resolve("fuzzed", section.to_args(**{k: v for k, v in WIRED.items() if k in spec.args}))
