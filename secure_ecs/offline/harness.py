"""Run a Pulumi Python program under Pulumi's mock engine and capture its resource graph.

Only provider calls are simulated: the program, its components and the Pulumi SDK run for real.
Resources get plausible computed attributes (`attributes.py`) and data-source invokes are answered
by an `InvokeResponder` (an emulated account), so the graph looks like what `pulumi preview`
would send to a policy pack.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import runpy
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
from pulumi.runtime.settings import SETTINGS
from pulumi.runtime.stack import wait_for_rpcs

from secure_ecs.offline.account import DEFAULT_REGION, EmulatedAccount, default_responder
from secure_ecs.offline.attributes import AccountContext
from secure_ecs.offline.declared_outputs import DeclaredOutputs
from secure_ecs.offline.graph import UNKNOWN, ResourceGraph
from secure_ecs.offline.invokes import InvokeResponder
from secure_ecs.offline.mocks import OfflineMocks
from secure_ecs.offline.monitor import CapturingMonitor
from secure_ecs.offline.program_guard import ProgramExit, contained_program
from secure_ecs.offline.stack_files import StackSettings, read_program_location, read_stack_settings


class ProgramError(Exception):
    """The program could not be run to completion; the message says why and what to do."""


@contextmanager
def _program_environment(program_dir: Path) -> Iterator[None]:
    """The working directory and import path a program gets from `pulumi up`."""
    previous_cwd = Path.cwd()
    previous_path = list(sys.path)
    shadowed = _shadowed_modules(program_dir)
    for name in shadowed:
        del sys.modules[name]
    previous_modules = set(sys.modules)
    os.chdir(program_dir)
    sys.path.insert(0, str(program_dir))
    try:
        yield
    finally:
        os.chdir(previous_cwd)
        sys.path[:] = previous_path
        # Forget the program's own modules (not installed packages, even in a venv inside the
        # project) so the next run of another program with same-named modules re-imports them.
        for name in set(sys.modules) - previous_modules:
            module_file = getattr(sys.modules[name], "__file__", None) or ""
            if module_file.startswith(str(program_dir)) and "site-packages" not in module_file:
                del sys.modules[name]
        sys.modules.update(shadowed)


def _shadowed_modules(program_dir: Path) -> dict[str, Any]:
    """Already imported modules that the program's own top-level modules and packages shadow.

    With the program folder first on the import path, `import components` must find the program's
    own `components` package, not a module of that name this process imported earlier.
    """
    local = {p.stem for p in program_dir.glob("*.py")} | {p.parent.name for p in program_dir.glob("*/__init__.py")}
    local.discard("__main__")  # runpy swaps that one itself
    return {
        name: module
        for name, module in list(sys.modules.items())
        if name.split(".")[0] in local
        and not (getattr(module, "__file__", None) or "").startswith(str(program_dir))
    }


async def _resolve_stack_outputs() -> dict[str, Any]:
    root = pulumi.runtime.get_root_resource()
    outputs = getattr(root, "outputs", {}) or {}
    resolved: dict[str, Any] = {}
    # One by one: a single unknown export would make the whole dict unknown (and read as empty).
    for key, value in outputs.items():
        output = pulumi.Output.from_input(value)
        resolved[key] = await output.future() if await output.is_known() else UNKNOWN
    return resolved


def _drop_unretrieved_failures(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Keep asyncio quiet about the failed outputs a failed program leaves behind.

    When one `apply` raises, the SDK fails every output and registration that depends on it, and
    each failed future that nobody awaited logs "Future exception was never retrieved" with a full
    traceback when it is collected: hundreds of copies of the one error the plan reports.
    """
    if "never retrieved" not in str(context.get("message", "")):
        loop.default_exception_handler(context)


