"""Run `secure-ecs` as its own process, and find what it left running (by a marker in /proc/<pid>/environ).

Other plans may run on the same machine at the same time, so leftover packs are recognised by an
environment variable only this test's command (and so its packs and their children) carries.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.paths import REPO_ROOT

MARKER_VARIABLE = "SECURE_ECS_RELIABILITY_RUN"


def command() -> list[str]:
    script = Path(sys.executable).with_name("secure-ecs")
    return [str(script)] if script.exists() else [sys.executable, "-m", "secure_ecs.cli"]


def processes_marked(marker: str) -> list[int]:
    """Live processes (zombies excluded) whose environment carries ``marker``."""
    needle = f"{MARKER_VARIABLE}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            found.append(int(entry.name))
    return found


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@dataclass
class Run:
    process: subprocess.Popen[str]
    marker: str

    def others(self) -> list[int]:
        """Marked processes besides the command itself: its packs and whatever they started."""
        return [pid for pid in processes_marked(self.marker) if pid != self.process.pid]

    def finish(self, seconds: float = 60) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=seconds)
        return self.process.returncode, out, err

    def leftovers(self, seconds: float = 5) -> list[int]:
        """Marked processes still alive ``seconds`` after the command ended (they should be none)."""
        wait_until(lambda: not processes_marked(self.marker), seconds)
        return processes_marked(self.marker)


@contextmanager
def started(argv: Sequence[str], *, cwd: Path = REPO_ROOT, env: dict[str, str] | None = None,
            preexec: Callable[[], None] | None = None) -> Iterator[Run]:
    marker = uuid.uuid4().hex
    environment = {**os.environ, MARKER_VARIABLE: marker, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}

    # (The command installs its own SIGINT handler, even where a test runner started us with SIGINT ignored.)
    process = subprocess.Popen(
        [*command(), *argv], cwd=cwd, env=environment, text=True, errors="replace", stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=preexec,  # noqa: PLW1509 (only setrlimit)
    )
    run = Run(process, marker)
    try:
        yield run
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        for pid in processes_marked(marker):  # never leave our own mess behind, even when a test failed
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def run(argv: Sequence[str], seconds: float = 90, **options: object) -> tuple[int, str, str, list[int]]:
    """Run to the end: (status, stdout, stderr, marked processes left behind)."""
    with started(argv, **options) as process:  # type: ignore[arg-type]
        status, out, err = process.finish(seconds)
        return status, out, err, process.leftovers()


def program(folder: Path, source: str, *, stack: str = "s", region: str = "us-east-1") -> Path:
    """A minimal Pulumi Python project with one stack ``stack``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Pulumi.yaml").write_text(f"name: {folder.name.replace('_', '-')}\nruntime: python\n")
    (folder / f"Pulumi.{stack}.yaml").write_text(f"config:\n  aws:region: {region}\n")
    (folder / "__main__.py").write_text(textwrap.dedent(source))
    return folder


def pack(folder: Path, source: str) -> Path:
    """A Python policy pack folder whose __main__.py is ``source``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (folder / "__main__.py").write_text(textwrap.dedent(source))
    return folder


def assert_one_clean_paragraph(stderr: str, prefix: str = "secure-ecs plan: ") -> str:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip() and not _is_grpc_noise(line)]
    assert lines and lines[0].startswith(prefix), stderr
    return " ".join(" ".join(lines).split())


def _is_grpc_noise(line: str) -> bool:
    # gRPC's C core logs fork warnings to stderr by itself (e.g. "fork_posix.cc:71] Other threads ...").
    return line.startswith(("I1", "W1", "E1")) and ".cc:" in line


PUBLIC_SUBNET = textwrap.dedent("""
    import pulumi_aws as aws
    vpc = aws.ec2.Vpc("v", cidr_block="10.0.0.0/16")
    aws.ec2.Subnet("s", vpc_id=vpc.id, cidr_block="10.0.1.0/24", map_public_ip_on_launch=True)
""")
