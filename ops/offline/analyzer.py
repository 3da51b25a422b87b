"""Run a Pulumi policy pack the way the Pulumi CLI runs it, without the CLI: a subprocess driven over the
analyzer gRPC protocol.

The process (started as the CLI starts it, always reaped) is ``ops.offline.pack_process``; the protocol's
messages are built and read in ``ops.offline.analyzer_messages``. Here: the client the CLI would be. It
calls ``GetAnalyzerInfo``, merges each policy's schema defaults with the ``--policy-pack-config`` file,
validates the result against the schema (``ops.offline.policy_config``), sends ``Configure`` with every
policy, and calls ``Analyze`` per resource and ``AnalyzeStack`` once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ops.offline import analyzer_messages as messages
from ops.offline.pack_process import PackProcess, Started, kill_all_packs
from ops.offline.pack_types import (
    Diagnostic,
    PackResource,
    PackRuntimeError,
    PackStartError,
    PolicyInfo,
)
from ops.offline.policy_config import PolicyConfigError, effective_config, load_policy_config

# What the callers of the analyzer use, from one module (tests, benchmarks, check).
__all__ = [
    "Diagnostic",
    "PackResource",
    "PackRuntimeError",
    "PackStartError",
    "PolicyConfigError",
    "PolicyInfo",
    "PolicyPackPool",
    "PolicyPackRunner",
    "declared_pack_version",
    "effective_config",
    "kill_all_packs",
    "load_policy_config",
]


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


class PolicyPackRunner(PackProcess):
    """A policy pack subprocess and an analyzer client to it. Use as a context manager::

    with PolicyPackRunner(Path("policy"), project="p", stack="dev") as pack:
        pack.configure(load_policy_config(Path("policy/config/dev.json")))
        diagnostics = pack.analyze_stack(resources)
    """

    def __init__(self, pack_dir: Path, **process_args: Any) -> None:
        super().__init__(pack_dir, **process_args)
        self.pack_name = ""
        self.pack_version = ""
        self.effective_config: dict[str, dict[str, Any]] = {}
        self._policies: list[PolicyInfo] | None = None

    def info(self) -> list[PolicyInfo]:
        """The pack's policies (GetAnalyzerInfo), with default levels and config schemas."""
        if self._policies is not None:
            return list(self._policies)
        from google.protobuf import empty_pb2

        response = self.call("GetAnalyzerInfo", empty_pb2.Empty())
        # As the CLI does: the version in PulumiPolicy.yaml wins over the SDK's fixed "0.0.1".
        self.pack_name = response.name
        self.pack_version = declared_pack_version(self.pack_dir) or response.version
        self._policies = messages.policy_infos(response)
        return list(self._policies)

    def configure(self, config: Mapping[str, Any]) -> None:
        """Configure every policy like the CLI: schema defaults merged with ``config`` (the
        ``--policy-pack-config`` format), validated (PolicyConfigError), then sent with ``Configure``."""
        merged = effective_config(self.info(), config)
        self.call("Configure", messages.configure_request(merged))
        self.effective_config = merged

    def analyze(self, resource: PackResource) -> list[Diagnostic]:
        """Run the resource policies on one resource (Analyze). The SDK leaves a resource diagnostic's URN
        empty (the CLI knows which resource it asked about): it is filled in with the resource's URN."""
        return messages.diagnostics(self.call("Analyze", messages.analyze_request(resource)), resource.urn)

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
        return messages.diagnostics(self.call("AnalyzeStack", messages.analyze_stack_request(resources)))


class PolicyPackPool(Started):
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
