"""Run a Pulumi policy pack the way the Pulumi CLI runs it, without the CLI: a subprocess driven over the
analyzer gRPC protocol.

The CLI starts a Python pack as ``python -u -m pulumi.policy <engine-address> <pack-dir>`` with the pack
directory as working directory and ``PULUMI_PROJECT``/``PULUMI_STACK``/``PULUMI_DRY_RUN`` (and the stack's
config as ``PULUMI_CONFIG``) in the environment. The pack's ``PolicyPack(...)`` starts a gRPC server, prints
its port as the first line of stdout and blocks. The CLI then calls ``GetAnalyzerInfo``, merges each
policy's schema defaults with the ``--policy-pack-config`` file, validates the result against the schema,
sends ``Configure`` with every policy, and calls ``Analyze`` per resource and ``AnalyzeStack`` once.

pulumi-policy 1.21 parses the engine address but never dials it (its log calls go to stderr when no engine
is configured), so no engine server is needed: we pass an address nothing listens on.

The subprocess is always reaped: ``close()`` (also run by the context manager, on errors and on Ctrl-C, and
at interpreter exit as a last resort) terminates the pack's whole process group, which it leads.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Self

# Not dialled by pulumi-policy (see the module docstring); port 1 on loopback is never served.
ENGINE_ADDRESS = "127.0.0.1:1"
_MAX_MESSAGE = 400 * 1024 * 1024  # the SDK's own limit
_CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", _MAX_MESSAGE),
    ("grpc.max_send_message_length", _MAX_MESSAGE),
]
_LEVELS = ("advisory", "mandatory", "disabled", "remediate")  # the proto enum's order (0..3)
_STDERR_TAIL = 8000
_PACK_BOOT = Path(__file__).resolve().parent / "pack_boot"  # the pack's sitecustomize (parent-death signal)


@dataclass(frozen=True)
class PackResource:
    type: str
    name: str
    urn: str
    properties: dict[str, Any]
    parent: str = ""
    protect: bool = False
    dependencies: tuple[str, ...] = ()
    provider: str = ""


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    description: str
    enforcement_level: str  # "advisory" | "mandatory" | "disabled" | "remediate"
    config_schema: dict[str, Any]  # JSON schema of the policy's properties ({} if none)
    policy_type: str = "resource"  # "resource" | "stack" | "unknown"


@dataclass(frozen=True)
class Diagnostic:
    policy_name: str
    policy_pack_name: str
    description: str
    message: str  # the violation message (the SDK's "<description>\n" prefix removed)
    enforcement_level: str
    urn: str  # "" for stack-level diagnostics without one


class PolicyConfigError(Exception):
    """The policy config is invalid: the message names the policy, the property and the fix, or the file."""


class PackStartError(Exception):
    """The pack did not start (or died): carries its stderr."""

    def __init__(self, message: str, stderr: str = "", returncode: int | None = None) -> None:
        self.stderr = stderr
        self.returncode = returncode
        super().__init__(message + (f"\n--- pack stderr ---\n{stderr.rstrip()}" if stderr.strip() else ""))


class PackRuntimeError(Exception):
    """A call into a running pack failed (a rule raised, or the pack died): carries its stderr."""

    def __init__(self, message: str, stderr: str = "") -> None:
        self.stderr = stderr
        super().__init__(message + (f"\n--- pack stderr ---\n{stderr.rstrip()}" if stderr.strip() else ""))


# ---------------------------------------------------------------------------------------------------------
# Policy config file
# ---------------------------------------------------------------------------------------------------------


def load_policy_config(path: Path) -> dict[str, Any]:
    """Read a ``--policy-pack-config`` file: ``{"<policy>": "<level>" | {"enforcementLevel": ..., ...}}``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise PolicyConfigError(f"{path}: cannot read the policy config file: {e.strerror}") from e
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise PolicyConfigError(f"{path}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from e
    if not isinstance(data, dict):
        raise PolicyConfigError(
            f"{path}: the policy config must be a JSON object mapping policy names to a level or an object"
        )
    for name, value in data.items():
        if not isinstance(value, str | dict):
            raise PolicyConfigError(
                f"{path}: policy '{name}' must map to an enforcement level ({', '.join(_LEVELS)}) or an "
                f"object, got {json.dumps(value)}"
            )
    return data


def effective_config(policies: Sequence[PolicyInfo], config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """What the CLI sends in ``Configure``: per policy its enforcement level (config file, else the pack's
    default) and its properties (schema defaults, overridden by the config file), validated against the
    policy's schema. Raises PolicyConfigError naming the policy, the property and the fix."""
    import jsonschema

    known = {p.name: p for p in policies}
    unknown = [name for name in config if name not in known and name != "all"]
    if unknown:
        raise PolicyConfigError(
            f"policy config names unknown polic{'ies' if len(unknown) > 1 else 'y'} "
            f"{', '.join(repr(n) for n in unknown)}; remove it or use one of: {', '.join(sorted(known))}"
        )
    all_level = _level_of("all", config.get("all"))
    result: dict[str, dict[str, Any]] = {}
    for policy in policies:
        raw = config.get(policy.name)
        level = _level_of(policy.name, raw) or all_level or policy.enforcement_level
        given: dict[str, Any] = {}
        if isinstance(raw, Mapping):
            given = {k: v for k, v in raw.items() if k != "enforcementLevel"}
        schema = policy.config_schema
        properties: Mapping[str, Any] = schema.get("properties", {}) if schema else {}
        extra = [k for k in given if k not in properties]
        if extra:
            allowed = ", ".join(sorted(properties)) or "none"
            raise PolicyConfigError(
                f"policy '{policy.name}': unknown config propert{'ies' if len(extra) > 1 else 'y'} "
                f"{', '.join(repr(k) for k in extra)}; use one of: {allowed}"
            )
        merged = {k: p["default"] for k, p in properties.items() if isinstance(p, Mapping) and "default" in p}
        merged.update(given)
        if schema:
            validator = jsonschema.Draft7Validator(schema)
            errors = sorted(validator.iter_errors(merged), key=lambda e: list(e.absolute_path))
            if errors:
                raise PolicyConfigError("; ".join(_schema_error(policy.name, e) for e in errors))
        result[policy.name] = {"enforcementLevel": level, "properties": merged}
    return result


def _level_of(policy: str, raw: Any) -> str | None:
    level = raw.get("enforcementLevel") if isinstance(raw, Mapping) else raw
    if level is None:
        return None
    if level not in _LEVELS:
        raise PolicyConfigError(
            f"policy '{policy}': enforcementLevel {json.dumps(level)} is not valid; "
            f"use one of: {', '.join(_LEVELS)}"
        )
    return str(level)


def _schema_error(policy: str, error: Any) -> str:
    path = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "required":
        return f"policy '{policy}': {error.message}; add it to the policy's config"
    where = f"property '{path}'" if path else "config"
    return f"policy '{policy}': {where}: {error.message}; fix the value in the policy config"


# ---------------------------------------------------------------------------------------------------------
# The runner
# ---------------------------------------------------------------------------------------------------------

_LIVE: weakref.WeakSet[PolicyPackRunner] = weakref.WeakSet()


@atexit.register
def _reap_all() -> None:  # last resort: a runner that was never closed
    for runner in list(_LIVE):
        runner.close()


def kill_all_packs() -> None:
    """End every live pack's process group at once and reap the packs, for a process that is about to exit
    (a signal handler): no waiting on Popen objects or locks another thread of this process may hold."""
    for runner in list(_LIVE):
        pid = runner.pid
        if pid is None:
            continue
        _signal_group(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, 0)


@dataclass
class _Proc:
    popen: subprocess.Popen[bytes]
    stderr_file: IO[bytes]
    stdout_buffer: bytearray = field(default_factory=bytearray)
    drain: threading.Thread | None = None


class _Started:
    """Context manager of a pack process (or several): started and ready on entry, always closed on exit
    (also when starting fails or is interrupted)."""

    def start(self) -> None:
        raise NotImplementedError

    def wait_ready(self, timeout: float = 30.0) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        try:
            self.start()
            self.wait_ready()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def declared_pack_version(pack_dir: Path) -> str:
    """The `version` in PulumiPolicy.yaml ("" when absent): what the CLI reports for a Python pack."""
    path = pack_dir / "PulumiPolicy.yaml"
    if not path.is_file():
        return ""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return ""
    version = data.get("version") if isinstance(data, dict) else None
    return str(version) if version is not None else ""


class PolicyPackRunner(_Started):
    """A policy pack subprocess and an analyzer client to it. Use as a context manager::

    with PolicyPackRunner(Path("policy"), project="p", stack="dev") as pack:
        pack.configure(load_policy_config(Path("policy/config/dev.json")))
        diagnostics = pack.analyze_stack(resources)
    """

    def __init__(
        self,
        pack_dir: Path,
        *,
        project: str,
        stack: str,
        dry_run: bool = True,
        python: str = sys.executable,
        stack_config: Mapping[str, Any] | None = None,
    ) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        self.project = project
        self.stack = stack
        self.dry_run = dry_run
        self.python = python
        self.stack_config = dict(stack_config or {})
        self.port: int | None = None
        self.pack_name = ""
        self.pack_version = ""
        self.effective_config: dict[str, dict[str, Any]] = {}
        self._proc: _Proc | None = None
        self._channel: Any = None
        self._stub: Any = None
        self._policies: list[PolicyInfo] | None = None
        self._lock = threading.Lock()

    # -- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> None:
        """Spawn the pack as the CLI does; returns at once (``wait_ready`` reads the port)."""
        if self._proc is not None:
            raise RuntimeError("the policy pack is already started")
        if not (self.pack_dir / "__main__.py").is_file():
            raise PackStartError(f"{self.pack_dir}: not a Python policy pack (no __main__.py)")
        env = dict(os.environ)
        env.update(
            PULUMI_PROJECT=self.project,
            PULUMI_STACK=self.stack,
            PULUMI_DRY_RUN="true" if self.dry_run else "false",
            PYTHONUNBUFFERED="1",
        )
        env["PULUMI_CONFIG"] = json.dumps(self.stack_config)  # this stack's, never one inherited
        stderr_file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the pack; closed in close()
        if threading.current_thread() is threading.main_thread():
            _exit_on_termination_signals()
            # Dies with this process even on SIGKILL (pack_boot/sitecustomize.py arms the parent-death
            # signal in the pack); only from the main thread, because Linux ties that signal to the thread
            # that started the child. No preexec_fn: that would fork() with gRPC threads running (the child
            # can crash before exec), where without it subprocess uses vfork() and runs no Python code.
            env["OPS_PACK_PARENT_PID"] = str(os.getpid())
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PACK_BOOT), env.get("PYTHONPATH", "")]))
        popen = subprocess.Popen(
            [self.python, "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, str(self.pack_dir)],
            cwd=self.pack_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr_file,
            start_new_session=True,  # its own process group: Ctrl-C reaches us, close() kills the group
        )
        self._proc = _Proc(popen, stderr_file)
        _LIVE.add(self)

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Read the port the pack prints and connect; PackStartError (with its stderr) if it dies first."""
        proc = self._require_proc()
        if self.port is not None:
            return
        assert proc.popen.stdout is not None
        fd = proc.popen.stdout.fileno()
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in proc.stdout_buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.close()
                    raise PackStartError(
                        f"policy pack {self.pack_dir} did not print its port within {timeout:g}s",
                        self.stderr(),
                    )
                if not sel.select(remaining):
                    continue
                chunk = os.read(fd, 4096)
                if not chunk:
                    code = proc.popen.wait()
                    stderr = self.stderr()
                    self.close()
                    raise PackStartError(
                        f"policy pack {self.pack_dir} exited with code {code} before it was ready", stderr
                    )
                proc.stdout_buffer.extend(chunk)
        line, _, rest = bytes(proc.stdout_buffer).partition(b"\n")
        proc.stdout_buffer[:] = rest
        try:
            port = int(line.strip())
        except ValueError:
            stderr = self.stderr()
            self.close()
            raise PackStartError(
                f"policy pack {self.pack_dir} printed {line[:200]!r} instead of its port as the first line "
                "of stdout; remove prints that run before PolicyPack(...)",
                stderr,
            ) from None
        proc.drain = threading.Thread(target=self._drain_stdout, args=(proc,), daemon=True)
        proc.drain.start()
        self._connect(port, max(1.0, deadline - time.monotonic()))

    def _connect(self, port: int, timeout: float) -> None:
        import grpc
        from pulumi.runtime.proto import analyzer_pb2_grpc

        channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_CHANNEL_OPTIONS)
        try:
            grpc.channel_ready_future(channel).result(timeout=timeout)
        except grpc.FutureTimeoutError:
            channel.close()
            stderr = self.stderr()
            self.close()
            raise PackStartError(f"policy pack port {port} did not accept a connection", stderr) from None
        self.port = port
        self._channel = channel
        self._stub = analyzer_pb2_grpc.AnalyzerStub(channel)

    @staticmethod
    def _drain_stdout(proc: _Proc) -> None:
        """Keep reading the pack's stdout so its prints never block it on a full pipe."""
        stream = proc.popen.stdout
        if stream is None:
            return
        fd = stream.fileno()  # close() joins this thread before it closes the pipe, so fd stays ours
        with contextlib.suppress(OSError, ValueError):
            while True:
                chunk = os.read(fd, 65536)
                if not chunk:
                    return
                if len(proc.stdout_buffer) < 1_000_000:
                    proc.stdout_buffer.extend(chunk)

    def stderr(self) -> str:
        """What the pack wrote to stderr so far (the last 8,000 characters)."""
        proc = self._proc
        if proc is None:
            return ""
        # The pack writes through the same open file (one shared offset): read with pread, which never
        # moves that offset, so a concurrent write from the pack cannot land over what it wrote before.
        with self._lock:
            if proc.stderr_file.closed:
                return ""
            fd = proc.stderr_file.fileno()
            size = os.fstat(fd).st_size
            start = max(0, size - 4 * _STDERR_TAIL)  # enough bytes for the last characters, even UTF-8
            data = os.pread(fd, size - start, start)
        return data.decode("utf-8", "replace")[-_STDERR_TAIL:]

    @property
    def pid(self) -> int | None:
        return self._proc.popen.pid if self._proc is not None else None

    def close(self) -> None:
        """Close the channel and end the pack's process group (SIGTERM, then SIGKILL after 3 s)."""
        if self._channel is not None:
            with contextlib.suppress(Exception):
                self._channel.close()
            self._channel = None
            self._stub = None
        proc, self._proc = self._proc, None
        _LIVE.discard(self)
        if proc is None:
            return
        popen = proc.popen
        if popen.poll() is None:
            _signal_group(popen.pid, signal.SIGTERM)
            try:
                popen.wait(timeout=3)
            except subprocess.TimeoutExpired:
                _signal_group(popen.pid, signal.SIGKILL)
                popen.wait()
        else:
            _signal_group(popen.pid, signal.SIGKILL)  # children it may have left behind
        # The pack's group is gone, so its stdout is at EOF and the drain thread ends: wait for it before the
        # pipe is closed (a closed descriptor number is reused at once, e.g. by the next pack's pipe).
        if proc.drain is not None:
            proc.drain.join(timeout=10)
        if popen.stdout is not None and (proc.drain is None or not proc.drain.is_alive()):
            with contextlib.suppress(OSError):
                popen.stdout.close()
        with self._lock:
            proc.stderr_file.close()
        self.port = None

    def _require_proc(self) -> _Proc:
        if self._proc is None:
            raise RuntimeError("the policy pack is not running; call start() first")
        return self._proc

    def _stub_or_fail(self) -> Any:
        if self._stub is None:
            raise RuntimeError("the policy pack is not ready; call start() and wait_ready() first")
        return self._stub

    def _call(self, method: str, request: Any) -> Any:
        import grpc

        try:
            return getattr(self._stub_or_fail(), method)(request)
        except grpc.RpcError as e:
            detail = e.details() if hasattr(e, "details") else str(e)  # type: ignore[attr-defined]
            raise PackRuntimeError(f"policy pack {method} failed: {detail}", self.stderr()) from None

    # -- protocol -------------------------------------------------------------------------------------

    def info(self) -> list[PolicyInfo]:
        """The pack's policies (GetAnalyzerInfo), with default levels and config schemas."""
        if self._policies is not None:
            return list(self._policies)
        from google.protobuf import empty_pb2, json_format
        from pulumi.runtime.proto import analyzer_pb2

        response = self._call("GetAnalyzerInfo", empty_pb2.Empty())
        # As the CLI does: the version in PulumiPolicy.yaml wins over the SDK's fixed "0.0.1".
        self.pack_name = response.name
        self.pack_version = declared_pack_version(self.pack_dir) or response.version
        types = {
            analyzer_pb2.POLICY_TYPE_RESOURCE: "resource",
            analyzer_pb2.POLICY_TYPE_STACK: "stack",
        }
        policies = []
        for p in response.policies:
            schema: dict[str, Any] = {}
            properties = json_format.MessageToDict(p.configSchema.properties)
            if properties:
                schema = {"type": "object", "properties": _integral(properties)}
                if p.configSchema.required:
                    schema["required"] = list(p.configSchema.required)
            policies.append(
                PolicyInfo(
                    name=p.name,
                    description=p.description,
                    enforcement_level=_LEVELS[p.enforcementLevel],
                    config_schema=schema,
                    policy_type=types.get(p.policy_type, "unknown"),
                )
            )
        self._policies = policies
        return list(policies)

    def configure(self, config: Mapping[str, Any]) -> None:
        """Configure every policy like the CLI: schema defaults merged with ``config`` (the
        ``--policy-pack-config`` format), validated (PolicyConfigError), then sent with ``Configure``."""
        from google.protobuf import struct_pb2
        from pulumi.runtime.proto import analyzer_pb2

        merged = effective_config(self.info(), config)
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, entry in merged.items():
            properties = struct_pb2.Struct()
            properties.update(entry["properties"])
            policy_config = request.policyConfig[name]
            level = entry["enforcementLevel"].upper()
            policy_config.enforcementLevel = analyzer_pb2.EnforcementLevel.Value(level)
            policy_config.properties.CopyFrom(properties)
        self._call("Configure", request)
        self.effective_config = merged

    def analyze(self, resource: PackResource) -> list[Diagnostic]:
        """Run the resource policies on one resource (Analyze). The SDK leaves a resource diagnostic's URN
        empty (the CLI knows which resource it asked about): it is filled in with the resource's URN."""
        return self._diagnostics(self._call("Analyze", _analyze_request(resource)), resource.urn)

    def analyze_many(self, resources: Iterable[PackResource], *, workers: int = 4) -> list[Diagnostic]:
        """``analyze`` over many resources, ``workers`` requests in flight; diagnostics in input order."""
        items = list(resources)
        if workers <= 1 or len(items) < 2:
            return [d for r in items for d in self.analyze(r)]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            found = list(pool.map(self.analyze, items))
        return [d for diagnostics in found for d in diagnostics]

    def analyze_stack(self, resources: Sequence[PackResource]) -> list[Diagnostic]:
        """Run the stack policies once over all resources (AnalyzeStack)."""
        from pulumi.runtime.proto import analyzer_pb2

        request = analyzer_pb2.AnalyzeStackRequest()
        for r in resources:
            item = request.resources.add()
            item.type, item.name, item.urn = r.type, r.name, r.urn
            _fill_struct(item.properties, r.properties)
            item.parent = r.parent
            item.dependencies.extend(r.dependencies)
            item.options.protect = r.protect
            item.options.parent = r.parent
        return self._diagnostics(self._call("AnalyzeStack", request))

    def _diagnostics(self, response: Any, urn: str = "") -> list[Diagnostic]:
        out = []
        for d in response.diagnostics:
            message = d.message
            prefix = d.description + "\n"
            if d.description and message.startswith(prefix):
                message = message[len(prefix) :]
            elif message == d.description:
                message = ""
            out.append(
                Diagnostic(
                    policy_name=d.policyName,
                    policy_pack_name=d.policyPackName,
                    description=d.description,
                    message=message,
                    enforcement_level=_LEVELS[d.enforcementLevel],
                    urn=d.urn or urn,
                )
            )
        return out


class PolicyPackPool(_Started):
    """Several processes of one pack, configured alike, sharing the Analyze calls.

    The SDK deserialises a resource's properties once per policy on every Analyze, in one process under
    the GIL, so a pack's Analyze throughput is bound by one core; Analyze is stateless per resource, so
    ``processes`` packs analyse a large stack that many times faster (on that many cores). AnalyzeStack
    runs once, on the first pack. Same methods as PolicyPackRunner; all processes are reaped on close."""

    def __init__(self, pack_dir: Path, *, processes: int = 2, **runner_args: Any) -> None:
        if processes < 1:
            raise ValueError("processes must be at least 1")
        self.runners = [PolicyPackRunner(pack_dir, **runner_args) for _ in range(processes)]

    def start(self) -> None:
        for runner in self.runners:
            runner.start()

    def wait_ready(self, timeout: float = 30.0) -> None:
        for runner in self.runners:
            runner.wait_ready(timeout)

    def info(self) -> list[PolicyInfo]:
        return self.runners[0].info()

    @property
    def effective_config(self) -> dict[str, dict[str, Any]]:
        return self.runners[0].effective_config

    def configure(self, config: Mapping[str, Any]) -> None:
        for runner in self.runners:
            runner.configure(config)

    def analyze(self, resource: PackResource) -> list[Diagnostic]:
        return self.runners[0].analyze(resource)

    def analyze_many(self, resources: Iterable[PackResource], *, workers: int = 4) -> list[Diagnostic]:
        """Analyze with ``workers`` requests in flight per process, resources dealt round-robin."""
        items = list(resources)
        count = len(self.runners)
        with ThreadPoolExecutor(max_workers=max(1, workers) * count) as pool:
            found = list(pool.map(lambda ir: self.runners[ir[0] % count].analyze(ir[1]), enumerate(items)))
        return [d for diagnostics in found for d in diagnostics]

    def analyze_stack(self, resources: Sequence[PackResource]) -> list[Diagnostic]:
        return self.runners[0].analyze_stack(resources)

    def close(self) -> None:
        for runner in self.runners:
            runner.close()


def _analyze_request(resource: PackResource) -> Any:
    from pulumi.runtime.proto import analyzer_pb2

    request = analyzer_pb2.AnalyzeRequest(type=resource.type, urn=resource.urn, name=resource.name)
    _fill_struct(request.properties, resource.properties)
    request.options.protect = resource.protect
    request.options.parent = resource.parent
    return request


def _fill_struct(struct: Any, mapping: Mapping[Any, Any]) -> None:
    """Write ``mapping`` into a protobuf ``Struct`` as ``Struct.update`` would (tuples as lists, other
    non-JSON values as strings), field by field: ten times faster than ``update``, which is a large part of
    the client's cost per Analyze."""
    fields = struct.fields
    for key, value in mapping.items():
        _fill_value(fields[str(key)], value)


def _fill_value(target: Any, value: Any) -> None:
    if value is None:
        target.null_value = 0  # google.protobuf.NullValue.NULL_VALUE
    elif isinstance(value, bool):
        target.bool_value = value
    elif isinstance(value, str):
        target.string_value = value
    elif isinstance(value, int | float):
        target.number_value = value
    elif isinstance(value, Mapping):
        target.struct_value.SetInParent()  # an empty object is still an object
        _fill_struct(target.struct_value, value)
    elif isinstance(value, list | tuple):
        values = target.list_value
        values.SetInParent()
        for item in value:
            _fill_value(values.values.add(), item)
    else:
        target.string_value = str(value)


def _integral(value: Any) -> Any:
    """protobuf Struct numbers are floats: give integral ones back as ints (schemas say 500, not 500.0)."""
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_HANDLED_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def _exit_on_termination_signals() -> None:
    """Turn SIGTERM/SIGHUP (where nobody handles them yet) into SystemExit, so ``finally`` blocks, context
    managers and the exit hook run and reap the pack instead of the interpreter dying on the spot."""
    for sig in _HANDLED_SIGNALS:
        if signal.getsignal(sig) == signal.SIG_DFL:
            signal.signal(sig, _raise_system_exit)


def _raise_system_exit(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
