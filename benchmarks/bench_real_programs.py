"""Offline plan time on real programs, side by side with the same program under plain Pulumi mocks.

    .venv/bin/python benchmarks/bench_real_programs.py PROGRAM_DIR [PROGRAM_DIR ...] [--runs 3]

For each program (a folder with Pulumi.yaml and Pulumi.dev.yaml) three fresh processes are timed,
so interpreter start-up and imports count the same on every side:

- ``mocks``: the program under `pulumi.runtime.set_mocks` with the mocks a user writes for unit
  tests (inputs echoed as state, invokes answered with their arguments);
- ``harness``: the same program under secure-ecs's offline harness (computed attributes, unknown
  outputs, the emulated account for invokes), the like-for-like comparison;
- ``plan``: the whole `secure-ecs plan` (harness, policy pack, cost estimate, reports).

Each side runs --runs times; the fastest wall time and the smallest CPU time (user + system, the
process and its children, so the policy pack counts) are kept: on a shared machine CPU time is the
steadier measure. Prints one row per program and the median ratios to the mocks side.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIDES = ("mocks", "harness", "plan")


def _run_under_plain_mocks(program_dir: Path) -> None:
    import pulumi
    from pulumi.runtime.stack import wait_for_rpcs

    from secure_ecs.offline.stack_files import read_program_location, read_stack_settings

    class UnitTestMocks(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            return f"{args.name}_id", dict(args.inputs)

        def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
            return dict(args.args)

    settings = read_stack_settings(program_dir, "dev")
    _, source_dir = read_program_location(program_dir)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_all_config(settings.config)
    pulumi.runtime.set_mocks(UnitTestMocks(), project=settings.project, stack=settings.stack, preview=False)
    sys.path.insert(0, str(source_dir))
    runpy.run_path(str(source_dir / "__main__.py"), run_name="__main__")
    loop.run_until_complete(wait_for_rpcs())


def _run_under_harness(program_dir: Path) -> None:
    import gc

    from secure_ecs.offline.harness import run_program

    gc.disable()  # as `run_plan` runs it
    from secure_ecs.offline.stack_files import read_stack_settings

    run_program(program_dir, read_stack_settings(program_dir, "dev"))


def _child(side: str, program_dir: Path) -> None:
    """One side, in this (fresh) process; a program that fails still counts the time it ran."""
    import os

    os.chdir(program_dir)
    try:
        (_run_under_plain_mocks if side == "mocks" else _run_under_harness)(program_dir)
    except BaseException as error:  # the time up to the failure is what is measured
        print(f"{side} failed: {type(error).__name__}: {error}"[:300], file=sys.stderr)
        sys.exit(3)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(side: str, program_dir: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the process and its children, exit status) of one run."""
    if side == "plan":
        out = tempfile.mkdtemp(prefix="bench-real-")
        command = [sys.executable, "-m", "secure_ecs.cli", "plan", "--program", str(program_dir), "--out", out]
    else:
        command = [sys.executable, __file__, "--child", side, str(program_dir)]
    started, cpu = time.perf_counter(), _cpu_seconds()
    completed = subprocess.run(command, capture_output=True, timeout=300, check=False, cwd=tempfile.gettempdir())
    return time.perf_counter() - started, _cpu_seconds() - cpu, completed.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("programs", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "PROGRAM"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        _child(arguments.child[0], Path(arguments.child[1]).resolve())
        return
    ratios: dict[str, list[float]] = {"harness": [], "plan": [], "harness cpu": [], "plan cpu": []}
    print(f"{'program':40} {'wall: mocks':>11} {'harness':>8} {'plan':>6} {'h/m':>5} {'p/m':>5}   "
          f"{'cpu: mocks':>10} {'harness':>8} {'plan':>6} {'h/m':>5} {'p/m':>5}  exit m/h/p")
    for program in arguments.programs:
        wall, cpu, codes = {}, {}, {}
        for side in SIDES:
            runs = [_time(side, program.resolve()) for _ in range(arguments.runs)]
            wall[side] = min(r[0] for r in runs)  # the least disturbed run: the machine is shared
            cpu[side] = min(r[1] for r in runs)
            codes[side] = runs[-1][2]
        for side in ("harness", "plan"):
            ratios[side].append(wall[side] / wall["mocks"])
            ratios[f"{side} cpu"].append(cpu[side] / cpu["mocks"])
        print(f"{program.name[-40:]:40} {wall['mocks']:11.2f} {wall['harness']:8.2f} {wall['plan']:6.2f} "
              f"{wall['harness'] / wall['mocks']:5.2f} {wall['plan'] / wall['mocks']:5.2f}   "
              f"{cpu['mocks']:10.2f} {cpu['harness']:8.2f} {cpu['plan']:6.2f} "
              f"{cpu['harness'] / cpu['mocks']:5.2f} {cpu['plan'] / cpu['mocks']:5.2f}  "
              f"{codes['mocks']}/{codes['harness']}/{codes['plan']}", flush=True)
    if ratios["harness"]:
        summary = ", ".join(f"{key}/mocks {statistics.median(values):.2f}" for key, values in ratios.items())
        print(f"median ratios over {len(ratios['harness'])} programs: {summary}")


if __name__ == "__main__":
    main()
