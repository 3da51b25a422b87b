"""How fast is `python -m ops diff`? Prints its wall time as a ratio to one `python -m ops check`
(goal ≤ 2.5x: a diff plans two configs but runs no policy pack).

Each figure is the median of --runs runs of a fresh process (what CI runs):
`diff --stack dev --base Pulumi.dev.yaml` against `check --stack dev`.

    ./venv/bin/python benchmarks/diff_speed.py [--runs 5] [--stack dev]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from check_speed import _env  # the same environment as the check benchmark (benchmarks/ is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GOAL = 2.5


def wall(argv: list[str], ok: tuple[int, ...] = (0, 1)) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=_env(), capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        sys.stderr.write(done.stderr.decode(errors="replace"))
        raise SystemExit(f"{' '.join(argv[2:])} exited {done.returncode}")
    return elapsed


def median_of(runs: int, argv: list[str]) -> float:
    wall(argv)  # warm the bytecode cache
    return statistics.median(wall(argv) for _ in range(runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ops diff wall time as a ratio to ops check")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stack", default="dev")
    args = parser.parse_args(argv)
    stack_file = f"Pulumi.{args.stack}.yaml"
    check = median_of(args.runs, [PYTHON, "-m", "ops", "check", "--stack", args.stack])
    diff = median_of(args.runs, [PYTHON, "-m", "ops", "diff", "--stack", args.stack, "--base", stack_file])
    ratio = diff / check
    verdict = "met" if ratio <= GOAL else "MISSED"
    print(f"check --stack {args.stack}                          {check:6.2f} s wall (median of {args.runs})")
    print(f"diff --stack {args.stack} --base {stack_file}     {diff:6.2f} s wall (median of {args.runs})")
    print(f"  ratio                                    {ratio:6.2f}x  (goal ≤ {GOAL}x: {verdict})")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
