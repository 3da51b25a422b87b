"""Policy pack config as the Pulumi CLI handles it: the ``--policy-pack-config`` file read and checked, and
the config ``Configure`` receives (each policy's level, its schema defaults merged with the file,
validated)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ops.offline.pack_types import LEVELS, PolicyInfo


class PolicyConfigError(Exception):
    """The policy config is invalid: the message names the policy, the property and the fix, or the file."""


def load_policy_config(path: Path) -> dict[str, Any]:
    """Read a ``--policy-pack-config`` file: ``{"<policy>": "<level>" | {"enforcementLevel": ..., ...}}``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise PolicyConfigError(f"{path}: cannot read the policy config file: {e.strerror}") from e
    except UnicodeDecodeError as e:
        byte = e.object[e.start]
        raise PolicyConfigError(
            f"{path}: not UTF-8 text (byte 0x{byte:02x} at offset {e.start}); save it as UTF-8"
        ) from None
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
                f"{path}: policy '{name}' must map to an enforcement level ({', '.join(LEVELS)}) or an "
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
    if level not in LEVELS:
        raise PolicyConfigError(
            f"policy '{policy}': enforcementLevel {json.dumps(level)} is not valid; "
            f"use one of: {', '.join(LEVELS)}"
        )
    return str(level)


def _schema_error(policy: str, error: Any) -> str:
    path = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "required":
        return f"policy '{policy}': {error.message}; add it to the policy's config"
    where = f"property '{path}'" if path else "config"
    return f"policy '{policy}': {where}: {error.message}; fix the value in the policy config"
