"""Keep a program from deciding how the run ends or what lands on standard output.

A program run offline shares our process. Left alone, `sys.exit(0)` after declaring a violation
would end `secure-ecs plan` with status 0 and no reports, `os._exit(5)` would skip every clean-up,
and a `print` would land in the middle of `--format json` output. While the program runs:

- `SystemExit` (from `sys.exit`, `exit()`, `raise SystemExit`) and `os._exit` are turned into
  `ProgramExit`, which the harness reports as a program error (the plan then exits 2);
- everything written to standard output (Python's `sys.stdout` and file descriptor 1, which
  subprocesses and C extensions write to) goes to standard error instead;
- the signal handlers are restored afterwards, so a program that ignores SIGINT cannot keep the
  rest of the run from being interrupted.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

from secure_ecs.interrupts import HANDLED

_GUARDED_SIGNALS = (*HANDLED, signal.SIGALRM)  # the interrupts we handle, and the program time limit's


class ProgramExit(Exception):  # noqa: N818 (it reports an exit, it is not a failure of ours)
    """The program tried to end the process; the message names how."""


class _ExitCalled(BaseException):
    """Raised by the replaced `os._exit`; a BaseException so the program's `except Exception` lets it through."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _describe_status(code: object) -> str:
    return "None" if code is None else repr(code)


@contextmanager
def _exits_refused(attempts: list[str]) -> Iterator[None]:
    real_exit = os._exit
    our_pid = os.getpid()

    def refuse(status: int) -> NoReturn:
        if os.getpid() != our_pid:  # a forked child (multiprocessing) really exits
            real_exit(status)
        attempts.append(f"os._exit({status!r})")
        raise _ExitCalled(status)

    os._exit = refuse
    try:
        yield
    except SystemExit as exit_:
        attempts.append(f"sys.exit({_describe_status(exit_.code)})")
    except _ExitCalled:
        pass  # recorded by `refuse`
    finally:
        os._exit = real_exit


@contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    saved_fd: int | None = None
    with contextlib.suppress(OSError):
        os.fstat(2)
        saved_fd = os.dup(1)
        os.dup2(2, 1)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        if saved_fd is not None:
            os.dup2(saved_fd, 1)
            os.close(saved_fd)


@contextmanager
def _signal_handlers_kept() -> Iterator[None]:
    saved = {signum: signal.getsignal(signum) for signum in _GUARDED_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in saved.items():
            if handler is not None and signal.getsignal(signum) is not handler:
                with contextlib.suppress(ValueError):  # not the main thread: nothing could be changed
                    signal.signal(signum, handler)


@contextmanager
def contained_program() -> Iterator[None]:
    """Run a block as the program's run; raises ProgramExit if the program tried to exit."""
    attempts: list[str] = []
    with _signal_handlers_kept(), _stdout_to_stderr(), _exits_refused(attempts):
        yield
    if attempts:
        raise ProgramExit(
            f"The program called {attempts[0]} before it finished. A program run by secure-ecs must return "
            "normally: the plan, not the program, decides the exit status. Remove the exit call and run the "
            "plan again"
        )
