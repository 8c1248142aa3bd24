"""How a command that cannot give a verdict says so: one paragraph on stderr, and JSON on stdout when asked.

With `--format json` a caller pipes stdout into a JSON parser, so even a failure prints a JSON
object there (`{"error": {...}}`), never a partial report or nothing.
"""

from __future__ import annotations

import contextlib
import json
import sys

EXIT_ERROR = 2


def error_document(command: str, message: str, status: int) -> str:
    return json.dumps({"error": {"command": command, "exitCode": status, "message": message}}, indent=2) + "\n"


def report_failure(command: str, message: str, *, json_stdout: bool = False, status: int = EXIT_ERROR) -> int:
    """Print the failure and return ``status``; an unusable stdout or stderr does not change the status."""
    prefix = f"secure-ecs {command}" if command else "secure-ecs"
    with contextlib.suppress(OSError, ValueError):
        print(f"{prefix}: {message}", file=sys.stderr, flush=True)
    if json_stdout:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.write(error_document(command, message, status))
            sys.stdout.flush()
    return status
