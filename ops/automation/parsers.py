"""The stack commands' sub-commands of `python -m ops` (preview, up, destroy, refresh, drift, outputs,
review), each with its options and the exit codes in its --help epilog. Light to import: the handlers load
`pulumi.automation` only when they run."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable

from ops.automation.commands import destroy, drift, outputs, preview, refresh, review, up
from ops.automation.errors import EXIT_BUSY, EXIT_DRIFT, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE

EXIT_CODES = f"""\
exit codes:
  {EXIT_OK}    success (advisory policy violations are listed but do not fail)
  {EXIT_FAILED}    the Pulumi operation failed, or mandatory policy violations (listed)
  {EXIT_USAGE}    could not start: no Pulumi CLI, unknown stack, confirmation refused, bad arguments
  {EXIT_DRIFT}    drift: resources differ from the stack's state (listed)
  {EXIT_BUSY}    another update is running on the stack (wait, or `pulumi cancel --stack STACK`)
  {EXIT_INTERRUPTED}  interrupted by Ctrl-C (a running update is cancelled)"""

Handler = Callable[..., int]


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
