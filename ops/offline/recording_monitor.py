"""The mock monitor of an offline run: it sees each full `RegisterResource` request (type, name, parent,
inputs, protect, retainOnDelete, deleteBeforeReplace, replaceOnChanges, ignoreChanges, aliases, dependencies,
provider), records it as a `RecordedResource` and answers
with `AwsMocks` outputs. Secret inputs are unwrapped to plain values and their paths listed, because AWS
receives them in plain text. The engine log collects what the program logs through pulumi.log.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ops.offline.recorded_plan import RecordedResource

SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
STACK_TYPE = "pulumi:pulumi:Stack"


def plain(value: Any, path: str, secrets: list[str]) -> Any:
    """Unwrap secrets (recording their paths) and turn engine values into JSON-ready data."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        sig = value.get(SPECIAL_SIG_KEY)
        if sig == SECRET_SIG:
            secrets.append(path)
            return plain(value.get("value"), path, [])
        if sig == _RESOURCE_SIG:
            return value.get("urn", "")
        out = {}
        for key, item in value.items():
            out[key] = plain(item, f"{path}.{key}" if path else str(key), secrets)
        return out
    if isinstance(value, (list, tuple)):
        return [plain(item, f"{path}[{i}]", secrets) for i, item in enumerate(value)]
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


class InlineExecutor(ThreadPoolExecutor):
    """Runs the SDK's monitor calls on the event loop's thread. The mock monitor answers at once, so a
    thread pool only adds hand-offs and GIL contention (half of the wall time of a large program)."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # delivered to the awaiting coroutine, as from a thread pool
            future.set_exception(exc)
        return future


def make_recording_monitor(
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
            plain_inputs = plain(inputs, "", secrets)
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
                delete_before_replace=bool(request.deleteBeforeReplace),
                replace_on_changes=tuple(request.replaceOnChanges),
                ignore_changes=tuple(request.ignoreChanges),
                aliases=_aliases(request),
                output_ids=_output_ids(ident, state),
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


def _aliases(request: Any) -> tuple[str, ...]:
    """Alias URNs and specs of a request (the SDK sends one form or the other, by engine version)."""
    found = [str(u) for u in request.aliasURNs]
    for alias in request.aliases:
        if alias.WhichOneof("alias") == "urn":
            found.append(alias.urn)
        elif alias.WhichOneof("alias") == "spec":
            spec = alias.spec
            parts = [f"{k}={v}" for k, v in (("name", spec.name), ("type", spec.type)) if v]
            parts.append("parent=" + ("none" if spec.noParent else spec.parentUrn or "same"))
            found.append(",".join(parts))
    return tuple(found)


def _output_ids(ident: Any, state: dict[str, Any]) -> tuple[str, ...]:
    values = [ident, state.get("arn")]
    return tuple(dict.fromkeys(v for v in values if isinstance(v, str) and len(v) >= 6))


# --------------------------------------------------------------------------------------------- engine log


class EngineLog(logging.Handler):
    """Collects what the program logs through the engine (pulumi.log.info/warn/error) under mocks."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.levelno, record.getMessage()))

    def logger(self) -> logging.Logger:
        logger = logging.Logger("ops.offline.recording.engine", logging.INFO)  # unregistered: this run's
        logger.addHandler(self)
        logger.propagate = False
        return logger
