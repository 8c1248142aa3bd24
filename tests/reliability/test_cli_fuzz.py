"""Random argument vectors, stack files and policy configs thrown at `plan`, `cost` and `verify`.

Whatever comes in: the status is 0, 1 or 2; no traceback without --debug; stdout is JSON whenever
`--format json` was asked for; a report folder exists only after a completed plan; no child
process is left behind.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from secure_ecs.cli import run
from tests.paths import PACK_DIR

T = TypeVar("T")

PROGRAM_CHOICES = (
    "print('program output')\nimport pulumi_aws as aws\naws.s3.Bucket('b', tags={'team': 'x'})\n",
    "print('program output')\nimport pulumi_aws as aws\nv = aws.ec2.Vpc('v', cidr_block='10.0.0.0/16')\n"
    "aws.ec2.Subnet('s', vpc_id=v.id, cidr_block='10.0.1.0/24', map_public_ip_on_launch=True)\n",
    "print('program output')\nimport sys\nsys.exit(0)\n",
)
PROGRAMS = st.sampled_from(PROGRAM_CHOICES)
VALID_STACK_FILE = "config:\n  aws:region: us-east-1\n"

def mostly(valid: st.SearchStrategy[T], invalid: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """Valid values four times in five, so that many runs get as far as a verdict."""
    return st.one_of(valid, valid, valid, valid, invalid)


words = st.text(alphabet=st.sampled_from(list("ab-_.:/ 0123456789{}[]\"'\n\té")), max_size=20)
regions = st.sampled_from(["us-east-1", "eu-west-1", "mars-central-1", "1", "", "cn-north-1"])
stack_files = mostly(st.just(VALID_STACK_FILE), st.one_of(
    st.builds(lambda region: f"config:\n  aws:region: {region}\n", regions),
    st.builds(lambda key: f"config:\n  aws:region: us-east-1\n  {key}: 1\n  {key}: 2\n", st.sampled_from(["a:b", "x"])),
    st.sampled_from(["config: [1, 2]\n", "- just\n- a list\n", "config:\n\taws:region: x\n", "", "config: {}\n",
                     "a: &a [1,1,1]\nb: &b [*a,*a,*a]\nconfig:\n  aws:region: us-east-1\n  p:c: *b\n"]),
    words,
))
policy_values = st.one_of(
    st.sampled_from(["mandatory", "advisory", "disabled", "remediate", "loud"]),
    st.fixed_dictionaries({}, optional={"enforcementLevel": st.sampled_from(["mandatory", "x"]),
                                        "minimumRetentionDays": st.one_of(st.integers(-5, 4000), words, st.none())}),
    st.integers(),
)
policy_configs = mostly(st.none(), st.one_of(
    st.dictionaries(st.sampled_from(["all", "log-group-retention", "ecs-service-no-public-ip", "nope"]),
                    policy_values, max_size=3).map(json.dumps),
    words,
))
formats = mostly(st.sampled_from(["json", "text", "sarif", "mermaid", "cost", None]), st.just("xml"))
timeouts = mostly(st.sampled_from([None, "120"]), st.sampled_from(["0", "nan", "soon"]))
stacks = mostly(st.just("s"), st.one_of(st.just("other"), words))


@contextlib.contextmanager
def _captured() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield out, err


def _children() -> list[int]:
    """Our live child processes (a pack left running would be one)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if fields[0] != "Z" and int(fields[1]) == os.getpid():
                    found.append(int(entry.name))
    return found


def _invoke(argv: list[str]) -> tuple[int, str, str]:
    before = set(_children())  # other tests' fixtures (a session-wide pack) may have children of their own
    with _captured() as (out, err):
        try:
            status = run(argv)
        except SystemExit as exit_:  # argparse refusing the arguments
            status = exit_.code if isinstance(exit_.code, int) else 2
    assert set(_children()) <= before, f"{argv} left a child process running"
    return status, out.getvalue(), err.getvalue()


