"""Run a program offline, then every policy pack over what it declared: the core of `secure-ecs plan`.

Packs are started in the background before the program runs, so a pack's interpreter start-up
and imports happen on the other core while the program runs.
"""

from __future__ import annotations

import dataclasses
import gc
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secure_ecs.analyzer import AnalyzerClient
from secure_ecs.cost import AmbiguousRegionError, CostEstimate, UnsupportedRegionError, estimate_cost
from secure_ecs.offline.graph import ResourceGraph
from secure_ecs.offline.harness import ProgramError, run_program
from secure_ecs.offline.stack_files import StackSettings, read_stack_settings
from secure_ecs.plan.model import PackRun, PlanResult
from secure_ecs.plan.source_locations import DeclarationRecorder
from secure_ecs.tfplan.checkov import scan_plan
from secure_ecs.tfplan.export import export_plan
from secure_ecs.time_limits import DEFAULT_SECONDS, time_limit


@dataclass(frozen=True)
class PlanRequest:
    program_dir: Path
    stack: str
    pack_dirs: tuple[Path, ...]
    config_files: tuple[Path | None, ...] = ()
    """Policy config per pack, by position (like repeated `--policy-pack-config`); None for none."""
    source_root: Path | None = None
    preview: bool = False
    """Leave computed values unknown, as `pulumi preview` of a new stack sees them."""
    timeout: float = DEFAULT_SECONDS
    """Time limit in seconds for each phase: the program, each pack's start, each pack call."""
    scanner: str | None = None
    """A Terraform-plan scanner to run on the exported plan (only "checkov"); None for none."""
    scanner_gate: bool = False
    """Let the scanner's failed checks count toward the exit status."""
    strict: bool = False
    """Stop at data sources the emulated account cannot answer instead of answering with placeholders."""
    stack_outputs: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    """Outputs of other stacks the program reads through StackReference (`--stack-outputs`)."""

    def config_for(self, position: int) -> Path | None:
        return self.config_files[position] if position < len(self.config_files) else None


@contextmanager
def _packs_starting(
    pack_dirs: Sequence[Path], timeout: float = DEFAULT_SECONDS
) -> Iterator[list[tuple[AnalyzerClient, Future[AnalyzerClient]]]]:
    """Packs starting in background threads; each is stopped on exit, after its start has finished.

    On an early exit (an error, a signal) a start still under way is aborted rather than awaited.
    """
    clients = [AnalyzerClient(directory, call_timeout=timeout, start_timeout=timeout) for directory in pack_dirs]
    # The pool's threads start the packs and live until every pack is stopped (the parent-death
    # guard is tied to the starting thread).
    with ThreadPoolExecutor(max_workers=max(len(clients), 1), thread_name_prefix="policy-pack") as pool:
        starting = [(client, pool.submit(client.start)) for client in clients]
        try:
            yield starting
        finally:
            for client, future in starting:
                if not future.done():
                    client.abort()
            for client, future in starting:
                # Never close a client while its start is still running in the other thread.
                if future.exception() is None:
                    client.close()


def capture_graph(
    program_dir: Path, settings: StackSettings, timeout: float = DEFAULT_SECONDS
) -> tuple[ResourceGraph, DeclarationRecorder]:
    """Run the program against the emulated account, recording where each resource is declared."""
    recorder = DeclarationRecorder(program_dir)
    with recorder.recording(), time_limit("The program", timeout):  # the harness keeps the account on
        graph = run_program(program_dir, settings)
    _refuse_duplicate_urns(graph)
    return graph, recorder


def _refuse_duplicate_urns(graph: ResourceGraph) -> None:
    """The engine refuses a second resource with the same URN, so such a program can never be deployed."""
    seen: set[str] = set()
    for resource in graph.resources:
        if resource.urn in seen:
            raise ProgramError(
                f"The program declares two resources with the URN {resource.urn}; the Pulumi engine refuses "
                "duplicate URNs, so this program cannot be deployed. Give each resource a unique name (within its "
                "type and parent)"
            )
        seen.add(resource.urn)


def _check(client: AnalyzerClient, graph: ResourceGraph, config_file: Path | None) -> PackRun:
    configured = client.configure(config_file=config_file)
    client.configure_stack(graph.project, graph.stack)
    diagnostics = client.analyze_resources(graph) + client.analyze_stack(graph)
    enforcement = {name: config.enforcement_level for name, config in configured.items() if config.enforcement_level}
    return PackRun(directory=client.pack_dir, info=client.info(), config_file=config_file,
                   diagnostics=tuple(diagnostics), enforcement=enforcement)


@contextmanager
def _garbage_collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while a plan runs.

    The SDK, the provider's type modules and moto create well over a million long-lived objects, and
    the collector's full passes re-scan all of them again and again: about a third of a plan's
    time. A plan's own cyclic garbage is small, so it is left for the first collection after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def price(graph: ResourceGraph, settings: StackSettings) -> tuple[CostEstimate | None, str]:
    """The graph's estimate, or why there is none (a region without a price table is no plan error)."""
    try:
        return estimate_cost(graph, region=settings.config.get("aws:region")), ""
    except (UnsupportedRegionError, AmbiguousRegionError) as reason:
        return None, f"No cost estimate: {reason}"


def run_plan(request: PlanRequest) -> PlanResult:
    """The plan for one stack; program, stack-file and pack errors propagate to the caller."""
    with _garbage_collection_paused():
        return _run_plan(request)


def _run_plan(request: PlanRequest) -> PlanResult:
    started = time.perf_counter()
    settings = dataclasses.replace(read_stack_settings(request.program_dir, request.stack), preview=request.preview,
                                   strict_invokes=request.strict, stack_reference_outputs=request.stack_outputs)
    with _packs_starting(request.pack_dirs, request.timeout) as starting:
        graph, recorder = capture_graph(request.program_dir, settings, request.timeout)
        packs = []
        for position, (client, future) in enumerate(starting):
            future.result()  # re-raises the pack's start failure, if any
            packs.append(_check(client, graph, request.config_for(position)))
    cost, cost_unavailable = price(graph, settings)
    terraform_plan = export_plan(graph)
    scanner = scan_plan(terraform_plan, request.timeout) if request.scanner else None
    return PlanResult(
        program_dir=request.program_dir,
        graph=graph,
        packs=tuple(packs),
        cost=cost,
        cost_unavailable=cost_unavailable,
        locations=recorder.locations(graph),
        source_root=request.source_root,
        duration_seconds=time.perf_counter() - started,
        terraform_plan=terraform_plan,
        scanner=scanner,
        scanner_gate=request.scanner_gate,
        region_unset="aws:region" not in settings.config,
    )
