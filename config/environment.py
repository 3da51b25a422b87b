"""`environment` (dev | staging | prod): the defaults each environment gives the sections it leaves out, and
the AWS regions a stack may name in `aws:region`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from config.base import to_snake

ENVIRONMENT_DEFAULTS: dict[str, dict[str, dict[str, Any]]] = {
    "dev": {
        "cluster": {"containerInsights": "disabled", "capacity": "spot"},
        "logs": {"retentionDays": 7},
        "loadBalancer": {"deletionProtection": False},
    },
    "staging": {
        "cluster": {"containerInsights": "disabled", "capacity": "spot"},
        "logs": {"retentionDays": 14},
        "loadBalancer": {"deletionProtection": False},
    },
    "prod": {
        "cluster": {"containerInsights": "enabled", "capacity": "onDemand"},
        "logs": {"retentionDays": 30},
        "loadBalancer": {"deletionProtection": True},
    },
}
"""Defaults that depend on `environment` (cheap in dev/staging, resilient in prod). They fill keys the stack
config leaves out; a key set in the stack config always wins. Model field defaults equal the prod values."""

SECTIONS: tuple[str, ...] = ("network", "cluster", "loadBalancer", "logs", "tags")
"""Top-level mappings an empty YAML key (`network:` with nothing under it) leaves at their defaults."""


def apply_environment_defaults(data: Any) -> Any:
    """The raw top-level config with the environment's defaults filled in where the stack left keys out."""
    if not isinstance(data, Mapping):
        return data
    env = data.get("environment")
    defaults = ENVIRONMENT_DEFAULTS.get(env) if isinstance(env, str) else None
    if defaults is None:
        return data
    out = dict(data)
    for section in SECTIONS:
        if section in out and out[section] is None:  # an empty YAML key means "defaults"
            out[section] = {}
    for section, values in defaults.items():
        snake = to_snake(section)
        key = snake if snake in out and section not in out else section
        current = out.get(key)
        if current is None and key not in out:
            out[key] = dict(values)
        elif isinstance(current, Mapping):
            merged = dict(current)
            for k, v in values.items():
                if k not in merged and to_snake(k) not in merged:
                    merged[k] = v
            out[key] = merged
    return out
