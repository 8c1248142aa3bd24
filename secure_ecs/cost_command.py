"""`secure-ecs cost`: run a stack offline and price it, with the public-IP and NAT designs beside it."""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from pydantic import ValidationError

from secure_ecs.command_output import report_failure
from secure_ecs.cost.estimate import estimate_cost
from secure_ecs.cost.facts import AmbiguousRegionError
from secure_ecs.cost.prices import UnsupportedRegionError
from secure_ecs.cost.render import render_text, to_json
from secure_ecs.cost.usage import UsageAssumptions
from secure_ecs.offline.stack_files import StackFileError, read_stack_settings
from secure_ecs.plan.command import add_program_arguments, resolve_program
from secure_ecs.plan.errors import explain
from secure_ecs.plan.pipeline import capture_graph
from secure_ecs.time_limits import TimeLimitError


def add_cost_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "cost",
        help="estimate a stack's monthly AWS cost offline and compare it with the public-IP and NAT designs",
        description="Run a Pulumi Python program offline with a stack's config and price what it declares "
        "from a dated us-east-1 price table; usage (requests, log volume, deploys) comes from documented "
        "assumptions that --usage overrides. Exit 0, or 2 when the program or its config cannot be run.",
    )
    add_program_arguments(parser)
    parser.add_argument("--usage", type=Path, metavar="FILE",
                        help="JSON object overriding usage assumptions, e.g. {\"requests_per_month\": 2e7}")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="what to print (default: text)")
    parser.add_argument("--debug", action="store_true", help="print tracebacks for errors")
    parser.set_defaults(handler=run_cost_command)


def _usage(path: Path | None) -> UsageAssumptions:
    if path is None:
        return UsageAssumptions()
    try:
        # Strict: `true` is no request count and "2e7" (a string) no number.
        return UsageAssumptions.model_validate_json(path.read_text(encoding="utf-8"), strict=True)
    except OSError as error:
        raise UsageFileError(f"cannot read --usage file {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise UsageFileError(f"--usage file {path} is not UTF-8 text; give a JSON object") from None
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in error.errors())
        raise UsageFileError(f"--usage file {path} is not valid: {problems}") from None


class UsageFileError(Exception):
    """The --usage file is missing or does not describe `UsageAssumptions`."""


def run_cost_command(arguments: argparse.Namespace) -> int:
    program = arguments.program or Path.cwd()
    json_stdout = arguments.format == "json"
    try:
        program = resolve_program(arguments.program)
    except StackFileError as error:
        return report_failure("cost", f"{error}.", json_stdout=json_stdout)
    try:
        usage = _usage(arguments.usage)
        settings = read_stack_settings(program, arguments.stack)
        graph, _ = capture_graph(program, settings, arguments.timeout)
        estimate = estimate_cost(graph, usage, region=settings.config.get("aws:region"))
    except (UsageFileError, UnsupportedRegionError, AmbiguousRegionError, TimeLimitError) as error:
        return report_failure("cost", str(error), json_stdout=json_stdout)
    except Exception as error:
        if arguments.debug:
            traceback.print_exception(error, file=sys.stderr)
        return report_failure("cost", explain(error, program, arguments.stack, arguments.debug),
                              json_stdout=json_stdout)
    try:
        document = json.dumps(to_json(estimate), indent=2, allow_nan=False) + "\n"
    except ValueError:  # an overflow to infinity (each figure is finite, their product is not)
        return report_failure("cost", "the estimate is not a finite number; give smaller --usage figures.",
                              json_stdout=json_stdout)
    sys.stdout.write(document if json_stdout else render_text(estimate))
    return 0
