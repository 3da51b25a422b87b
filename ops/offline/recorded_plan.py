"""What a program run under mocks gives back: every registered resource (`RecordedResource`) in a `Plan`,
or the error the program raised (`ProgramError`, `ProgramConfigError` for rejected stack config).

Plain data: tests and `python -m ops plan/check` assert on it, never on values inside `apply`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


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
    # How the resource may change (resource options as the engine receives them; `python -m ops diff`):
    delete_before_replace: bool = False
    replace_on_changes: tuple[str, ...] = ()  # input property paths ("*" for all)
    ignore_changes: tuple[str, ...] = ()  # input property paths the engine keeps from the old state
    aliases: tuple[str, ...] = ()  # alias URNs, or "name=…,type=…,parent=…" specs
    # The mock id and ARN the run handed out, so a diff can find inputs that reference this resource.
    output_ids: tuple[str, ...] = ()


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
