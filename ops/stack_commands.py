"""Stack commands on the Pulumi Automation API: preview, up, destroy, refresh, drift, outputs, review.

Each handler takes the parsed arguments and returns an exit code (see EXIT_CODES). `pulumi.automation`
is imported inside the handlers (through `load`), after checking that the `pulumi` CLI is on PATH, so
`python -m ops --help` is fast and a missing CLI is explained instead of a traceback. Tests pass their
own `load` (a test double of `pulumi.automation`) and `console`.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any, NoReturn, TypeVar

from ops.automation import (
    EXIT_BUSY,
    EXIT_DRIFT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    REVIEW_SOURCE_STACK,
    AutomationLoader,
    EventPrinter,
    OpsError,
    Project,
    StackHandle,
    copy_config,
    echo_output,
    format_changes,
    has_changes,
    load_pulumi_automation,
    open_stack,
    pin_image_tags,
    require_pulumi_cli,
    review_stack_name,
    translate_error,
)

T = TypeVar("T")

EXIT_CODES = f"""\
exit codes:
  {EXIT_OK}    success (advisory policy violations are listed but do not fail)
  {EXIT_FAILED}    the Pulumi operation failed, or mandatory policy violations (listed)
  {EXIT_USAGE}    could not start: no Pulumi CLI, unknown stack, confirmation refused, bad arguments
  {EXIT_DRIFT}    drift: resources differ from the stack's state (listed)
  {EXIT_BUSY}    another update is running on the stack (wait, or `pulumi cancel --stack STACK`)
  {EXIT_INTERRUPTED}  interrupted by Ctrl-C (a running update is cancelled)"""


@dataclass
class Console:
    """Where a command writes and how it asks for confirmation (tests pass their own streams)."""

    out: IO[str] = field(default_factory=lambda: sys.stdout)
    err: IO[str] = field(default_factory=lambda: sys.stderr)
    stdin: IO[str] = field(default_factory=lambda: sys.stdin)

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def error(self, text: str) -> None:
        self.err.write(text + "\n")
        self.err.flush()

    def interactive(self) -> bool:
        try:
            return self.stdin.isatty()
        except (AttributeError, ValueError, OSError):  # closed or replaced stdin (CI, pytest)
            return False

    def ask(self, prompt: str) -> str:
        self.out.write(prompt)
        self.out.flush()
        answer = self.stdin.readline()
        if not answer:
            return ""
        return answer.strip()


Handler = Callable[..., int]


# ------------------------------------------------------------------------------------------ plumbing


def _run(
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


def _open(auto: Any, name: str, operation: str, project: Project, *, create: bool = False) -> StackHandle:
    return _call(
        auto, name, operation, lambda: open_stack(auto, name, project, create=create), project=project
    )


def _call(
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
        _raise_translated(auto, stack, operation, exc, printer, project)


def _raise_translated(
    auto: Any,
    stack: str,
    operation: str,
    exc: Exception,
    printer: EventPrinter | None = None,
    project: Project | None = None,
) -> NoReturn:
    """Raise `exc` as an OpsError when it is a known Automation API failure, else re-raise it."""
    if printer is not None and printer.mandatory_violations and isinstance(exc, auto.CommandError):
        raise OpsError(_violations_message(printer, stack, operation), EXIT_FAILED) from exc
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


def _mutate(
    handle: StackHandle, console: Console, operation: str, fn: Callable[[], T], *, printer: EventPrinter
) -> T:
    """Run an update-like call; Ctrl-C cancels the running update (stack.cancel()) and exits 130."""
    try:
        return _call(handle.auto, handle.name, operation, fn, printer=printer, project=handle.project)
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


def _violations_message(printer: EventPrinter, stack: str, operation: str) -> str:
    mandatory = printer.mandatory_violations
    lines = "\n".join(f"  {v.line()}" for v in mandatory)
    return (
        f"error: {len(mandatory)} mandatory policy violation(s) on stack '{stack}'; {operation} failed:\n"
        f"{lines}\nFix the resources (or the stack config), then run it again. "
        f"Offline: python -m ops check --stack {stack}"
    )


def _report_policy(printer: EventPrinter, console: Console, stack: str, operation: str) -> int:
    if printer.mandatory_violations:
        console.error(_violations_message(printer, stack, operation))
        return EXIT_FAILED
    if printer.violations:
        console.say(f"Policy: {len(printer.violations)} advisory violation(s), not blocking:")
        for violation in printer.violations:
            console.say(f"  {violation.line()}")
    else:
        console.say("Policy: no violations.")
    return EXIT_OK


def _on_output(args: argparse.Namespace, console: Console) -> Callable[[str], None] | None:
    return echo_output(console.out) if getattr(args, "cli_output", False) else None


def _confirm(console: Console, question: str, refusal: str) -> None:
    """Ask on a terminal; refuse without one (the caller passes --yes to skip the question)."""
    if not console.interactive():
        raise OpsError(refusal, EXIT_USAGE)
    answer = console.ask(f"{question} [yes/no]: ").lower()
    if answer not in ("y", "yes"):
        raise OpsError("Not confirmed; nothing was changed.", EXIT_USAGE)


def _print_outputs(console: Console, outputs: Any) -> None:
    if not outputs:
        return
    console.say("Outputs:")
    for key, value in _masked(outputs, show_secrets=False).items():
        console.say(f"  {key}: {_text(value)}")


def _masked(outputs: Any, *, show_secrets: bool) -> dict[str, Any]:
    return {
        key: (out.value if show_secrets or not out.secret else "[secret]")
        for key, out in sorted(outputs.items())
    }


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _describe_policy(console: Console, handle: StackHandle) -> None:
    config = handle.project.policy_config(handle.name)
    if config is None:
        console.say(f"Policy pack: policy/ with its default config (no policy/config/{handle.name}.json)")
    else:
        console.say(f"Policy pack: policy/ with {config.relative_to(handle.project.root)}")


# ------------------------------------------------------------------------------------------ commands


def preview(
    args: argparse.Namespace,
    *,
    load: AutomationLoader | None = None,
    console: Console | None = None,
    project: Project | None = None,
) -> int:
    def body(auto: Any, console: Console, project: Project) -> int:
        handle = _open(auto, args.stack, "preview", project)
        _pin_tags(handle, args, console)
        return _preview(handle, args, console)

    return _run(body, load=load, console=console, project=project)


def _preview(handle: StackHandle, args: argparse.Namespace, console: Console) -> int:
    console.say(f"Previewing stack '{handle.name}'...")
    _describe_policy(console, handle)
    printer = EventPrinter(console.out, planned=True)
    result = _call(
        handle.auto,
        handle.name,
        "preview",
        lambda: handle.stack.preview(
            on_event=printer,
            on_output=_on_output(args, console),
            color="never",
            **handle.project.policy_arguments(handle.name),
        ),
        printer=printer,
    )
    console.say(f"Preview of '{handle.name}': {format_changes(result.change_summary, planned=True)}.")
    return _report_policy(printer, console, handle.name, "preview")


def _pin_tags(handle: StackHandle, args: argparse.Namespace, console: Console) -> None:
    tag = getattr(args, "image_tag", None)
    if not tag:
        return
    services = _call(handle.auto, handle.name, "config set", lambda: pin_image_tags(handle, tag))
    listed = ", ".join(services) if services else "none (no service image uses an ECR repository)"
    console.say(f"Image tag {tag} set for: {listed}")


def up(
    args: argparse.Namespace,
    *,
    load: AutomationLoader | None = None,
    console: Console | None = None,
    project: Project | None = None,
) -> int:
    def body(auto: Any, console: Console, project: Project) -> int:
        handle = _open(auto, args.stack, "up", project)
        _pin_tags(handle, args, console)
        return _deploy(handle, args, console)

    return _run(body, load=load, console=console, project=project)


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
        result = _call(
            handle.auto,
            name,
            "preview",
            lambda: handle.stack.preview(
                on_event=printer,
                on_output=_on_output(args, console),
                color="never",
                **handle.project.policy_arguments(name),
            ),
            printer=printer,
        )
        console.say(f"Preview of '{name}': {format_changes(result.change_summary, planned=True)}.")
        if _report_policy(printer, console, name, "preview") != EXIT_OK:
            return EXIT_FAILED
        if not has_changes(result.change_summary):
            console.say(f"No changes; stack '{name}' is up to date.")
            return EXIT_OK
        _confirm(
            console,
            f"Deploy these changes to stack '{name}'?",
            f"error: refusing to update stack '{name}': stdin is not a terminal; pass --yes.",
        )
    console.say(f"Updating stack '{name}'...")
    _describe_policy(console, handle)
    printer = EventPrinter(console.out, planned=False)
    result = _mutate(
        handle,
        console,
        "up",
        lambda: handle.stack.up(
            on_event=printer,
            on_output=_on_output(args, console),
            color="never",
            message=getattr(args, "message", None),
            **handle.project.policy_arguments(name),
        ),
        printer=printer,
    )
    console.say(f"Update of '{name}': {format_changes(result.summary.resource_changes, planned=False)}.")
    status = _report_policy(printer, console, name, "up")
    _print_outputs(console, result.outputs)
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
        handle = _open(auto, args.stack, "destroy", project)
        _destroy(handle, args, console)
        console.say(
            f"Stack '{handle.name}' and its config are kept; remove them with "
            f"`pulumi stack rm {handle.name}`."
        )
        return EXIT_OK

    return _run(body, load=load, console=console, project=project, check_first=check)


def _destroy(handle: StackHandle, args: argparse.Namespace, console: Console) -> None:
    console.say(f"Destroying stack '{handle.name}'...")
    printer = EventPrinter(console.out, planned=False)
    result = _mutate(
        handle,
        console,
        "destroy",
        lambda: handle.stack.destroy(on_event=printer, on_output=_on_output(args, console), color="never"),
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
        handle = _open(auto, args.stack, "refresh", project)
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
            result = _call(
                auto,
                name,
                "refresh --preview-only",
                lambda: handle.stack.preview_refresh(
                    on_event=printer, on_output=_on_output(args, console), color="never"
                ),
                printer=printer,
            )
            if not printer.drifted and not has_changes(result.change_summary):
                console.say(f"No drift; stack '{name}' already matches the cloud.")
                return EXIT_OK
            _print_drift(console, printer, result.change_summary)
            _confirm(
                console,
                f"Adopt this cloud state into stack '{name}'?",
                f"error: refusing to refresh stack '{name}': stdin is not a terminal; pass --yes.",
            )
        console.say(f"Refreshing stack '{name}'...")
        printer = EventPrinter(console.out, planned=False)
        refreshed = _mutate(
            handle,
            console,
            "refresh",
            lambda: handle.stack.refresh(
                on_event=printer, on_output=_on_output(args, console), color="never"
            ),
            printer=printer,
        )
        done = format_changes(refreshed.summary.resource_changes, planned=False)
        console.say(f"Refresh of '{name}': {done}.")
        return EXIT_OK

    return _run(body, load=load, console=console, project=project)


def _print_drift(console: Console, printer: EventPrinter, changes: Any) -> None:
    if printer.drifted:
        console.say(f"{len(printer.drifted)} resource(s) differ from the stack's state:")
        for resource in printer.drifted:
            console.say(f"  {resource.line()}")
    else:
        console.say(
            f"Changes found ({format_changes(changes, planned=True)}); "
            "the engine events did not name the resources."
        )


def drift(
    args: argparse.Namespace,
    *,
    load: AutomationLoader | None = None,
    console: Console | None = None,
    project: Project | None = None,
) -> int:
    def body(auto: Any, console: Console, project: Project) -> int:
        handle = _open(auto, args.stack, "drift", project)
        name = handle.name
        console.say(f"Checking stack '{name}' for drift (refresh --preview-only --expect-no-changes)...")
        printer = EventPrinter(console.out, planned=True)
        changes: Any = None
        try:
            result = handle.stack.preview_refresh(
                expect_no_changes=True, on_event=printer, on_output=_on_output(args, console), color="never"
            )
            changes = result.change_summary
        except KeyboardInterrupt:
            raise
        except Exception as exc:
            expected = isinstance(exc, auto.CommandError) and "no changes were expected" in str(exc)
            if not (expected or (printer.drifted and isinstance(exc, auto.CommandError))):
                _raise_translated(auto, name, "refresh --preview-only", exc, printer, project)
        changes = changes or printer.changes
        if printer.drifted or has_changes(changes):
            console.say(f"Drift on stack '{name}':")
            _print_drift(console, printer, changes)
            console.say(
                f"Adopt the cloud state with `python -m ops refresh --stack {name}`, or restore the "
                f"program's state with `python -m ops up --stack {name}`."
            )
            return EXIT_DRIFT
        console.say(f"No drift: stack '{name}' matches the cloud ({format_changes(changes, planned=True)}).")
        return EXIT_OK

    return _run(body, load=load, console=console, project=project)


def outputs(
    args: argparse.Namespace,
    *,
    load: AutomationLoader | None = None,
    console: Console | None = None,
    project: Project | None = None,
) -> int:
    def body(auto: Any, console: Console, project: Project) -> int:
        handle = _open(auto, args.stack, "stack output", project)
        values = _masked(
            _call(auto, handle.name, "stack output", handle.stack.outputs), show_secrets=args.show_secrets
        )
        if args.json:
            console.say(json.dumps(values, indent=2, sort_keys=True))
            return EXIT_OK
        if not values:
            console.say(f"Stack '{handle.name}' has no outputs (has it been deployed?).")
            return EXIT_OK
        width = max(len(key) for key in values)
        for key, value in values.items():
            console.say(f"{key:<{width}}  {_text(value)}")
        return EXIT_OK

    return _run(body, load=load, console=console, project=project)


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
        handle = _open(auto, name, "stack init", project, create=True)
        keys = _call(auto, name, "config set-all", lambda: copy_config(handle, REVIEW_SOURCE_STACK))
        console.say(
            f"Review stack '{name}': {len(keys)} config value(s) copied from '{REVIEW_SOURCE_STACK}'."
        )
        _pin_tags(handle, args, console)
        return _deploy(handle, args, console)

    return _run(body, load=load, console=console, project=project)


def _remove_review(auto: Any, name: str, args: argparse.Namespace, console: Console, project: Project) -> int:
    try:
        handle = open_stack(auto, name, project)
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        if isinstance(exc, auto.StackNotFoundError):
            console.say(f"Review stack '{name}' does not exist; nothing to remove.")
            return EXIT_OK
        _raise_translated(auto, name, "stack select", exc, project=project)
    if not args.yes:
        _confirm(
            console,
            f"Destroy review stack '{name}' and remove it?",
            f"error: refusing to destroy review stack '{name}' without confirmation: stdin is not a "
            f"terminal; pass --yes.",
        )
    _destroy(handle, args, console)
    _call(auto, name, "stack rm", lambda: handle.workspace.remove_stack(name))
    console.say(f"Review stack '{name}' removed.")
    return EXIT_OK


# ------------------------------------------------------------------------------------------ parsers


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a pull request number, got '{text}'") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive pull request number, got {value}")
    return value


def _add_common(parser: argparse.ArgumentParser, *, stack: bool = True) -> None:
    if stack:
        parser.add_argument(
            "--stack",
            "-s",
            required=True,
            metavar="STACK",
            help="stack name (dev, prod, ...), selected in the project's LocalWorkspace",
        )
    parser.add_argument(
        "--cli-output",
        action="store_true",
        help="also stream the Pulumi CLI's own display output (on_output)",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the Automation API stack commands to `python -m ops`."""
    formatter = argparse.RawDescriptionHelpFormatter

    def add(name: str, handler: Handler, summary: str, description: str) -> argparse.ArgumentParser:
        paragraphs = [summary, *description.split("\n")]
        text = "\n\n".join(textwrap.fill(paragraph, width=100) for paragraph in paragraphs)
        parser = subparsers.add_parser(
            name, help=summary, description=text, epilog=EXIT_CODES, formatter_class=formatter
        )
        parser.set_defaults(handler=handler)
        return parser

    tag_help = (
        "set services.<name>.image.tag to TAG for every service whose image is an ECR repository "
        "(CI passes the commit SHA)"
    )

    parser = add(
        "preview",
        preview,
        "Preview a stack's changes with the policy pack attached.",
        "Runs `pulumi preview` through the Automation API with policy/ and "
        "policy/config/<stack>.json attached, streams one line per resource, prints a summary "
        "of changes and the policy violations. Mandatory violations exit 1.",
    )
    _add_common(parser)
    parser.add_argument("--image-tag", metavar="TAG", help=tag_help)

    parser = add(
        "up",
        up,
        "Deploy a stack (preview, confirm, update) with the policy pack attached.",
        "Without --yes: previews, shows the changes and asks for confirmation on a terminal "
        "(refuses without one). With --yes: updates at once (CI). The pack and "
        "policy/config/<stack>.json are attached to the update too.",
    )
    _add_common(parser)
    parser.add_argument(
        "--yes", "-y", action="store_true", help="update without asking (needed without a TTY)"
    )
    parser.add_argument("--image-tag", metavar="TAG", help=tag_help)
    parser.add_argument("--message", "-m", help="message recorded with the update")

    parser = add(
        "destroy",
        destroy,
        "Destroy every resource of a stack (the stack and its config stay).",
        "prod (and any stack whose config says environment: prod) is destroyed only with its "
        "name typed back: --confirm prod. A mismatch (--confirm prd) refuses and destroys nothing. "
        "Other stacks take --confirm STACK, --yes, or an answer on a terminal.",
    )
    _add_common(parser)
    parser.add_argument("--confirm", metavar="STACK", help="the stack name typed back (required for prod)")
    parser.add_argument("--yes", "-y", action="store_true", help="skip the question (not enough for prod)")

    parser = add(
        "refresh",
        refresh,
        "Adopt the cloud's current state into a stack's state.",
        "Without --yes: shows the drift (refresh --preview-only) and asks on a terminal. "
        "With --yes: refreshes at once.",
    )
    _add_common(parser)
    parser.add_argument("--yes", "-y", action="store_true", help="refresh without asking")

    parser = add(
        "drift",
        drift,
        "Detect drift without changing anything (exit 3 when found).",
        "Runs `pulumi refresh --preview-only --expect-no-changes` (Stack.preview_refresh) and "
        "lists every resource whose cloud state differs from the stack's state.",
    )
    _add_common(parser)

    parser = add(
        "outputs",
        outputs,
        "Print a stack's outputs (secrets masked).",
        "Secret outputs print as [secret] unless --show-secrets.",
    )
    parser.add_argument("--stack", "-s", required=True, metavar="STACK", help="stack name")
    parser.add_argument("--json", action="store_true", help="print a JSON object of the outputs")
    parser.add_argument("--show-secrets", action="store_true", help="print secret outputs in plain text")

    parser = add(
        "review",
        review,
        "Deploy or remove an ephemeral review stack pr-N from dev's config.",
        "review --pr N: creates (or selects) stack pr-N, copies every config value of dev into "
        "it (secrets stay secret) and deploys it with the pack and dev's policy config.\n"
        "review --pr N --destroy: destroys pr-N's resources, then removes the stack itself.",
    )
    _add_common(parser, stack=False)
    parser.add_argument("--pr", required=True, type=_positive_int, metavar="N", help="pull request number")
    parser.add_argument("--destroy", action="store_true", help="destroy and remove the review stack")
    parser.add_argument(
        "--yes", "-y", action="store_true", help="do it without asking (needed without a TTY)"
    )
    parser.add_argument("--image-tag", metavar="TAG", help=tag_help)
