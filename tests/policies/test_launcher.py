"""Starting packs as the CLI does (manifest, interpreter, failures), and what the client sends them."""

from __future__ import annotations

import json
import site
import sys
import textwrap
import threading
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest

from secure_ecs.analyzer import AnalyzerClient, PackStartError
from secure_ecs.analyzer import client as client_module
from secure_ecs.analyzer.config import resolve_policy_config
from secure_ecs.analyzer.convert import analyze_request, analyze_stack_request, index_graph
from secure_ecs.analyzer.engine import EngineStub
from secure_ecs.analyzer.launcher import pack_command, read_pack_runtime
from tests.offline import run_offline
from tests.policies.builders import graph, resource

STACK_URN = "urn:pulumi:test::secure-ecs::pulumi:pulumi:Stack::secure-ecs-test"
AWS_DEFAULT_PROVIDER = "urn:pulumi:test::secure-ecs::pulumi:providers:aws::default"
ENGINE = "127.0.0.1:1"


def _pack(folder: Path, manifest: str, main: str = "") -> Path:
    folder.mkdir(parents=True)
    (folder / "PulumiPolicy.yaml").write_text(textwrap.dedent(manifest))
    (folder / "__main__.py").write_text(textwrap.dedent(main))
    return folder


# -- 1. a pack that dies before announcing its port --


def test_a_pack_that_crashes_on_import_reports_its_exit_code_and_stderr(tmp_path: Path) -> None:
    pack_dir = _pack(tmp_path / "crashing", "runtime: python\n", "raise ImportError('no module named rules')\n")
    with pytest.raises(PackStartError) as raised, AnalyzerClient(pack_dir, start_timeout=30):
        pass
    message = str(raised.value)
    assert "exited (code 1) before announcing a port" in message
    assert "instead of a port" not in message
    assert "ImportError: no module named rules" in message  # the stderr tail


def test_a_pack_that_prints_something_else_is_reported_with_what_it_printed(tmp_path: Path) -> None:
    pack = _pack(tmp_path / "chatty", "runtime: python\n", "print('hello', flush=True)\nraise SystemExit(3)\n")
    with pytest.raises(PackStartError, match=r"printed 'hello' instead of a port"), AnalyzerClient(
        pack, start_timeout=30
    ):
        pass


# -- 2. PulumiPolicy.yaml read as YAML, and the virtual environment the CLI would use --


@pytest.mark.parametrize(
    "manifest",
    [
        'runtime: "python"\n',
        "runtime: 'python'\nversion: 1.0.0\n",
        "runtime: {name: python, options: {virtualenv: venv}}\n",
        "description: x\nruntime:\n  name: \"python\"\n  options:\n    virtualenv: venv\n",
    ],
)
def test_manifests_are_read_as_yaml(tmp_path: Path, manifest: str) -> None:
    pack_dir = _pack(tmp_path / "pack", manifest)
    assert read_pack_runtime(pack_dir).name == "python"
    # No venv folder exists: the pack runs with the interpreter given (by default the current one).
    assert pack_command(pack_dir, ENGINE) == [sys.executable, "-u", "-m", "pulumi.policy", ENGINE, "."]


def test_runtime_options_are_kept(tmp_path: Path) -> None:
    pack_dir = _pack(tmp_path / "pack", "runtime: {name: python, options: {virtualenv: .env, typechecker: mypy}}\n")
    assert dict(read_pack_runtime(pack_dir).options) == {"virtualenv": ".env", "typechecker": "mypy"}


@pytest.mark.parametrize(
    ("manifest", "complaint"),
    [
        ("runtime: ruby\n", "unsupported policy pack runtime 'ruby'"),
        ("version: 1.0.0\n", "names no runtime"),
        ("- runtime: python\n", "must be a YAML mapping"),
        ("runtime: [python]\n", "must be a name or a mapping"),
        ("runtime: {options: {virtualenv: venv}}\n", "without a `name`"),
        ("runtime: {name: python, options: [venv]}\n", "`runtime.options` must be a mapping"),
        ("runtime: python\n  bad: [\n", "cannot read"),
    ],
)
def test_bad_manifests_are_refused_naming_the_file(tmp_path: Path, manifest: str, complaint: str) -> None:
    pack_dir = _pack(tmp_path / "pack", manifest)
    with pytest.raises(PackStartError, match=complaint) as raised:
        pack_command(pack_dir, ENGINE)
    assert "PulumiPolicy.yaml" in str(raised.value)


