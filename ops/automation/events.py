"""Engine events of a preview/update/refresh as the user reads them: one line per resource step, policy
violations as they arrive, drifted resources, and the summary of changes."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|<\{%[^%]*%\}>")

# Engine operations that change nothing: counted in summaries, never printed as progress lines.
_QUIET_OPS = frozenset({"same", "read", "refresh", "discard", "discard-replaced", "remove-pending-replace"})
_SUMMARY_ORDER = ("create", "update", "replace", "delete", "import", "same")
_PLANNED = {
    "create": "to create",
    "update": "to update",
    "replace": "to replace",
    "delete": "to delete",
    "import": "to import",
    "same": "unchanged",
}
_DONE = {
    "create": "created",
    "update": "updated",
    "replace": "replaced",
    "delete": "deleted",
    "import": "imported",
    "same": "unchanged",
}
_SYMBOL = {
    "create": "+",
    "update": "~",
    "replace": "+-",
    "create-replacement": "++",
    "delete-replaced": "--",
    "delete": "-",
    "import": "=",
    "read-replacement": ">>",
}


@dataclass(frozen=True)
class PolicyViolation:
    policy: str
    pack: str
    level: str
    urn: str
    message: str

    def line(self) -> str:
        where = resource_label(self.urn) if self.urn else "stack"
        return f"[{self.level}] {self.policy} ({self.pack}) on {where}: {self.message}"


@dataclass(frozen=True)
class DriftedResource:
    urn: str
    type: str
    op: str
    keys: tuple[str, ...]

    def line(self) -> str:
        what = "deleted outside Pulumi" if self.op == "delete" else "changed"
        keys = f" [{', '.join(self.keys)}]" if self.keys else ""
        return f"{self.type} {urn_name(self.urn)}: {what}{keys}"


def urn_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1] if urn else ""


def resource_label(urn: str) -> str:
    parts = urn.split("::")
    type_token = parts[-2].rsplit("$", 1)[-1] if len(parts) >= 2 else ""
    return f"{type_token} {urn_name(urn)}".strip()


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def _op_name(op: Any) -> str:
    return str(getattr(op, "value", op))


def normalize_changes(changes: Mapping[Any, int] | None) -> dict[str, int]:
    """OpMap keys are OpType enums or plain strings depending on the source: make them strings."""
    return {_op_name(op): int(count) for op, count in (changes or {}).items()}


def format_changes(changes: Mapping[Any, int] | None, *, planned: bool) -> str:
    counts = normalize_changes(changes)
    words = _PLANNED if planned else _DONE
    ordered = [op for op in _SUMMARY_ORDER if counts.get(op)]
    ordered += sorted(op for op in counts if op not in _SUMMARY_ORDER and counts[op])
    if not ordered:
        return "no resources"
    return ", ".join(f"{counts[op]} {words.get(op, op)}" for op in ordered)


def has_changes(changes: Mapping[Any, int] | None) -> bool:
    return any(count for op, count in normalize_changes(changes).items() if op != "same")


@dataclass
class EventPrinter:
    """The `on_event` callback: one readable line per resource event, collecting what the end report needs.

    `planned=True` for previews (lines say what would happen, from ResourcePreEvents); otherwise lines
    report finished steps (ResOutputsEvents) and failures. Policy events are printed as they arrive and
    kept in `violations`; the summary event's counts are kept in `changes`.
    """

    out: IO[str]
    planned: bool
    violations: list[PolicyViolation] = field(default_factory=list)
    drifted: list[DriftedResource] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    changes: dict[str, int] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, event: Any) -> None:
        with self._lock:
            self._handle(event)

    def _write(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def _handle(self, event: Any) -> None:
        if event.resource_pre_event is not None:
            self._record_drift(event.resource_pre_event.metadata)
            if self.planned:
                self._step_line(event.resource_pre_event.metadata, done=False)
        elif event.res_outputs_event is not None:
            self._record_drift(event.res_outputs_event.metadata)
            if not self.planned:
                self._step_line(event.res_outputs_event.metadata, done=True)
        elif event.res_op_failed_event is not None:
            metadata = event.res_op_failed_event.metadata
            self._write(f"  {'!':<2} {'failed':<10} {metadata.type} {urn_name(metadata.urn)}")
        elif event.policy_event is not None:
            self._policy(event.policy_event)
        elif event.diagnostic_event is not None:
            self._diagnostic(event.diagnostic_event)
        elif event.summary_event is not None:
            self.changes = normalize_changes(event.summary_event.resource_changes)

    def _step_line(self, metadata: Any, *, done: bool) -> None:
        op = _op_name(metadata.op)
        if op in _QUIET_OPS or metadata.type == "pulumi:pulumi:Stack":
            return
        verb = _DONE.get(op, op) if done else op
        symbol = _SYMBOL.get(op, "*")
        self._write(f"  {symbol:<2} {verb:<10} {metadata.type} {urn_name(metadata.urn)}")

    def _record_drift(self, metadata: Any) -> None:
        op = _op_name(metadata.op)
        if metadata.type == "pulumi:pulumi:Stack":
            return
        keys = tuple(metadata.diffs or ()) or tuple(sorted(metadata.detailed_diff or {}))
        gone = metadata.new is None and metadata.old is not None
        drifted = (op == "refresh" and (bool(keys) or gone)) or op in ("update", "delete", "replace")
        if drifted and all(d.urn != metadata.urn for d in self.drifted):
            kind = "delete" if op == "delete" or (op == "refresh" and gone) else op
            self.drifted.append(DriftedResource(urn=metadata.urn, type=metadata.type, op=kind, keys=keys))

    def _policy(self, event: Any) -> None:
        violation = PolicyViolation(
            policy=event.policy_name,
            pack=event.policy_pack_name,
            level=event.enforcement_level,
            urn=event.resource_urn or "",
            message=strip_ansi(event.message).strip(),
        )
        if violation not in self.violations:
            self.violations.append(violation)
            self._write(f"  policy {violation.line()}")

    def _diagnostic(self, event: Any) -> None:
        severity = (event.severity or "").split("#")[0]  # "info#err" is info written to stderr
        if event.ephemeral or severity not in ("error", "warning", "info"):
            return
        message = strip_ansi(event.message).strip()
        if not message:
            return
        where = f"{resource_label(event.urn)}: " if event.urn else ""
        if severity == "error":
            self.errors.append(f"{where}{message}")
        self._write(f"  {severity}: {where}{message}")

    @property
    def mandatory_violations(self) -> list[PolicyViolation]:
        return [v for v in self.violations if v.level == "mandatory"]


def echo_output(out: IO[str]) -> Callable[[str], None]:
    """An `on_output` callback copying the CLI's own display lines to `out` as they arrive."""

    def on_output(line: str) -> None:
        out.write(strip_ansi(line) + "\n")
        out.flush()

    return on_output
