"""A tag that changes exactly when what Docker builds changes.

ECR repositories here have IMMUTABLE tags, so every distinct build needs a tag of its own. awsx's
default tag hashes the context's path and the stack name, not the files, so a rebuild after a
code change would push to an existing tag and be refused. This digest covers the files Docker
receives (minus `.dockerignore` matches), the Dockerfile, the platform and the build arguments.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Mapping
from pathlib import Path

TAG_PREFIX = "ctx-"
TAG_DIGEST_LENGTH = 24


def _ignore_patterns(context: Path) -> list[str]:
    ignore_file = context / ".dockerignore"
    if not ignore_file.is_file():
        return []
    lines = (line.strip() for line in ignore_file.read_text(encoding="utf-8").splitlines())
    return [line.rstrip("/") for line in lines if line and not line.startswith(("#", "!"))]


def _ignored(relative: str, patterns: list[str]) -> bool:
    parts = relative.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatchcase(prefix, pattern) for pattern in patterns for prefix in prefixes)


def context_digest(
    context: str, dockerfile: str | None = None, platform: str = "", build_args: Mapping[str, str] | None = None
) -> str:
    """SHA-256 over every file of the build context Docker would receive, and how it is built."""
    root = Path(context)
    patterns = _ignore_patterns(root)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if _ignored(relative, patterns):
            continue
        digest.update(relative.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    dockerfile_path = Path(dockerfile) if dockerfile else root / "Dockerfile"
    if dockerfile_path.is_file():
        digest.update(b"dockerfile\0" + dockerfile_path.read_bytes())
    digest.update(b"platform\0" + platform.encode())
    for key, value in sorted((build_args or {}).items()):
        digest.update(f"arg\0{key}={value}".encode())
    return digest.hexdigest()


def content_tag(context: str, dockerfile: str | None = None, platform: str = "") -> str:
    return TAG_PREFIX + context_digest(context, dockerfile, platform)[:TAG_DIGEST_LENGTH]
