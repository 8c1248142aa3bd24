"""A report folder that holds one complete run's reports or none: lock, write beside, rename into place.

CI uploads whatever files it finds, so a folder mixing two runs, or a truncated plan.json, is worse
than no folder. A run first takes a lock beside the folder (a second run on the same folder is
refused, not interleaved), writes every report into a temporary folder beside it, and only then
swaps that folder in, with the ending signals held back for the two renames.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from secure_ecs.interrupts import HANDLED


class ReportFolderError(Exception):
    """The folder cannot be used: not writable, not a folder, or another run holds it."""


class ReportFolder:
    """The locked destination of one run; `publish` puts a complete set of files in place."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def publish(self, files: Mapping[str, str]) -> dict[str, Path]:
        """Write ``files`` (name -> text) to a temporary folder beside the destination, then swap it in."""
        parent, name = self.path.parent, self.path.name
        staging = Path(tempfile.mkdtemp(prefix=f".{name}.new-", dir=parent))
        try:
            for file_name, text in files.items():
                _write_durably(staging / file_name, text)
            _swap_in(staging, self.path)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return {file_name: self.path / file_name for file_name in files}


def _write_durably(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())


def _swap_in(staging: Path, destination: Path) -> None:
    """Replace ``destination`` with ``staging``; SIGINT/SIGTERM/SIGHUP wait until both renames are done."""
    retired = destination.with_name(f".{destination.name}.old-{os.getpid()}")
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
    try:
        had_old = destination.is_dir() and not destination.is_symlink()
        if had_old:
            shutil.rmtree(retired, ignore_errors=True)
            destination.rename(retired)
        try:
            staging.rename(destination)
        except BaseException:
            if had_old:
                retired.rename(destination)
            raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    if had_old:
        shutil.rmtree(retired, ignore_errors=True)


def _explain(error: OSError) -> str:
    return error.strerror or str(error)


def _lock(lock_path: Path) -> int:
    """An exclusive lock on ``lock_path``; re-tried when another run removed the file we opened."""
    while True:
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise
        try:
            still_there = os.stat(lock_path).st_ino == os.fstat(descriptor).st_ino
        except FileNotFoundError:
            still_there = False
        if still_there:
            return descriptor
        os.close(descriptor)


@contextmanager
def report_folder(path: Path) -> Iterator[ReportFolder]:
    """Check and lock ``path`` for one run (before anything runs, so a bad --out fails in a moment)."""
    path = Path(path).absolute()  # the program runs in its own working directory meanwhile
    if path.exists() and not path.is_dir():
        raise ReportFolderError(f"{path} exists and is not a folder")
    parent = path.parent
    lock_path = parent / f".{path.name}.lock"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        descriptor = _lock(lock_path)
    except BlockingIOError:
        raise ReportFolderError(
            f"another secure-ecs run is writing reports to {path} (it holds {lock_path}); wait for it to finish "
            "or give this run its own --out"
        ) from None
    except OSError as error:
        if error.errno in (errno.ENOTDIR, errno.EEXIST):
            raise ReportFolderError(f"{parent} is not a folder") from None
        raise ReportFolderError(f"cannot create or lock {lock_path}: {_explain(error)}") from None
    try:
        yield ReportFolder(path)
    finally:
        # Removed while still held: a run that opened the same file meanwhile sees it gone and re-opens.
        with contextlib.suppress(OSError):
            lock_path.unlink()
        os.close(descriptor)
