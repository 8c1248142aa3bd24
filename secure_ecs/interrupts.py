"""SIGINT, SIGTERM and SIGHUP end a command with one line and status 128 + the signal number.

The handlers raise `Interrupted` (a BaseException, so neither a program's nor our own
`except Exception` swallows it); `finally` blocks then stop the policy packs and drop unfinished
reports. A second signal during that clean-up ends the process at once: the packs die with it
(see `secure_ecs.analyzer.parent_death`).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(BaseException):
    """The command received a signal that ends it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


@contextmanager
def interruptible() -> Iterator[None]:
    """Install the handlers for the block (main thread only; elsewhere signals keep their handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raised = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        if raised.is_set():
            os._exit(128 + signum)  # clean-up is stuck or the user insists
        raised.set()
        raise Interrupted(signum)

    # Under `nohup` SIGHUP is ignored on purpose: keep it so.
    handled = [s for s in HANDLED if not (s == signal.SIGHUP and signal.getsignal(s) == signal.SIG_IGN)]
    previous = {signum: signal.signal(signum, handle) for signum in handled}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
