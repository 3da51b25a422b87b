"""A policy pack's process, started the way the Pulumi CLI starts it, and a gRPC channel to it.

The CLI starts a Python pack as ``python -u -m pulumi.policy <engine-address> <pack-dir>`` with the pack
directory as working directory and ``PULUMI_PROJECT``/``PULUMI_STACK``/``PULUMI_DRY_RUN`` (and the stack's
config as ``PULUMI_CONFIG``) in the environment. The pack's ``PolicyPack(...)`` starts a gRPC server, prints
its port as the first line of stdout and blocks.

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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Self

from ops.offline.pack_types import PackRuntimeError, PackStartError

# Not dialled by pulumi-policy (see the module docstring); port 1 on loopback is never served.
ENGINE_ADDRESS = "127.0.0.1:1"
_MAX_MESSAGE = 400 * 1024 * 1024  # the SDK's own limit
_CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", _MAX_MESSAGE),
    ("grpc.max_send_message_length", _MAX_MESSAGE),
]
_STDERR_TAIL = 8000
_PACK_BOOT = Path(__file__).resolve().parent / "pack_boot"  # the pack's sitecustomize (parent-death signal)

_LIVE: weakref.WeakSet[PackProcess] = weakref.WeakSet()


@atexit.register
def _reap_all() -> None:  # last resort: a pack that was never closed
    for pack in list(_LIVE):
        pack.close()


def kill_all_packs() -> None:
    """End every live pack's process group at once and reap the packs, for a process that is about to exit
    (a signal handler): no waiting on Popen objects or locks another thread of this process may hold."""
    for pack in list(_LIVE):
        pid = pack.pid
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


class Started:
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


class PackProcess(Started):
    """The pack subprocess and the channel to it: start, wait for its port, call, read its stderr, close."""

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
        self._proc: _Proc | None = None
        self._channel: Any = None
        self._stub: Any = None
        self._lock = threading.Lock()

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

    def call(self, method: str, request: Any) -> Any:
        """One analyzer RPC; PackRuntimeError (with the pack's stderr) when it fails."""
        import grpc

        try:
            return getattr(self._stub_or_fail(), method)(request)
        except grpc.RpcError as e:
            detail = e.details() if hasattr(e, "details") else str(e)  # type: ignore[attr-defined]
            raise PackRuntimeError(f"policy pack {method} failed: {detail}", self.stderr()) from None


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
