"""The `secure-ecs` command: `plan`, `cost` and `verify`, each registering its own subcommand."""

from __future__ import annotations

import argparse
import gc
from collections.abc import Sequence

from secure_ecs.cost.command import add_cost_parser
from secure_ecs.plan.command import add_plan_parser
from secure_ecs.verify.command import add_verify_parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="secure-ecs",
        description="Plan, verify and price the secure-ecs stacks (or any Pulumi Python program).",
    )
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_plan_parser(subcommands)
    add_verify_parser(subcommands)
    add_cost_parser(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    arguments = build_parser().parse_args(argv)
    status: int = arguments.handler(arguments)
    if argv is None:
        # Run as the console script: the process ends next. Frozen objects are skipped by the
        # interpreter's final collections, which otherwise take about a second after a plan.
        gc.freeze()
    return status


if __name__ == "__main__":
    raise SystemExit(main())
