"""Bad input is refused with one message naming the problem: never accepted silently, never a traceback."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

import pytest

from secure_ecs.cli import main
from secure_ecs.config.errors import StackConfigError
from secure_ecs.config.loader import validate_stack_config
from secure_ecs.offline.stack_files import StackFileError, read_stack_settings
from tests.paths import PACK_DIR
from tests.reliability.processes import assert_one_clean_paragraph, program

BUCKET = "import pulumi_aws as aws\naws.s3.Bucket('b', tags={'n': '1'})\n"


def _stack_file(tmp_path: Path, text: str) -> Path:
    folder = program(tmp_path / "project", BUCKET)
    (folder / "Pulumi.s.yaml").write_text(text)
    return folder


# -- stack files --


def test_a_duplicate_key_names_the_key_and_both_lines(tmp_path: Path) -> None:
    folder = _stack_file(tmp_path, "config:\n  aws:region: us-east-1\n  secure-ecs:network:\n    azCount: 2\n"
                                   "    azCount: 3\n")
    with pytest.raises(StackFileError, match=r"the key 'azCount' appears twice, on lines 4 and 5"):
        read_stack_settings(folder, "s")


def test_a_duplicate_top_level_section_is_refused(tmp_path: Path) -> None:
    folder = _stack_file(tmp_path, "config:\n  secure-ecs:network: {cidr: 10.0.0.0/16}\n  aws:region: us-east-1\n"
                                   "  secure-ecs:network: {cidr: 10.99.0.0/16}\n")
    with pytest.raises(StackFileError, match=r"'secure-ecs:network' appears twice, on lines 2 and 4"):
        read_stack_settings(folder, "s")


def test_merged_keys_may_still_be_overridden(tmp_path: Path) -> None:
    folder = _stack_file(tmp_path, "base: &base {azCount: 2, cidr: 10.0.0.0/16}\nconfig:\n  aws:region: us-east-1\n"
                                   "  secure-ecs:network:\n    <<: *base\n    azCount: 3\n")
    settings = read_stack_settings(folder, "s")
    assert json.loads(settings.config["secure-ecs:network"]) == {"azCount": 3, "cidr": "10.0.0.0/16"}


def test_an_alias_bomb_is_refused_quickly_and_in_bounded_memory(tmp_path: Path) -> None:
    lines = ["config:\n  aws:region: us-east-1\n  secure-ecs:zz0: &l0 [1,1,1,1,1,1,1,1,1,1]\n"]
    lines += [f"  secure-ecs:k{i}: &l{i} [{','.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 9)]
    folder = _stack_file(tmp_path, "".join(lines) + "  secure-ecs:tags: *l8\n")
    began, memory = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(StackFileError, match=r"expands to more than 100,000 values") as raised:
        read_stack_settings(folder, "s")
    assert time.monotonic() - began < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - memory < 100_000  # kB
    assert len(str(raised.value)) < 500


def test_a_long_value_is_shortened_in_config_errors() -> None:
    with pytest.raises(StackConfigError) as raised:
        validate_stack_config({"network": "x" * 100_000})
    assert len(str(raised.value)) < 2_000
    assert "(100,002 characters)" in str(raised.value)


def test_an_encrypted_value_says_why_it_cannot_be_checked_offline(tmp_path: Path) -> None:
    folder = _stack_file(tmp_path, "config:\n  aws:region: us-east-1\n  secure-ecs:alb:\n    secure: AAABAxyz\n"
                                   "  secure-ecs:service:\n    image: repo/app@sha256:" + "a" * 64 + "\n"
                                   "    secrets:\n      API_KEY:\n        secure: AAABAabc\n")
    config = read_stack_settings(folder, "s").config
    with pytest.raises(StackConfigError) as raised:
        validate_stack_config({name: json.loads(config[f"secure-ecs:{name}"]) if name == "service"
                               else config[f"secure-ecs:{name}"] for name in ("alb", "service")})
    message = str(raised.value)
    for key in ("secure-ecs:alb", "secure-ecs:service.secrets"):
        assert f"{key} holds an encrypted (`secure:`) value, which an offline plan cannot decrypt" in message
    assert "not values" not in message and "valid dictionary" not in message


@pytest.mark.parametrize("region", ["mars-central-1", "1", "us-east"])
def test_a_region_that_does_not_exist_is_refused(tmp_path: Path, region: str) -> None:
    folder = _stack_file(tmp_path, f"config:\n  aws:region: '{region}'\n")
    with pytest.raises(StackFileError, match=rf"aws:region '{region}' .* is not an AWS region name"):
        read_stack_settings(folder, "s")


def test_a_300_character_stack_name_is_an_argument_error(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("plan", "cost"):
        with pytest.raises(SystemExit) as exited:
            main([command, "--stack", "a" * 300])
        assert exited.value.code == 2
        err = capsys.readouterr().err
        assert "is not a stack name (at most 100" in err and "Traceback" not in err


# -- policy config: checked against each policy's configSchema, as the Pulumi CLI checks it --


@pytest.mark.parametrize(("value", "problem"), [
    ('"ten"', "'ten' is not of type 'integer'"),
    ("-5", "-5 is less than the minimum of 1"),
    ("0", "0 is less than the minimum of 1"),
])
def test_a_policy_config_value_that_breaks_the_schema_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, problem: str
) -> None:
    config = tmp_path / "config.json"
    config.write_text(f'{{"log-group-retention": {{"minimumRetentionDays": {value}}}}}')
    folder = program(tmp_path / "bucket", BUCKET)
    status = main(["plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(PACK_DIR),
                   "--policy-config", str(config), "--out", str(tmp_path / "out")])
    assert status == 2
    text = assert_one_clean_paragraph(capsys.readouterr().err)
    assert f"policy 'log-group-retention': minimumRetentionDays: {problem}" in text
    assert not (tmp_path / "out").exists()


# -- programs the engine would refuse --


def test_duplicate_urns_are_a_program_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = program(tmp_path / "dupurn", "import pulumi_aws as aws\naws.s3.Bucket('b')\naws.s3.Bucket('b')\n")
    status = main(["plan", "--program", str(folder), "--stack", "s", "--policy-pack", str(PACK_DIR),
                   "--out", str(tmp_path / "out")])
    assert status == 2
    text = assert_one_clean_paragraph(capsys.readouterr().err)
    assert "two resources with the URN urn:pulumi:s::dupurn::aws:s3/bucket:Bucket::b" in text


# -- cost --usage --


@pytest.mark.parametrize(("document", "problem"), [
    ('{"requests_per_month": 1e400}', "finite number"),
    ('{"requests_per_month": true}', "valid number"),
    ('{"requests_per_month": "2e7"}', "valid number"),
    ('{"nat_design_keeps_s3_gateway": "yes"}', "valid boolean"),
])
def test_cost_usage_refuses_non_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: str, problem: str
) -> None:
    usage = tmp_path / "usage.json"
    usage.write_text(document)
    assert main(["cost", "--program", str(program(tmp_path / "bucket", BUCKET)), "--stack", "s",
                 "--usage", str(usage), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert problem in assert_one_clean_paragraph(captured.err, "secure-ecs cost: ")
    assert "error" in json.loads(captured.out)


def test_cost_refuses_an_estimate_that_overflows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    usage = tmp_path / "usage.json"
    usage.write_text('{"requests_per_month": 1e300, "response_kb": 1e300, "request_kb": 1e300}')
    folder = program(tmp_path / "alb", "import pulumi_aws as aws\naws.lb.LoadBalancer('lb', subnets=['s-1', 's-2'])\n")
    assert main(["cost", "--program", str(folder), "--stack", "s", "--usage", str(usage), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert "not a finite number" in assert_one_clean_paragraph(captured.err, "secure-ecs cost: ")
    assert "Infinity" not in captured.out


@pytest.mark.parametrize("name", ["DB_PASS", "PGPASSWORD", "GITHUB_PAT", "STRIPE_KEY", "REDIS_PWD"])
def test_credential_names_in_the_environment_are_refused_by_the_config(name: str) -> None:
    with pytest.raises(StackConfigError) as raised:
        validate_stack_config({"service": {"environment": {name: "hunter2", "LOG_LEVEL": "debug"}}})
    assert name in str(raised.value) and "LOG_LEVEL" not in str(raised.value)


def test_cost_with_a_file_as_program_says_just_that(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", "--program", "/etc/passwd"]) == 2
    err = capsys.readouterr().err
    assert "--program /etc/passwd is not a folder" in assert_one_clean_paragraph(err, "secure-ecs cost: ")
    assert "Cannot read the stack configuration" not in err