def _fake_virtualenv(root: Path) -> Path:
    """A minimal working venv: ``bin/python`` links to this interpreter and sees its packages."""
    (root / "bin").mkdir(parents=True)
    python = root / "bin" / "python"
    python.symlink_to(sys.executable)
    base = Path(getattr(sys, "_base_executable", sys.executable)).parent
    (root / "pyvenv.cfg").write_text(f"home = {base}\ninclude-system-site-packages = false\n")
    packages = root / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    packages.mkdir(parents=True)
    (packages / "outer.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return python


def test_the_packs_virtualenv_interpreter_is_used_when_it_exists(tmp_path: Path) -> None:
    marker = tmp_path / "interpreter.txt"
    pack_dir = _pack(
        tmp_path / "pack",
        "runtime:\n  name: python\n  options:\n    virtualenv: venv\n",
        f"""
        import sys
        from pathlib import Path
        from pulumi_policy import PolicyPack, ResourceValidationPolicy

        Path({str(marker)!r}).write_text(sys.executable)
        PolicyPack("venv-pack", [ResourceValidationPolicy("noop", "does nothing", lambda args, report: None)])
        """,
    )
    venv_python = _fake_virtualenv(pack_dir / "venv")
    assert pack_command(pack_dir, ENGINE, python="/no/such/python")[0] == str(venv_python)
    with AnalyzerClient(pack_dir, python="/no/such/python", start_timeout=30) as pack:
        assert [p.name for p in pack.info().policies] == ["noop"]
    assert marker.read_text() == str(venv_python)


# -- 3. delete_before_replace: "defined" means the program set it --


def test_an_explicit_delete_before_replace_false_is_recorded_as_defined() -> None:
    def program() -> None:
        aws.ec2.Vpc("explicit", cidr_block="10.0.0.0/16", opts=pulumi.ResourceOptions(delete_before_replace=False))
        aws.ec2.Vpc("replaced-first", cidr_block="10.1.0.0/16", opts=pulumi.ResourceOptions(delete_before_replace=True))
        aws.ec2.Vpc("unset", cidr_block="10.2.0.0/16")

    captured = run_offline(program)
    by_name = {r.name: r for r in captured}
    options = {name: (r.options.delete_before_replace, r.options.delete_before_replace_defined)
               for name, r in by_name.items()}
    assert options == {"explicit": (False, True), "replaced-first": (True, True), "unset": (False, False)}
    index = index_graph(captured)
    sent = {name: analyze_request(r, captured, index).options for name, r in by_name.items()}
    assert (sent["explicit"].deleteBeforeReplace, sent["explicit"].deleteBeforeReplaceDefined) == (False, True)
    assert (sent["unset"].deleteBeforeReplace, sent["unset"].deleteBeforeReplaceDefined) == (False, False)
    assert (sent["replaced-first"].deleteBeforeReplace, sent["replaced-first"].deleteBeforeReplaceDefined) == (
        True,
        True,
    )


# -- 4. AnalyzeStack carries the stack and the default providers, as the engine's does --


def _program_with_provider_and_component() -> None:
    class Box(pulumi.ComponentResource):
        def __init__(self, name: str) -> None:
            super().__init__("secure-ecs:test:Box", name)
            aws.s3.BucketV2("inner", opts=pulumi.ResourceOptions(parent=self))
            self.register_outputs({})

    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
    aws.ec2.Subnet("subnet", vpc_id=vpc.id, cidr_block="10.0.1.0/24")
    east = aws.Provider("east", region="us-east-1")
    aws.ec2.Vpc("other", cidr_block="10.9.0.0/16", opts=pulumi.ResourceOptions(provider=east))
    Box("box")
    pulumi.export("vpcId", vpc.id)


def test_analyze_stack_includes_the_stack_and_default_providers() -> None:
    captured = run_offline(_program_with_provider_and_component)
    assert not captured.of_type("pulumi:pulumi:Stack")  # the graph itself stays the program's resources
    request = analyze_stack_request(captured)
    sent = {r.urn: r for r in request.resources}
    assert len(request.resources) == len(sent) == len(captured) + 2

    [stack] = [r for r in request.resources if r.type == "pulumi:pulumi:Stack"]
    assert (stack.urn, stack.name, stack.parent, stack.options.parent) == (STACK_URN, "secure-ecs-test", "", "")
    assert not stack.HasField("provider")
    assert stack.properties["vpcId"] == next(r for r in captured if r.name == "vpc").id

    providers = [r for r in request.resources if r.type == "pulumi:providers:aws"]
    defaults = [r for r in providers if r.urn == AWS_DEFAULT_PROVIDER]
    assert len(defaults) == 1 and defaults[0].name == "default" and not defaults[0].HasField("provider")
    assert {r.name for r in providers} == {"default", "east"}  # the explicit provider is not duplicated

    for r in captured:
        if r.parent == STACK_URN:
            assert sent[r.urn].parent == STACK_URN
    assert sent[next(r.urn for r in captured if r.name == "vpc")].provider.urn == AWS_DEFAULT_PROVIDER
    other = next(r for r in captured if r.name == "other")
    assert sent[other.urn].provider.urn.endswith("::pulumi:providers:aws::east")
    box = next(r for r in captured if r.type == "secure-ecs:test:Box")
    assert not sent[box.urn].HasField("provider")  # local components carry no provider reference
    assert sent[box.urn].HasField("options")
    # Per-resource requests are unchanged: the default provider, by the same URN.
    subnet = next(r for r in captured if r.name == "subnet")
    assert analyze_request(subnet, captured, index_graph(captured)).provider.urn == AWS_DEFAULT_PROVIDER


def test_hand_built_graphs_get_one_stack_and_one_default_provider() -> None:
    vpc = resource("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"})
    subnet = resource("aws:ec2/subnet:Subnet", "subnet", {}, links={"vpcId": [vpc]})
    types = [r.type for r in analyze_stack_request(graph(vpc, subnet)).resources]
    assert types == ["pulumi:pulumi:Stack", "pulumi:providers:aws", "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet"]


