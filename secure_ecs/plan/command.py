"""`secure-ecs plan`: arguments, defaults, running the pipeline and the exit status."""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from pathlib import Path

from rich.console import Console

from secure_ecs.bundled_pack import bundled_policy_pack
from secure_ecs.command_output import report_failure
from secure_ecs.offline.stack_files import StackFileError, read_stack_outputs
from secure_ecs.plan.errors import explain
from secure_ecs.plan.model import PlanResult
from secure_ecs.plan.outputs import REPORTS, render_reports
from secure_ecs.plan.pipeline import PlanRequest, run_plan
from secure_ecs.plan.report_folder import ReportFolderError, report_folder
from secure_ecs.plan.summary import summary_renderable
from secure_ecs.tfplan.checkov import ScannerError
from secure_ecs.time_limits import DEFAULT_SECONDS, TimeLimitError, positive_seconds

__all__ = ["add_plan_parser", "add_program_arguments", "resolve_program"]

DEFAULT_STACK = "dev"
# Pulumi allows at most 100 characters; the name also becomes a file and a folder name.
STACK_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}")


def add_plan_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "plan",
        help="run a stack offline (no cloud account) and check it with policy packs",
        description="Run a Pulumi Python program under the mock engine with a stack's config, answer data "
        "sources from an emulated AWS account, run CrossGuard policy packs over the result and write "
        "summary.txt, plan.json, plan.sarif, architecture.mmd and plan.tfplan.json (Terraform plan JSON). "
        "Exit 0: no mandatory violation; "
        "1: a mandatory violation; 2: the program, its config or a pack could not be run, or a time limit was "
        "reached; 130/143: interrupted by SIGINT/SIGTERM.",
    )
    add_program_arguments(parser)
    parser.add_argument("--policy-pack", type=Path, action="append", dest="policy_packs", metavar="DIR",
                        help="policy pack folder; repeat for several (default: this project's policies/)")
    parser.add_argument("--policy-config", type=Path, action="append", dest="policy_configs", metavar="FILE",
                        help="policy config file for the pack in the same position (default: the program's own "
                        "policies/config/<stack>.json, when it has one; otherwise the pack's defaults)")
    parser.add_argument("--format", choices=sorted(REPORTS), default="text", help="what to print (default: text)")
    parser.add_argument("--out", type=Path, help="report folder (default: build/plan/<stack>/ in the project found "
                        "at or above the working directory; with --program, in the working directory)")
    parser.add_argument("--preview", action="store_true",
                        help="leave ids, ARNs and other computed values unknown, as `pulumi preview` of a new "
                        "stack does (default: plausible computed values, as after `pulumi up`)")
    parser.add_argument("--stack-outputs", type=Path, metavar="FILE",
                        help="JSON object of stack name -> outputs, read by the program's StackReferences "
                        "(default: their outputs are unknown)")
    parser.add_argument("--strict", action="store_true",
                        help="stop (exit 2) at a data source the emulated account cannot answer, instead of "
                        "answering it with a marked placeholder listed in the reports")
    parser.add_argument("--scanner", choices=["checkov"],
                        help="also judge plan.tfplan.json with this Terraform-plan scanner (installed separately: "
                        "checkov on PATH or SECURE_ECS_CHECKOV); its results join the reports")
    parser.add_argument("--scanner-gate", action="store_true",
                        help="let the scanner's failed checks count toward the exit status (default: reported only)")
    parser.add_argument("--debug", action="store_true", help="print tracebacks for errors")
    parser.set_defaults(handler=run_plan_command)


def add_program_arguments(parser: argparse.ArgumentParser) -> None:
    """--stack and --program, shared by the commands that run a program offline."""
    parser.add_argument("--stack", default=DEFAULT_STACK, type=stack_name,
                        help="stack whose Pulumi.<stack>.yaml to use (default: dev)")
    parser.add_argument("--program", type=Path,
                        help="Pulumi Python project folder (default: the project at or above the working directory)")
    parser.add_argument("--timeout", type=positive_seconds, default=DEFAULT_SECONDS, metavar="SECONDS",
                        help="time limit for each phase: running the program, starting each policy pack, each "
                        f"pack call (default: {DEFAULT_SECONDS:g})")


def _find_project(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / "Pulumi.yaml").is_file():
            return folder
    return None


def _source_root(program_dir: Path) -> Path:
    """The enclosing repository (so SARIF paths match the checkout), else the program folder."""
    for folder in (program_dir, *program_dir.parents):
        if (folder / ".git").exists():
            return folder
    return program_dir


def _default_pack(program: Path) -> Path:
    """The program's own `policies/` pack if it has one, else the pack installed with this tool."""
    candidates = [program / "policies", bundled_policy_pack()]
    return next((c for c in candidates if (c / "PulumiPolicy.yaml").is_file()), candidates[-1])


