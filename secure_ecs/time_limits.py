"""Time limits per phase of a run (`--timeout`), and the error naming the phase that ran out.

The program runs in the main thread, where only a signal can stop an endless loop or a blocking
call: a real-time timer (SIGALRM) raises inside it. Pack start-up and pack calls have their own
deadlines (polling and gRPC deadlines) and raise the same error.
"""

from __future__ import annotations

import argparse
import math
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

DEFAULT_SECONDS = 300.0
"""Per phase. A whole plan of the prod stack takes 3-6 s on a busy 2-core machine."""


class TimeLimitError(Exception):
    """A phase did not finish within its time limit."""

    def __init__(self, phase: str, seconds: float, detail: str = "") -> None:
        super().__init__(
            f"{phase} did not finish within the time limit of {seconds:g} s{f' ({detail})' if detail else ''}. "
            "If it is merely slow, raise the limit with --timeout SECONDS; otherwise look for an endless loop "
            "or a call that never returns"
        )
        self.phase = phase
        self.seconds = seconds


class _TimeLimitReached(BaseException):
    """Raised inside the timed code; a BaseException so a program's `except Exception` cannot swallow it."""


def positive_seconds(value: str) -> float:
    """argparse type for --timeout."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number of seconds")
    return seconds


@contextmanager
def time_limit(phase: str, seconds: float | None) -> Iterator[None]:
    """Raise TimeLimitError when the block runs longer than ``seconds`` (main thread only; else no limit)."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise _TimeLimitReached

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _TimeLimitReached:
        raise TimeLimitError(phase, seconds) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
