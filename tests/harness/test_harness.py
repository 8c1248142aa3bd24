"""The offline harness: runs programs as `pulumi up` would and captures what the engine would see."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest

from secure_ecs.offline.graph import UNKNOWN
from secure_ecs.offline.harness import ProgramError, run_function, run_program
from secure_ecs.offline.stack_files import StackFileError, read_stack_settings
from tests.offline import offline_settings, only, run_offline


def write_project(root: Path, program: str, stack_yaml: str = "config: {}\n", project_extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text(f"name: demo\nruntime: python\n{project_extra}")
    (root / "Pulumi.dev.yaml").write_text(stack_yaml)
    (root / "__main__.py").write_text(textwrap.dedent(program))
    return root


def test_captures_parent_dependencies_options_and_stack_outputs() -> None:
    def program() -> None:
        vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", opts=pulumi.ResourceOptions(protect=True))
        subnet = aws.ec2.Subnet(
            "subnet", vpc_id=vpc.id, cidr_block="10.0.1.0/24", opts=pulumi.ResourceOptions(parent=vpc)
        )
        pulumi.export("subnetArn", subnet.arn)

    graph = run_offline(program)
    vpc, subnet = only(graph, "aws:ec2/vpc:Vpc"), only(graph, "aws:ec2/subnet:Subnet")
    assert vpc.urn == "urn:pulumi:test::secure-ecs::aws:ec2/vpc:Vpc::vpc"  # no stack in the type chain
    assert subnet.urn == "urn:pulumi:test::secure-ecs::aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet::subnet"
    assert subnet.parent == vpc.urn
    assert subnet.property_dependencies["vpcId"] == (vpc.urn,)
    assert vpc.options.protect and subnet.options.protect  # children inherit `protect`, as in Pulumi
    assert vpc.id.startswith("vpc-") and subnet.inputs["vpcId"] == vpc.id
    assert graph.stack_outputs["subnetArn"] == f"arn:aws:ec2:us-east-1:123456789012:subnet/{subnet.id}"


def test_runs_are_isolated_even_after_a_failed_one() -> None:
    def failing() -> None:
        aws.ec2.Vpc("doomed", cidr_block="10.0.0.0/16")
        raise RuntimeError("program bug")

    with pytest.raises(RuntimeError, match="program bug"):
        run_offline(failing)
    graph = run_offline(lambda: aws.ec2.Vpc("fine", cidr_block="10.0.0.0/16"))
    assert [r.name for r in graph] == ["fine"]


def test_preview_leaves_computed_values_unknown() -> None:
    settings = offline_settings()
    preview = type(settings)(settings.project, settings.stack, settings.config, preview=True)

    def program() -> None:
        vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
        aws.ec2.Subnet("subnet", vpc_id=vpc.id, cidr_block="10.0.1.0/24")

    graph = run_function(program, preview)
    assert only(graph, "aws:ec2/subnet:Subnet").inputs["vpcId"] == UNKNOWN


def test_stack_file_config_reaches_the_program_qualified_and_structured(tmp_path: Path) -> None:
    project = write_project(
        tmp_path,
        """
        import pulumi
        config = pulumi.Config()
        pulumi.export("size", config.require_int("size"))
        pulumi.export("net", config.require_object("net"))
        pulumi.export("password", config.require_secret("password"))
        pulumi.export("region", pulumi.Config("aws").require("region"))
        """,
        "config:\n  size: 3\n  demo:net:\n    cidr: 10.9.0.0/16\n  password:\n    secure: AAABAJ+x\n"
        "  aws:region: eu-west-1\n",
    )
    settings = read_stack_settings(project, "dev")
    assert set(settings.config) == {"demo:size", "demo:net", "demo:password", "aws:region"}
    outputs = run_program(project, settings).stack_outputs
    assert outputs["size"] == 3
    assert outputs["net"] == {"cidr": "10.9.0.0/16"}
    assert outputs["password"] == "[offline placeholder for secret demo:password]"
    assert outputs["region"] == "eu-west-1"


def test_main_option_points_at_a_program_subfolder(tmp_path: Path) -> None:
    project = write_project(
        tmp_path, "raise SystemExit('the root __main__ must not run')", project_extra="main: src/\n"
    )
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "helper.py").write_text("CIDR = '10.3.0.0/16'\n")
    (tmp_path / "src" / "__main__.py").write_text(
        "import pulumi_aws as aws\nfrom helper import CIDR\naws.ec2.Vpc('vpc', cidr_block=CIDR)\n"
    )
    graph = run_program(project, read_stack_settings(project, "dev"))
    assert only(graph, "aws:ec2/vpc:Vpc").inputs["cidrBlock"] == "10.3.0.0/16"


def test_programs_with_same_named_modules_do_not_see_each_others(tmp_path: Path) -> None:
    for name, cidr in (("one", "10.1.0.0/16"), ("two", "10.2.0.0/16")):
        project = write_project(
            tmp_path / name, "import pulumi_aws as aws\nfrom settings import CIDR\naws.ec2.Vpc('v', cidr_block=CIDR)\n"
        )
        (project / "settings.py").write_text(f"CIDR = {cidr!r}\n")
        graph = run_program(project, read_stack_settings(project, "dev"))
        assert only(graph, "aws:ec2/vpc:Vpc").inputs["cidrBlock"] == cidr


def test_non_python_projects_and_missing_programs_are_refused(tmp_path: Path) -> None:
    project = write_project(tmp_path, "")
    (project / "Pulumi.yaml").write_text("name: demo\nruntime: nodejs\n")
    with pytest.raises(ProgramError, match="runtime 'nodejs'"):
        run_program(project, read_stack_settings(project, "dev"))
    (project / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
    (project / "__main__.py").unlink()
    with pytest.raises(ProgramError, match=r"has no __main__\.py"):
        run_program(project, read_stack_settings(project, "dev"))


@pytest.mark.parametrize(
    ("stack_yaml", "words"),
    [
        ("config: [1, 2]\n", "must be a mapping of keys"),
        ("- just\n- a list\n", "must be a mapping"),
        ("config: {a: [}\n", "not valid YAML"),
    ],
)
def test_malformed_stack_files_name_the_file(tmp_path: Path, stack_yaml: str, words: str) -> None:
    project = write_project(tmp_path, "", stack_yaml)
    with pytest.raises(StackFileError, match=words):
        read_stack_settings(project, "dev")


def test_missing_stack_file_is_named(tmp_path: Path) -> None:
    project = write_project(tmp_path, "")
    with pytest.raises(StackFileError, match=r"Pulumi\.prod\.yaml does not exist"):
        read_stack_settings(project, "prod")


def test_captured_graph_is_json_serialisable() -> None:
    graph = run_offline(lambda: aws.s3.Bucket("logs", tags={"a": "b"}))
    json.dumps([dict(r.inputs) for r in graph])


def test_stack_files_read_like_the_pulumi_cli(tmp_path: Path) -> None:
    project = write_project(tmp_path, "", "config:\n  a: yes\n  b: true\n  c:\n  d: 'on'\n  e: 0.5\n")
    config = read_stack_settings(project, "dev").config
    # YAML 1.2: only true/false are booleans; an empty value is an empty string.
    assert config == {"demo:a": "yes", "demo:b": "true", "demo:c": "", "demo:d": "on", "demo:e": "0.5"}


def test_unreadable_stack_files_are_named(tmp_path: Path) -> None:
    project = write_project(tmp_path, "")
    (project / "Pulumi.dev.yaml").write_bytes(b"config:\n  a: \xff\xfe\n")
    with pytest.raises(StackFileError, match="not UTF-8 text"):
        read_stack_settings(project, "dev")
    (project / "Pulumi.dev.yaml").unlink()
    (project / "Pulumi.dev.yaml").mkdir()
    with pytest.raises(StackFileError, match="cannot be read"):
        read_stack_settings(project, "dev")


@pytest.mark.parametrize(("region", "partition"), [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")])
def test_computed_arns_use_the_partition_and_account_of_the_region(
    region: str, partition: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "210987654321")
    def program() -> None:
        aws.sqs.Queue("queue")
        aws.iam.Role("role", assume_role_policy="{}")
        aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")

    graph = run_offline(program, region=region)
    arns = [r.outputs["arn"] for r in graph.resources if isinstance(r.outputs.get("arn"), str)]
    assert len(arns) >= 2
    assert all(arn.startswith(f"arn:{partition}:") for arn in arns), arns
    assert any(":210987654321:" in arn for arn in arns), arns
