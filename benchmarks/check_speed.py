"""How fast is `python -m ops check`? Prints two figures against the goals of DESIGN.md §9.

1. `check --stack dev` wall time as a ratio to a bare `python -c` that only imports the SDK modules the
   program needs (pulumi, pulumi_policy, each pulumi_aws.<module> it loads, pulumi_awsx, pulumi_random):
   goal ≤ 1.5x.
2. Generated stacks of N services (copies of the dev stack's routed services): the time at 100 services
   (goal ≤ 15 s) and the slope between the smaller and the larger size (goal ≤ 100 ms per extra service).

Each figure is the median of --runs runs of a fresh `python -m ops check` process (what CI runs).

    ./venv/bin/python benchmarks/check_speed.py [--runs 5] [--sizes 10,100] [--stack dev]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

_MODULES_SCRIPT = """
import json, sys, types
from pathlib import Path
from ops.offline.plan import record
record(Path(sys.argv[1]), sys.argv[2])
names = {"pulumi", "pulumi_policy"}
for name, module in list(sys.modules.items()):
    top, _, sub = name.partition(".")
    # pulumi_aws registers every submodule lazily: count only the service packages the program loaded.
    loaded = type(module) is types.ModuleType and hasattr(module, "__path__")
    if top == "pulumi_aws" and sub and "." not in sub and not sub.startswith("_") and loaded:
        names.add(name)
    elif top in ("pulumi_awsx", "pulumi_random") and not sub:
        names.add(name)
print(json.dumps(sorted(names)))
"""


def bare_import_argv(modules: list[str]) -> list[str]:
    """`python -c` importing the modules; attribute access makes pulumi_aws's lazy submodules load."""
    # Any non-dunder attribute access loads a pulumi lazy module (`__dict__` and the like do not).
    code = f"import importlib\nfor name in {modules!r}:\n    hasattr(importlib.import_module(name), 'load')\n"
    return [PYTHON, "-c", code]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    env["PYTHONPATH"] = str(ROOT)
    # Python's normal bytecode caching, as on a developer machine or CI (some shells turn it off).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def sdk_modules(project_dir: Path, stack: str) -> list[str]:
    """The SDK modules a run of the program loads (pulumi_aws submodules as the program touched them)."""
    out = subprocess.run(
        [PYTHON, "-c", _MODULES_SCRIPT, str(project_dir), stack],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(str(out.stdout).strip().splitlines()[-1])


def timed(argv: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children, e.g. the pack processes)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, env=_env(), capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def median_of(runs: int, argv: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Median wall time over `runs` runs, with the CPU time of that run."""
    results = sorted(timed(argv, ok) for _ in range(runs))
    return results[len(results) // 2]


def check_argv(project_dir: Path, stack: str, *extra: str) -> list[str]:
    return [PYTHON, "-m", "ops", "check", "--stack", stack, "--project-dir", str(project_dir), *extra]


# ------------------------------------------------------------------------------------ generated stacks


def _routed_templates(services: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    routed = [(n, s) for n, s in services.items() if isinstance(s, dict) and s.get("route")]
    if not routed:
        raise SystemExit("the stack has no routed service to copy")
    return routed


def generated_services(services: dict[str, Any], count: int) -> dict[str, Any]:
    """`count` services copied from the stack's routed services: each gets its own name and path pattern,
    no default route and no fixed priority; discovery as in the stack (peers share one security group, so
    the rules grow linearly with the services)."""
    templates = _routed_templates(services)
    out: dict[str, Any] = {}
    for i in range(count):
        base_name, base = templates[i % len(templates)]
        svc = copy.deepcopy(base)
        route = dict(svc["route"])
        route.pop("default", None)
        route.pop("priority", None)
        route.pop("hostPatterns", None)
        route["pathPatterns"] = [f"/s{i:03d}/*"]
        svc["route"] = route
        out[f"{base_name[:8]}{i:03d}"] = svc
    return out


def generated_project(project_dir: Path, stack: str, count: int, into: Path) -> Path:
    """A project directory in `into` that links to the real program and has stack `bench<count>`."""
    import yaml

    doc = yaml.safe_load((project_dir / f"Pulumi.{stack}.yaml").read_text())
    config = doc["config"]
    key = next(k for k in config if k.endswith(":services"))
    config[key] = generated_services(config[key], count)
    target = into / f"bench{count}"
    target.mkdir()
    for entry in project_dir.iterdir():
        if entry.name.startswith("Pulumi.") and entry.name != "Pulumi.yaml":
            continue
        if entry.name in {"venv", ".git", "tests", "benchmarks", "docs"}:
            continue
        (target / entry.name).symlink_to(entry)
    (target / f"Pulumi.bench{count}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return target


# ------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark of python -m ops check (DESIGN.md §9).")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median reported)")
    parser.add_argument("--sizes", default="10,100", help="service counts of the generated stacks")
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--project-dir", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    project_dir: Path = args.project_dir.resolve()
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.2f} at start (figures are wall times)")

    modules = sdk_modules(project_dir, args.stack)
    bare, bare_cpu = median_of(args.runs, bare_import_argv(modules))
    check, check_cpu = median_of(args.runs, check_argv(project_dir, args.stack), ok=(0, 1))  # timing only
    ratio = check / bare
    print(f"bare imports ({len(modules)} modules: {', '.join(modules)})")
    print(
        f"  python -c 'import …'            {bare:6.2f} s wall  {bare_cpu:6.2f} s CPU  "
        f"(median of {args.runs})"
    )
    print(
        f"  python -m ops check --stack {args.stack}  {check:6.2f} s wall  {check_cpu:6.2f} s CPU "
        "(with the pack)"
    )
    verdict = "met" if ratio <= 1.5 else "NOT met"
    print(f"  ratio                          {ratio:6.2f}x  (goal ≤ 1.5x: {verdict})")

    sizes = [int(s) for s in args.sizes.split(",")]
    policy_config = project_dir / "policy" / "config" / f"{args.stack}.json"
    times: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="check-speed-") as tmp:
        for size in sizes:
            generated = generated_project(project_dir, args.stack, size, Path(tmp))
            extra = ["--policy-config", str(policy_config)] if policy_config.is_file() else []
            times[size] = median_of(
                max(1, args.runs // 2), check_argv(generated, f"bench{size}", *extra), ok=(0, 1)
            )
            wall, cpu = times[size]
            print(f"  {size:4d} services                  {wall:6.2f} s wall  {cpu:6.2f} s CPU")
    if len(sizes) >= 2:
        small, large = min(sizes), max(sizes)
        slope = (times[large][0] - times[small][0]) / (large - small) * 1000
        cpu_slope = (times[large][1] - times[small][1]) / (large - small) * 1000
        print(
            f"  slope {small}→{large} services          {slope:6.1f} ms wall per service (goal ≤ 100 ms: "
            f"{'met' if slope <= 100 else 'NOT met'}); {cpu_slope:.1f} ms CPU per service"
        )
        print(
            f"  {large} services                   {times[large][0]:6.2f} s (goal ≤ 15 s: "
            f"{'met' if times[large][0] <= 15 else 'NOT met'})"
        )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