STACK_SPY = """
import json
from pulumi_policy import EnforcementLevel, PolicyPack, StackValidationPolicy

def spy(args, report):
    seen = [
        {"type": r.resource_type, "urn": r.urn, "parent": r.parent.urn if r.parent else None}
        for r in args.resources
    ]
    report(json.dumps(seen))

PolicyPack("spy", [StackValidationPolicy("spy", "reports what it sees", spy)], EnforcementLevel.ADVISORY)
"""


def test_a_python_pack_sees_the_stack_as_the_parent_of_top_level_resources(tmp_path: Path) -> None:
    pack_dir = _pack(tmp_path / "spy", "runtime: python\n", STACK_SPY)
    vpc = resource("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"})
    with AnalyzerClient(pack_dir, start_timeout=30) as pack:
        pack.configure()
        [finding] = pack.analyze_stack(graph(vpc))
    seen = {entry["type"]: entry for entry in json.loads(finding.message.split("\n")[-1])}
    assert set(seen) == {"pulumi:pulumi:Stack", "pulumi:providers:aws", "aws:ec2/vpc:Vpc"}
    assert seen["aws:ec2/vpc:Vpc"]["parent"] == STACK_URN
    assert seen["pulumi:pulumi:Stack"]["parent"] is None


# -- 5. the engine endpoint exists only while a pack runs --


class _RecordedEngine(EngineStub):
    made: list[EngineStub] = []

    def __init__(self) -> None:
        super().__init__()
        _RecordedEngine.made.append(self)


@pytest.fixture
def recorded_engines(monkeypatch: pytest.MonkeyPatch) -> list[EngineStub]:
    _RecordedEngine.made = []
    monkeypatch.setattr(client_module, "EngineStub", _RecordedEngine)
    return _RecordedEngine.made


