"""`python -m ops diff`: run both plans, diff them, check the transition; the text report and the JSON
document (documented in docs/diff.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ops.offline.diff import CREATE, DELETE, DELETE_REPLACED, REPLACE, RETAIN, UPDATE, Diff, Step, diff_plans
from ops.offline.diff_base import Planned, plan_both
from ops.offline.diff_checks import Finding, check_diff
from ops.offline.report import _Style, table

FORMAT_VERSION = 1
_SYMBOLS = {CREATE: "+", UPDATE: "~", REPLACE: "+-", DELETE_REPLACED: "-", DELETE: "-", RETAIN: "-"}
_COLOURS = {
    CREATE: "green",
    UPDATE: "yellow",
    REPLACE: "red",
    DELETE_REPLACED: "red",
    DELETE: "red",
    RETAIN: "dim",
}


@dataclass(frozen=True)
class DiffResult:
    planned: Planned
    diff: Diff
    findings: list[Finding]
    notes: list[str]

    @property
    def exit_code(self) -> int:
        return 1 if self.findings else 0

    def summary(self) -> dict[str, int]:
        counts = Counter(s.op for s in self.diff.steps if s.op != DELETE_REPLACED)
        return {
            "create": counts[CREATE],
            "update": counts[UPDATE],
            "replace": counts[REPLACE],
            "delete": counts[DELETE],
            "retain": counts[RETAIN],
            "unchanged": self.diff.unchanged,
        }


def _is_prod(planned: Planned) -> bool:
    env = planned.config.config.get(f"{planned.config.project}:environment", "")
    return env == "prod" or (not env and planned.config.stack == "prod")


def run_diff(
    project_dir: Path, stack: str, base: str, progress: Callable[[str], None] = lambda _line: None
) -> DiffResult:
    planned = plan_both(project_dir, stack, base, progress)
    diff = diff_plans(planned.base_plan, planned.plan)
    findings, notes = check_diff(diff, prod=_is_prod(planned))
    return DiffResult(planned, diff, findings, notes)


def _detail(step: Step) -> str:
    if step.op == UPDATE:
        return ", ".join(step.properties)
    if step.op == REPLACE:
        text = f"{', '.join(step.forced_by)} forces replacement"
        if step.reason:
            text += f" ({step.reason})"
        others = [p for p in step.properties if not any(f.startswith(p) for f in step.forced_by)]
        if others:
            text += f"; also {', '.join(others)}"
        return text + ("; delete before replace" if step.delete_before_replace else "")
    if step.op == DELETE_REPLACED:
        return (
            "the old copy, deleted first (deleteBeforeReplace)"
            if step.delete_before_replace
            else "the old copy"
        )
    if step.op == RETAIN:
        return "retained (removed from the stack, kept in AWS)"
    return ""


def render_diff(result: DiffResult, *, colour: bool = False) -> str:
    style = _Style(colour)
    plan = result.diff.new
    base = result.planned.base
    counts = result.summary()
    lines = [
        style(f"Offline diff of {plan.project}/{plan.stack}", "bold")
        + f" ({plan.region}): {base.label} → {result.planned.config.stack_file.name}",
        "  "
        + ", ".join(f"{n} to {op}" for op, n in counts.items() if op != "unchanged" and n)
        + (", " if any(n for op, n in counts.items() if op != "unchanged") else "")
        + f"{counts['unchanged']} unchanged",
    ]
    if result.diff.steps:
        lines += ["", style("STEPS (in the order the engine runs them)", "bold")]
        rows = [
            [
                str(i),
                style(f"{_SYMBOLS[s.op]} {s.op}", _COLOURS[s.op]),
                f"{s.type.rsplit(':', 1)[-1]} {s.name}",
                _detail(s),
            ]
            for i, s in enumerate(result.diff.steps, 1)
        ]
        lines += table(["#", "OP", "RESOURCE", "DETAIL"], rows, align_right=(0,))
    if result.findings:
        lines += ["", style(f"FINDINGS ({len(result.findings)})", "bold", "red")]
        rows = [[f.rule, f.property, f.message] for f in result.findings]
        lines += table(["RULE", "PROPERTY", "MESSAGE"], rows)
    if result.notes:
        lines += ["", style(f"NOTES ({len(result.notes)})", "bold")]
        lines += [f"  {n}" for n in result.notes]
    lines += [
        "",
        "Planned under mocks from the two configs: server-side values, drift and changes made outside "
        "Pulumi are not seen.",
    ]
    if result.findings:
        n = len(result.findings)
        lines += [style(f"FAILED: {n} finding{'s' if n != 1 else ''} (exit 1)", "bold", "red")]
    else:
        lines += [style("SAFE: no step AWS would refuse, no data at risk (exit 0)", "bold", "green")]
    return "\n".join(lines) + "\n"


def _step_document(step: Step) -> dict[str, Any]:
    return {
        "op": step.op,
        "urn": step.urn,
        "type": step.type,
        "name": step.name,
        "properties": list(step.properties),
        "forcedBy": list(step.forced_by),
        "reason": step.reason,
        "deleteBeforeReplace": step.delete_before_replace,
    }


def diff_document(result: DiffResult) -> dict[str, Any]:
    planned = result.planned
    return {
        "formatVersion": FORMAT_VERSION,
        "kind": "diff",
        "project": result.diff.new.project,
        "stack": result.diff.new.stack,
        "region": result.diff.new.region,
        "base": {"source": planned.base.label, "kind": planned.base.kind},
        "summary": result.summary(),
        "steps": [_step_document(s) for s in result.diff.steps],
        "findings": [
            {
                "rule": f.rule,
                "urn": f.urn,
                "type": f.type,
                "name": f.name,
                "property": f.property,
                "message": f.message,
            }
            for f in result.findings
        ],
        "notes": list(result.notes),
        "exitCode": result.exit_code,
    }
