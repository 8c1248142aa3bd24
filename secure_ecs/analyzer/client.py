"""``AnalyzerClient``: one running policy pack and the analyzer calls the engine makes on it."""

from __future__ import annotations

import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Final, TypeVar

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from secure_ecs.analyzer import convert
from secure_ecs.analyzer.config import configure_request, load_config_file, resolve_policy_config
from secure_ecs.analyzer.diagnostics import (
    AnalyzerInfo,
    Diagnostic,
    PolicyConfig,
    Remediation,
    analyzer_info_from,
    diagnostics_from,
    remediations_from,
)
from secure_ecs.analyzer.engine import EngineStub
from secure_ecs.analyzer.errors import AnalyzerCallError, AnalyzerError, PackStartError, PackTimeoutError
from secure_ecs.analyzer.launcher import POLL_SECONDS, PackProcess, pack_command
from secure_ecs.offline.graph import CapturedResource, ResourceGraph

# A 10,000-resource AnalyzeStack request is far beyond gRPC's 4 MB default; the CLI allows 400 MB.
MAX_MESSAGE_BYTES: Final = 400 * 1024 * 1024
_CHANNEL_OPTIONS: Final = [
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
]

Response = TypeVar("Response")


class AnalyzerClient:
    """Start a pack, call it over ``pulumirpc.Analyzer``, stop it on exit.

    >>> with AnalyzerClient(Path("policies")) as pack:
    ...     pack.configure(config_file=Path("policies/config/prod.json"))
    ...     findings = pack.analyze_resources(graph) + pack.analyze_stack(graph)
    """

    def __init__(
        self,
        pack_dir: Path,
        *,
        call_timeout: float = 60.0,
        start_timeout: float = 60.0,
        python: str = sys.executable,
        node: str = "node",
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.pack_dir = Path(pack_dir)
        self.call_timeout = call_timeout
        self.start_timeout = start_timeout
        self._python, self._node, self._env = python, node, env
        # Validate the pack folder now (PackStartError for a non-pack), before anything is bound or started.
        pack_command(self.pack_dir.resolve(), "127.0.0.1:0", python=python, node=node)
        self._engine: EngineStub | None = None
        self._engine_messages: deque[str] = deque()
        self._process: PackProcess | None = None
        self._channel: grpc.Channel | None = None
        self._stub: analyzer_pb2_grpc.AnalyzerStub | None = None
        self._info: AnalyzerInfo | None = None
        self._aborted = threading.Event()

    # -- lifecycle --

    def start(self) -> AnalyzerClient:
        """Start the engine endpoint and the pack; on any failure both are stopped again."""
        if self._stub is not None:
            return self
        try:
            if self._aborted.is_set():
                raise PackStartError(f"policy pack {self.pack_dir} was stopped before it started")
            self._engine = EngineStub()
            self._engine_messages = self._engine.messages
            self._process = PackProcess(
                self.pack_dir, self._engine.address, python=self._python, node=self._node, env=self._env
            )
            if self._aborted.is_set():  # abort() may have run before the process object existed
                self._process.abort()
            self._engine.start()
            port = self._process.start(self.start_timeout)
            self._channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_CHANNEL_OPTIONS)
            self._wait_until_ready(self._process, self._channel, port)
        except BaseException:
            self.close()
            raise
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        return self

    def _wait_until_ready(self, process: PackProcess, channel: grpc.Channel, port: int) -> None:
        """Wait for the pack to accept the connection, failing as soon as it exits or is aborted."""
        ready = grpc.channel_ready_future(channel)

        def connected() -> bool | None:
            try:
                ready.result(timeout=POLL_SECONDS)
                return True
            except grpc.FutureTimeoutError:
                return None

        try:
            process.wait_while_running(connected, self.start_timeout, "before accepting a connection",
                                       f"it announced port {port} but did not accept a connection")
        finally:
            ready.cancel()

    def abort(self) -> None:
        """Kill the pack now, from any thread: a `start` running elsewhere then fails at once."""
        self._aborted.set()
        process = self._process
        if process is not None:
            process.abort()

    def close(self) -> None:
        """Close the channel, stop the pack and the engine endpoint (safe to call more than once)."""
        channel, self._channel = self._channel, None
        self._stub = None
        process, self._process = self._process, None
        engine, self._engine = self._engine, None
        try:
            if process is not None:
                process.stop()
        finally:
            # After the pack is gone: closing a channel to a live peer lingers for up to 0.2 s.
            if channel is not None:
                channel.close()
            if engine is not None:
                engine.stop()

    @property
    def engine(self) -> EngineStub | None:
        """The engine endpoint the running pack dials (None before `start` and after `close`)."""
        return self._engine

    def __enter__(self) -> AnalyzerClient:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    @property
    def engine_log(self) -> list[str]:
        """Log lines the pack sent to the engine endpoint (Node packs log there)."""
        return list(self._engine_messages)

    # -- calls --

    def _call(self, method: str, call: Callable[..., Response], request: Any, subject: str = "") -> Response:
        if self._stub is None:
            raise AnalyzerError("the policy pack is not running; use AnalyzerClient as a context manager")
        try:
            return call(request, timeout=self.call_timeout)
        except grpc.RpcError as error:
            code = error.code() if hasattr(error, "code") else None
            details = error.details() if hasattr(error, "details") else str(error)
            process = self._process
            if code == grpc.StatusCode.DEADLINE_EXCEEDED and (process is None or process.running):
                what = f"{method} of {subject}" if subject else method
                raise PackTimeoutError(f"policy pack {self.pack_dir} answering {what}", self.call_timeout) from None
            # A pack that just died is reaped a moment after its connection drops.
            exited = process.exit_code(wait=1.0) if process is not None else None
            detail = f"{getattr(code, 'name', code)}: {details}"
            if exited is not None:
                detail += f" (the pack exited with code {exited})"
            tail = "" if process is None or process.running else process.stderr_tail()
            raise AnalyzerCallError(method, detail, tail) from error

    def info(self) -> AnalyzerInfo:
        """GetAnalyzerInfo: the pack's name, version, policies and initial config (cached)."""
        if self._info is None:
            stub = self._require_stub()
            self._info = analyzer_info_from(self._call("GetAnalyzerInfo", stub.GetAnalyzerInfo, empty_pb2.Empty()))
        return self._info

    def configure(
        self, user_config: Mapping[str, Any] | None = None, *, config_file: Path | None = None
    ) -> dict[str, PolicyConfig]:
        """Resolve config as the engine does (pack defaults, "all", the user's file) and send Configure."""
        overlay = dict(load_config_file(config_file)) if config_file is not None else {}
        overlay.update(user_config or {})
        resolved = resolve_policy_config(self.info(), overlay)
        self._call("Configure", self._require_stub().Configure, configure_request(resolved))
        return resolved

    def configure_stack(self, project: str, stack: str, *, dry_run: bool = True,
                        tags: Mapping[str, str] | None = None) -> None:
        """ConfigureStack, which newer engines send before analysis; packs that predate it are skipped."""
        request = analyzer_pb2.AnalyzerStackConfigureRequest(
            project=project, stack=stack, dry_run=dry_run, tags=dict(tags or {})
        )
        try:
            self._call("ConfigureStack", self._require_stub().ConfigureStack, request)
        except AnalyzerCallError as error:
            if "UNIMPLEMENTED" not in error.detail:
                raise

    def analyze(self, resource: CapturedResource, graph: ResourceGraph,
                index: convert.GraphIndex | None = None) -> list[Diagnostic]:
        """Analyze one resource (its inputs, options and provider), as the engine does per step."""
        request = convert.analyze_request(resource, graph, index if index is not None else convert.index_graph(graph))
        response = self._call("Analyze", self._require_stub().Analyze, request, resource.urn)
        return diagnostics_from(response, self.info(), default_urn=resource.urn)

    def analyze_resources(
        self, graph: ResourceGraph, resources: Iterable[CapturedResource] | None = None
    ) -> list[Diagnostic]:
        """Analyze every custom resource of the graph (or the given ones), one call each."""
        index = convert.index_graph(graph)
        chosen = resources if resources is not None else filter(convert.is_analyzed_per_resource, graph.resources)
        return [d for resource in chosen for d in self.analyze(resource, graph, index)]

    def analyze_stack(self, graph: ResourceGraph) -> list[Diagnostic]:
        """AnalyzeStack over the whole graph (outputs, parents, dependencies, property dependencies)."""
        response = self._call("AnalyzeStack", self._require_stub().AnalyzeStack, convert.analyze_stack_request(graph),
                              "the whole stack")
        return diagnostics_from(response, self.info())

    def remediate(self, resource: CapturedResource, graph: ResourceGraph) -> list[Remediation]:
        """Remediate one resource: policies set to "remediate" may return rewritten properties."""
        request = convert.analyze_request(resource, graph, convert.index_graph(graph))
        response = self._call("Remediate", self._require_stub().Remediate, request)
        return remediations_from(response, resource.urn)

    def _require_stub(self) -> analyzer_pb2_grpc.AnalyzerStub:
        if self._stub is None:
            raise AnalyzerError("the policy pack is not running; use AnalyzerClient as a context manager")
        return self._stub
