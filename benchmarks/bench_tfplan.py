"""Time the Terraform-plan export of a stack's captured graph (a script, not a test).

    .venv/bin/python benchmarks/bench_tfplan.py [--stack prod] [--runs 20]

Captures the stack once, then times what the export adds to a plan: loading the mapping table (a
fresh process pays it once), exporting the graph and rendering plan.tfplan.json. The budget is 0.3 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from secure_ecs.offline.harness import run_stack  # noqa: E402
from secure_ecs.tfplan.export import export_plan  # noqa: E402
from secure_ecs.tfplan.report import tfplan_json  # noqa: E402
from secure_ecs.tfplan.table import load_table  # noqa: E402

BUDGET_SECONDS = 0.3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    graph = run_stack(args.stack, Path(__file__).resolve().parents[1])
    started = time.perf_counter()
    load_table()
    table_seconds = time.perf_counter() - started
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        plan = export_plan(graph)
        tfplan_json(plan)
        timings.append(time.perf_counter() - started)
    worst = table_seconds + max(timings)
    print(f"stack {args.stack}: {len(plan.addresses)} resources exported; table load {table_seconds * 1000:.1f} ms, "
          f"export + render median {statistics.median(timings) * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms; "
          f"first export in a process {worst * 1000:.1f} ms (budget {BUDGET_SECONDS * 1000:.0f} ms)")
    return 0 if worst < BUDGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
