"""Start a policy pack the way the Pulumi CLI does and wait for the port it announces.

Python packs run as ``python -u -m pulumi.policy <engine> .`` and Node packs as
``node node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine> .``, both with the pack folder as
working directory; the first line the pack prints on stdout is its gRPC port.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from secure_ecs.analyzer.errors import PackStartError

NODE_HOST = Path("node_modules/@pulumi/pulumi/cmd/run-policy-pack")
_RUNTIME_LINE = re.compile(r"^runtime:\s*(?P<inline>[A-Za-z]+)?\s*$|^\s+name:\s*(?P<nested>[A-Za-z]+)\s*$")


def pack_runtime(pack_dir: Path) -> str:
    """``python`` or ``nodejs``, from PulumiPolicy.yaml (``runtime: x`` or ``runtime: {name: x}``)."""
    manifest = pack_dir / "PulumiPolicy.yaml"
    if not manifest.is_file():
        raise PackStartError(f"{pack_dir} is not a policy pack: it has no PulumiPolicy.yaml")
    in_runtime = False
    for line in manifest.read_text(encoding="utf-8").splitlines():
        match = _RUNTIME_LINE.match(line)
        if line.startswith("runtime:"):
            in_runtime = True
            if match and match.group("inline"):
                return match.group("inline")
        elif in_runtime and match and match.group("nested"):
            return match.group("nested")
        elif line and not line[0].isspace():
            in_runtime = False
    raise PackStartError(f"{manifest} names no runtime")


def pack_command(pack_dir: Path, engine_address: str, python: str = sys.executable, node: str = "node") -> list[str]:
    runtime = pack_runtime(pack_dir)
    if runtime == "python":
        return [python, "-u", "-m", "pulumi.policy", engine_address, "."]
    if runtime == "nodejs":
        if not (pack_dir / NODE_HOST).exists():
            raise PackStartError(f"{pack_dir} is a Node pack without {NODE_HOST}; run `npm install` there first")
        return [node, str(NODE_HOST), engine_address, "."]
    raise PackStartError(f"unsupported policy pack runtime {runtime!r} in {pack_dir}")


def _drain(stream: IO[bytes], lines: deque[str], first_line: queue.Queue[str] | None) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip("\n")
        if first_line is not None:
            first_line.put(line)
            first_line = None
        else:
            lines.append(line)
    if first_line is not None:
        first_line.put("")


class PackProcess:
    """A running pack process; ``stop()`` ends it (and only it, with its own process group)."""

    def __init__(self, pack_dir: Path, engine_address: str, *, python: str = sys.executable, node: str = "node",
                 env: Mapping[str, str] | None = None) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        self.command = pack_command(self.pack_dir, engine_address, python=python, node=node)
        self._env = {**os.environ, **(env or {})}
        self._stderr: deque[str] = deque(maxlen=60)
        self._stdout: deque[str] = deque(maxlen=60)
        self._process: subprocess.Popen[bytes] | None = None
        self._drains: list[threading.Thread] = []

    def start(self, timeout: float) -> int:
        """Start the pack and return the port it listens on."""
        try:
            self._process = subprocess.Popen(
                self.command, cwd=self.pack_dir, env=self._env, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
            )
        except OSError as problem:
            raise PackStartError(f"cannot run {' '.join(self.command)}: {problem}") from problem
        first_line: queue.Queue[str] = queue.Queue(maxsize=1)
        assert self._process.stdout is not None and self._process.stderr is not None
        self._drains = [
            threading.Thread(target=_drain, args=(self._process.stdout, self._stdout, first_line), daemon=True),
            threading.Thread(target=_drain, args=(self._process.stderr, self._stderr, None), daemon=True),
        ]
        for drain in self._drains:
            drain.start()
        try:
            announced = first_line.get(timeout=timeout).strip()
        except queue.Empty:
            self.stop()
            raise PackStartError(self._failure(f"announced no port within {timeout:.0f} s")) from None
        if not announced.isdigit():
            self.stop()
            raise PackStartError(self._failure(f"printed {announced!r} instead of a port"))
        return int(announced)

    def _failure(self, what: str) -> str:
        code = self._process.poll() if self._process else None
        exited = f" (exit code {code})" if code is not None else ""
        return f"policy pack {self.pack_dir} {what}{exited}.\n--- pack stderr (last lines) ---\n{self.stderr_tail()}"

    def stderr_tail(self) -> str:
        # Give the drain thread a moment to collect what a dying process wrote last.
        if self._process is not None and self._process.poll() is not None:
            for drain in self._drains:
                drain.join(timeout=1.0)
        return "\n".join(self._stderr) or "(nothing)"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self, grace: float = 5.0) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=grace)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        # The pipes reach end-of-file once the process is gone; let the readers finish before closing.
        for drain in self._drains:
            drain.join(timeout=grace)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
