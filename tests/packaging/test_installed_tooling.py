"""A normal (non-editable) install of the tooling works without the checkout.

The four distributions are built as wheels and installed into a fresh virtualenv with no index; their
third-party dependencies come from this environment's site-packages, added as a plain path (the
checkout's own editable installs are `.pth` hooks there, so they stay invisible).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.paths import REPO_ROOT

GENERIC = {"components", "policies", "tests", "app", "tools", "facts", "provider", "benchmarks"}


# What each distribution is built from; copied first, so a build leaves nothing behind in the checkout
# and no earlier build's leftovers (setuptools reuses `build/`) end up in a wheel.
SOURCES = {
    "facts": ["pyproject.toml", "secure_ecs_facts"],
    "components": ["pyproject.toml", "secure_ecs_components"],
    "policies": ["pyproject.toml", "secure_ecs_policies"],
    ".": ["pyproject.toml", "README.md", "secure_ecs"],
}
FOLDERS = tuple(SOURCES)
_NOT_SOURCE = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder, sources = tmp_path_factory.mktemp("wheels"), tmp_path_factory.mktemp("sources")
    for distribution, parts in SOURCES.items():
        copy = sources / (distribution.strip(".") or "tooling")
        for part in parts:
            source = REPO_ROOT / distribution / part
            if source.is_dir():
                shutil.copytree(source, copy / part, ignore=_NOT_SOURCE)
            else:
                copy.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, copy / part)
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--no-build-isolation", "--wheel-dir", str(folder), str(copy)],
            check=True, capture_output=True, timeout=300,
        )
    return sorted(folder.glob("*.whl"))


@pytest.fixture(scope="module")
def installed(wheels: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = next((venv / "lib").glob("python3*/site-packages"))
    third_party = [entry for entry in sys.path if entry.endswith("site-packages")]
    (site / "zz_third_party.pth").write_text("\n".join(third_party) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
         "--disable-pip-version-check", "--no-deps", "--no-index", *map(str, wheels)],
        check=True, capture_output=True, timeout=300,
    )
    return venv


def test_wheels_install_only_namespaced_top_level_names(wheels: list[Path]) -> None:
    assert len(wheels) == len(FOLDERS)
    for wheel in wheels:
        names = {n.split("/")[0] for n in zipfile.ZipFile(wheel).namelist() if ".dist-info/" not in n}
        assert names and all(n.startswith("secure_ecs") for n in names) and not names & GENERIC, (wheel.name, names)


def test_the_components_wheel_carries_no_tooling(wheels: list[Path]) -> None:
    (components,) = [w for w in wheels if w.name.startswith("secure_ecs_components-")]
    metadata = next(n for n in zipfile.ZipFile(components).namelist() if n.endswith("METADATA"))
    requires = [line for line in zipfile.ZipFile(components).read(metadata).decode().splitlines()
                if line.startswith("Requires-Dist:")]
    assert sorted(Requirement(r.split(":", 1)[1]).name for r in requires) == [
        "pulumi", "pulumi-aws", "pulumi-awsx", "secure-ecs-facts"
    ]


def _run(installed: Path, *arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(installed / "bin" / "secure-ecs"), *arguments],
        cwd=cwd, capture_output=True, text=True, timeout=600, check=False,
    )


def test_imports_come_from_the_installed_packages(installed: Path, tmp_path: Path) -> None:
    probe = subprocess.run(
        [str(installed / "bin" / "python"), "-c",
         "import json, secure_ecs, secure_ecs_components, secure_ecs_facts, secure_ecs_policies as p;"
         "print(json.dumps([m.__file__ for m in (secure_ecs, secure_ecs_components, secure_ecs_facts, p)]))"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=True,
    )
    assert all(str(installed) in path for path in json.loads(probe.stdout))


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_installed_tooling_plans_this_repositorys_stacks(installed: Path, tmp_path: Path, stack: str) -> None:
    run = _run(installed, "plan", "--program", str(REPO_ROOT), "--stack", stack, "--out", str(tmp_path), cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "PASSED" in run.stdout


FOREIGN = '''
import pulumi_aws as aws

aws.ecr.Repository("images")
'''


def test_installed_tooling_checks_a_foreign_program_with_its_bundled_pack(installed: Path, tmp_path: Path) -> None:
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: foreign\nruntime: python\n")
    (program / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (program / "__main__.py").write_text(FOREIGN)
    run = _run(installed, "plan", "--program", str(program), "--stack", "dev", "--out", str(tmp_path / "out"),
               "--format", "json", cwd=tmp_path)
    assert run.returncode == 1, run.stderr[-3000:]  # an ECR repository without scan on push is mandatory
    report = json.loads(run.stdout)
    assert "ecr-repository-scanned" in {v["policy"] for v in report["violations"]}
    (pack,) = report["packs"]
    assert pack["directory"].startswith(str(installed)), "the pack must come with the install, not a checkout"
