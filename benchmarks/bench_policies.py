"""Time the secure-ecs pack through the analyzer protocol (a script, not a test).

    .venv/bin/python benchmarks/bench_policies.py [--resources 10000] [--config prod]

Builds a synthetic stack by repeating the hand-built private Fargate stack used in the policy
tests until it has the requested number of resources, then measures pack start-up, Analyze per
resource (one gRPC call each, as the engine makes them) and one AnalyzeStack over everything.
If the offline harness can run the project's prod stack, that stack is timed too.

pulumi-policy's Python runtime deserializes every resource's properties again for each policy it
runs (per Analyze call for each resource policy, per AnalyzeStack for each stack policy), so the
cost grows with the size of the catalogue whatever the rules do; the pack's entry point shares
those reads within a call (`secure_ecs_policies.shared_reads`), the floor pack does not. ``--floor``
also times a pack of as many policies that do nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
for source in (REPO_ROOT, REPO_ROOT / "policies"):
    if str(source) not in sys.path:
        sys.path.append(str(source))

from secure_ecs.analyzer import AnalyzerClient  # noqa: E402
from secure_ecs.analyzer.convert import index_graph, is_analyzed_per_resource  # noqa: E402
from secure_ecs.offline.graph import CapturedResource, ResourceGraph  # noqa: E402
from tests.policies.stacks import fargate_stack  # noqa: E402


def _renamed(resource: CapturedResource, copy: int) -> CapturedResource:
    def rename(urn: str) -> str:
        return f"{urn}-{copy}" if "pulumi:pulumi:Stack" not in urn else urn

    return dataclasses.replace(
        resource,
        urn=rename(resource.urn),
        name=f"{resource.name}-{copy}",
        dependencies=tuple(rename(u) for u in resource.dependencies),
        property_dependencies={k: tuple(rename(u) for u in v) for k, v in resource.property_dependencies.items()},
    )


def synthetic_stack(size: int) -> ResourceGraph:
    template = fargate_stack()
    copies = -(-size // len(template))
    resources = [_renamed(r, copy) for copy in range(copies) for r in template.resources][:size]
    return ResourceGraph(project=template.project, stack="bench", resources=tuple(resources))


def _time_stack(pack: AnalyzerClient, label: str, stack: ResourceGraph, stack_runs: int) -> None:
    index = index_graph(stack)
    analyzed = [r for r in stack.resources if is_analyzed_per_resource(r)]
    per_call: list[float] = []
    findings = 0
    started = time.perf_counter()
    for item in analyzed:
        call_started = time.perf_counter()
        findings += len(pack.analyze(item, stack, index))
        per_call.append(time.perf_counter() - call_started)
    analyze_total = time.perf_counter() - started
    stack_times: list[float] = []
    for _ in range(stack_runs):
        call_started = time.perf_counter()
        findings_stack = len(pack.analyze_stack(stack))
        stack_times.append(time.perf_counter() - call_started)
    per_call_ms = sorted(t * 1000 for t in per_call)
    print(f"{label}: {len(stack)} resources, {len(analyzed)} analyzed one by one")
    print(f"  Analyze      total {analyze_total:7.2f} s   mean {statistics.mean(per_call_ms):.2f} ms   "
          f"median {statistics.median(per_call_ms):.2f} ms   p95 {per_call_ms[int(len(per_call_ms) * 0.95)]:.2f} ms"
          f"   ({findings} findings)")
    print(f"  AnalyzeStack best {min(stack_times):7.2f} s   mean {statistics.mean(stack_times):.2f} s over "
          f"{stack_runs} runs   ({findings_stack} findings)")


def _write_floor_pack(folder: Path, resource_policies: int, stack_policies: int) -> Path:
    """A pack with the given numbers of policies that judge nothing: the runtime's own cost."""
    (folder / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (folder / "__main__.py").write_text(textwrap.dedent(f"""
        from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy

        def nothing(args, report):
            return None

        PolicyPack("floor", [
            *(ResourceValidationPolicy(f"resource-{{i}}", "does nothing", nothing) for i in range({resource_policies})),
            *(StackValidationPolicy(f"stack-{{i}}", "does nothing", nothing) for i in range({stack_policies})),
        ], enforcement_level=EnforcementLevel.MANDATORY)
    """))
    return folder


def _time_floor(kinds: list[str], size: int, stack_runs: int) -> None:
    stack_count = kinds.count("stack")
    resource_count = len(kinds) - stack_count
    with tempfile.TemporaryDirectory() as scratch:
        folder = _write_floor_pack(Path(scratch), resource_count, stack_count)
        with AnalyzerClient(folder, call_timeout=300.0) as floor:
            floor.configure()
            _time_stack(floor, f"floor: {resource_count} resource + {stack_count} stack policies that do nothing",
                        synthetic_stack(size), stack_runs)


def _harness_prod_stack() -> ResourceGraph | None:
    try:
        from secure_ecs.offline.harness import run_stack

        return run_stack("prod", Path(__file__).resolve().parents[1])
    except Exception as problem:  # the project program may not exist yet; the benchmark still runs
        print(f"(prod stack via the offline harness skipped: {type(problem).__name__}: {problem})")
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--config", default="prod", help="policies/config/<name>.json")
    parser.add_argument("--stack-runs", type=int, default=3)
    parser.add_argument("--floor", action="store_true", help="also time a pack of as many no-op policies")
    options = parser.parse_args()

    started = time.perf_counter()
    with AnalyzerClient(REPO_ROOT / "policies", call_timeout=300.0) as pack:
        info = pack.info()
        pack.configure(config_file=REPO_ROOT / "policies" / "config" / f"{options.config}.json")
        kinds = [p.policy_type for p in info.policies]
        print(f"pack {info.name} ({len(kinds)} policies: {kinds.count('resource')} resource, "
              f"{kinds.count('stack')} stack) started and configured in {time.perf_counter() - started:.2f} s")
        prod = _harness_prod_stack()
        if prod is not None:
            _time_stack(pack, "prod stack (offline harness)", prod, options.stack_runs)
        _time_stack(pack, "hand-built Fargate stack", fargate_stack(), options.stack_runs)
        _time_stack(pack, "synthetic stack", synthetic_stack(options.resources), options.stack_runs)
    if options.floor:
        _time_floor(kinds, options.resources, options.stack_runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
