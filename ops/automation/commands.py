"""Stack commands on the Pulumi Automation API: preview, up, destroy, refresh, drift, outputs, review.

Each handler takes the parsed arguments and returns an exit code (see ops.automation.parsers.EXIT_CODES).
`pulumi.automation` is imported inside the handlers (through `load`), after checking that the `pulumi` CLI is
on PATH, so `python -m ops --help` is fast and a missing CLI is explained instead of a traceback. Tests pass
their own `load` (a test double of `pulumi.automation`), `console` and `project`.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from ops.automation.console import Console
from ops.automation.errors import EXIT_DRIFT, EXIT_FAILED, EXIT_OK, EXIT_USAGE, AutomationLoader, OpsError
from ops.automation.events import EventPrinter, format_changes, has_changes
from ops.automation.project import REVIEW_SOURCE_STACK, Project, review_stack_name
from ops.automation.runner import (
    call,
    confirm,
    describe_policy,
    masked,
    mutate,
    on_output,
    open_handle,
    pin_tags,
    print_drift,
    print_outputs,
    raise_translated,
    report_policy,
    run_command,
    text,
)
from ops.automation.workspace import StackHandle, copy_config, open_stack


def preview(
    args: argparse.Namespace,
    *,
    load: AutomationLoader | None = None,
    console: Console | None = None,
    project: Project | None = None,
) -> int:
    def body(auto: Any, console: Console, project: Project) -> int:
        handle = open_handle(auto, args.stack, "preview", project)
        pin_tags(handle, args, console)
        return _preview(handle, args, console)

    return run_command(body, load=load, console=console, project=project)


def _preview(handle: StackHandle, args: argparse.Namespace, console: Console) -> int:
    console.say(f"Previewing stack '{handle.name}'...")
    describe_policy(console, handle)
    printer = EventPrinter(console.out, planned=True)
    result = call(
        handle.auto,
        handle.name,
        "preview",
        lambda: handle.stack.preview(
            on_event=printer,
            on_output=on_output(args, console),
            color="never",
            **handle.project.policy_arguments(handle.name),
        ),
        printer=printer,
    )
    console.say(f"Preview of '{handle.name}': {format_changes(result.change_summary, planned=True)}.")
    return report_policy(printer, console, handle.name, "preview")


def up(
    args: argparse.Namespace,
    *,
    load: AutomationLoader | None = None,
    console: Console | None = None,
    project: Project | None = None,
) -> int:
    def body(auto: Any, console: Console, project: Project) -> int:
        handle = open_handle(auto, args.stack, "up", project)
        pin_tags(handle, args, console)
        return _deploy(handle, args, console)

    return run_command(body, load=load, console=console, project=project)


def _deploy(handle: StackHandle, args: argparse.Namespace, console: Console) -> int:
    name = handle.name
    if not args.yes:
        if not console.interactive():
            raise OpsError(
                f"error: refusing to update stack '{name}' without confirmation: stdin is not a terminal.\n"
                f"Review the changes with `python -m ops preview --stack {name}`, then pass --yes.",
                EXIT_USAGE,
            )
        console.say(f"Previewing stack '{name}' before the update...")
        printer = EventPrinter(console.out, planned=True)
        result = call(
            handle.auto,
            name,
            "preview",
            lambda: handle.stack.preview(
                on_event=printer,
                on_output=on_output(args, console),
                color="never",
                **handle.project.policy_arguments(name),
            ),
            printer=printer,
        )
        console.say(f"Preview of '{name}': {format_changes(result.change_summary, planned=True)}.")
        if report_policy(printer, console, name, "preview") != EXIT_OK:
            return EXIT_FAILED
        if not has_changes(result.change_summary):
            console.say(f"No changes; stack '{name}' is up to date.")
            return EXIT_OK
        confirm(
            console,
            f"Deploy these changes to stack '{name}'?",
            f"error: refusing to update stack '{name}': stdin is not a terminal; pass --yes.",
        )
    console.say(f"Updating stack '{name}'...")
    describe_policy(console, handle)
    printer = EventPrinter(console.out, planned=False)
    result = mutate(
        handle,
        console,
        "up",
        lambda: handle.stack.up(
            on_event=printer,
            on_output=on_output(args, console),
            color="never",
            message=getattr(args, "message", None),
            **handle.project.policy_arguments(name),
        ),
        printer=printer,
    )
    console.say(f"Update of '{name}': {format_changes(result.summary.resource_changes, planned=False)}.")
    status = report_policy(printer, console, name, "up")
    print_outputs(console, result.outputs)
    return status


def _destroy_refusal(stack: str, confirm: str | None, yes: bool, console: Console, project: Project) -> None:
    """Decide before touching Pulumi whether destroying `stack` is confirmed; raise OpsError if not."""
    if confirm is not None and confirm != stack:
        raise OpsError(
            f"error: refusing to destroy stack '{stack}': --confirm '{confirm}' does not match the stack "
            f"name. Nothing was destroyed.\nTo destroy it, type its name exactly: --confirm {stack}",
            EXIT_USAGE,
        )
    if confirm == stack:
        return
    if project.is_protected(stack):
        raise OpsError(
            f"error: stack '{stack}' is protected: destroying it needs its name typed back. "
            f"Nothing was destroyed.\nTo destroy it: python -m ops destroy --stack {stack} --confirm {stack}",
            EXIT_USAGE,
        )
    if yes:
        return
    if not console.interactive():
        raise OpsError(
            f"error: refusing to destroy stack '{stack}' without confirmation: stdin is not a terminal. "
            f"Nothing was destroyed.\nPass --confirm {stack} (or --yes).",
            EXIT_USAGE,
        )
    answer = console.ask(f"Destroy every resource of stack '{stack}'? Type the stack name to confirm: ")
    if answer != stack:
        raise OpsError(f"error: '{answer}' does not match '{stack}'. Nothing was destroyed.", EXIT_USAGE)


def destroy(
    args: argparse.Namespace,
    *,
    load: AutomationLoader | None = None,
    console: Console | None = None,
    project: Project | None = None,
) -> int:
    def check(console: Console, project: Project) -> None:
        _destroy_refusal(args.stack, args.confirm, args.yes, console, project)

    def body(auto: Any, console: Console, project: Project) -> int:
        handle = open_handle(auto, args.stack, "destroy", project)
        _destroy(handle, args, console)
        console.say(
            f"Stack '{handle.name}' and its config are kept; remove them with "
            f"`pulumi stack rm {handle.name}`."
        )
        return EXIT_OK

    return run_command(body, load=load, console=console, project=project, check_first=check)


def _destroy(handle: StackHandle, args: argparse.Namespace, console: Console) -> None:
    console.say(f"Destroying stack '{handle.name}'...")
    printer = EventPrinter(console.out, planned=False)
    result = mutate(
        handle,
        console,
        "destroy",
        lambda: handle.stack.destroy(on_event=printer, on_output=on_output(args, console), color="never"),
        printer=printer,
    )
    done = format_changes(result.summary.resource_changes, planned=False)
    console.say(f"Destroy of '{handle.name}': {done}.")


def refresh(
    args: argparse.Namespace,
    *,
    load: AutomationLoader | None = None,
    console: Console | None = None,
    project: Project | None = None,
) -> int:
    def body(auto: Any, console: Console, project: Project) -> int:
        handle = open_handle(auto, args.stack, "refresh", project)
        name = handle.name
        if not args.yes:
            if not console.interactive():
                raise OpsError(
                    f"error: refusing to refresh stack '{name}' without confirmation: stdin is not a "
                    f"terminal.\nSee what would change with `python -m ops drift --stack {name}`, "
                    f"then pass --yes.",
                    EXIT_USAGE,
                )
            printer = EventPrinter(console.out, planned=True)
            result = call(
                auto,
                name,
                "refresh --preview-only",
                lambda: handle.stack.preview_refresh(
                    on_event=printer, on_output=on_output(args, console), color="never"
                ),
                printer=printer,
            )
            if not printer.drifted and not has_changes(result.change_summary):
                console.say(f"No drift; stack '{name}' already matches the cloud.")
                return EXIT_OK
            print_drift(console, printer, result.change_summary)
            confirm(
                console,
                f"Adopt this cloud state into stack '{name}'?",
                f"error: refusing to refresh stack '{name}': stdin is not a terminal; pass --yes.",
            )
        console.say(f"Refreshing stack '{name}'...")
        printer = EventPrinter(console.out, planned=False)
        refreshed = mutate(
            handle,
            console,
            "refresh",
            lambda: handle.stack.refresh(on_event=printer, on_output=on_output(args, console), color="never"),
            printer=printer,
        )
        done = format_changes(refreshed.summary.resource_changes, planned=False)
        console.say(f"Refresh of '{name}': {done}.")
        return EXIT_OK

    return run_command(body, load=load, console=console, project=project)


def drift(
    args: argparse.Namespace,
    *,
    load: AutomationLoader | None = None,
    console: Console | None = None,
    project: Project | None = None,
) -> int:
    def body(auto: Any, console: Console, project: Project) -> int:
        handle = open_handle(auto, args.stack, "drift", project)
        name = handle.name
        console.say(f"Checking stack '{name}' for drift (refresh --preview-only --expect-no-changes)...")
        printer = EventPrinter(console.out, planned=True)
        changes: Any = None
        try:
            result = handle.stack.preview_refresh(
                expect_no_changes=True, on_event=printer, on_output=on_output(args, console), color="never"
            )
            changes = result.change_summary
        except KeyboardInterrupt:
            raise
        except Exception as exc:
            expected = isinstance(exc, auto.CommandError) and "no changes were expected" in str(exc)
            if not (expected or (printer.drifted and isinstance(exc, auto.CommandError))):
                raise_translated(auto, name, "refresh --preview-only", exc, printer, project)
        changes = changes or printer.changes
        if printer.drifted or has_changes(changes):
            console.say(f"Drift on stack '{name}':")
            print_drift(console, printer, changes)
            console.say(
                f"Adopt the cloud state with `python -m ops refresh --stack {name}`, or restore the "
                f"program's state with `python -m ops up --stack {name}`."
            )
            return EXIT_DRIFT
        console.say(f"No drift: stack '{name}' matches the cloud ({format_changes(changes, planned=True)}).")
        return EXIT_OK

    return run_command(body, load=load, console=console, project=project)


def outputs(
    args: argparse.Namespace,
    *,
    load: AutomationLoader | None = None,
    console: Console | None = None,
    project: Project | None = None,
) -> int:
    def body(auto: Any, console: Console, project: Project) -> int:
        handle = open_handle(auto, args.stack, "stack output", project)
        values = masked(
            call(auto, handle.name, "stack output", handle.stack.outputs), show_secrets=args.show_secrets
        )
        if args.json:
            console.say(json.dumps(values, indent=2, sort_keys=True))
            return EXIT_OK
        if not values:
            console.say(f"Stack '{handle.name}' has no outputs (has it been deployed?).")
            return EXIT_OK
        width = max(len(key) for key in values)
        for key, value in values.items():
            console.say(f"{key:<{width}}  {text(value)}")
        return EXIT_OK

    return run_command(body, load=load, console=console, project=project)


def review(
    args: argparse.Namespace,
    *,
    load: AutomationLoader | None = None,
    console: Console | None = None,
    project: Project | None = None,
) -> int:
    name = review_stack_name(args.pr)

    def body(auto: Any, console: Console, project: Project) -> int:
        if args.destroy:
            return _remove_review(auto, name, args, console, project)
        handle = open_handle(auto, name, "stack init", project, create=True)
        keys = call(auto, name, "config set-all", lambda: copy_config(handle, REVIEW_SOURCE_STACK))
        console.say(
            f"Review stack '{name}': {len(keys)} config value(s) copied from '{REVIEW_SOURCE_STACK}'."
        )
        pin_tags(handle, args, console)
        return _deploy(handle, args, console)

    return run_command(body, load=load, console=console, project=project)


def _remove_review(auto: Any, name: str, args: argparse.Namespace, console: Console, project: Project) -> int:
    try:
        handle = open_stack(auto, name, project)
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        if isinstance(exc, auto.StackNotFoundError):
            console.say(f"Review stack '{name}' does not exist; nothing to remove.")
            return EXIT_OK
        raise_translated(auto, name, "stack select", exc, project=project)
    if not args.yes:
        confirm(
            console,
            f"Destroy review stack '{name}' and remove it?",
            f"error: refusing to destroy review stack '{name}' without confirmation: stdin is not a "
            f"terminal; pass --yes.",
        )
    _destroy(handle, args, console)
    call(auto, name, "stack rm", lambda: handle.workspace.remove_stack(name))
    console.say(f"Review stack '{name}' removed.")
    return EXIT_OK
