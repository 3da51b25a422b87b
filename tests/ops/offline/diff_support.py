"""Helpers of the diff tests: plan a stack config (a dict, as under `config:`) with the real program."""

from __future__ import annotations

import copy
import functools
import json
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ops.offline.diff import Diff, diff_plans
from ops.offline.diff_base import _scratch_project
from ops.offline.diff_checks import Finding, check_diff
from ops.offline.project import load_stack
from ops.offline.recording import Plan, run_program

ROOT = Path(__file__).resolve().parents[3]
STACK = "t"


def stack_config(name: str = "dev") -> dict[str, Any]:
    """The `config:` block of Pulumi.<name>.yaml (a fresh copy)."""
    return copy.deepcopy(yaml.safe_load((ROOT / f"Pulumi.{name}.yaml").read_text())["config"])


def example_config(name: str) -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load((ROOT / "examples" / f"{name}.yaml").read_text())["config"])


@functools.lru_cache(maxsize=64)
def _plan(text: str) -> Plan:
    with tempfile.TemporaryDirectory() as tmp:
        scratch = _scratch_project(ROOT, STACK, text.encode(), Path(tmp))
        config = load_stack(scratch, STACK)
    return run_program(config.program, **config.program_args())


def plan_of(config: dict[str, Any]) -> Plan:
    return _plan(yaml.safe_dump({"config": config}, sort_keys=False))


def transition(base: dict[str, Any], new: dict[str, Any]) -> tuple[Diff, list[Finding], list[str]]:
    diff = diff_plans(plan_of(base), plan_of(new))
    prod = new.get("fargate-platform:environment") == "prod"
    findings, notes = check_diff(diff, prod=prod)
    return diff, findings, notes


def summary(diff: Diff, findings: list[Finding]) -> dict[str, Any]:
    """What the corpus asserts: the ops by name, the replacements' forcing paths, the findings."""
    return {
        "ops": diff.ops(),
        "forced": {s.name: list(s.forced_by) for s in diff.steps if s.op == "replace"},
        "findings": [(f.rule, f.name, f.property) for f in findings],
    }


def show(diff: Diff, findings: list[Finding]) -> str:
    out = summary(diff, findings)
    return "\n".join(f"{k}: {json.dumps(v)}" for k, v in out.items())
