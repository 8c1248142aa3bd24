"""The library installs alone: what each distribution pulls in, and the components running without the rest."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from tests.packaging.closure import LOCAL, closure, megabytes, top_level_entries
from tests.paths import REPO_ROOT

TOOLING_ONLY = {"moto", "boto3", "botocore", "rich", "pydantic", "pulumi-policy", "jsonschema", "cfn-lint", "sympy"}
OURS = {"secure-ecs-facts", "secure-ecs-components"}


def test_components_pull_only_what_awsx_pulls_plus_themselves() -> None:
    components = closure("secure-ecs-components")
    awsx = closure("pulumi-awsx")
    assert components - OURS == awsx, "the components must add no third-party distribution to awsx's own"
    assert len(components) <= 30
    assert not components & TOOLING_ONLY
    # grpcio and protobuf come with pulumi itself (its engine protocol), not with the components.
    assert {"grpcio", "protobuf"} <= closure("pulumi")


def test_the_policy_rules_need_only_pulumi_policy_and_the_facts() -> None:
    rules = closure("secure-ecs-policies")
    assert rules - {"secure-ecs-policies", "secure-ecs-facts"} == closure("pulumi-policy")
    assert not rules & {"pulumi-aws", "pulumi-awsx", "moto", "boto3", "rich", "pydantic"}


def test_the_facts_depend_on_nothing() -> None:
    assert closure("secure-ecs-facts") == {"secure-ecs-facts"}


def test_the_readme_figures_keep_the_measured_relation() -> None:
    # The README gives dated measurements; newer releases may move the totals, never the relation.
    readme = " ".join((REPO_ROOT / "README.md").read_text().split())
    library = int(re.search(r"the library installs (\d+) distributions", readme)[1])  # type: ignore[index]
    awsx = int(re.search(r"`pulumi-awsx` alone \((\d+) distributions", readme)[1])  # type: ignore[index]
    assert library - awsx == len(OURS) == len(closure("secure-ecs-components")) - len(closure("pulumi-awsx"))
    assert megabytes(closure("secure-ecs-components")) < megabytes(closure("secure-ecs"))


def _requirement_lines(path: Path) -> list[str]:
    return [line.split("#")[0].strip() for line in path.read_text().splitlines() if line.split("#")[0].strip()]


def _local_names(lines: list[str], base: Path) -> set[str]:
    """The names of this repository's distributions that requirement lines install by path."""
    names = set()
    for line in lines:
        pyproject = (base / line.removeprefix("-e").strip()).resolve() / "pyproject.toml"
        if pyproject.is_file():
            names.add(tomllib.loads(pyproject.read_text())["project"]["name"])
    return names


def test_pulumi_install_gets_the_program_without_the_tooling() -> None:
    lines = _requirement_lines(REPO_ROOT / "requirements.txt")
    local = _local_names(lines, REPO_ROOT)
    named = [line.split(">")[0].split("=")[0].split("<")[0] for line in lines if not line.startswith(("-e", "."))]
    pulled = closure(*local, *named)
    assert local == OURS
    assert not pulled & {"moto", "boto3", "botocore", "rich", "pulumi-policy", "secure-ecs"}


def test_provider_and_pack_requirements_name_their_own_closure() -> None:
    provider = _requirement_lines(REPO_ROOT / "provider" / "requirements.txt")
    assert _local_names(provider, REPO_ROOT / "provider") == OURS
    pack = _requirement_lines(REPO_ROOT / "policies" / "requirements.txt")
    assert _local_names(pack, REPO_ROOT / "policies") == {"secure-ecs-facts"}
    assert any(line.startswith("pulumi-policy") for line in pack)


def test_the_bundled_pack_and_the_pack_folder_are_one_pack() -> None:
    folder = yaml.safe_load((REPO_ROOT / "policies" / "PulumiPolicy.yaml").read_text())
    bundled = yaml.safe_load(
        (REPO_ROOT / "policies" / "secure_ecs_policies" / "pack" / "PulumiPolicy.yaml").read_text()
    )
    assert (folder["version"], folder["description"]) == (bundled["version"], bundled["description"])
    assert (REPO_ROOT / "policies" / "__main__.py").read_text().endswith("run_pack()\n")


