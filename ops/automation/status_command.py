"""`python -m ops status --stack S [--watch] [--interval N] [--json]`: the rollout state, task counts, task
definition revision and alarms in ALARM of each service of a deployed stack.

The stack is selected and its outputs read as `outputs` does (ops.automation.runner: the CLI check, the
LocalWorkspace, the Automation API errors translated); its `aws:region` comes from the stack config. AWS is
read through boto3 (ops.automation.status) and shown by ops.automation.status_view. `--watch` refreshes until
every service has settled or one has a problem. Tests pass their own `load`, `console`, `project` and `sleep`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import textwrap
import time
from collections.abc import Callable
from typing import IO, Any

from ops.automation.console import Console
from ops.automation.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    AutomationLoader,
    OpsError,
)
from ops.automation.project import Project
from ops.automation.runner import call, open_handle, run_command
from ops.automation.status import (
    FAILED,
    IN_PROGRESS,
    StackStatus,
    aws_clients,
    judge,
    overall,
    read_status,
    targets_from_outputs,
)
from ops.automation.status_view import details, document, header, progress_line, summary, table

DEFAULT_INTERVAL = 10.0

EXIT_CODES = f"""\
exit codes:
  {EXIT_OK}    the status was read (without --watch: whatever it is, unless a problem below); --watch: every
       service settled (one deployment, COMPLETED, running == desired)
  {EXIT_FAILED}    a deployment FAILED or was rolled back, or a service of the outputs is missing in AWS
  {EXIT_USAGE}    could not read it: no Pulumi CLI, unknown stack, no outputs (never deployed), no AWS
       credentials or region, an AWS error (one line naming the fix)
  {EXIT_INTERRUPTED}  interrupted by Ctrl-C (nothing is changed)"""

DESCRIPTION = """\
Reads the stack outputs through the Automation API (clusterName, services.<svc>.serviceName and \
services.<svc>.alarmNames), then AWS through boto3 in the stack's aws:region (else boto3's own region): \
ECS DescribeServices and CloudWatch DescribeAlarms. For each service: the PRIMARY deployment's rolloutState \
and how many deployments are active, running/desired/pending tasks, the task definition (family:revision) \
and the alarms in ALARM. Nothing is changed.

--watch refreshes every --interval seconds (on a terminal in place, else one line per refresh) until every \
service has settled (exit 0) or a deployment FAILED, was rolled back or a service is missing (exit 1). With \
--json the document is printed once at the end and the progress lines go to standard error."""


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got '{text}'") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `status` to `python -m ops`."""
    summary_text = "Show each service's rollout, task counts, task definition and alarms (read-only)."
    parser = subparsers.add_parser(
        "status",
        help=summary_text,
        description="\n\n".join(
            textwrap.fill(p, width=100) for p in [summary_text, *DESCRIPTION.split("\n\n")]
        ),
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=status)
    parser.add_argument("--stack", "-s", required=True, metavar="STACK", help="stack name")
    parser.add_argument(
        "--watch", "-w", action="store_true", help="refresh until every service's deployment has settled"
    )
    parser.add_argument(
        "--interval",
        type=_seconds,
        metavar="N",
        help=f"seconds between refreshes of --watch (default {DEFAULT_INTERVAL:g})",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document of the status")


def status(
    args: argparse.Namespace,
    *,
    load: AutomationLoader | None = None,
    console: Console | None = None,
    project: Project | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    def body(auto: Any, console: Console, project: Project) -> int:
        if args.interval is not None and not args.watch:
            raise OpsError("error: --interval sets how often --watch refreshes; add --watch.", EXIT_USAGE)
        handle = open_handle(auto, args.stack, "stack output", project)
        outputs = call(auto, handle.name, "stack output", handle.stack.outputs)
        targets = targets_from_outputs(handle.name, outputs)
        config = call(auto, handle.name, "config", handle.stack.get_all_config)
        region = getattr(config.get("aws:region"), "value", None)
        ecs, cloudwatch, region = aws_clients(handle.name, region)

        def read() -> StackStatus:
            return read_status(ecs, cloudwatch, targets, region)

        if args.watch:
            return _watch(read, args, console, sleep)
        current = read()
        verdicts = [judge(s) for s in current.services]
        if args.json:
            console.say(json.dumps(document(current, verdicts), indent=2))
        else:
            for line in [header(current), *table(current), *details(current, verdicts, {})]:
                console.say(line)
            console.say(summary(current, verdicts))
        return EXIT_FAILED if overall(verdicts) == FAILED else EXIT_OK

    return run_command(body, load=load, console=console, project=project)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


class _InPlace:
    """A block of lines rewritten in place on a terminal (cursor up, clear to the end of the screen)."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.shown = 0

    def show(self, lines: list[str]) -> None:
        width = max(shutil.get_terminal_size().columns - 1, 20)  # a wrapped line would break the count
        text = "".join(line[:width] + "\n" for line in lines)
        self.out.write((f"\x1b[{self.shown}A\r\x1b[J" if self.shown else "") + text)
        self.out.flush()
        self.shown = len(lines)


def _watch(
    read: Callable[[], StackStatus],
    args: argparse.Namespace,
    console: Console,
    sleep: Callable[[float], None],
) -> int:
    interval = args.interval or DEFAULT_INTERVAL
    progress = console.err if args.json else console.out
    live = _InPlace(progress) if _is_terminal(progress) and not args.json else None
    started: dict[str, str | None] = {}  # each service's task definition when the watch began
    refreshes = 0
    try:
        while True:
            refreshes += 1
            current = read()
            for service in current.services:
                started.setdefault(service.target.name, service.task_definition)
            verdicts = [judge(s, started[s.target.name]) for s in current.services]
            if live is not None:
                footer = (
                    f"Refresh {refreshes}, every {interval:g}s until every service settles; Ctrl-C to stop."
                )
                live.show([header(current), *table(current), *details(current, verdicts, started), footer])
            else:
                if refreshes == 1:
                    where = f"cluster {current.targets.cluster} in {current.region}"
                    progress.write(
                        f"Watching stack '{args.stack}' ({where}) every {interval:g}s until every service "
                        "settles; Ctrl-C to stop.\n"
                    )
                progress.write(progress_line(refreshes, current, verdicts) + "\n")
                progress.flush()
            if overall(verdicts) != IN_PROGRESS:
                break
            sleep(interval)
    except KeyboardInterrupt:
        message = f"Stopped watching stack '{args.stack}' (Ctrl-C) after {refreshes} refresh(es)"
        raise OpsError(f"{message}; nothing was changed.", EXIT_INTERRUPTED) from None
    result = overall(verdicts)
    if args.json:
        console.say(json.dumps(document(current, verdicts, refreshes=refreshes), indent=2))
    else:
        if live is None:
            for line in [header(current), *table(current), *details(current, verdicts, started)]:
                console.say(line)
        console.say(f"{summary(current, verdicts)} ({refreshes} refresh(es))")
    return EXIT_FAILED if result == FAILED else EXIT_OK
