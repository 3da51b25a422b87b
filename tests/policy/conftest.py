"""Shared fixtures of the policy-rule tests.

The pack's modules import each other by top-level name (as the CLI runs them with the pack directory on
sys.path), so policy/ goes on sys.path here. Tests never import policy/__main__.py (its PolicyPack
constructor serves gRPC forever).

Fixtures:
- ``good``: known-good resource inputs that pass every rule of the pack (known_good.py); start from one and
  change one thing per test: ``good.task_definition(cpu="512")``, ``good.container(image="x")``.
- ``run``: calls a policy's ``validate`` the way the SDK does (inputs wrapped in the SDK's unknown-checking
  proxy) and returns the violation messages: ``run.resource(policy, type, props, config=...)``,
  ``run.stack(policy, [run.res(type, name, props, parent=..., deps=...)], config=...)``.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"
if str(POLICY_DIR) not in sys.path:
    sys.path.insert(0, str(POLICY_DIR))

from known_good import ACCOUNT, DIGEST, REGION, STACK, UNKNOWN, Good, urn_of  # noqa: E402
from pulumi_policy import (  # noqa: E402
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.proxy import unknown_checking_proxy  # noqa: E402

__all__ = ["ACCOUNT", "DIGEST", "REGION", "STACK", "UNKNOWN", "Good", "Run", "urn_of"]


class Run:
    """Calls a policy's validate the way the SDK does and collects what it reports."""

    @staticmethod
    def resource(
        policy: Any,
        type_token: str,
        props: Mapping[str, Any],
        *,
        name: str = "web",
        config: Mapping[str, Any] | None = None,
        parent: str | None = None,
    ) -> list[str]:
        messages: list[str] = []
        opts = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)
        args = ResourceValidationArgs(
            type_token,
            unknown_checking_proxy(copy.deepcopy(dict(props))),
            urn_of(type_token, name),
            name,
            opts,
            None,
            dict(config) if config is not None else None,
        )
        result = policy.validate(args, lambda message, urn=None: messages.append(message))
        assert result is None, "rules are synchronous"
        return messages

    @staticmethod
    def res(
        type_token: str,
        name: str,
        props: Mapping[str, Any],
        *,
        parent: PolicyResource | None = None,
        deps: Sequence[PolicyResource] = (),
        property_deps: Mapping[str, Sequence[PolicyResource]] | None = None,
    ) -> PolicyResource:
        """A stack resource as AnalyzeStack presents it (props behind the unknown-checking proxy)."""
        opts = PolicyResourceOptions(
            False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent.urn if parent else None
        )
        parent_type = parent.resource_type if parent is not None else ""
        return PolicyResource(
            type_token,
            unknown_checking_proxy(copy.deepcopy(dict(props))),
            urn_of(type_token, name, parent_type),
            name,
            opts,
            None,
            parent,
            list(deps),
            {k: list(v) for k, v in (property_deps or {}).items()},
        )

    @staticmethod
    def stack(
        policy: Any, resources: Sequence[PolicyResource], *, config: Mapping[str, Any] | None = None
    ) -> list[tuple[str, str | None]]:
        reported: list[tuple[str, str | None]] = []
        args = StackValidationArgs(list(resources), dict(config) if config is not None else None)
        result = policy.validate(args, lambda message, urn=None: reported.append((message, urn)))
        assert result is None, "rules are synchronous"
        return reported


@pytest.fixture(autouse=True)
def stack_name(monkeypatch: pytest.MonkeyPatch) -> str:
    """The stack the CLI would analyse (stack-wide messages name it): ``dev``."""
    monkeypatch.setenv("PULUMI_STACK", STACK)
    return STACK


@pytest.fixture
def good() -> Good:
    return Good()


@pytest.fixture
def run() -> Run:
    return Run()
