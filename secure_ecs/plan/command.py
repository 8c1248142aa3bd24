"""`secure-ecs plan`: arguments, defaults, running the pipeline and the exit status."""

from __future__ import annotations

import argparse
import re
import sys
import traceback
from pathlib import Path

from rich.console import Console

from secure_ecs import PROJECT_POLICY_PACK
from secure_ecs.offline.stack_files import StackFileError
from secure_ecs.plan.errors import explain
from secure_ecs.plan.outputs import REPORTS, write_reports
from secure_ecs.plan.pipeline import PlanRequest, run_plan
from secure_ecs.plan.summary import summary_renderable

EXIT_ERROR = 2
DEFAULT_STACK = "dev"
STACK_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")


def add_plan_parser(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subcommands.add_parser(
        "plan",
        help="run a stack offline (no cloud account) and check it with policy packs",
        description="Run a Pulumi Python program under the mock engine with a stack's config, answer data "
        "sources from an emulated AWS account, run CrossGuard policy packs over the result and write "
        "summary.txt, plan.json, plan.sarif and architecture.mmd. Exit 0: no mandatory violation; "
        "1: a mandatory violation; 2: the program, its config or a pack could not be run.",
    )
    add_program_arguments(parser)
    parser.add_argument("--policy-pack", type=Path, action="append", dest="policy_packs", metavar="DIR",
                        help="policy pack folder; repeat for several (default: this project's policies/)")
    parser.add_argument("--policy-config", type=Path, action="append", dest="policy_configs", metavar="FILE",
                        help="policy config file for the pack in the same position (default: "
                        "policies/config/<stack>.json for the default pack, when it exists)")
    parser.add_argument("--format", choices=sorted(REPORTS), default="text", help="what to print (default: text)")
    parser.add_argument("--out", type=Path, help="report folder (default: build/plan/<stack>/)")
    parser.add_argument("--preview", action="store_true",
                        help="leave ids, ARNs and other computed values unknown, as `pulumi preview` of a new "
                        "stack does (default: plausible computed values, as after `pulumi up`)")
    parser.add_argument("--debug", action="store_true", help="print tracebacks for errors")
    parser.set_defaults(handler=run_plan_command)


def add_program_arguments(parser: argparse.ArgumentParser) -> None:
    """--stack and --program, shared by the commands that run a program offline."""
    parser.add_argument("--stack", default=DEFAULT_STACK, type=stack_name,
                        help="stack whose Pulumi.<stack>.yaml to use (default: dev)")
    parser.add_argument("--program", type=Path,
                        help="Pulumi Python project folder (default: the project at or above the working directory)")


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
    """The program's own `policies/` pack if it has one, else this project's."""
    candidates = [program / "policies", PROJECT_POLICY_PACK]
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
        raise argparse.ArgumentTypeError(f"{value!r} is not a stack name (letters, digits, '-', '_', '.')")
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
        uses_default_pack = not arguments.policy_packs
        configs = (stack_config,) if uses_default_pack and stack_config.is_file() else ()
    return PlanRequest(program_dir=program, stack=arguments.stack, pack_dirs=packs, config_files=configs,
                       source_root=_source_root(program), preview=arguments.preview)


def run_plan_command(arguments: argparse.Namespace) -> int:
    # Logs and pipes get a wide page so resource types are not cut; a terminal keeps its width.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        request = build_request(arguments)
    except StackFileError as error:
        errors.print(f"secure-ecs plan: {error}.", markup=False, soft_wrap=True)
        return EXIT_ERROR
    if len(request.config_files) > len(request.pack_dirs):
        errors.print("secure-ecs plan: more --policy-config files than --policy-pack folders; "
                     "give one config per pack, in order.", soft_wrap=True)
        return EXIT_ERROR
    try:
        result = run_plan(request)
    except Exception as error:
        if arguments.debug:
            traceback.print_exception(error, file=sys.stderr)
        paragraph = explain(error, request.program_dir, request.stack, arguments.debug)
        errors.print(f"secure-ecs plan: {paragraph}", markup=False, soft_wrap=True)
        return EXIT_ERROR
    out_dir = arguments.out or Path("build") / "plan" / request.stack
    try:
        written = write_reports(result, out_dir)
    except OSError as error:
        errors.print(f"secure-ecs plan: cannot write the reports to {out_dir}: {error.strerror or error}. "
                     "Choose a writable folder with --out.", markup=False, soft_wrap=True)
        return EXIT_ERROR
    if arguments.format == "text":
        console.print(summary_renderable(result))
        console.print(f"Reports written to {out_dir}/ ({', '.join(p.name for p in written.values())})")
    else:
        sys.stdout.write(written[arguments.format].read_text(encoding="utf-8"))
    return result.exit_code
