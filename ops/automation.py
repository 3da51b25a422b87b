"""The Pulumi Automation API side of `python -m ops`: stacks, policy attachment, progress and errors.

Everything here talks to `pulumi.automation` through one object, the *automation module*: the real
`pulumi.automation` by default, or a test double with the same names (`LocalWorkspace`, `Stack`,
`ConfigValue` and the error classes). Nothing imports `pulumi.automation` at module import time, so
`python -m ops --help` stays fast and `require_pulumi_cli` can explain a missing CLI before the SDK is
touched.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
PROJECT_NAMESPACE = "fargate-platform"
REVIEW_SOURCE_STACK = "dev"

# Exit codes of every stack command (documented in the README's Ops section and in the --help epilogs).
EXIT_OK = 0
EXIT_FAILED = 1  # the Pulumi operation failed, or mandatory policy violations
EXIT_USAGE = 2  # cannot start: no CLI, unknown stack, refused confirmation, bad arguments
EXIT_DRIFT = 3  # `drift` found resources whose cloud state differs from the stack's state
EXIT_BUSY = 4  # another update is running on the stack
EXIT_INTERRUPTED = 130  # Ctrl-C: the running update was cancelled

PULUMI_MISSING_MESSAGE = """\
error: the Pulumi CLI (`pulumi`) was not found on PATH.
The Automation API drives the Pulumi CLI, so these commands need it installed:
  curl -fsSL https://get.pulumi.com | sh -s -- --version 3.272.0
  (or: brew install pulumi/tap/pulumi; on Windows: choco install pulumi)
then add ~/.pulumi/bin to PATH and check with `pulumi version`.
The offline policy check needs no CLI: python -m ops check --stack STACK"""

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


class OpsError(Exception):
    """An error already phrased for the user, with the exit code the command returns."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


AutomationLoader = Callable[[], Any]


def load_pulumi_automation() -> Any:
    """The real automation module (imported here, never at module import time)."""
    import pulumi.automation

    return pulumi.automation


def require_pulumi_cli(which: Callable[[str], str | None] = shutil.which) -> None:
    """Fail with install instructions when `pulumi` is not on PATH (checked before the SDK is used)."""
    if which("pulumi") is None:
        raise OpsError(PULUMI_MISSING_MESSAGE, EXIT_USAGE)


@dataclass(frozen=True)
class Project:
    """The Pulumi project the commands work on: Pulumi.yaml, Pulumi.<stack>.yaml and the policy pack."""

    root: Path = PROJECT_DIR

    @property
    def policy_dir(self) -> Path:
        return self.root / "policy"

    def policy_config(self, stack: str) -> Path | None:
        """`policy/config/<stack>.json`; review stacks (`pr-N`) use dev's, as they run dev's config."""
        for candidate in (stack, REVIEW_SOURCE_STACK if is_review_stack(stack) else None):
            if candidate is not None:
                path = self.policy_dir / "config" / f"{candidate}.json"
                if path.is_file():
                    return path
        return None

    def policy_arguments(self, stack: str) -> dict[str, list[str]]:
        """`policy_packs` and `policy_pack_configs` for preview/up (a config only when its file exists)."""
        arguments: dict[str, list[str]] = {"policy_packs": [str(self.policy_dir)]}
        config = self.policy_config(stack)
        if config is not None:
            arguments["policy_pack_configs"] = [str(config)]
        return arguments

    def stack_files(self) -> list[str]:
        """Stacks that have a Pulumi.<stack>.yaml here."""
        return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in self.root.glob("Pulumi.*.yaml"))

    def is_protected(self, stack: str) -> bool:
        """prod, or any stack whose Pulumi.<stack>.yaml declares `fargate-platform:environment: prod`."""
        if stack == "prod":
            return True
        stack_file = self.root / f"Pulumi.{stack}.yaml"
        if not stack_file.is_file():
            return False
        pattern = re.compile(rf"^\s*{re.escape(PROJECT_NAMESPACE)}:environment:\s*['\"]?prod['\"]?\s*(#.*)?$")
        return any(pattern.match(line) for line in stack_file.read_text(encoding="utf-8").splitlines())


def is_review_stack(stack: str) -> bool:
    return re.fullmatch(r"pr-\d+", stack) is not None


def review_stack_name(pr: int) -> str:
    return f"pr-{pr}"


@dataclass
class StackHandle:
    """A selected stack, the automation module it came from (for its error classes) and the project."""

    auto: Any
    stack: Any
    name: str
    project: Project

    @property
    def workspace(self) -> Any:
        return self.stack.workspace


def open_stack(auto: Any, name: str, project: Project, *, create: bool = False) -> StackHandle:
    """A LocalWorkspace on the project directory and the stack `name` selected (or created)."""
    workspace = auto.LocalWorkspace(work_dir=str(project.root))
    stack = auto.Stack.create_or_select(name, workspace) if create else auto.Stack.select(name, workspace)
    return StackHandle(auto=auto, stack=stack, name=name, project=project)


