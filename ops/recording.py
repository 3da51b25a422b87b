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
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class RecordedResource:
    type: str  # "aws:ecs/service:Service", "fargate-platform:index:FargateService", ...
    name: str  # logical name
    urn: str
    parent: str  # parent URN ("" for resources directly under the root stack)
    inputs: dict[str, Any]  # engine (camelCase) names, secrets unwrapped to plain values
    secret_paths: tuple[str, ...]  # paths of inputs that were Pulumi secrets ("a.b[0].c")
    custom: bool  # False for ComponentResources
    protect: bool
    retain_on_delete: bool
    depends_on: tuple[str, ...]  # URNs the engine sees as dependencies (explicit dependsOn + input deps)
    provider: str  # provider reference ("<urn>::<id>"), "" for the default provider


@dataclass
class Plan:
    project: str
    stack: str
    resources: list[RecordedResource]
    outputs: dict[str, Any]  # resolved stack exports (secrets unwrapped)
    secret_outputs: tuple[str, ...] = ()
    region: str = ""  # the stack's aws:region as the mocks used it
    messages: tuple[str, ...] = ()  # what the program logged with pulumi.log.info/warn ("warning: ...")
    _by_urn: dict[str, RecordedResource] = field(default_factory=dict, repr=False, compare=False)

    def of_type(self, type_token: str) -> list[RecordedResource]:
        """Resources of one type token, in registration order."""
        return [r for r in self.resources if r.type == type_token]

    def by_name(self, name: str) -> RecordedResource:
        """The one resource with this logical name (KeyError if none or several)."""
        found = [r for r in self.resources if r.name == name]
        if len(found) == 1:
            return found[0]
        if not found:
            names = ", ".join(sorted(r.name for r in self.resources))
            raise KeyError(f"no resource named {name!r}; recorded names: {names}")
        types = ", ".join(r.type for r in found)
        raise KeyError(f"several resources are named {name!r} ({types}); use of_type() to pick one")

    def by_urn(self, urn: str) -> RecordedResource:
        if not self._by_urn:
            self._by_urn = {r.urn: r for r in self.resources}
        return self._by_urn[urn]

    def children_of(self, urn: str) -> list[RecordedResource]:
        """Direct children of a resource (by parent URN), in registration order."""
        return [r for r in self.resources if r.parent == urn]


class ProgramError(Exception):
    """The program raised: `message` is the exception's text, `location` the program's file:line."""

    def __init__(self, message: str, location: str) -> None:
        super().__init__(f"{location}: {message}" if location else message)
        self.message = message
        self.location = location


class ProgramConfigError(ProgramError):
    """The program rejected its stack config; `problems` holds one line per problem (key path and fix)."""

    def __init__(self, message: str, location: str, problems: Sequence[str]) -> None:
        super().__init__(message, location)
        self.problems = tuple(problems)


# --------------------------------------------------------------------------------------------- values


def _plain(value: Any, path: str, secrets: list[str]) -> Any:
    """Unwrap secrets (recording their paths) and turn engine values into JSON-ready data."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        sig = value.get(SPECIAL_SIG_KEY)
        if sig == SECRET_SIG:
            secrets.append(path)
            return _plain(value.get("value"), path, [])
        if sig == _RESOURCE_SIG:
            return value.get("urn", "")
        out = {}
        for key, item in value.items():
            out[key] = _plain(item, f"{path}.{key}" if path else str(key), secrets)
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(item, f"{path}[{i}]", secrets) for i, item in enumerate(value)]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return _plain_object(value)


def _plain_object(value: Any) -> Any:
    """Assets, archives and resource objects deserialised by the SDK, as plain data."""
    from pulumi import Archive, Asset, Resource

    if isinstance(value, Resource):
        return f"<resource {type(value).__name__}>"
    if isinstance(value, (Asset, Archive)):
        for attr in ("path", "text", "uri"):
            if isinstance(getattr(value, attr, None), str):
                return {attr: getattr(value, attr)}
    return str(value)


# --------------------------------------------------------------------------------------------- monitor


def _struct(values: dict[str, Any]) -> Any:
    """Plain mock values (JSON-like, secrets as signature dicts) as a protobuf Struct, synchronously: what
    `rpc.serialize_properties` gives for such values, without a trip through the event loop."""
    from google.protobuf import struct_pb2

    out = struct_pb2.Struct()
    out.update(values)
    return out


class _InlineExecutor(ThreadPoolExecutor):
    """Runs the SDK's monitor calls on the event loop's thread. The mock monitor answers at once, so a
    thread pool only adds hand-offs and GIL contention (half of the wall time of a large program)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # delivered to the awaiting coroutine, as from a thread pool
            future.set_exception(exc)
        return future