def resolve_program(program: Path | None) -> Path:
    """--program, else the Pulumi project at or above the working directory (never a guess)."""
    if program is not None:
        if not program.is_dir():
            raise StackFileError(f"--program {program} is not a folder; give the folder that holds Pulumi.yaml")
        return program.resolve()
    found = _find_project(Path.cwd())
    if found is None:
        raise StackFileError(f"there is no Pulumi project (Pulumi.yaml) at or above {Path.cwd()}; run from one "
                             "or pass --program")
    return found.resolve()


def stack_name(value: str) -> str:
    """argparse type for --stack: a name, never a path (it names Pulumi.<stack>.yaml and the report folder)."""
    if not STACK_NAME.fullmatch(value):
        shown = value if len(value) <= 60 else f"{value[:57]}..."
        raise argparse.ArgumentTypeError(
            f"{shown!r} is not a stack name (at most 100 letters, digits, '-', '_', '.')"
        )
    return value


def build_request(arguments: argparse.Namespace) -> PlanRequest:
    program = resolve_program(arguments.program)
    default_pack = _default_pack(program)
    packs = tuple(p.resolve() for p in arguments.policy_packs or [default_pack])
    configs: tuple[Path | None, ...]
    if arguments.policy_configs:
        configs = tuple(c.resolve() for c in arguments.policy_configs)
    else:
        stack_config = default_pack / "config" / f"{arguments.stack}.json"
        # A pack's stack configs are written for the pack's own project: another program on a stack
        # that happens to share a name (every project has a `dev`) gets the pack's defaults.
        own_pack = not arguments.policy_packs and default_pack.parent == program
        configs = (stack_config,) if own_pack and stack_config.is_file() else ()
    return PlanRequest(program_dir=program, stack=arguments.stack, pack_dirs=packs, config_files=configs,
                       source_root=_source_root(program), preview=arguments.preview, timeout=arguments.timeout,
                       strict=arguments.strict, scanner=arguments.scanner, scanner_gate=arguments.scanner_gate,
                       stack_outputs=read_stack_outputs(arguments.stack_outputs) if arguments.stack_outputs else {})


def default_out_dir(arguments: argparse.Namespace, program_dir: Path) -> Path:
    """build/plan/<stack> in the project (never inside whichever subfolder the command ran from)."""
    base = Path.cwd() if arguments.program is not None else program_dir
    folder = base / "build" / "plan" / str(arguments.stack)
    try:
        return Path(os.path.relpath(folder))
    except ValueError:  # another drive (Windows)
        return folder


class _NoVerdictError(Exception):
    """The plan has no verdict; the message is the paragraph to print (exit status 2)."""


def run_plan_command(arguments: argparse.Namespace) -> int:
    try:
        result, reports, out_dir = _plan_and_publish(arguments)
    except _NoVerdictError as failure:
        return report_failure("plan", str(failure), json_stdout=arguments.format == "json")
    _print_result(arguments.format, result, reports, out_dir)
    return result.exit_code


def _plan_and_publish(arguments: argparse.Namespace) -> tuple[PlanResult, dict[str, str], Path]:
    try:
        request = build_request(arguments)
    except StackFileError as error:
        raise _NoVerdictError(f"{error}.") from None
    except OSError as error:
        raise _NoVerdictError(f"cannot read the project or policy files: {error}.") from None
    if len(request.config_files) > len(request.pack_dirs):
        raise _NoVerdictError(
            "more --policy-config files than --policy-pack folders; give one config per pack, in order."
        )
    out_dir: Path = arguments.out or default_out_dir(arguments, request.program_dir)
    try:
        # The folder is checked and locked first: a bad --out fails before the plan runs.
        with report_folder(out_dir) as folder:
            result = _run(request, arguments.debug)
            reports = render_reports(result)
            try:
                folder.publish(reports)
            except OSError as error:
                raise _NoVerdictError(
                    f"cannot write the reports to {out_dir}: {error.strerror or error}; the folder was left as it "
                    "was. Free some space or choose a writable folder with --out."
                ) from None
    except ReportFolderError as error:
        raise _NoVerdictError(
            f"cannot write the reports to {out_dir}: {error}. Choose another folder with --out."
        ) from None
    return result, reports, out_dir


def _run(request: PlanRequest, debug: bool) -> PlanResult:
    try:
        return run_plan(request)
    except (TimeLimitError, ScannerError) as error:
        raise _NoVerdictError(f"{error}.") from None
    except Exception as error:
        if debug:
            traceback.print_exception(error, file=sys.stderr)
        raise _NoVerdictError(explain(error, request.program_dir, request.stack, debug)) from None


def _print_result(report_format: str, result: PlanResult, reports: dict[str, str], out_dir: Path) -> None:
    if report_format == "text":
        # Logs and pipes get a wide page so resource types are not cut; a terminal keeps its width.
        console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
        console.print(summary_renderable(result))
        names = ", ".join(REPORTS[name][0] for name in REPORTS)
        console.print(f"Reports written to {out_dir}/ ({names})", markup=False)
    else:
        sys.stdout.write(reports[REPORTS[report_format][0]])
