"""Terminal and JSON reports of `python -m ops plan` and `python -m ops check`.

Terminal: plain tables, ANSI colours only when stdout is a TTY and NO_COLOR is unset. JSON: the documented
documents of the README (Offline check → JSON documents, `formatVersion` 1).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from ops.offline.plan import FORMAT_VERSION, SECRET_MASK, plan_document
from ops.offline.project import StackConfig
from ops.offline.recording import Plan

_CODES = {"red": "31", "yellow": "33", "green": "32", "bold": "1", "dim": "2", "cyan": "36"}
LEVEL_COLOURS = {"mandatory": "red", "advisory": "yellow", "remediate": "cyan", "disabled": "dim"}


def use_colour(stream: IO[str]) -> bool:
    """Colours only for a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class _Style:
    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def __call__(self, text: str, *styles: str) -> str:
        if not self.colour or not styles:
            return text
        codes = ";".join(_CODES[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def _width() -> int:
    return max(80, min(shutil.get_terminal_size((120, 24)).columns, 160))


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    align_right: Sequence[int] = (),
    wrap: int = -1,
) -> list[str]:
    """A plain text table; column `wrap` (default the last) wraps to fit the terminal width."""
    if not rows:
        return []
    count = len(headers)
    wrap = wrap % count
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    indent = "  "
    others = sum(w for i, w in enumerate(widths) if i != wrap) + 2 * (count - 1) + len(indent)
    widths[wrap] = min(widths[wrap], max(24, _width() - others))

    def fmt(cells: Sequence[str]) -> list[str]:
        pieces = textwrap.wrap(str(cells[wrap]), widths[wrap]) or [""]
        lines = []
        for n, piece in enumerate(pieces):
            parts = []
            for i in range(count):
                text = piece if i == wrap else (str(cells[i]) if n == 0 else "")
                parts.append(text.rjust(widths[i]) if i in align_right else text.ljust(widths[i]))
            lines.append((indent + "  ".join(parts)).rstrip())
        return lines

    out = fmt(headers)
    out.append(indent + "  ".join("-" * w for w in widths))
    for row in rows:
        out.extend(fmt(row))
    return out


def _flatten(prefix: str, value: Any) -> list[tuple[str, Any]]:
    """Nested mappings as dotted keys: `services.backend.serviceName`."""
    if isinstance(value, dict) and value:
        return [item for key, v in value.items() for item in _flatten(f"{prefix}.{key}", v)]
    return [(prefix, value)]


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(", ", ": "))


# ------------------------------------------------------------------------------------------------- plan


def render_plan(stack_config: StackConfig, plan: Plan, *, colour: bool = False) -> str:
    style = _Style(colour)
    custom = sum(1 for r in plan.resources if r.custom)
    lines = [
        style(f"Plan of {plan.project}/{plan.stack}", "bold")
        + f" ({plan.region}): {len(plan.resources)} resources ({custom} custom, "
        f"{len(plan.resources) - custom} components), recorded offline under mocks",
        "",
    ]
    counts = Counter(r.type for r in plan.resources)
    lines += table(["TYPE", "COUNT"], [[t, str(n)] for t, n in sorted(counts.items())], align_right=[1])
    if plan.outputs:
        lines += ["", style("Outputs", "bold")]
        secret = set(plan.secret_outputs)
        rows = []
        for name, value in plan.outputs.items():
            if name in secret:
                rows.append([name, SECRET_MASK])
            else:
                rows.extend([key, _value(v)] for key, v in _flatten(name, value))
        lines += table(["NAME", "VALUE"], rows)
    lines += _messages(plan, style)
    if stack_config.secret_keys:
        lines += [
            "",
            style(
                f"Secret config given to the program as placeholders: {', '.join(stack_config.secret_keys)}",
                "dim",
            ),
        ]
    return "\n".join(lines) + "\n"


def _messages(plan: Plan, style: _Style) -> list[str]:
    """What the program logged (pulumi.log.info/warn)."""
    if not plan.messages:
        return []
    return ["", style("Program messages", "bold"), *(f"  {m}" for m in plan.messages)]