def _close(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what a failed program left pending, so nothing outlives its loop or warns later."""
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
    asyncio.set_event_loop(None)
    with SETTINGS.lock:
        SETTINGS.outputs.clear()


def _run_in_fresh_context(
    program: Callable[[], object],
    settings: StackSettings,
    responder: InvokeResponder,
    account: AccountContext,
    environment: AbstractContextManager[object],
) -> ResourceGraph:
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(_drop_unretrieved_failures)
    asyncio.set_event_loop(loop)
    # The SDK tracks outstanding outputs process-wide; drop any left by an earlier run that failed.
    SETTINGS.rpc_manager.clear()
    SETTINGS.outputs.clear()
    declared = DeclaredOutputs()
    mocks = OfflineMocks(
        responder, account, settings.preview, strict_invokes=settings.strict_invokes, declared=declared,
        stack_reference_outputs=settings.stack_reference_outputs,
    )
    monitor = CapturingMonitor(mocks)
    pulumi.runtime.set_all_config(
        {**settings.config, "aws:region": settings.config.get("aws:region", account.region)},
        list(settings.secret_keys),
    )
    pulumi.runtime.set_mocks(
        mocks, project=settings.project, stack=settings.stack, preview=settings.preview, monitor=monitor
    )
    declared.install()
    # A responder that is a context manager (an emulated account) stays switched on for the whole
    # run: invokes are answered on executor threads, concurrently.
    account_scope = responder if isinstance(responder, AbstractContextManager) else nullcontext()
    try:
        # Until every registration resolved: they may import program modules (and call sys.exit, or print).
        with account_scope, environment, contained_program():
            program()
            loop.run_until_complete(wait_for_rpcs())
            stack_outputs = loop.run_until_complete(_resolve_stack_outputs())
    except ProgramExit as exit_:
        raise ProgramError(str(exit_)) from None
    except Exception as error:
        if mocks.placeholders:  # a made-up answer may be what the program tripped over
            listed = "; ".join(f"{a.token} ({a.reason})" for a in mocks.placeholders)
            error.add_note(f"Data sources answered with placeholders before this: {listed}.")
        raise
    finally:
        _close(loop)
    return ResourceGraph(
        project=settings.project,
        stack=settings.stack,
        resources=monitor.captured_resources(),
        stack_outputs=stack_outputs,
        placeholder_answers=tuple(dict.fromkeys(mocks.placeholders)),  # one line per distinct answer
    )


def run_function(
    program: Callable[[], object],
    settings: StackSettings,
    responder: InvokeResponder | None = None,
    account: AccountContext | None = None,
    environment: AbstractContextManager[object] | None = None,
) -> ResourceGraph:
    """Run an inline program (a function declaring resources) in a fresh Pulumi context.

    Each run gets a fresh context, so runs in one process do not see each other's resources.
    Exceptions from the program propagate unchanged; callers decide how to present them.
    """
    responder = responder or default_responder(settings)
    if account is None:
        account = responder.context() if isinstance(responder, EmulatedAccount) else AccountContext(
            region=settings.config.get("aws:region", DEFAULT_REGION)
        )
    return contextvars.Context().run(
        _run_in_fresh_context, program, settings, responder, account, environment or nullcontext()
    )


def run_program(
    program_dir: Path,
    settings: StackSettings,
    responder: InvokeResponder | None = None,
    account: AccountContext | None = None,
) -> ResourceGraph:
    """Run the project's program as `pulumi up` would, with `settings` as its stack config.

    `program_dir` is the project folder (with Pulumi.yaml); a `main:` there points at the program.
    """
    runtime, source_dir = read_program_location(program_dir)
    if runtime != "python":
        project_file = program_dir / "Pulumi.yaml"
        raise ProgramError(f"{project_file} declares runtime {runtime!r}; only Python programs run offline")
    if not (source_dir / "__main__.py").is_file():
        raise ProgramError(f"{source_dir} has no __main__.py; point --program at a Pulumi Python project")

    def program() -> None:
        runpy.run_path(str(source_dir / "__main__.py"), run_name="__main__")

    return run_function(program, settings, responder, account, _program_environment(source_dir))


def run_stack(stack: str, project_dir: Path, responder: InvokeResponder | None = None) -> ResourceGraph:
    """Run one of a project's stacks with its `Pulumi.<stack>.yaml` config."""
    return run_program(project_dir, read_stack_settings(project_dir, stack), responder)

