"""`secure-ecs verify`: arguments, loading the outputs, running the checks and the exit status."""

from __future__ import annotations

import argparse
import math
import ssl
import sys
import traceback
import urllib.parse
from pathlib import Path

from rich.console import Console

from secure_ecs.plan.command import EXIT_ERROR
from secure_ecs.verify.aws import AwsUnavailableError, connect, explain_unavailable
from secure_ecs.verify.checks import CHECK_IDS, CheckInput
from secure_ecs.verify.outputs import OutputsError, StackOutputs, load_outputs_file, load_stack_outputs
from secure_ecs.verify.report import json_report, text_report
from secure_ecs.verify.runner import verify

DEFAULT_TIMEOUT_SECONDS = 10.0


def add_verify_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "verify",
        help="check a deployed stack against the secure design (read-only AWS calls)",
        description="Read a deployed stack's outputs and check the live resources with read-only boto3 calls: "
        f"{', '.join(CHECK_IDS)}. Exit 0: every check passed (warnings allowed); 1: a check failed; 2: the "
        "outputs or AWS could not be read, or a check could not finish.",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--outputs", type=Path, metavar="FILE",
                        help="JSON from `pulumi stack output --json --show-secrets`")
    source.add_argument("--stack", metavar="NAME", help="read the outputs with `pulumi stack output --json`")
    parser.add_argument("--region", help="AWS region of the stack (default: the profile's, else the ECR URL's)")
    parser.add_argument("--profile", help="AWS profile from ~/.aws/config")
    parser.add_argument("--endpoint-url", metavar="URL", help="send every AWS call here (moto server, LocalStack)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="what to print (default: text)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS, metavar="SECONDS",
                        help=f"how long the health URL may take (default: {DEFAULT_TIMEOUT_SECONDS:g})")
    parser.add_argument("--ca-bundle", type=Path, metavar="FILE",
                        help="extra CA certificates (PEM) trusted for the health URL, e.g. a private CA")
    parser.add_argument("--skip", action="append", choices=CHECK_IDS, default=[], metavar="CHECK",
                        help=f"do not run this check; repeatable ({', '.join(CHECK_IDS)})")
    parser.add_argument("--debug", action="store_true", help="print tracebacks for errors")
    parser.set_defaults(handler=run_verify_command)


def region_hint(outputs: StackOutputs) -> str | None:
    """The region in the ECR URL (`<account>.dkr.ecr.<region>.amazonaws.com/...`), used when none is configured."""
    labels = outputs.repository_url.split("/", 1)[0].split(".")
    return labels[3] if len(labels) > 4 and labels[1:3] == ["dkr", "ecr"] else None


def _load(arguments: argparse.Namespace) -> tuple[StackOutputs, str]:
    if arguments.outputs is not None:
        return load_outputs_file(arguments.outputs), str(arguments.outputs)
    return load_stack_outputs(arguments.stack), arguments.stack


def _argument_problem(arguments: argparse.Namespace) -> str:
    """What is wrong with the arguments themselves (so it is never reported as a failing check)."""
    if not (math.isfinite(arguments.timeout) and arguments.timeout > 0):
        return "--timeout must be a positive number of seconds."
    endpoint = arguments.endpoint_url
    if endpoint is not None and urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
        return f"--endpoint-url {endpoint!r} is not an http(s) URL."
    if arguments.ca_bundle is not None:
        try:
            ssl.create_default_context(cafile=str(arguments.ca_bundle))
        except (OSError, ssl.SSLError) as error:
            return f"--ca-bundle {arguments.ca_bundle} is not a readable PEM file of certificates ({error})."
    return ""


def run_verify_command(arguments: argparse.Namespace) -> int:
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    problem = _argument_problem(arguments)
    if problem:
        errors.print(f"secure-ecs verify: {problem}", markup=False)
        return EXIT_ERROR
    try:
        outputs, label = _load(arguments)
        aws = connect(arguments.region, arguments.profile, arguments.endpoint_url, region_hint(outputs))
        check_input = CheckInput(outputs=outputs, aws=aws, http_timeout=arguments.timeout,
                                 ca_bundle=arguments.ca_bundle)
        run = verify(check_input, skip=set(arguments.skip), debug=arguments.debug)
    except Exception as error:
        if arguments.debug:
            traceback.print_exception(error, file=sys.stderr)
        known = isinstance(error, OutputsError | AwsUnavailableError)
        message = str(error) if known else f"{explain_unavailable(error, arguments.endpoint_url)}."
        errors.print(f"secure-ecs verify: {message}", markup=False)
        return EXIT_ERROR
    if arguments.format == "json":
        sys.stdout.write(json_report(run, label))
    else:
        console.print(text_report(run, label))
    return run.exit_code
