"""Node policy packs for tests: check for node/npm, install a pack fixture once, reuse the install.

A fixture folder under ``tests/plan/packs/`` holds only sources and a committed ``package-lock.json``;
``npm ci`` installs it into ``build/node-packs/<name>-<digest>/`` (``build/`` is gitignored), so
``node_modules`` never lands in the tree. The digest covers every file of the fixture, so editing the
pack or its lock file gives a fresh install and an unchanged fixture reuses the last one (a warm run
costs a directory lookup). The install happens in a staging folder that is renamed into place only
once it is complete, so an interrupted or concurrent run never sees a half-installed pack.

Node and npm are required where these tests run: their absence is an error, not a reason to skip.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Final

from tests.paths import REPO_ROOT

CACHE_DIR: Final = REPO_ROOT / "build" / "node-packs"
NODE_HOST: Final = Path("node_modules/@pulumi/pulumi/cmd/run-policy-pack")
MIN_NODE_MAJOR: Final = 20
NPM_TIMEOUT_SECONDS: Final = float(os.environ.get("SECURE_ECS_NPM_TIMEOUT", "300"))
_MARKER: Final = ".secure-ecs-installed"
_STAGING_MAX_AGE_SECONDS: Final = 3600.0
_NOT_COPIED: Final = {"node_modules", _MARKER}


class NodeSupportError(Exception):
    """Node or npm is missing or too old, or a pack could not be installed; the message says which."""


def _tool_version(tool: str) -> tuple[str, str]:
    path = shutil.which(tool)
    if path is None:
        raise NodeSupportError(
            f"`{tool}` is not on PATH. The Node policy-pack tests need Node.js >= {MIN_NODE_MAJOR} with npm "
            "(and the npm registry reachable for the first install); install them, e.g. from "
            "https://nodejs.org/ or the distribution's nodejs + npm packages."
        )
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError) as problem:
        raise NodeSupportError(f"`{path} --version` failed: {problem}") from problem
    return path, done.stdout.strip()


def require_node() -> tuple[str, str]:
    """Paths of ``node`` and ``npm``; NodeSupportError when either is missing or node is too old."""
    node, node_version = _tool_version("node")
    npm, _ = _tool_version("npm")
    major = node_version.lstrip("v").split(".", 1)[0]
    if not major.isdigit() or int(major) < MIN_NODE_MAJOR:
        raise NodeSupportError(
            f"{node} is Node.js {node_version}; the pinned @pulumi/pulumi needs Node.js >= {MIN_NODE_MAJOR}."
        )
    return node, npm


def _fixture_files(source: Path) -> list[Path]:
    return sorted(
        path for path in source.rglob("*")
        if path.is_file() and not _NOT_COPIED.intersection(path.relative_to(source).parts)
    )


def fixture_digest(source: Path) -> str:
    """A digest of every file of the fixture (names and contents), node_modules excluded."""
    digest = hashlib.sha256()
    for path in _fixture_files(source):
        digest.update(path.relative_to(source).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _npm_ci(npm: str, folder: Path, name: str) -> None:
    command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"]
    env = {**os.environ, "npm_config_update_notifier": "false", "npm_config_progress": "false"}
    try:
        done = subprocess.run(command, check=False, cwd=folder, env=env, capture_output=True, text=True,
                              timeout=NPM_TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise NodeSupportError(
            f"`npm ci` for the {name} test pack did not finish within {NPM_TIMEOUT_SECONDS:g} s "
            "(is the npm registry reachable? set SECURE_ECS_NPM_TIMEOUT to allow longer)"
        ) from None
    except OSError as problem:
        raise NodeSupportError(f"cannot run {' '.join(command)}: {problem}") from problem
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-25:])
        raise NodeSupportError(
            f"`npm ci` for the {name} test pack failed with exit code {done.returncode} "
            f"(registry unreachable, or package.json and package-lock.json out of sync?):\n{tail}"
        )
    if not (folder / NODE_HOST).exists():
        raise NodeSupportError(f"`npm ci` for the {name} test pack did not install {NODE_HOST}")


def _prune_stale(name: str, keep: Path) -> None:
    """Remove installs of earlier versions of the fixture (each can be a few hundred MB) and staging
    folders a killed run left behind (an hour old: a concurrent run's live staging folder is younger)."""
    for stale in CACHE_DIR.glob(f"{name}-*"):
        if stale != keep and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    for staging in CACHE_DIR.glob(f".{name}-*"):
        with contextlib.suppress(OSError):
            if time.time() - staging.stat().st_mtime > _STAGING_MAX_AGE_SECONDS:
                shutil.rmtree(staging, ignore_errors=True)


def installed_pack(source: Path) -> Path:
    """A ready-to-start copy of the Node pack fixture ``source``, installed with ``npm ci`` (cached)."""
    _, npm = require_node()
    source = source.resolve()
    if not (source / "package-lock.json").is_file():
        raise NodeSupportError(f"{source} has no package-lock.json; run `npm install --package-lock-only` there")
    target = CACHE_DIR / f"{source.name}-{fixture_digest(source)}"
    if (target / _MARKER).is_file():
        return target
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{source.name}-", dir=CACHE_DIR))
    try:
        for path in _fixture_files(source):
            destination = staging / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
        _npm_ci(npm, staging, source.name)
        (staging / _MARKER).write_text(f"npm ci of {source}\n", encoding="utf-8")
        if target.exists() and not (target / _MARKER).is_file():
            shutil.rmtree(target, ignore_errors=True)  # left over from an interrupted run
        try:
            staging.rename(target)
        except OSError:
            if not (target / _MARKER).is_file():  # not simply a concurrent run that finished first
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _prune_stale(source.name, target)
    return target
