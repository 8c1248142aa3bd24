"""Start a policy pack the way the Pulumi CLI does and wait for the port it announces.

Python packs run as ``python -u -m pulumi.policy <engine> .`` and Node packs as
``node node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine> .``, both with the pack folder as
working directory; the first line the pack prints on stdout is its gRPC port.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn, TypeVar

import yaml

from secure_ecs.analyzer.errors import PackStartError, PackTimeoutError
from secure_ecs.analyzer.parent_death import dying_with_parent

NODE_HOST = Path("node_modules/@pulumi/pulumi/cmd/run-policy-pack")
MANIFEST = "PulumiPolicy.yaml"


@dataclass(frozen=True)
class PackRuntime:
    """The ``runtime`` of a PulumiPolicy.yaml: its name and its ``options`` (e.g. ``virtualenv``)."""

    name: str
    options: Mapping[str, Any] = field(default_factory=dict)


def read_pack_runtime(pack_dir: Path) -> PackRuntime:
    """The runtime PulumiPolicy.yaml declares, as ``runtime: x`` or ``runtime: {name: x, options: {...}}``.

    The file is read with a YAML parser, so quoting and flow mappings are accepted as the CLI accepts them.
    """
    manifest = Path(pack_dir) / MANIFEST
    if not manifest.is_file():
        raise PackStartError(f"{pack_dir} is not a policy pack: it has no {MANIFEST}")
    try:
        document = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as problem:
        raise PackStartError(f"cannot read {manifest}: {problem}") from problem
    if not isinstance(document, Mapping):
        raise PackStartError(f"{manifest} must be a YAML mapping with a `runtime` key, not {type(document).__name__}")
    runtime = document.get("runtime")
    if runtime is None:
        raise PackStartError(f"{manifest} names no runtime (expected `runtime: python` or `runtime: nodejs`)")
    if isinstance(runtime, str) and runtime.strip():
        return PackRuntime(runtime.strip())
    if isinstance(runtime, Mapping):
        name, options = runtime.get("name"), runtime.get("options") or {}
        if not isinstance(name, str) or not name.strip():
            raise PackStartError(f"{manifest}: `runtime` is a mapping without a `name` string")
        if not isinstance(options, Mapping):
            raise PackStartError(f"{manifest}: `runtime.options` must be a mapping, not {options!r}")
        return PackRuntime(name.strip(), dict(options))
    raise PackStartError(f"{manifest}: `runtime` must be a name or a mapping with `name`, not {runtime!r}")


def pack_python(pack_dir: Path, runtime: PackRuntime, python: str = sys.executable) -> str:
    """The interpreter for a Python pack, chosen as the Pulumi CLI chooses it.

    With ``runtime.options.virtualenv`` set (relative to the pack folder, or absolute), the CLI runs
    the pack with that virtual environment's interpreter: ``<pack>/<virtualenv>/bin/python``
    (``Scripts/python.exe`` on Windows) is used when it exists. The CLI would *create* a missing
    virtual environment from requirements.txt; offline we do not, and fall back to ``python`` (by
    default the current interpreter, ``sys.executable``), which must have ``pulumi-policy`` and the
    pack's requirements installed. Without ``virtualenv``, ``python`` is used as given.
    """
    virtualenv = runtime.options.get("virtualenv")
    if isinstance(virtualenv, str) and virtualenv.strip():
        root = Path(pack_dir) / virtualenv.strip()
        for candidate in (root / "bin" / "python", root / "Scripts" / "python.exe"):
            if candidate.exists():
                return str(candidate)
    return python


def pack_command(pack_dir: Path, engine_address: str, python: str = sys.executable, node: str = "node") -> list[str]:
    """The command line the CLI runs for the pack in ``pack_dir`` (which is also its working directory).

    ``python`` is the interpreter used when the pack's virtual environment is absent (see `pack_python`).
    """
    runtime = read_pack_runtime(pack_dir)
    if runtime.name == "python":
        return [pack_python(pack_dir, runtime, python), "-u", "-m", "pulumi.policy", engine_address, "."]
    if runtime.name == "nodejs":
        if not (pack_dir / NODE_HOST).exists():
            raise PackStartError(f"{pack_dir} is a Node pack without {NODE_HOST}; run `npm install` there first")
        return [node, str(NODE_HOST), engine_address, "."]
    raise PackStartError(
        f"unsupported policy pack runtime {runtime.name!r} in {Path(pack_dir) / MANIFEST} (expected python or nodejs)"
    )


def _drain(stream: IO[bytes], lines: deque[str], first_line: queue.Queue[str] | None) -> None:
    # Only this thread ever touches the stream: it reads to end-of-file, then closes it. Closing it
    # from another thread would wait for this read, which a grandchild holding the pipe can block forever.
    with stream:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if first_line is not None:
                first_line.put(line)
                first_line = None
            else:
                lines.append(line)
    if first_line is not None:
        first_line.put("")


T = TypeVar("T")

# How often waits re-check that the pack is still alive and nobody asked to stop.
POLL_SECONDS = 0.05


class PackProcess:
    """A running pack process; ``stop()`` ends it and every process it started (its process group).

    ``abort()`` may be called from any thread: it kills the pack, so a ``start()`` waiting in another
    thread returns at once instead of waiting out its timeout.
    """

    def __init__(self, pack_dir: Path, engine_address: str, *, python: str = sys.executable, node: str = "node",
                 env: Mapping[str, str] | None = None) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        self.command = pack_command(self.pack_dir, engine_address, python=python, node=node)
        self._env = {**os.environ, **(env or {})}
        self._stderr: deque[str] = deque(maxlen=60)
        self._stdout: deque[str] = deque(maxlen=60)
        self._process: subprocess.Popen[bytes] | None = None
        self._drains: list[threading.Thread] = []
        self._aborted = threading.Event()

    def start(self, timeout: float) -> int:
        """Start the pack and return the port it listens on."""
        try:
            self._process = subprocess.Popen(
                dying_with_parent(self.command), cwd=self.pack_dir, env=self._env, stdin=subprocess.DEVNULL,
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
        announced = self._first_line(first_line, timeout)
        if not announced.isdigit():
            if announced:
                self._fail(f"printed {announced!r} instead of a port")
            # Its stdout closed without a line: the pack is exiting (typically it crashed on import).
            code = self.exit_code(wait=5.0)
            self._fail(
                f"exited (code {code}) before announcing a port"
                if code is not None
                else "printed no port (an empty first line, or its output closed while it kept running)"
            )
        return int(announced)

    def _first_line(self, first_line: queue.Queue[str], timeout: float) -> str:
        """The first stdout line; fails as soon as the pack exits without one (a child may hold the pipe)."""

        def next_line() -> str | None:
            try:
                return first_line.get(timeout=POLL_SECONDS).strip()
            except queue.Empty:
                return None

        return self.wait_while_running(next_line, timeout, "before announcing a port", "it announced no port")

    def wait_while_running(self, attempt: Callable[[], T | None], timeout: float, stage: str, unfinished: str) -> T:
        """The first value ``attempt`` returns (it waits up to POLL_SECONDS, None when not done yet).

        Fails as soon as the pack exits or is aborted (PackStartError, naming ``stage``), and after
        ``timeout`` seconds (PackTimeoutError: ``unfinished`` and the last line the pack wrote to stderr).
        """
        deadline = time.monotonic() + timeout
        while True:
            result = attempt()
            if result is None and self._has_stopped():
                result = attempt()  # what it wrote just before it ended still counts (e.g. a line that is no port)
                if result is None:
                    self.raise_if_stopped(stage)
            if result is not None:
                return result
            if time.monotonic() >= deadline:
                last = self.stderr_tail().splitlines()[-1]
                self.stop()
                raise PackTimeoutError(f"starting policy pack {self.pack_dir}", timeout,
                                       f"{unfinished}; its stderr ended: {last}")

    def _has_stopped(self) -> bool:
        return self._aborted.is_set() or self.exit_code() is not None

    def raise_if_stopped(self, when: str = "before accepting a connection") -> None:
        """PackStartError when the pack was aborted or has exited (for waits elsewhere, e.g. the connect)."""
        if self._aborted.is_set():
            self._fail(f"was stopped {when}")
        code = self.exit_code()
        if code is not None:
            self._fail(f"exited (code {code}) {when}")

    def exit_code(self, wait: float = 0.0) -> int | None:
        """The pack's exit code, waiting up to ``wait`` seconds for it to exit; None while it runs."""
        process = self._process
        if process is None:
            return None
        try:
            return process.wait(timeout=wait) if wait > 0 else process.poll()
        except subprocess.TimeoutExpired:
            return None

    def _fail(self, what: str) -> NoReturn:
        """Raise PackStartError for ``what``; the message (exit code, stderr tail) is built before stopping."""
        message = self._failure(what)
        self.stop()
        raise PackStartError(message) from None

    def _failure(self, what: str) -> str:
        code = self.exit_code()
        exited = f" (exit code {code})" if code is not None and f"(code {code})" not in what else ""
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

    def abort(self) -> None:
        """Kill the pack and its children now; safe from any thread, and before or during ``start``."""
        self._aborted.set()
        process = self._process
        if process is not None:
            _kill_group(process.pid, signal.SIGKILL)

    def stop(self, grace: float = 5.0) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            _kill_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _kill_group(process.pid, signal.SIGKILL)
                process.wait()
        # Whatever the pack started (same process group) would keep its pipes open: end it too.
        _kill_group(process.pid, signal.SIGKILL)
        for drain in self._drains:
            drain.join(timeout=grace)


def _kill_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signum)