def _check(argv: list[str], status: int, stdout: str, stderr: str, out_dir: Path | None) -> None:
    assert status in (0, 1, 2), (argv, stderr)
    assert "Traceback" not in stderr, (argv, stderr)
    if ("--format", "json") in itertools.pairwise(argv):
        json.loads(stdout)
    if out_dir is not None:
        assert out_dir.exists() == (status in (0, 1)), (argv, stderr)
        assert not [p for p in out_dir.parent.iterdir() if p.name.startswith(".out.")], "staging left behind"


def _plan_or_cost_argv(folder: Path, command: str, *, stack: str, report_format: str | None, timeout: str | None,
                       config: Path | None, out_dir: Path) -> list[str]:
    argv = [command, "--program", str(folder), "--stack", stack]
    if report_format is not None:
        argv += ["--format", report_format]
    if timeout is not None:
        argv += ["--timeout", timeout]
    if command == "plan":
        argv += ["--policy-pack", str(PACK_DIR), "--out", str(out_dir)]
        if config is not None:
            argv += ["--policy-config", str(config)]
    return argv


_VALID_RUN = {"stack": "s", "stack_file": VALID_STACK_FILE, "policy_config": None, "timeout": None}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Runs that reach a verdict, whatever the random draws favour.
@example(command="plan", source=PROGRAM_CHOICES[1], report_format="json", **_VALID_RUN)
@example(command="plan", source=PROGRAM_CHOICES[0], report_format="sarif", **_VALID_RUN)
@example(command="plan", source=PROGRAM_CHOICES[2], report_format="json", **_VALID_RUN)
@example(command="cost", source=PROGRAM_CHOICES[1], report_format="json", **_VALID_RUN)
@given(command=st.sampled_from(["plan", "plan", "cost"]), source=PROGRAMS, stack=stacks, stack_file=stack_files,
       policy_config=policy_configs, report_format=formats, timeout=timeouts)
def test_plan_and_cost_on_random_input(*, command: str, source: str, stack: str, stack_file: str,
                                       policy_config: str | None, report_format: str | None,
                                       timeout: str | None) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        folder = root / "project"
        folder.mkdir()
        (folder / "Pulumi.yaml").write_text("name: fuzz\nruntime: python\n")
        (folder / "Pulumi.s.yaml").write_text(stack_file)
        (folder / "__main__.py").write_text(source)
        config = None
        if policy_config is not None:
            config = root / "policy.json"
            config.write_text(policy_config)
        out_dir = root / "out"
        argv = _plan_or_cost_argv(folder, command, stack=stack, report_format=report_format, timeout=timeout,
                                  config=config, out_dir=out_dir)
        status, stdout, stderr = _invoke(argv)
        event(f"{command} exit {status}")
        _check(argv, status, stdout, stderr, out_dir if command == "plan" else None)
        assert "program output" not in stdout


outputs_documents = st.one_of(
    st.dictionaries(st.sampled_from(["albUrl", "vpcId", "repositoryUrl", "webAclArn", "x"]),
                    st.one_of(words, st.integers(), st.none(), st.lists(words, max_size=2)), max_size=5)
    .map(json.dumps),
    words,
)
endpoints = st.sampled_from(["http://127.0.0.1:1", "http://[::1", "ftp://x", "http://", "notaurl"])


@settings(max_examples=30, deadline=None)
@given(document=outputs_documents, endpoint=endpoints, region=st.one_of(st.none(), regions),
       report_format=st.sampled_from(["text", "json", "yaml", None]), timeout=st.sampled_from([None, "1", "0", "x"]))
def test_verify_on_random_input(*, document: str, endpoint: str, region: str | None, report_format: str | None,
                                timeout: str | None) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        outputs = Path(scratch) / "outputs.json"
        outputs.write_text(document)
        # Always towards a closed local port or a malformed URL: nothing can leave the machine.
        argv = ["verify", "--outputs", str(outputs), "--endpoint-url", endpoint]
        for option, value in (("--region", region), ("--format", report_format), ("--timeout", timeout)):
            if value is not None:
                argv += [option, value]
        status, stdout, stderr = _invoke(argv)
        event(f"verify exit {status}")
        _check(argv, status, stdout, stderr, None)