def _make_recording_monitor(
    mocks: Any, records: list[RecordedResource], on_resource: Callable[[RecordedResource], None] | None
) -> Any:
    from pulumi.runtime import rpc
    from pulumi.runtime.mocks import MockMonitor, MockResourceArgs
    from pulumi.runtime.proto import resource_pb2
    from pulumi.runtime.sync_await import _ensure_event_loop

    class RecordingMonitor(MockMonitor):
        """Records each full RegisterResource request and answers with `AwsMocks` outputs."""

        def __init__(self) -> None:
            super().__init__(mocks)
            self._lock = threading.Lock()
            self._stack_urn = ""

        def make_urn(self, parent: str, type_: str, name: str) -> str:
            # As the engine builds URNs: a child's type is qualified by its parent's full qualified type, and
            # resources directly under the root stack are not qualified at all.
            if parent and parent != self._stack_urn:
                type_ = parent.split("::")[2] + "$" + type_
            return "urn:pulumi:" + "::".join([mocks.stack, mocks.project, type_, name])

        def RegisterResource(self, request: Any) -> Any:
            if request.type == STACK_TYPE:
                self._stack_urn = self.make_urn("", request.type, request.name)
                return resource_pb2.RegisterResourceResponse(urn=self._stack_urn)
            _ensure_event_loop()
            urn = self.make_urn(request.parent, request.type, request.name)
            inputs = rpc.deserialize_properties(request.object)
            args = MockResourceArgs(
                typ=request.type,
                name=request.name,
                inputs=inputs,
                provider=request.provider,
                resource_id=request.importId,
                custom=request.custom or False,
            )
            ident, state = mocks.outputs_for(args, urn)
            secrets: list[str] = []
            plain_inputs = _plain(inputs, "", secrets)
            record = RecordedResource(
                type=request.type,
                name=request.name,
                urn=urn,
                parent="" if request.parent == self._stack_urn else request.parent,
                inputs=plain_inputs,
                secret_paths=tuple(secrets),
                custom=bool(request.custom),
                protect=bool(request.protect),
                retain_on_delete=bool(request.retainOnDelete),
                depends_on=tuple(sorted(set(request.dependencies))),
                provider=request.provider,
            )
            for key in request.additionalSecretOutputs:
                # The engine marks these outputs secret (e.g. a RandomPassword's `result`); so do we.
                if key in state and not (isinstance(state[key], dict) and SPECIAL_SIG_KEY in state[key]):
                    state[key] = {SPECIAL_SIG_KEY: SECRET_SIG, "value": state[key]}
            obj = _struct(state)
            with self._lock:
                records.append(record)
                self.resources[urn] = MockMonitor.ResourceRegistration(urn, ident, state)
            if on_resource is not None:
                on_resource(record)
            return resource_pb2.RegisterResourceResponse(urn=urn, id=ident, object=obj)

        def Invoke(self, request: Any) -> Any:
            args = rpc.deserialize_properties(request.args)
            if request.tok == "pulumi:pulumi:getResource":
                return super().Invoke(request)
            result = mocks.invoke(request.tok, args)
            return resource_pb2.ResourceInvokeResponse(failures=None, **{"return": _struct(result)})

    return RecordingMonitor()


# --------------------------------------------------------------------------------------------- engine log


class _EngineLog(logging.Handler):
    """Collects what the program logs through the engine (pulumi.log.info/warn/error) under mocks."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.levelno, record.getMessage()))

    def logger(self) -> logging.Logger:
        logger = logging.Logger("ops.recording.engine", logging.INFO)  # unregistered: private to this run
        logger.addHandler(self)
        logger.propagate = False
        return logger


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
        outputs[name] = _plain(resolved, name, [])
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

    from ops.aws_mocks import DEFAULT_REGION, AwsMocks

    region = config.get("aws:region") or DEFAULT_REGION
    mocks = AwsMocks(region)
    mocks.project, mocks.stack = project, stack  # type: ignore[attr-defined]
    records: list[RecordedResource] = []
    monitor = _make_recording_monitor(mocks, records, on_resource)
    engine_log = _EngineLog()

    loop = asyncio.new_event_loop()
    loop.set_default_executor(_InlineExecutor())
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
