"""A minimal ``pulumirpc.Engine`` for packs to dial: it records log messages and nothing else.

The Python policy host accepts an engine address but never connects to it; the Node host logs
through it. Serving a real endpoint keeps both hosts on the path the CLI gives them.
"""

from __future__ import annotations

from collections import deque
from concurrent import futures
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc


class _RecordingEngine(engine_pb2_grpc.EngineServicer):
    def __init__(self, messages: deque[str]) -> None:
        self._messages = messages
        self._root = ""

    def Log(self, request: engine_pb2.LogRequest, context: Any) -> empty_pb2.Empty:  # noqa: N802
        self._messages.append(f"{engine_pb2.LogSeverity.Name(request.severity).lower()}: {request.message}")
        return empty_pb2.Empty()

    def GetRootResource(  # noqa: N802
        self, request: engine_pb2.GetRootResourceRequest, context: Any
    ) -> engine_pb2.GetRootResourceResponse:
        return engine_pb2.GetRootResourceResponse(urn=self._root)

    def SetRootResource(  # noqa: N802
        self, request: engine_pb2.SetRootResourceRequest, context: Any
    ) -> engine_pb2.SetRootResourceResponse:
        self._root = request.urn
        return engine_pb2.SetRootResourceResponse()


class EngineStub:
    """A loopback engine endpoint; ``messages`` holds the last log lines packs sent to it.

    Creating one binds a port; ``stop()`` releases the port, the server's threads and its executor.
    """

    def __init__(self, max_messages: int = 200) -> None:
        self.messages: deque[str] = deque(maxlen=max_messages)
        self._executor = futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine-stub")
        self._server: grpc.Server | None = grpc.server(self._executor)
        engine_pb2_grpc.add_EngineServicer_to_server(_RecordingEngine(self.messages), self._server)
        self.port: int = self._server.add_insecure_port("127.0.0.1:0")

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def stopped(self) -> bool:
        return self._server is None

    def start(self) -> None:
        if self._server is None:
            raise RuntimeError("this engine endpoint was stopped; create a new one")
        self._server.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving (idempotent) and wait for the server to shut down."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stop(grace=None).wait(timeout)
        self._executor.shutdown(wait=False, cancel_futures=True)
