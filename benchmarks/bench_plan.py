"""Wall time and peak memory of `secure-ecs plan` (a script, not a test).

    .venv/bin/python benchmarks/bench_plan.py [--stack prod] [--runs 3]

Runs the console script (falling back to `python -m secure_ecs.cli`) as a fresh process per run,
so interpreter start-up, imports and policy-pack start-up are all included. Peak memory is the
largest sum of resident set sizes over the process and all its descendants (the pack runs as a
child process), sampled from /proc every few milliseconds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 0.005


def _children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        found: list[int] = []
        for task in tasks:
            text = (task / "children").read_text()
            found.extend(int(child) for child in text.split())
        return found
    except OSError:
        return []


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_rss(root: int) -> int:
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += _rss_bytes(pid)
        pending.extend(_children(pid))
    return total


def _command(stack: str, out_dir: Path) -> list[str]:
    script = Path(sys.executable).with_name("secure-ecs")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "secure_ecs.cli"]
    return [*base, "plan", "--stack", stack, "--format", "json", "--out", str(out_dir)]


def measure(stack: str) -> tuple[float, int, int]:
    """(seconds, peak tree RSS in bytes, exit status) of one plan run."""
    out_dir = Path(tempfile.mkdtemp(prefix="bench-plan-"))
    started = time.perf_counter()
    process = subprocess.Popen(_command(stack, out_dir), cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(SAMPLE_SECONDS)
    elapsed = time.perf_counter() - started
    shutil.rmtree(out_dir, ignore_errors=True)
    if process.returncode not in (0, 1):
        assert process.stderr is not None
        sys.stderr.write(process.stderr.read().decode())
    return elapsed, peak, process.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    results = [measure(arguments.stack) for _ in range(arguments.runs)]
    times = [seconds for seconds, _, _ in results]
    peaks = [peak / 2**20 for _, peak, _ in results]
    print(f"secure-ecs plan --stack {arguments.stack}: {len(results)} runs, exit status {results[-1][2]}")
    print(f"  wall time  median {statistics.median(times):.2f} s  (min {min(times):.2f}, max {max(times):.2f})")
    print(f"  peak RSS   median {statistics.median(peaks):.0f} MB (process tree, pack included; max {max(peaks):.0f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