# ------------------------------------------------------------------------------------------------- check


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _quantity(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


def _resource_label(result: Any, urn: str) -> str:
    resource = result.resource_for(urn) if urn else None
    if resource is None:
        return urn or "(stack)"
    return f"{resource.type.rsplit(':', 1)[-1]} {resource.name}"


def render_check(result: Any, *, colour: bool = False) -> str:
    """The check report: violations by enforcement level, the cost estimate, the verdict."""
    style = _Style(colour)
    plan = result.plan
    lines = [
        style(f"Offline check of {plan.project}/{plan.stack}", "bold")
        + f" ({plan.region}): {len(plan.resources)} resources, policy pack "
        f"{result.pack_name or '?'} {result.pack_version} ({len(result.policies)} policies)",
        _policy_config_line(result),
    ]
    lines += _messages(plan, style)
    for level in ("mandatory", "advisory", "remediate"):
        found = result.at_level(level)
        if not found:
            continue
        lines += ["", style(f"{level.upper()} ({len(found)})", "bold", LEVEL_COLOURS[level])]
        rows = [[d.policy_name, _resource_label(result, d.urn), d.message or d.description] for d in found]
        lines += table(["POLICY", "RESOURCE", "MESSAGE"], rows)
    if not result.diagnostics:
        lines += ["", style("No policy violations.", "green")]

    lines += ["", *render_cost(result.cost, colour=colour)]

    mandatory, advisory = len(result.at_level("mandatory")), len(result.at_level("advisory"))
    verdict = f"{mandatory} mandatory, {advisory} advisory violation{'s' if advisory != 1 else ''}"
    if mandatory:
        lines += ["", style(f"FAILED: {verdict} (exit 1)", "bold", "red")]
    else:
        lines += ["", style(f"PASSED: {verdict} (exit 0)", "bold", "green")]
    return "\n".join(lines) + "\n"


def _policy_config_line(result: Any) -> str:
    """Which policy config the pack ran with, and why (its own file, its environment's, or none)."""
    choice = result.policy_config_choice
    line = f"Policy config: {choice.describe(result.stack_config.project_dir)}"
    return line + ("; the policies' defaults apply" if choice.path is None else "")


def render_cost(cost: Any, *, colour: bool = False) -> list[str]:
    style = _Style(colour)
    estimate = cost.estimate
    if estimate is None:
        return [style("Cost estimate", "bold"), f"  not available: {cost.error}"]
    lines = [style(f"Cost estimate ({estimate.region}, USD per month)", "bold")]
    rows = [
        [i.resource, i.name, _quantity(i.quantity), i.unit, f"${i.unit_price:g}", _money(i.monthly)]
        for i in estimate.line_items
    ]
    lines += table(
        ["RESOURCE", "ITEM", "QUANTITY", "UNIT", "UNIT PRICE", "MONTHLY"], rows, align_right=[2, 4, 5], wrap=1
    )
    budget = f" (budget {_money(cost.budget)})" if cost.budget is not None else ""
    lines.append(style(f"  Total: {_money(estimate.total)} per month", "bold") + budget)
    assumptions = ", ".join(f"{k}={v:g}" for k, v in estimate.to_json()["assumptions"].items())
    width = _width()
    lines += textwrap.wrap(
        f"Assumptions: {assumptions}", width, initial_indent="  ", subsequent_indent="    "
    )
    lines += textwrap.wrap(
        f"Prices: {estimate.source} ({estimate.date})", width, initial_indent="  ", subsequent_indent="    "
    )
    for note in estimate.notes:
        lines.append(style(f"  Note: {note}", "dim"))
    for missing in estimate.missing:
        lines.append(style(f"  Not priced: {missing}", "yellow"))
    return lines


def check_document(result: Any) -> dict[str, Any]:
    """The documented JSON form of a check: verdict, pack, diagnostics, cost and the plan."""
    diagnostics = []
    for d in result.diagnostics:
        resource = result.resource_for(d.urn) if d.urn else None
        diagnostics.append(
            {
                "policy": d.policy_name,
                "policyPack": d.policy_pack_name,
                "enforcementLevel": d.enforcement_level,
                "message": d.message,
                "description": d.description,
                "urn": d.urn,
                "resourceType": resource.type if resource else "",
                "resourceName": resource.name if resource else "",
            }
        )
    cost = result.cost
    return {
        "formatVersion": FORMAT_VERSION,
        "kind": "check",
        "project": result.plan.project,
        "stack": result.plan.stack,
        "region": result.plan.region,
        "exitCode": result.exit_code,
        "counts": {level: len(result.at_level(level)) for level in ("mandatory", "advisory", "remediate")},
        "policyPack": {
            "name": result.pack_name,
            "version": result.pack_version,
            "directory": str(result.pack_dir),
            "configFile": str(result.policy_config_file) if result.policy_config_file else None,
            "configSource": result.policy_config_choice.source,
            "configReason": result.policy_config_choice.reason,
            "policies": [
                {
                    "name": p.name,
                    "enforcementLevel": result.effective_config.get(p.name, {}).get(
                        "enforcementLevel", p.enforcement_level
                    ),
                }
                for p in result.policies
            ],
        },
        "diagnostics": diagnostics,
        "cost": (cost.estimate.to_json() if cost.estimate is not None else {"error": cost.error})
        | {"budget": cost.budget},
        "plan": plan_document(result.stack_config, result.plan),
        "timingsSeconds": {k: round(v, 3) for k, v in result.timings.items()},
    }


def error_document(
    kind: str, stack: str, error: str, lines: Sequence[str] = (), location: str = ""
) -> dict[str, Any]:
    """What `--json` holds when the run stopped with exit 2."""
    return {
        "formatVersion": FORMAT_VERSION,
        "kind": kind,
        "stack": stack,
        "exitCode": 2,
        "error": {"kind": error, "messages": list(lines), "location": location},
    }


def write_json(path: Path, document: dict[str, Any]) -> None:
    """Write `document` to `path` (its directory created), or to standard output for `-`."""
    text = json.dumps(document, indent=2, sort_keys=False) + "\n"
    if str(path) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
