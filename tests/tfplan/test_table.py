"""The mapping table and its generator: every stack type maps, renames and MaxItems=1 blocks round-trip."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi_aws
import pytest

from secure_ecs.offline.graph import CapturedResource, ResourceGraph
from secure_ecs.tfplan import generate_table
from secure_ecs.tfplan.export import export_plan
from secure_ecs.tfplan.generate_table import Metadata, build_table, render_table
from secure_ecs.tfplan.names import singular, snake_case
from secure_ecs.tfplan.table import load_table, parse_table
from tests.offline import captured_stack

FIXTURE = Path(__file__).with_name("fixtures") / "bridge-metadata.json"


@pytest.fixture(scope="module")
def fixture_table() -> dict[str, object]:
    metadata = Metadata.from_document(json.loads(FIXTURE.read_text()))
    return build_table(metadata, ["aws_lb_listener", "aws_s3_bucket", "aws_ecr_repository", "aws_flow_log"],
                       pulumi_aws, {"bridgeMetadata": "fixture"})


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_infrastructure_type_of_both_stacks_maps(stack: str) -> None:
    types = {r.type for r in captured_stack(stack) if r.is_infrastructure and not r.remote}
    assert types and {t for t in types if load_table().rule(t) is None} == set()


@pytest.mark.parametrize(("token", "path", "name", "block"), [
    ("aws:lb/listener:Listener", ["defaultActions"], "default_action", "list"),
    ("aws:lb/listener:Listener", ["defaultActions", "redirect"], "redirect", "one"),
    ("aws:ecs/service:Service", ["networkConfiguration"], "network_configuration", "one"),
    ("aws:ecs/service:Service", ["loadBalancers"], "load_balancer", "list"),
    ("aws:ecs/cluster:Cluster", ["settings"], "setting", "list"),
    ("aws:ecr/repository:Repository", ["imageScanningConfiguration"], "image_scanning_configuration", "one"),
    ("aws:ecr/repository:Repository", ["encryptionConfigurations"], "encryption_configuration", "list"),
    ("aws:wafv2/webAcl:WebAcl", ["rules", "statement"], "statement", "one"),
    ("aws:iam/role:Role", ["inlinePolicies"], "inline_policy", "list"),
    ("aws:lb/loadBalancer:LoadBalancer", ["accessLogs"], "access_logs", "one"),
])
def test_committed_table_renames_and_flattened_blocks(token: str, path: list[str], name: str, block: str) -> None:
    rule = load_table().rule(token)
    assert rule is not None
    field = rule.field_rule(path[0])
    for key in path[1:]:
        field = field.field_rule(key)
    assert (field.name, field.block) == (name, block)


def test_committed_table_follows_v7_renames_and_records_its_source() -> None:
    table = load_table()
    assert {table.rule(t).type for t in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")} == {"aws_s3_bucket"}  # type: ignore[union-attr]
    assert table.rule("aws:rds/instance:Instance").type == "aws_db_instance"  # type: ignore[union-attr]
    assert table.rule("aws:ec2/flowLog:FlowLog").type == "aws_flow_log"  # type: ignore[union-attr]
    assert table.source["sdk"].startswith("pulumi-aws 7.")
    assert "bridgeMetadata" in table.source


def test_generator_reads_bridge_metadata(fixture_table: dict[str, object]) -> None:
    table = parse_table(json.loads(render_table(fixture_table)))  # the rendered file parses back
    listener = table.rule("aws:lb/listener:Listener")
    assert listener is not None and listener.type == "aws_lb_listener"
    # renamedProperties of an object type reach its fields; auto-aliasing maxItemsOne overrides the SDK shape.
    assert listener.field_rule("defaultActions").field_rule("targetGroupArn").name == "target_group_arn_renamed"
    repository = table.rule("aws:ecr/repository:Repository")
    assert repository is not None and repository.field_rule("encryptionConfigurations").block == "one"
    # The v7 Bucket declares an alias to BucketV2, so it takes BucketV2's Terraform type, not the legacy one.
    assert table.rule("aws:s3/bucket:Bucket").type == "aws_s3_bucket"  # type: ignore[union-attr]
    assert table.unmapped_terraform_types == ("aws_flow_log",)


def test_unmapped_type_is_reported_not_guessed() -> None:
    thing = CapturedResource(urn="urn:pulumi:s::p::aws:made/up:Thing::t", type="aws:made/up:Thing", name="t",
                             custom=True, parent="", inputs={"x": 1}, outputs={"x": 1}, id="t-1")
    plan = export_plan(ResourceGraph(project="p", stack="s", resources=(thing,)))
    assert plan.unmapped == ((thing.urn, thing.type),)
    assert plan.document["resource_changes"] == []


def test_committed_table_is_what_the_generator_writes_from_the_committed_sources(tmp_path: Path) -> None:
    package = Path(generate_table.__file__).parent
    committed = package / "aws-table.json"
    tokens = (package / "sources" / "extra-tokens.txt").read_text().split()
    out = tmp_path / "table.json"
    generate_table.main([
        "--metadata", str(package / "sources" / "bridge-metadata-excerpt.json"),
        "--terraform-types", str(package / "checkov-terraform-types.json"),
        "--source-version", json.loads(committed.read_text())["source"]["bridgeMetadata"],
        *[argument for token in tokens for argument in ("--token", token)],
        "--out", str(out),
    ])
    assert out.read_text() == committed.read_text()


@pytest.mark.parametrize(
    ("pulumi_name", "terraform_name"),
    [("defaultActions", "default_action"), ("aliases", "alias"), ("clientAlias", "client_alias"),
     ("firewallStatuses", "firewall_status"), ("policies", "policy"), ("addresses", "address"),
     ("ingress", "ingress"), ("metadata", "metadata"), ("mediaType", "media_type")],
)
def test_repeated_blocks_get_their_english_singular(pulumi_name: str, terraform_name: str) -> None:
    # The bridge pluralises a repeated block's Terraform name with an inflector; a plain "strip the s"
    # turned route53 `alias` into `aliase` and service-connect `client_alias` into `client_alia`.
    assert singular(snake_case(pulumi_name)) == terraform_name
    rule = load_table().rule("aws:route53/record:Record")
    assert rule is not None and rule.field_rule("aliases").name == "alias"
