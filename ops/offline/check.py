"""`python -m ops check`: the recorded plan, the policy pack run as the CLI runs it, and a cost estimate.

Order matters for speed: the pack subprocess is started first (its imports take a few hundred ms), the
program runs in this process meanwhile, then the pack is configured and every resource is analysed.
The pack is always reaped (context manager + the runner's own atexit hook), also on Ctrl-C and on errors.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from ops.offline.pack_feed import PackFeed
from ops.offline.project import StackConfig, load_stack
from ops.offline.recording import Plan, RecordedResource, run_program
from ops.offline.secret_leaks import find_leaks
from ops.pack_config import PackConfigChoice, choose_pack_config

BUDGET_POLICY = "monthly-cost-budget"
LEVEL_ORDER = ("mandatory", "advisory", "remediate", "disabled")


@dataclass
class CostResult:
    estimate: Any = None  # policy/pricing.py's Estimate
    error: str = ""  # why there is no estimate (unknown region, no pricing.py)
    budget: float | None = None  # maxMonthlyUsd of the budget policy, when the pack has one


@dataclass
class CheckResult:
    stack_config: StackConfig
    plan: Plan
    pack_dir: Path
    pack_name: str
    pack_version: str
    policy_config_file: Path | None
    policy_config_choice: PackConfigChoice  # which file (or none) and why
    policies: list[Any]  # ops.offline.analyzer.PolicyInfo
    effective_config: dict[str, dict[str, Any]]
    diagnostics: list[Any]  # ops.offline.analyzer.Diagnostic
    cost: CostResult
    timings: dict[str, float] = field(default_factory=dict)

    def at_level(self, level: str) -> list[Any]:
        return [d for d in self.diagnostics if d.enforcement_level == level]

    @property
    def exit_code(self) -> int:
        return 1 if self.at_level("mandatory") else 0

    def resource_for(self, urn: str) -> RecordedResource | None:
        try:
            return self.plan.by_urn(urn)
        except KeyError:
            return None


def choose_policy_config(stack_config: StackConfig, pack_dir: Path, given: Path | None) -> PackConfigChoice:
    """--policy-config when given, else the stack's own file, else its environment's (ops.pack_config)."""
    if given is not None:
        return PackConfigChoice(given, "option", "--policy-config")
    return choose_pack_config(
        pack_dir,
        stack_config.stack,
        stack_config.config.get(f"{stack_config.project}:environment"),
        root=stack_config.project_dir,
        namespace=stack_config.project,
    )


def pack_resource(r: RecordedResource) -> Any:
    """What the engine sends the analyzer for a resource: its inputs as properties, and its options."""
    from ops.offline.analyzer import PackResource

    return PackResource(
        type=r.type,
        name=r.name,
        urn=r.urn,
        properties=r.inputs,
        parent=r.parent,
        protect=r.protect,
        dependencies=r.depends_on,
        provider=r.provider,
    )


def load_pricing(pack_dir: Path) -> ModuleType | None:
    """policy/pricing.py loaded by file path (policy/ is a pack, not a package of the program)."""
    path = pack_dir / "pricing.py"
    if not path.is_file():
        return None
    name = "_ops_check_pricing"
    cached = sys.modules.get(name)
    if cached is not None and getattr(cached, "__file__", None) == str(path):
        return cached
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file executes
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def estimate_cost(pack_dir: Path, plan: Plan, region: str, budget_config: Mapping[str, Any]) -> CostResult:
    """The monthly estimate with the budget policy's assumptions (the same numbers the pack's budget uses)."""
    pricing = load_pricing(pack_dir)
    if pricing is None:
        return CostResult(error=f"{pack_dir / 'pricing.py'} does not exist")
    resources = [
        {
            "type": r.type,
            "name": r.name,
            "urn": r.urn,
            "props": r.inputs,
            "parent": r.parent,
            "dependencies": list(r.depends_on),
        }
        for r in plan.resources
    ]
    try:
        assumptions = pricing.Assumptions.from_mapping(budget_config)
        return CostResult(estimate=pricing.estimate(resources, region, assumptions))
    except pricing.UnknownRegionError as exc:
        return CostResult(error=str(exc))


def run_check(
    project_dir: Path,
    stack: str,
    *,
    pack_dir: Path | None = None,
    policy_config: Path | None = None,
    python: str = sys.executable,
) -> CheckResult:
    """Plan + pack + cost. Raises ProjectError, ProgramError, PolicyConfigError, PackStartError or
    PackRuntimeError; the pack subprocess is gone when this returns or raises."""
    from ops.offline.analyzer import PolicyPackRunner, load_policy_config

    timings: dict[str, float] = {}
    started = time.perf_counter()
    stack_config = load_stack(project_dir, stack)
    pack_dir = (pack_dir or stack_config.project_dir / "policy").resolve()
    choice = choose_policy_config(stack_config, pack_dir, policy_config)
    config_file = choice.path

    def make_runner() -> Any:
        return PolicyPackRunner(
            pack_dir,
            project=stack_config.project,
            stack=stack_config.stack,
            python=python,
            stack_config=stack_config.config,
        )

    runner = make_runner()
    feed: PackFeed | None = None
    try:
        runner.start()  # the pack imports while the program starts
        file_config = load_policy_config(config_file) if config_file is not None else {}
        feed = PackFeed(runner, file_config, make_runner)
        t = time.perf_counter()
        try:
            plan = run_program(
                stack_config.program,
                **stack_config.program_args(),
                on_resource=lambda r: feed.submit(pack_resource(r)) if feed is not None else None,
            )
        except BaseException:
            feed.abandon()
            raise
        timings["program"] = time.perf_counter() - t
        t = time.perf_counter()
        diagnostics = feed.finish()  # Analyze ran while the program did; this waits for the last answers
        diagnostics += runner.analyze_stack([pack_resource(r) for r in plan.resources])
        timings["analyzeAfterProgram"] = time.perf_counter() - t
        timings["packProcesses"] = len(feed.runners)
        policies = runner.info()
        effective = runner.effective_config
        name, version = runner.pack_name, runner.pack_version
    finally:
        for pack in feed.runners if feed is not None else [runner]:
            pack.close()

    t = time.perf_counter()
    budget = effective.get(BUDGET_POLICY, {}).get("properties", {})
    region = str(budget.get("region") or "") or stack_config.region
    cost = estimate_cost(pack_dir, plan, region, budget)
    limit = budget.get("maxMonthlyUsd")
    cost.budget = float(limit) if isinstance(limit, int | float) and not isinstance(limit, bool) else None
    timings["cost"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - started
    diagnostics += find_leaks(plan, stack_config)  # what only the offline run can see (see secret_leaks.py)
    order = {level: i for i, level in enumerate(LEVEL_ORDER)}
    diagnostics.sort(key=lambda d: (order.get(d.enforcement_level, 9), d.policy_name, d.urn))
    return CheckResult(
        stack_config=stack_config,
        plan=plan,
        pack_dir=pack_dir,
        pack_name=name,
        pack_version=version,
        policy_config_file=config_file,
        policy_config_choice=choice,
        policies=policies,
        effective_config=effective,
        diagnostics=diagnostics,
        cost=cost,
        timings=timings,
    )
