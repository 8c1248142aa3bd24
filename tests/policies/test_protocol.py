"""The analyzer protocol itself: pack metadata, config resolution, requests, start-up and call errors."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from pulumi.runtime.proto import analyzer_pb2

from secure_ecs.analyzer import AnalyzerCallError, AnalyzerClient, PackStartError, PolicyConfigError
from secure_ecs.analyzer.convert import analyze_request, analyze_stack_request, index_graph
from secure_ecs.analyzer.launcher import pack_command
from secure_ecs_facts import tokens
from secure_ecs_policies import ALL_POLICIES, POLICY_METADATA
from tests.paths import CONFIG_DIR, PACK_DIR
from tests.policies.builders import graph, resource


def test_info_describes_every_policy_with_its_metadata(default_pack: AnalyzerClient) -> None:
    info = default_pack.info()
    assert info.name == "secure-ecs"
    assert [p.name for p in info.policies] == [p.name for p in ALL_POLICIES]
    for descriptor in info.policies:
        metadata = POLICY_METADATA[descriptor.name]
        assert (descriptor.severity, descriptor.controls, descriptor.remediation) == (
            metadata.severity,
            metadata.controls,
            metadata.remediation,
        )
        assert descriptor.enforcement_level == metadata.default_enforcement
        assert descriptor.policy_type in {"resource", "stack"}
        assert all(control in descriptor.description for control in descriptor.controls)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_config_files_resolve_like_the_engine(default_pack: AnalyzerClient, stack: str) -> None:
    path = CONFIG_DIR / f"{stack}.json"
    written = json.loads(path.read_text())
    resolved = default_pack.info()  # the resolution below only reads metadata; it sends nothing
    from secure_ecs.analyzer.config import resolve_policy_config

    config = resolve_policy_config(resolved, written)
    for descriptor in resolved.policies:
        entry = written.get(descriptor.name)
        level = entry if isinstance(entry, str) else (entry or {}).get("enforcementLevel")
        assert config[descriptor.name].enforcement_level == (
            level or written.get("all") or descriptor.enforcement_level
        )
        defaults = {k: v["default"] for k, v in descriptor.config_schema.items() if "default" in v}
        overrides = {k: v for k, v in (entry if isinstance(entry, dict) else {}).items() if k != "enforcementLevel"}
        assert config[descriptor.name].properties == {**defaults, **overrides}


@pytest.mark.parametrize(
    ("config", "complaint"),
    [
        ({"no-such-policy": "mandatory"}, "no-such-policy"),
        ({"rds-multi-az": "sometimes"}, "sometimes"),
        ({"log-group-retention": {"minimumDays": 3}}, "minimumDays"),
        ({"rds-multi-az": 3}, "rds-multi-az"),
    ],
)
def test_bad_config_is_refused_before_configure(
    default_pack: AnalyzerClient, config: dict[str, object], complaint: str
) -> None:
    from secure_ecs.analyzer.config import resolve_policy_config

    with pytest.raises(PolicyConfigError, match=complaint):
        resolve_policy_config(default_pack.info(), config)


def test_requests_carry_options_and_provider() -> None:
    vpc = resource(tokens.VPC, "vpc", {"cidrBlock": "10.0.0.0/16"})
    subnet = resource(tokens.SUBNET, "subnet", {}, links={"vpcId": [vpc]})
    stack = graph(vpc, subnet)
    request = analyze_request(subnet, stack, index_graph(stack))
    assert request.HasField("options") and request.HasField("provider")
    assert request.options.parent == subnet.parent
    assert request.provider.type == "pulumi:providers:aws"
    assert request.provider.urn.endswith("::pulumi:providers:aws::default")
    [stack_subnet] = [r for r in analyze_stack_request(stack).resources if r.urn == subnet.urn]
    assert list(stack_subnet.propertyDependencies["vpcId"].urns) == [vpc.urn]
    assert list(stack_subnet.dependencies) == [vpc.urn]


def test_configure_sends_levels_and_properties(tmp_path: Path) -> None:
    log_group = resource(tokens.LOG_GROUP, "logs", {"retentionInDays": 30, "kmsKeyId": "arn:aws:kms:k"})
    with AnalyzerClient(PACK_DIR) as pack:
        pack.configure(
            {"all": "disabled", "log-group-retention": {"enforcementLevel": "advisory", "minimumRetentionDays": 60}}
        )
        [finding] = pack.analyze(log_group, graph(log_group))
        assert (finding.policy_name, finding.enforcement_level) == ("log-group-retention", "advisory")
        assert "minimum of 60 days" in finding.message
        pack.configure({"all": "disabled"})
        assert pack.analyze(log_group, graph(log_group)) == []


def _write_pack(folder: Path, main: str) -> Path:
    folder.mkdir()
    (folder / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (folder / "__main__.py").write_text(textwrap.dedent(main))
    return folder


def test_a_pack_that_fails_to_start_reports_its_stderr(tmp_path: Path) -> None:
    pack_dir = _write_pack(tmp_path / "broken", "raise RuntimeError('rules module is missing')\n")
    with pytest.raises(PackStartError, match="rules module is missing"), AnalyzerClient(pack_dir, start_timeout=30):
        pass


def test_a_policy_that_raises_fails_the_call(tmp_path: Path) -> None:
    pack_dir = _write_pack(
        tmp_path / "raising",
        """
        from pulumi_policy import PolicyPack, ResourceValidationPolicy

        def explode(args, report):
            raise ValueError("policy bug")

        PolicyPack("raising", [ResourceValidationPolicy("explodes", "always raises", explode)])
    """,
    )
    queue = resource("aws:sqs/queue:Queue", "queue", {})
    with AnalyzerClient(pack_dir) as pack:
        pack.configure()
        with pytest.raises(AnalyzerCallError, match="Analyze failed"):
            pack.analyze(queue, graph(queue))


def test_node_packs_start_through_run_policy_pack(tmp_path: Path) -> None:
    pack_dir = tmp_path / "node-pack"
    pack_dir.mkdir()
    (pack_dir / "PulumiPolicy.yaml").write_text("runtime:\n  name: nodejs\n")
    with pytest.raises(PackStartError, match="npm install"):
        pack_command(pack_dir, "127.0.0.1:1")
    host = pack_dir / "node_modules/@pulumi/pulumi/cmd/run-policy-pack"
    host.mkdir(parents=True)
    assert pack_command(pack_dir, "127.0.0.1:1", node="node") == [
        "node",
        "node_modules/@pulumi/pulumi/cmd/run-policy-pack",
        "127.0.0.1:1",
        ".",
    ]


def test_python_packs_start_like_the_cli() -> None:
    command = pack_command(PACK_DIR, "127.0.0.1:1", python="python3")
    assert command == ["python3", "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."]
    assert analyzer_pb2.MANDATORY != analyzer_pb2.ADVISORY  # the enum the diagnostics map from