def test_a_folder_that_is_not_a_pack_starts_no_engine_endpoint(
    tmp_path: Path, recorded_engines: list[EngineStub]
) -> None:
    before = threading.active_count()
    for _ in range(3):
        with pytest.raises(PackStartError, match=r"no PulumiPolicy\.yaml"):
            AnalyzerClient(tmp_path)
    assert recorded_engines == []
    assert threading.active_count() <= before


def test_a_pack_that_fails_to_start_leaves_no_engine_endpoint_running(
    tmp_path: Path, recorded_engines: list[EngineStub]
) -> None:
    pack_dir = _pack(tmp_path / "broken", "runtime: python\n", "raise SystemExit(2)\n")
    clients = [AnalyzerClient(pack_dir, start_timeout=30) for _ in range(2)]
    assert recorded_engines == []  # constructing a client binds nothing
    with pytest.raises(PackStartError, match=r"exited \(code 2\)"):
        clients[0].start()
    before = threading.active_count()
    with pytest.raises(PackStartError, match=r"exited \(code 2\)"):
        clients[1].start()
    assert len(recorded_engines) == 2 and all(engine.stopped for engine in recorded_engines)
    assert all(c.engine is None for c in clients)
    assert threading.active_count() <= before


def test_a_closed_client_has_stopped_its_engine_endpoint(
    tmp_path: Path, recorded_engines: list[EngineStub]
) -> None:
    pack_dir = _pack(tmp_path / "spy", "runtime: python\n", STACK_SPY)
    with AnalyzerClient(pack_dir, start_timeout=30) as pack:
        assert pack.engine is not None and not pack.engine.stopped
    assert pack.engine is None and [e.stopped for e in recorded_engines] == [True]


# -- 6. an initialConfig level of 0 is ADVISORY, as the engine reads it --


INITIAL_CONFIG_PACK = """
from pulumi_policy import EnforcementLevel, PolicyConfigSchema, PolicyPack, ResourceValidationPolicy

def always(args, report):
    report("flagged")

schema = PolicyConfigSchema(properties={"threshold": {"type": "integer", "default": 1}})
PolicyPack(
    "initial",
    [
        ResourceValidationPolicy("explicit-advisory", "set to advisory by initialConfig", always),
        ResourceValidationPolicy("properties-only", "initialConfig sets a property", always, config_schema=schema),
        ResourceValidationPolicy("untouched", "not in initialConfig", always),
    ],
    EnforcementLevel.MANDATORY,
    initial_config={
        "explicit-advisory": EnforcementLevel.ADVISORY,
        "properties-only": {"threshold": 5},
    },
)
"""


def test_initial_config_advisory_is_an_explicit_level(tmp_path: Path) -> None:
    pack_dir = _pack(tmp_path / "initial", "runtime: python\n", INITIAL_CONFIG_PACK)
    queue = resource("aws:sqs/queue:Queue", "queue", {})
    with AnalyzerClient(pack_dir, start_timeout=30) as pack:
        info = pack.info()
        assert {p.name: p.enforcement_level for p in info.policies} == dict.fromkeys(
            ("explicit-advisory", "properties-only", "untouched"), "mandatory"
        )
        assert info.initial_config["explicit-advisory"].enforcement_level == "advisory"
        # A properties-only entry carries level 0 on the wire too; the engine reads it as advisory.
        assert info.initial_config["properties-only"].enforcement_level == "advisory"
        assert dict(info.initial_config["properties-only"].properties) == {"threshold": 5}

        resolved = resolve_policy_config(info)
        assert {name: c.enforcement_level for name, c in resolved.items()} == {
            "explicit-advisory": "advisory",
            "properties-only": "advisory",
            "untouched": "mandatory",
        }
        assert dict(resolved["properties-only"].properties) == {"threshold": 5}
        # The user's config file still wins over the pack's initial config.
        overridden = resolve_policy_config(info, {"explicit-advisory": "mandatory"})
        assert overridden["explicit-advisory"].enforcement_level == "mandatory"

        pack.configure()
        levels = {d.policy_name: d.enforcement_level for d in pack.analyze(queue, graph(queue))}
    assert levels == {"explicit-advisory": "advisory", "properties-only": "advisory", "untouched": "mandatory"}