# Run in a fresh interpreter that sees only the standard library and the components' closure, as the
# provider's own virtualenv (`pulumi package add`) or a project that installs only the library would.
ONLY_THE_CLOSURE = textwrap.dedent(
    """
    import asyncio, importlib.util, json, runpy, sys
    sys.path[:0] = [sys.argv[1]]
    outside = ("pulumi_policy", "moto", "boto3", "rich", "pydantic", "secure_ecs")
    absent = [m for m in outside if importlib.util.find_spec(m)]
    assert not absent, f"importable although outside the closure: {absent}"

    from pulumi.provider.experimental.component import ComponentProvider
    host = runpy.run_path(sys.argv[2], run_name="provider")
    provider = ComponentProvider(host["COMPONENTS"], host["PACKAGE_NAME"], version=host["PACKAGE_VERSION"])
    schema = json.loads(provider.schema)

    import pulumi

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args):
            return [f"{args.name}-id", {**args.inputs, "arn": f"arn:aws:x:us-east-1:123456789012:{args.name}"}]

        def call(self, args):
            return {"names": ["us-east-1a", "us-east-1b"], "accountId": "123456789012", "region": "us-east-1",
                    "partition": "aws", "dnsSuffix": "amazonaws.com"}

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_mocks(Mocks(), project="outside", stack="dev", preview=False)
    from secure_ecs_components import PrivateNetwork
    network = PrivateNetwork("net", {"protect_stateful": False})
    ids = []
    network.private_subnet_ids.apply(ids.extend)
    loop.run_until_complete(pulumi.runtime.stack.wait_for_rpcs())
    print(json.dumps({"resources": sorted(schema["resources"]), "subnets": ids}))
    """
)


def _linked_closure(folder: Path, *names: str) -> Path:
    """`folder` holding links to exactly the closure of `names` (this repository's packages from the checkout)."""
    sources = {
        REPO_ROOT / "facts" / "secure_ecs_facts",
        REPO_ROOT / "components" / "secure_ecs_components",
    }
    for name in closure(*names) - OURS:
        sources |= top_level_entries(name)
    for source in sources:
        (folder / source.name).symlink_to(source)
    return folder


@pytest.fixture(scope="module")
def closure_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _linked_closure(tmp_path_factory.mktemp("closure"), "secure-ecs-components")


# What `pulumi up` of this project needs besides the components: its stack config, read from the
# checkout with only requirements.txt's closure installed.
READ_THE_STACK_CONFIG = textwrap.dedent(
    """
    import importlib.util, json, sys
    sys.path[:0] = [sys.argv[1], sys.argv[2]]
    assert not [m for m in ("moto", "boto3", "botocore", "rich", "pulumi_policy") if importlib.util.find_spec(m)]
    import yaml
    from secure_ecs.config import validate_stack_config

    raw = yaml.safe_load(open(sys.argv[3]))["config"]
    config = validate_stack_config({k.split(":", 1)[1]: v for k, v in raw.items() if k.startswith("secure-ecs:")})
    print(json.dumps(sorted(config.service.to_args())))
    """
)


def test_the_programs_config_layer_needs_only_what_pulumi_install_installs(tmp_path: Path) -> None:
    folder = _linked_closure(tmp_path, "secure-ecs-components", "pydantic")
    run = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            "-c",
            READ_THE_STACK_CONFIG,
            str(folder),
            str(REPO_ROOT),
            str(REPO_ROOT / "Pulumi.prod.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "image" in json.loads(run.stdout.strip().splitlines()[-1])


def test_provider_schema_and_a_component_work_with_only_their_closure(closure_only: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-I", "-S", "-c", ONLY_THE_CLOSURE, str(closure_only), str(REPO_ROOT / "provider")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert "secure-ecs:index:SecureFargateService" in result["resources"]
    assert len(result["subnets"]) == 2


def test_installed_names_are_namespaced() -> None:
    generic = {"components", "policies", "tests", "app", "tools", "facts", "provider"}
    for name in LOCAL:
        top = {line.strip() for line in (metadata_text(name, "top_level.txt") or "").splitlines() if line.strip()}
        assert top and not top & generic, (name, top)
        assert all(t.startswith("secure_ecs") for t in top), (name, top)


def metadata_text(name: str, file: str) -> str | None:
    return metadata.distribution(name).read_text(file)


def test_one_release_number_across_distributions_pack_and_provider() -> None:
    projects = {folder: tomllib.loads((REPO_ROOT / folder / "pyproject.toml").read_text())["project"]
                for folder in (".", "facts", "components", "policies")}
    versions = {project["version"] for project in projects.values()}
    versions |= {yaml.safe_load(manifest.read_text())["version"]
                 for manifest in (REPO_ROOT / "policies").glob("**/PulumiPolicy.yaml") if ".venv" not in manifest.parts}
    # The pins between our own distributions name the same release.
    versions |= {pin.split("==")[1] for project in projects.values() for pin in project.get("dependencies", [])
                 if pin.startswith("secure-ecs")}
    import secure_ecs_components

    versions.add(secure_ecs_components.PACKAGE_VERSION)
    assert len(versions) == 1, versions
