"""Time of `estimate_cost` on the project's stacks, graph capture excluded (a script, not a test).

.venv/bin/python benchmarks/bench_cost.py [--stack prod] [--runs 200]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from secure_ecs.cost import estimate_cost, render_text, to_json
from secure_ecs.offline.harness import run_stack


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    graph = run_stack(args.stack, Path(__file__).resolve().parents[1])
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        estimate = estimate_cost(graph)
        to_json(estimate)
        render_text(estimate)
        timings.append(time.perf_counter() - start)
    print(
        f"{args.stack}: {len(graph)} resources, median {statistics.median(timings) * 1000:.2f} ms "
        f"(max {max(timings) * 1000:.2f} ms) over {args.runs} runs"
    )


if __name__ == "__main__":
    main()
