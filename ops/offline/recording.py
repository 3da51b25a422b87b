"""Run a Pulumi program under mocks and record every resource it registers.

`run_program` executes a program file (normally the project's `__main__.py`) in this process with
Pulumi's mock runtime: no CLI, no provider plugins, no cloud. A `MockMonitor` subclass sees each full
`RegisterResource` request, so the record holds what the engine would receive: type, name, URN, parent,
inputs, protect, retainOnDelete, dependencies and provider. Secret inputs are unwrapped to plain values and
their paths listed, because AWS receives them in plain text. Outputs come from `AwsMocks` (AWS-shaped ARNs
and ids).

Tests and `python -m ops plan/check` assert on the returned `Plan`: plain data, never values inside `apply`.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import logging
import os
import runpy
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any

from ops.offline import recording_monitor
from ops.offline.recorded_plan import Plan, ProgramConfigError, ProgramError, RecordedResource
from ops.offline.recording_monitor import EngineLog, InlineExecutor, plain

# What callers of the recording use, from one module (tests, plan, check).
__all__ = ["Plan", "ProgramConfigError", "ProgramError", "RecordedResource", "run_program"]


# --------------------------------------------------------------------------------------------- errors


def _location(tb: TracebackType | None, program_dir: Path) -> str:
    """file:line of the innermost frame in the program's own files (not the venv), else the innermost."""
    frames = traceback.extract_tb(tb)
    root = str(program_dir.resolve()) + os.sep
    own = [
        f
        for f in frames
        if f.filename.startswith(root)
        and "site-packages" not in f.filename
        and os.sep + "venv" not in f.filename
    ]
    chosen = own[-1] if own else (frames[-1] if frames else None)
    if chosen is None:
        return ""
    try:
        name = os.path.relpath(chosen.filename, program_dir)
    except ValueError:
        name = chosen.filename
    if name.startswith(".."):
        name = chosen.filename
    return f"{name}:{chosen.lineno}"


def _program_error(exc: BaseException, program_dir: Path) -> ProgramError:
    location = _location(exc.__traceback__, program_dir)
    if isinstance(exc, SystemExit):
        return ProgramError(f"the program exited with status {exc.code}", location)
    message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    problems = getattr(exc, "problems", None)
    if problems is not None and not isinstance(problems, (str, bytes)):
        try:
            lines = [str(p) for p in problems]
        except TypeError:
            lines = []
        if lines:
            return ProgramConfigError(str(exc) or "invalid stack config", location, lines)
    return ProgramError(message, location)


# --------------------------------------------------------------------------------------------- running


@contextmanager
def _lean_sdk() -> Iterator[None]:
    """Skip two per-resource costs of the SDK whose results the mock monitor throws away: the stack trace
    captured for each registration (source positions for the engine) and the debug log messages sent to the
    engine. Together about a third of the SDK's CPU time per resource; restored afterwards."""
    import pulumi.log
    import pulumi.runtime.resource as sdk_resource
    from pulumi.runtime.proto import source_pb2

    saved = sdk_resource._get_stack_trace, pulumi.log.debug
    sdk_resource._get_stack_trace = source_pb2.StackTrace  # an empty trace
    pulumi.log.debug = _ignore_debug
    try:
        yield
    finally:
        sdk_resource._get_stack_trace, pulumi.log.debug = saved


def _ignore_debug(*_args: Any, **_kwargs: Any) -> None:
    return None


def _is_library(filename: str) -> bool:
    """Installed packages (a venv may live inside the project directory)."""
    return (
        "site-packages" in filename or f"{os.sep}venv{os.sep}" in filename or filename.startswith(sys.prefix)
    )


@contextmanager
def _program_environment(program_dir: Path) -> Iterator[None]:
    """cwd and sys.path as `pulumi` sets them. The program's own modules imported by this run are dropped
    afterwards, so the next run (maybe of another program with modules of the same names) imports fresh
    copies; installed packages stay loaded."""
    before = set(sys.modules)
    old_cwd = os.getcwd()
    path_entry = str(program_dir)
    sys.path.insert(0, path_entry)
    os.chdir(program_dir)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        with suppress(ValueError):
            sys.path.remove(path_entry)
        root = str(program_dir) + os.sep
        for name in set(sys.modules) - before:
            module_file = getattr(sys.modules.get(name), "__file__", None) or ""
            if module_file.startswith(root) and not _is_library(module_file):
                del sys.modules[name]


def _run_path(program: Path) -> None:
    runpy.run_path(str(program), run_name="__main__")


