"""`secure-ecs verify`: arguments, loading the outputs, running the checks and the exit status."""

from __future__ import annotations

import argparse
import re
import ssl
import sys
import traceback
import urllib.parse
from pathlib import Path

from rich.console import Console

from secure_ecs.command_output import report_failure
from secure_ecs.time_limits import positive_seconds
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
                        help="JSON from `pulumi stack output --json --show-secrets` (`-`: standard input)")
    source.add_argument("--stack", metavar="NAME", help="read the outputs with `pulumi stack output --json`")
    parser.add_argument("--region", help="AWS region of the stack (default: the profile's, else the ECR URL's)")
    parser.add_argument("--profile", help="AWS profile from ~/.aws/config")
    parser.add_argument("--endpoint-url", metavar="URL", help="send every AWS call here (moto server, LocalStack)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="what to print (default: text)")
    parser.add_argument("--timeout", type=positive_seconds, default=DEFAULT_TIMEOUT_SECONDS, metavar="SECONDS",
                        help="how long the health URL and each attempt of each AWS call may take "
                        f"(default: {DEFAULT_TIMEOUT_SECONDS:g})")
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


_ARN_REGION = re.compile(r"\barn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-\d+):")
_HOST_REGION = re.compile(r"\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(?:[a-z0-9-]+\.)*amazonaws\.com(?:\.cn)?\b")


def regions_named(outputs: StackOutputs) -> set[str]:
    """The regions the outputs' ARNs and AWS host names name."""
    texts = [value for value in vars(outputs).values() if isinstance(value, str)]
    return {match for text in texts for pattern in (_ARN_REGION, _HOST_REGION) for match in pattern.findall(text)}


def refuse_other_region(outputs: StackOutputs, region: str, label: str) -> None:
    """A region no output names would make every check fail: the stack is elsewhere, not broken."""
    named = regions_named(outputs)
    if named and region not in named:
        raise OutputsError(
            f"the region is {region}, but every ARN and AWS address in {label} names {', '.join(sorted(named))}: "
            f"the checks would look for the stack in the wrong region. Pass --region {sorted(named)[0]} (or leave "
            "--region and AWS_REGION unset to use the outputs' region)."
        )


def _load(arguments: argparse.Namespace) -> tuple[StackOutputs, str]:
    if arguments.outputs is not None:
        label = "standard input" if str(arguments.outputs) == "-" else str(arguments.outputs)
        return load_outputs_file(arguments.outputs), label
    return load_stack_outputs(arguments.stack), arguments.stack


def _argument_problem(arguments: argparse.Namespace) -> str:
    """What is wrong with the arguments themselves (so it is never reported as a failing check)."""
    endpoint = arguments.endpoint_url
    if endpoint is not None:
        try:
            parts = urllib.parse.urlsplit(endpoint)
            valid = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 0) >= 0
        except ValueError:  # e.g. an unclosed IPv6 bracket, a port out of range
            valid = False
        if not valid:
            return f"--endpoint-url {endpoint!r} is not an http(s) URL such as http://127.0.0.1:5000."
    if arguments.ca_bundle is not None:
        try:
            ssl.create_default_context(cafile=str(arguments.ca_bundle))
        except (OSError, ssl.SSLError) as error:
            return f"--ca-bundle {arguments.ca_bundle} is not a readable PEM file of certificates ({error})."
    return ""


def run_verify_command(arguments: argparse.Namespace) -> int:
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    json_stdout = arguments.format == "json"
    problem = _argument_problem(arguments)
    if problem:
        return report_failure("verify", problem, json_stdout=json_stdout)
    try:
        outputs, label = _load(arguments)
        aws = connect(arguments.region, arguments.profile, arguments.endpoint_url, region_hint(outputs),
                      call_seconds=arguments.timeout)
        refuse_other_region(outputs, aws.region, label)
        check_input = CheckInput(outputs=outputs, aws=aws, http_timeout=arguments.timeout,
                                 ca_bundle=arguments.ca_bundle)
        run = verify(check_input, skip=set(arguments.skip), debug=arguments.debug)
    except Exception as error:
        if arguments.debug:
            traceback.print_exception(error, file=sys.stderr)
        known = isinstance(error, OutputsError | AwsUnavailableError)
        message = str(error) if known else f"{explain_unavailable(error, arguments.endpoint_url)}."
        return report_failure("verify", message, json_stdout=json_stdout)
    if json_stdout:
        sys.stdout.write(json_report(run, label))
    else:
        console.print(text_report(run, label))
    return run.exit_code
