"""`python -m ops plan`, `check` and `diff`: the offline plan, policy check and update check (no CLI,
no cloud).

Exit codes: 0 clean or advisory violations only; 1 mandatory violations (check), or a step AWS would refuse
or that loses data (diff); 2 a config, program, policy
config or pack error, printed as messages naming the key, file:line or policy (never a bare traceback);
130 interrupted. Heavy modules (pulumi, grpc) load inside the handlers so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from ops.project_root import default_project_root

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--stack", "-s", required=True, help="stack name: reads Pulumi.<stack>.yaml")
    common.add_argument(
        "--project-dir",
        type=Path,
        default=None,
        help="directory of Pulumi.yaml (default: the nearest one from the current directory up)",
    )
    common.add_argument(
        "--json",
        type=Path,
        metavar="FILE",
        help="also write the documented JSON report to FILE; '-' writes it to standard output (the report "
        "then goes to standard error)",
    )

    plan = subparsers.add_parser(
        "plan",
        parents=[common],
        help="run the program under mocks and summarise the resources it registers (offline)",
        description="Load Pulumi.yaml and Pulumi.<stack>.yaml, run the program under Pulumi mocks (no CLI, "
        "no cloud) and print the recorded resources and outputs. Exit 2 on a config or program error.",
    )
    plan.set_defaults(handler=plan_command)

    check = subparsers.add_parser(
        "check",
        parents=[common],
        help="plan + the policy pack + a cost estimate, offline; exit 1 on mandatory violations",
        description="Run the plan, the policy pack in policy/ as the Pulumi CLI runs it, and the cost "
        "estimate. Exit 0 clean or advisory only, 1 mandatory violations, 2 config/program/pack errors.",
    )
    check.add_argument(
        "--policy-config",
        type=Path,
        metavar="FILE",
        help="policy pack config (--policy-pack-config format; default: <pack>/config/<stack>.json)",
    )
    check.add_argument(
        "--pack-dir", type=Path, default=None, help="policy pack directory (default: <project>/policy)"
    )
    check.set_defaults(handler=check_command)

    diff = subparsers.add_parser(
        "diff",
        parents=[common],
        help="what an update from a base stack file would do, and whether AWS would accept it (offline)",
        description="Plan the base stack file (--base: a path, or a git revision whose "
        "Pulumi.<stack>.yaml is read with git show) and the current one under mocks with the same "
        "program, list the creates, "
        "updates, replacements and deletes in the engine's order, and check the transition (names and "
        "listener-rule priorities held by resources not yet deleted, provider rules, data at risk). "
        "Exit 0 safe, 1 a step would fail or lose data, 2 a bad config or base.",
    )
    diff.add_argument(
        "--base",
        required=True,
        metavar="BASE",
        help="the earlier stack file: a path, or a git revision (origin/main) when no such file exists",
    )
    diff.set_defaults(handler=diff_command)


def _err(message: str) -> None:
    from ops.offline.report import use_colour

    prefix = "\x1b[1;31merror:\x1b[0m" if use_colour(sys.stderr) else "error:"
    print(f"{prefix} {message}", file=sys.stderr)


class OutputError(Exception):
    """The --json file cannot be written; the message names it and why."""


def _json_to_stdout(args: argparse.Namespace) -> bool:
    return args.json is not None and str(args.json) == "-"


def _report_stream(args: argparse.Namespace) -> Any:
    """Where the human report goes: standard output, or standard error when the JSON goes there."""
    return sys.stderr if _json_to_stdout(args) else sys.stdout


def _write_json(args: argparse.Namespace, document: dict[str, Any]) -> None:
    from ops.offline.report import write_json

    try:
        write_json(args.json, document)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputError(
            f"cannot write the JSON report to {args.json}: {reason}; pass another --json FILE"
        ) from None


MAX_MESSAGE_LINE = 400  # characters of one printed message line; the JSON document keeps them whole


def _shortened(line: str) -> str:
    """A message line that echoes a huge value (a 100,000-character string in the stack file) cut short."""
    if len(line) <= MAX_MESSAGE_LINE:
        return line
    return f"{line[:MAX_MESSAGE_LINE]}… ({len(line) - MAX_MESSAGE_LINE:,} more characters)"


def _fail(args: argparse.Namespace, kind: str, messages: list[str], location: str = "") -> int:
    """Print an error (exit 2) and, with --json, write it there too."""
    _err(_shortened(messages[0]))
    for line in messages[1:]:
        print(f"  {_shortened(line)}", file=sys.stderr)
    if args.json is not None and kind != "output":
        from ops.offline.report import error_document

        try:
            _write_json(args, error_document(args.command, args.stack, kind, messages, location))
        except OutputError as exc:
            _err(str(exc))
    return EXIT_ERROR


def _known_error(args: argparse.Namespace, exc: BaseException) -> int | None:
    """Exit 2 with a readable message for the errors a user can fix; None for anything else."""
    from ops.offline.project import ProjectError
    from ops.offline.recording import ProgramConfigError, ProgramError

    if isinstance(exc, OutputError):
        return _fail(args, "output", [str(exc)])
    if isinstance(exc, ProjectError):
        lines = str(exc).splitlines()
        return _fail(args, "project", lines)
    if isinstance(exc, ProgramConfigError):
        # The program's file:line is for the JSON document, not the user: the problems name keys and fixes.
        head = f"invalid stack config in Pulumi.{args.stack}.yaml ({len(exc.problems)} problem"
        head += f"{'s' if len(exc.problems) != 1 else ''}):"
        return _fail(args, "config", [head, *exc.problems], exc.location)
    if isinstance(exc, ProgramError):
        where = f" at {exc.location}" if exc.location else ""
        return _fail(args, "program", [f"the program failed{where}: {exc.message}"], exc.location)
    if args.command == "diff":
        from ops.offline.diff_base import BaseError

        if isinstance(exc, BaseError):
            return _fail(args, "base", str(exc).splitlines())
    if args.command == "check":
        from ops.offline.analyzer import PackRuntimeError, PackStartError, PolicyConfigError

        if isinstance(exc, PolicyConfigError):
            return _fail(args, "policy-config", [f"invalid policy config: {exc}"])
        if isinstance(exc, PackStartError):
            return _fail(args, "pack-start", ["the policy pack did not start:", *str(exc).splitlines()])
        if isinstance(exc, PackRuntimeError):
            return _fail(args, "pack", ["the policy pack failed:", *str(exc).splitlines()])
    return None


def _run(args: argparse.Namespace, body: Any) -> int:
    # A short-lived command: no cyclic garbage collection while the SDK is imported and the program runs
    # (it walks the SDK's many live objects over and over: a third of the import time, more than half of
    # a large program's run). Restored for callers that run commands in-process (tests).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    installed, previous_term = _on_sigterm()
    try:
        return body()
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:
        code = _known_error(args, exc)
        if code is None:
            raise
        return code
    finally:
        if gc_was_enabled:
            gc.enable()
        if installed:
            signal.signal(signal.SIGTERM, previous_term if previous_term is not None else signal.SIG_DFL)


def _on_sigterm() -> tuple[bool, Any]:
    """End the command on SIGTERM with its packs reaped (the default action would leave them running in
    their own sessions). Only the main thread can install signal handlers.

    The handler does not raise: an exception raised wherever the main thread happens to be can land inside
    an import (and be swallowed by a library's bare ``except:``, or leave the import lock held so a
    pack-feeding thread waits forever): the command would then hang or fail instead of ending. It kills and
    reaps every pack, says so and exits 143; the command writes nothing before it finishes, so there is
    nothing else to clean up. Everything it needs is bound here, so the handler imports nothing."""
    if threading.current_thread() is not threading.main_thread():
        return False, None
    from ops.offline.analyzer import kill_all_packs
    from ops.offline.report import use_colour

    prefix = "\x1b[1;31merror:\x1b[0m" if use_colour(sys.stderr) else "error:"
    message = f"{prefix} terminated (SIGTERM)\n".encode()

    def terminate(_signum: int, _frame: Any) -> None:
        kill_all_packs()
        os.write(2, message)  # not sys.stderr: the main thread may be inside its lock
        os._exit(EXIT_TERMINATED)

    return True, signal.signal(signal.SIGTERM, terminate)


def plan_command(args: argparse.Namespace) -> int:
    def body() -> int:
        from ops.offline.plan import plan_document, record
        from ops.offline.report import render_plan, use_colour

        project_dir = args.project_dir or default_project_root()
        stack_config, plan = record(project_dir, args.stack)
        out = _report_stream(args)
        out.write(render_plan(stack_config, plan, colour=use_colour(out)))
        if args.json is not None:
            _write_json(args, plan_document(stack_config, plan))
        return 0

    return _run(args, body)


def check_command(args: argparse.Namespace) -> int:
    # Pack processes are spawned (fork + exec) while gRPC calls are in flight: gRPC's fork handlers are of
    # no use to an exec'd child and only log a warning. Effective when grpc is not imported yet.
    os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

    def body() -> int:
        from ops.offline.check import run_check
        from ops.offline.report import check_document, render_check, use_colour

        project_dir = args.project_dir or default_project_root()
        result = run_check(project_dir, args.stack, pack_dir=args.pack_dir, policy_config=args.policy_config)
        out = _report_stream(args)
        out.write(render_check(result, colour=use_colour(out)))
        if args.json is not None:
            _write_json(args, check_document(result))
        return result.exit_code

    return _run(args, body)


def diff_command(args: argparse.Namespace) -> int:
    def body() -> int:
        from ops.offline.diff_report import diff_document, render_diff, run_diff
        from ops.offline.report import use_colour

        def progress(line: str) -> None:
            print(line, file=sys.stderr, flush=True)

        project_dir = args.project_dir or default_project_root()
        result = run_diff(project_dir, args.stack, args.base, progress)
        out = _report_stream(args)
        out.write(render_diff(result, colour=use_colour(out)))
        if args.json is not None:
            _write_json(args, diff_document(result))
        return result.exit_code

    return _run(args, body)
