"""The `secure-ecs` command: `plan`, `cost` and `verify`, each registering its own subcommand."""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import os
import sys
from collections.abc import Sequence

from secure_ecs.command_output import EXIT_ERROR, error_document, report_failure
from secure_ecs.interrupts import Interrupted, interruptible


def build_parser() -> argparse.ArgumentParser:
    # Imported here, after the signal handlers are in place: the imports take a second.
    from secure_ecs.cost_command import add_cost_parser
    from secure_ecs.plan.command import add_plan_parser
    from secure_ecs.verify.command import add_verify_parser

    parser = argparse.ArgumentParser(
        prog="secure-ecs",
        description="Plan, verify and price the secure-ecs stacks (or any Pulumi Python program).",
    )
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_plan_parser(subcommands)
    add_verify_parser(subcommands)
    add_cost_parser(subcommands)
    return parser


def _tolerant_streams() -> None:
    """A terminal or pipe that cannot encode a character gets a replacement, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="replace")


def run(argv: Sequence[str] | None = None) -> int:
    """Parse and run one command; every way it can end becomes an exit status (0, 1, 2, 128 + signal)."""
    command, json_stdout = "", _asks_for_json(sys.argv[1:] if argv is None else argv)
    try:
        with interruptible():
            arguments = _parse(argv, json_stdout)
            command, json_stdout = arguments.command, getattr(arguments, "format", None) == "json"
            status: int = arguments.handler(arguments)
            sys.stdout.flush()
    except Interrupted as stop:
        return report_failure(command, f"interrupted by {stop}; the run did not finish.", json_stdout=json_stdout,
                              status=stop.exit_status)
    except KeyboardInterrupt:  # raised by a program itself, or where our handler is not installed
        return report_failure(command, "interrupted; the run did not finish.", json_stdout=json_stdout, status=130)
    except OSError as error:  # standard output is full, closed or gone
        return report_failure(command, f"cannot write to standard output: {error.strerror or error}.")
    return status


def _asks_for_json(argv: Sequence[str]) -> bool:
    return "--format=json" in argv or ("--format", "json") in itertools.pairwise(argv)


def _parse(argv: Sequence[str] | None, json_stdout: bool) -> argparse.Namespace:
    """The arguments; invalid ones exit 2 (argparse prints why), with a JSON error when JSON was asked for."""
    try:
        return build_parser().parse_args(argv)
    except SystemExit as exit_:
        if exit_.code == EXIT_ERROR and json_stdout:
            sys.stdout.write(error_document("", "invalid arguments; see the message on standard error", EXIT_ERROR))
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    if argv is not None:
        return run(argv)
    # Packs are started with fork + exec and never use gRPC in between: gRPC's fork handlers only
    # print "Other threads are currently calling into gRPC, skipping fork() handlers" on stderr.
    os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")
    _tolerant_streams()
    status = run()
    # The process ends here, whatever threads a program left running (they would keep the interpreter
    # alive at shutdown); skipping the interpreter's final collections also saves about a second.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status if stream is sys.stderr else EXIT_ERROR
    os._exit(status)


if __name__ == "__main__":
    raise SystemExit(main())
