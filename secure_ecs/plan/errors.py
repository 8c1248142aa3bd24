"""One clear paragraph for each way a plan can fail before it has a verdict (exit status 2)."""

from __future__ import annotations

import importlib.util
import traceback
from pathlib import Path

from pydantic import ValidationError

from secure_ecs.analyzer import AnalyzerError, PackStartError, PolicyConfigError
from secure_ecs.offline.account import NoMatchingResourceError
from secure_ecs.offline.harness import ProgramError
from secure_ecs.offline.invokes import UnansweredInvokeError
from secure_ecs.offline.stack_files import MissingStackFileError, StackFileError
from secure_ecs.plan.source_locations import is_program_file

# This project's own error types, known by name: importing them would cost a foreign program a
# second (its stack config and components), and for this project's own stacks the harness forgets
# the modules of the program folder after the run, so they may be gone from sys.modules by now.
_STACK_CONFIG_ERROR = "secure_ecs.config.errors.StackConfigError"
_COMPONENT_ERROR = "secure_ecs_components.errors.ComponentArgumentError"


def _is_a(error: BaseException, qualified_name: str) -> bool:
    """`isinstance(error, <the class of that qualified name>)`, without importing it."""
    return any(f"{cls.__module__}.{cls.__qualname__}" == qualified_name for cls in type(error).__mro__)


def _is_config_error(error: BaseException) -> bool:
    """The stack's configuration or a component's arguments are wrong: judged by the error's type."""
    if _is_a(error, _STACK_CONFIG_ERROR) or _is_a(error, _COMPONENT_ERROR):
        return True
    # pydantic's ValidationError counts when it was raised while reading this project's stack config.
    config = importlib.util.find_spec("secure_ecs.config")  # (its location; the package is not run)
    if config is None or config.origin is None or not isinstance(error, ValidationError):
        return False
    config_home = Path(config.origin).resolve().parent
    raised_in = [Path(frame.filename).resolve() for frame in traceback.extract_tb(error.__traceback__)]
    return any(p.is_relative_to(config_home) for p in raised_in)


def _program_frame(error: BaseException, program_dir: Path) -> str:
    """`file:line` of the innermost traceback frame inside the program folder, or ""."""
    root = program_dir.resolve()
    found = ""
    for frame in traceback.extract_tb(error.__traceback__):
        if is_program_file(frame.filename, root):
            found = f"{Path(frame.filename).resolve().relative_to(root)}:{frame.lineno}"
    return found


def _root_cause(error: BaseException) -> BaseException:
    """The exception the program raised, unwrapped from the SDK's wrappers (chained causes)."""
    seen = {id(error)}
    while True:
        inner = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
        if inner is None or id(inner) in seen:
            return error
        if isinstance(inner, UnansweredInvokeError | NoMatchingResourceError | SyntaxError | StackFileError):
            return inner
        seen.add(id(inner))
        error = inner


def _last_lines(text: str, debug: bool) -> str:
    """A pack's own traceback in full with --debug; otherwise only its closing line (the error)."""
    if debug:
        return text
    head, marker, tail = text.partition("--- pack stderr (last lines) ---")
    if not marker:
        return text
    lines = [line for line in tail.splitlines() if line.strip()]
    return f"{head.strip()} The pack said: {lines[-1].strip() if lines else '(nothing)'}"


def _pack_problem(error: AnalyzerError, debug: bool) -> str:
    if isinstance(error, PolicyConfigError):
        return f"The policy configuration is not valid: {error}. Fix the file given with --policy-config."
    if isinstance(error, PackStartError):
        return (f"A policy pack could not be started: {_last_lines(str(error), debug)}\nCheck that --policy-pack "
                "points at a CrossGuard pack (a folder with PulumiPolicy.yaml) whose dependencies are installed.")
    return (f"A policy pack failed while checking the program: {_last_lines(str(error), debug)}\nA policy raised "
            "an error or the pack stopped; run the pack's own tests, or rerun with --debug.")


def _program_problem(error: BaseException, cause: BaseException, program_dir: Path, stack: str) -> str:
    # The cause's own traceback reaches into the program (an `apply` callback); the wrapper's may not.
    where = _program_frame(cause, program_dir) or _program_frame(error, program_dir)
    at = f" at {where}" if where else ""
    if isinstance(cause, SyntaxError):
        location = f"{cause.filename}:{cause.lineno}" if cause.filename else "the program"
        return f"{location}: syntax error: {cause.msg}. Fix the program and run the plan again."
    if isinstance(cause, UnansweredInvokeError | NoMatchingResourceError):
        return f"The program{at} stopped: {cause}."
    if isinstance(error, ProgramError):
        return f"{error}."
    if isinstance(cause, ModuleNotFoundError):
        return (f"The program{at} imports {cause.name!r}, which is not installed where secure-ecs runs. Install "
                "the program's requirements into the same Python environment as secure-ecs and run the plan again.")
    kind = type(cause).__name__
    if _is_config_error(cause):
        return (f"The configuration of stack '{stack}' was rejected ({kind}{at}): {str(cause).rstrip('.')}. Fix "
                f"Pulumi.{stack}.yaml (or the component arguments) and run the plan again.")
    return (f"The program raised {kind}{at}: {cause}. This is an error in the program or its configuration, "
            "not a policy violation; fix it, or rerun with --debug for the traceback.")


def explain(error: BaseException, program_dir: Path, stack: str, debug: bool = False) -> str:
    """The paragraph printed for an error that stops a plan, with the notes the harness added."""
    paragraph = _explain(error, program_dir, stack, debug)
    notes = " ".join(str(note) for note in getattr(error, "__notes__", ()))
    return f"{paragraph} {notes}" if notes else paragraph


def _explain(error: BaseException, program_dir: Path, stack: str, debug: bool) -> str:
    if isinstance(error, AnalyzerError):
        return _pack_problem(error, debug)
    already_clear = UnansweredInvokeError | NoMatchingResourceError | StackFileError
    cause = error if isinstance(error, already_clear) else _root_cause(error)
    if isinstance(cause, MissingStackFileError):
        return (f"Cannot read the stack configuration: {cause}. Check --stack and --program: the program folder "
                f"needs a Pulumi.yaml and a Pulumi.{stack}.yaml (create it with `pulumi stack init {stack}` "
                "and `pulumi config set`).")
    if isinstance(cause, StackFileError):
        return f"Cannot read the stack configuration: {cause}. Fix the file and run the plan again."
    if _is_a(cause, _STACK_CONFIG_ERROR):  # its message lists every key and says how to fix them
        return f"The configuration of stack '{stack}' was rejected: {cause}"
    return _program_problem(error, cause, program_dir, stack)
