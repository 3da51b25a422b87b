"""A check only the offline run can make: secret stack config that reaches a plaintext resource input.

A policy pack cannot tell which values were secret (the analyzer unwraps them before rules run), and Pulumi
keeps a value computed from a secret secret in its own state, yet AWS receives the input as it is: a stack
secret inside a task definition's environment is readable by anyone who can describe the task definition.
Offline, every `secure:` value is a recognisable placeholder, so any resource input that contains one is
found, down into JSON strings such as `containerDefinitions`. The only inputs meant to hold a secret are
the secret stores' own values (an SSM SecureString parameter's `value`, a Secrets Manager secret version).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ops.offline.project import SECRET_PLACEHOLDER_PREFIX, StackConfig
from ops.offline.recording import Plan, RecordedResource

POLICY_NAME = "secret-config-in-plaintext"
PACK_NAME = "ops-check (built in)"
DESCRIPTION = (
    "Checks that secret stack config (`secure:` values) never reaches a resource input AWS keeps in "
    "plain text."
)
_PLACEHOLDER = re.compile(re.escape(SECRET_PLACEHOLDER_PREFIX) + r"[0-9a-f]{12}")

# Inputs whose purpose is to hold a secret: (type token, top-level input) → condition on the inputs.
_SECRET_STORES = {
    ("aws:ssm/parameter:Parameter", "value"): lambda inputs: inputs.get("type") == "SecureString",
    ("aws:secretsmanager/secretVersion:SecretVersion", "secretString"): lambda inputs: True,
    ("aws:secretsmanager/secretVersion:SecretVersion", "secretBinary"): lambda inputs: True,
}


def _walk(value: Any, path: str, parent: dict[str, Any] | None) -> Iterator[tuple[str, str, dict | None]]:
    """(path, string, the mapping holding it) for every string, also inside JSON-encoded strings."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}" if path else str(key), value)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]", parent)
    elif isinstance(value, str):
        text = value.strip()
        if text[:1] in "[{" and SECRET_PLACEHOLDER_PREFIX in text:
            try:
                decoded = json.loads(text)
            except ValueError:
                decoded = None
            if isinstance(decoded, dict | list):
                yield from _walk(decoded, path, None)
                return
        yield path, value, parent


def _placeholder_keys(stack_config: StackConfig) -> dict[str, str]:
    """Placeholder → the config key it stands for."""
    found: dict[str, str] = {}
    for key in stack_config.secret_keys:
        for placeholder in _PLACEHOLDER.findall(stack_config.config.get(key, "")):
            found[placeholder] = key
    return found


def _allowed(resource: RecordedResource, path: str) -> bool:
    top = re.split(r"[.\[]", path, maxsplit=1)[0]
    condition = _SECRET_STORES.get((resource.type, top))
    return condition is not None and path == top and bool(condition(resource.inputs))


def find_leaks(plan: Plan, stack_config: StackConfig) -> list[Any]:
    """Mandatory diagnostics (ops.offline.analyzer.Diagnostic) for each input that carries a stack secret."""
    from ops.offline.analyzer import Diagnostic

    keys = _placeholder_keys(stack_config)
    if not keys:
        return []
    diagnostics = []
    for resource in plan.resources:
        if not resource.custom or resource.type.startswith("pulumi:providers:"):
            continue  # component inputs and provider settings are not sent to AWS as resource data
        for path, text, holder in _walk(resource.inputs, "", None):
            for placeholder in sorted(set(_PLACEHOLDER.findall(text))):
                if _allowed(resource, path):
                    continue
                variable = ""
                if holder is not None and isinstance(holder.get("name"), str) and path.endswith(".value"):
                    variable = f" (environment variable {holder['name']})"
                kind = resource.type.rsplit(":", 1)[-1]
                key = keys.get(placeholder, "(a secure: value)")
                diagnostics.append(
                    Diagnostic(
                        policy_name=POLICY_NAME,
                        policy_pack_name=PACK_NAME,
                        description=DESCRIPTION,
                        message=(
                            f"{kind} '{resource.name}' input {path}{variable} must not contain the secret "
                            f"config {key}: AWS keeps resource inputs in plain text; store it "
                            "in an SSM SecureString parameter or Secrets Manager and reference it (for a "
                            "container, through `secrets` with valueFrom)."
                        ),
                        enforcement_level="mandatory",
                        urn=resource.urn,
                    )
                )
    return diagnostics