def copy_config(handle: StackHandle, source_stack: str) -> list[str]:
    """Copy every config value of `source_stack` into the handle's stack (secrets stay secrets).

    Structured values arrive from `pulumi config --json` as JSON text and are stored the same way;
    `Config.require_object` reads both forms alike. Returns the copied keys.
    """
    config = handle.workspace.get_all_config(source_stack)
    if not config:
        raise OpsError(
            f"error: stack '{source_stack}' has no config to copy into '{handle.name}'. "
            f"Check `pulumi config --stack {source_stack}` and Pulumi.{source_stack}.yaml."
        )
    handle.stack.set_all_config(config)
    return sorted(config)


def _path_segment(name: str) -> str:
    return f".{name}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name) else f"[{json.dumps(name)}]"


def pin_image_tags(handle: StackHandle, tag: str) -> list[str]:
    """Set `services.<name>.image.tag` to `tag` for every service whose image is an ECR `repository`.

    Used by CI to deploy the images it built for a commit (tagged with the commit SHA). Services whose
    image is a full URI or a `build:` directory are left alone. Returns the service names updated.
    """
    key = f"{PROJECT_NAMESPACE}:services"
    config = handle.stack.get_all_config()
    if key not in config:
        raise OpsError(f"error: stack '{handle.name}' has no {key} config; nothing to tag with {tag}.")
    try:
        services = json.loads(config[key].value)
    except (TypeError, ValueError) as exc:
        raise OpsError(f"error: {key} of stack '{handle.name}' is not a JSON object: {exc}") from exc
    if not isinstance(services, dict):
        raise OpsError(f"error: {key} of stack '{handle.name}' must be a mapping of service names.")
    updated: list[str] = []
    for service, spec in services.items():
        image = spec.get("image") if isinstance(spec, dict) else None
        if isinstance(image, dict) and "repository" in image:
            path = f"{key}{_path_segment(service)}.image.tag"
            handle.stack.set_config(path, handle.auto.ConfigValue(value=tag), path=True)
            updated.append(service)
    return updated


# --------------------------------------------------------------------------------------------- events


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


# --------------------------------------------------------------------------------------------- errors


def _stderr_of(exc: BaseException) -> str:
    text = str(exc)
    if "\n stderr: " in text:
        text = text.split("\n stderr: ", 1)[1]
    lines = [strip_ansi(line).rstrip() for line in text.splitlines() if line.strip()]
    return "\n".join(f"  {line}" for line in lines[-15:])


def translate_error(
    exc: BaseException,
    auto: Any,
    *,
    stack: str,
    operation: str,
    diagnostics: Iterable[str] = (),
    project: Project | None = None,
) -> OpsError:
    """Phrase an Automation API (or CLI start-up) failure for the user, with its exit code."""
    if isinstance(exc, FileNotFoundError) and (exc.filename in (None, "pulumi") or "pulumi" in str(exc)):
        return OpsError(PULUMI_MISSING_MESSAGE, EXIT_USAGE)
    if isinstance(exc, auto.ConcurrentUpdateError):
        return OpsError(
            f"error: another update is already running on stack '{stack}', so `{operation}` did not start.\n"
            f"Wait for it to finish (watch `pulumi stack history --stack {stack}` or the backend's console),"
            f" then run the command again.\n"
            f"If that update was abandoned (its process is gone), cancel it: pulumi cancel --stack {stack}\n"
            f"(cancelling a live update can leave resources half-changed; prefer waiting).",
            EXIT_BUSY,
        )
    if isinstance(exc, auto.StackNotFoundError):
        project = project or Project()
        stacks = project.stack_files()
        known = f" Stack config files here: {', '.join(stacks)}." if stacks else ""
        return OpsError(
            f"error: stack '{stack}' does not exist in the current Pulumi backend. Create it with "
            f"`pulumi stack init {stack}` (in {project.root}), or log in to the backend that holds it "
            f"(`pulumi login`).{known}",
            EXIT_USAGE,
        )
    if isinstance(exc, auto.InvalidVersionError):
        return OpsError(
            f"error: unusable Pulumi CLI: {exc}\nInstall 3.272.0 to match the SDK: "
            "curl -fsSL https://get.pulumi.com | sh -s -- --version 3.272.0",
            EXIT_USAGE,
        )
    if isinstance(exc, auto.CommandError):
        details = list(diagnostics)
        body = "\n".join(f"  {d}" for d in details) if details else _stderr_of(exc)
        return OpsError(f"error: `pulumi {operation}` failed on stack '{stack}':\n{body}", EXIT_FAILED)
    raise exc
