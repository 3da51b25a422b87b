"""Exit codes and errors of the stack commands: an `OpsError` is already phrased for the user and carries the
exit code; `translate_error` phrases an Automation API (or CLI start-up) failure that way."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from typing import Any

from ops.automation.events import strip_ansi
from ops.automation.project import Project

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
