"""What every stack command shares: run a command body (CLI check, the automation module, errors to exit
codes), open a stack, call the Automation API with its errors translated, cancel an update on Ctrl-C, ask
for confirmation, and report policy violations, drift and outputs."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from ops.automation.console import Console
from ops.automation.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    AutomationLoader,
    OpsError,
    load_pulumi_automation,
    require_pulumi_cli,
    translate_error,
)
from ops.automation.events import EventPrinter, echo_output, format_changes
from ops.automation.project import Project
from ops.automation.workspace import StackHandle, open_stack, pin_image_tags

T = TypeVar("T")


def run_command(
    body: Callable[[Any, Console, Project], int],
    *,
    load: AutomationLoader | None,
    console: Console | None,
    project: Project | None,
    check_first: Callable[[Console, Project], None] | None = None,
) -> int:
    console = console or Console()
    project = project or Project()
    try:
        if check_first is not None:
            check_first(console, project)
        require_pulumi_cli()
        auto = (load or load_pulumi_automation)()
        return body(auto, console, project)
    except OpsError as exc:
        console.error(exc.message)
        return exc.exit_code
    except KeyboardInterrupt:
        console.error("Interrupted; nothing was changed.")
        return EXIT_INTERRUPTED


def open_handle(
    auto: Any, name: str, operation: str, project: Project, *, create: bool = False
) -> StackHandle:
    return call(
        auto, name, operation, lambda: open_stack(auto, name, project, create=create), project=project
    )


def call(
    auto: Any,
    stack: str,
    operation: str,
    fn: Callable[[], T],
    *,
    printer: EventPrinter | None = None,
    project: Project | None = None,
) -> T:
    """Run one Automation API call, translating its errors (policy violations first)."""
    try:
        return fn()
    except (OpsError, KeyboardInterrupt):
        raise
    except Exception as exc:
        raise_translated(auto, stack, operation, exc, printer, project)


def raise_translated(
    auto: Any,
    stack: str,
    operation: str,
    exc: Exception,
    printer: EventPrinter | None = None,
    project: Project | None = None,
) -> NoReturn:
    """Raise `exc` as an OpsError when it is a known Automation API failure, else re-raise it."""
    if printer is not None and printer.mandatory_violations and isinstance(exc, auto.CommandError):
        raise OpsError(violations_message(printer, stack, operation), EXIT_FAILED) from exc
    if isinstance(exc, (FileNotFoundError, auto.CommandError, auto.InvalidVersionError)):
        raise translate_error(
            exc,
            auto,
            stack=stack,
            operation=operation,
            diagnostics=printer.errors if printer else (),
            project=project,
        ) from exc
    raise exc


def mutate(
    handle: StackHandle, console: Console, operation: str, fn: Callable[[], T], *, printer: EventPrinter
) -> T:
    """Run an update-like call; Ctrl-C cancels the running update (stack.cancel()) and exits 130."""
    try:
        return call(handle.auto, handle.name, operation, fn, printer=printer, project=handle.project)
    except KeyboardInterrupt:
        console.error(f"Interrupted: cancelling the {operation} running on stack '{handle.name}'...")
        try:
            handle.stack.cancel()
        except KeyboardInterrupt:
            pass
        except Exception as exc:
            reason = (str(exc).strip().splitlines() or [repr(exc)])[0]
            console.error(
                f"Could not cancel it ({reason}). If an update is still shown as running, "
                f"run: pulumi cancel --stack {handle.name}"
            )
        else:
            console.error(
                f"Cancelled. Resources being changed when it stopped may need "
                f"`python -m ops refresh --stack {handle.name}`."
            )
        raise OpsError(f"{operation} of stack '{handle.name}' was interrupted.", EXIT_INTERRUPTED) from None


def violations_message(printer: EventPrinter, stack: str, operation: str) -> str:
    mandatory = printer.mandatory_violations
    lines = "\n".join(f"  {v.line()}" for v in mandatory)
    return (
        f"error: {len(mandatory)} mandatory policy violation(s) on stack '{stack}'; {operation} failed:\n"
        f"{lines}\nFix the resources (or the stack config), then run it again. "
        f"Offline: python -m ops check --stack {stack}"
    )


def report_policy(printer: EventPrinter, console: Console, stack: str, operation: str) -> int:
    if printer.mandatory_violations:
        console.error(violations_message(printer, stack, operation))
        return EXIT_FAILED
    if printer.violations:
        console.say(f"Policy: {len(printer.violations)} advisory violation(s), not blocking:")
        for violation in printer.violations:
            console.say(f"  {violation.line()}")
    else:
        console.say("Policy: no violations.")
    return EXIT_OK


def on_output(args: argparse.Namespace, console: Console) -> Callable[[str], None] | None:
    return echo_output(console.out) if getattr(args, "cli_output", False) else None


def confirm(console: Console, question: str, refusal: str) -> None:
    """Ask on a terminal; refuse without one (the caller passes --yes to skip the question)."""
    if not console.interactive():
        raise OpsError(refusal, EXIT_USAGE)
    answer = console.ask(f"{question} [yes/no]: ").lower()
    if answer not in ("y", "yes"):
        raise OpsError("Not confirmed; nothing was changed.", EXIT_USAGE)


def print_outputs(console: Console, outputs: Any) -> None:
    if not outputs:
        return
    console.say("Outputs:")
    for key, value in masked(outputs, show_secrets=False).items():
        console.say(f"  {key}: {text(value)}")


def masked(outputs: Any, *, show_secrets: bool) -> dict[str, Any]:
    return {
        key: (out.value if show_secrets or not out.secret else "[secret]")
        for key, out in sorted(outputs.items())
    }


def text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def describe_policy(console: Console, handle: StackHandle) -> None:
    choice = handle.project.policy_choice(handle.name)
    if choice.path is None:
        console.say(f"Policy pack: policy/ with its default config ({choice.reason})")
    else:
        console.say(f"Policy pack: policy/ with {choice.describe(handle.project.root)}")


def pin_tags(handle: StackHandle, args: argparse.Namespace, console: Console) -> None:
    tag = getattr(args, "image_tag", None)
    if not tag:
        return
    services = call(handle.auto, handle.name, "config set", lambda: pin_image_tags(handle, tag))
    listed = ", ".join(services) if services else "none (no service image uses an ECR repository)"
    console.say(f"Image tag {tag} set for: {listed}")


def print_drift(console: Console, printer: EventPrinter, changes: Any) -> None:
    if printer.drifted:
        console.say(f"{len(printer.drifted)} resource(s) differ from the stack's state:")
        for resource in printer.drifted:
            console.say(f"  {resource.line()}")
    else:
        console.say(
            f"Changes found ({format_changes(changes, planned=True)}); "
            "the engine events did not name the resources."
        )