def _resolve_outputs(stack: Any) -> tuple[dict[str, Any], tuple[str, ...]]:
    from pulumi import Output
    from pulumi.runtime.stack import massage
    from pulumi.runtime.sync_await import _sync_await

    outputs: dict[str, Any] = {}
    secret: list[str] = []
    for name, value in dict(getattr(stack, "outputs", {})).items():
        out = Output.from_input(massage(value, []))
        resolved = _sync_await(out.future())
        if _sync_await(out.is_secret()):
            secret.append(name)
        outputs[name] = plain(resolved, name, [])
    return outputs, tuple(secret)


def _tree_order(records: list[RecordedResource]) -> list[RecordedResource]:
    """Registration order depends on thread timing; a stable order (each parent before its children,
    siblings by type and name) keeps plans and reports identical from run to run."""
    urns = {r.urn for r in records}
    children: dict[str, list[RecordedResource]] = {}
    for r in records:
        children.setdefault(r.parent if r.parent in urns else "", []).append(r)
    ordered: list[RecordedResource] = []
    pending = sorted(children.get("", []), key=lambda r: (r.type, r.name), reverse=True)
    while pending:
        resource = pending.pop()
        ordered.append(resource)
        pending.extend(sorted(children.get(resource.urn, []), key=lambda r: (r.type, r.name), reverse=True))
    return ordered


def _run(
    program: Path,
    project: str,
    stack: str,
    config: dict[str, str],
    secret_keys: Sequence[str],
    on_resource: Callable[[RecordedResource], None] | None,
) -> Plan:
    import pulumi.runtime
    from pulumi.runtime import settings
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    from ops.offline.aws_mocks import DEFAULT_REGION, AwsMocks

    region = config.get("aws:region") or DEFAULT_REGION
    mocks = AwsMocks(region)
    mocks.project, mocks.stack = project, stack  # type: ignore[attr-defined]
    records: list[RecordedResource] = []
    monitor = recording_monitor.make_recording_monitor(mocks, records, on_resource)
    engine_log = EngineLog()

    loop = asyncio.new_event_loop()
    loop.set_default_executor(InlineExecutor())
    asyncio.set_event_loop(loop)
    program_dir = program.parent
    try:
        settings.ROOT.set(None)
        pulumi.runtime.set_all_config(dict(config), list(secret_keys))
        pulumi.runtime.set_mocks(
            mocks, project=project, stack=stack, preview=False, monitor=monitor, logger=engine_log.logger()
        )
        root = settings.get_root_resource()
        with _program_environment(program_dir), _lean_sdk():
            try:
                _sync_await(run_pulumi_func(lambda: _run_path(program)))
                outputs, secret_outputs = _resolve_outputs(root)
            except (Exception, SystemExit) as exc:  # Ctrl-C and other BaseExceptions propagate
                raise _program_error(exc, program_dir) from exc
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    errors = [text for level, text in engine_log.lines if level >= logging.ERROR]
    if errors:
        # As with the CLI: a program that logs an error fails, even though it ran to the end.
        raise ProgramError("the program logged an error: " + "; ".join(errors), "")
    messages = tuple(
        f"{'warning' if level >= logging.WARNING else 'info'}: {text}" for level, text in engine_log.lines
    )
    return Plan(project, stack, _tree_order(records), outputs, secret_outputs, region, messages=messages)


def run_program(
    program: Path,
    *,
    project: str,
    stack: str,
    config: dict[str, str],
    secret_keys: Sequence[str] = (),
    on_resource: Callable[[RecordedResource], None] | None = None,
) -> Plan:
    """Run a Pulumi program file under mocks (fresh runtime state each call) and record everything.

    `config` holds full config keys (`"fargate-platform:services"`, `"aws:region"`) with string values
    (structured values JSON-encoded); `secret_keys` names the ones that are secret. Raises `ProgramError`
    (or `ProgramConfigError` when the exception carries `problems`) when the program fails.
    `on_resource` is called with each resource as it is registered (`ops check` streams them to the pack).
    """
    program = Path(program).resolve()
    if not program.is_file():
        raise ProgramError(f"program file {program} does not exist", "")
    # Runtime state lives in context variables: a copied context keeps each run's state to itself.
    ctx = contextvars.copy_context()
    with _gc_paused():
        return ctx.run(_run, program, project, stack, dict(config), tuple(secret_keys), on_resource)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The SDK keeps thousands of futures and Outputs alive while a program runs; the cyclic garbage collector
    walks all of them again and again (more than half of the CPU time of a 100-service program). Paused for
    the run, the memory grows by a few percent; collection resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
