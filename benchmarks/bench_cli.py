"""Wall time of the `pcf` command as a user runs it: start-up, imports and work, each run a fresh process.

Prints the median and the fastest of N runs of `pcf --help`, `pcf data list`, the demo `pcf footprint` and
`pcf compare` with every shipped scenario file, plus the CPU time of the fastest run (a loaded machine stretches
wall time; CPU time shows what pcf itself spends). Not a test: figures only (docs/performance.md).

    .venv/bin/python benchmarks/bench_cli.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = "bill_of_materials/formation_grading_machine.yaml"
COMMANDS = {
    "pcf --help": ["--help"],
    "pcf data list": ["data", "list"],
    "pcf footprint (demo)": ["footprint", DEMO],
    **{f"pcf compare --scenarios {p.name}": ["compare", DEMO, "--scenarios", str(p.relative_to(ROOT))]
       for p in sorted((ROOT / "bill_of_materials" / "scenarios").glob("*.yaml"))},
}
TARGETS = {"pcf --help": 0.3, "pcf footprint (demo)": 1.5}  # seconds, issue 14; compare: 2 s each


def _run(argv: list[str]) -> tuple[float, float]:
    """(wall s, CPU s of the child) of one `python -m pcf.cli ARGV`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pcf.cli", *argv], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"pcf {' '.join(argv)} failed: {done.stderr[-500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _run(["footprint", DEMO])  # warm the background's disk cache and the OS file cache
    print(f"{'command':<58} {'median':>8} {'fastest':>8} {'CPU':>7}  target")
    for label, argv in COMMANDS.items():
        runs = [_run(argv) for _ in range(args.runs)]
        walls = [w for w, _ in runs]
        cpu = min(runs)[1]
        target = TARGETS.get(label, 2.0 if label.startswith("pcf compare") else None)
        mark = "" if target is None else f"<= {target:.1f} s: {'met' if min(walls) <= target else 'NOT met'}"
        print(f"{label:<58} {statistics.median(walls):7.2f}s {min(walls):7.2f}s {cpu:6.2f}s  {mark}")


if __name__ == "__main__":
    main()
