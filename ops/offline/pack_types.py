"""What the analyzer driver exchanges with its callers: resources sent to a pack, the pack's policies, the
diagnostics it returns, and the errors of a pack that does not start or fails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LEVELS = ("advisory", "mandatory", "disabled", "remediate")  # the proto enum's order (0..3)


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
