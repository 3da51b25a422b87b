"""`environment` (dev | staging | prod): the defaults each environment gives the sections it leaves out, and
the AWS regions a stack may name in `aws:region`."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from config.base import to_snake
from config.errors import short_repr

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
        "loadBalancer": {"deletionProtection": True, "waf": {}},
    },
}
"""Defaults that depend on `environment` (cheap in dev/staging, resilient in prod). They fill keys the stack
config leaves out; a key set in the stack config always wins. Model field defaults equal the prod values."""

SERVICE_DEFAULTS: dict[str, dict[str, dict[str, Any]]] = {
    "dev": {"alarms": {"errorRate": 5.0, "p95Latency": 3.0}},
    "staging": {"alarms": {"errorRate": 5.0, "p95Latency": 3.0}},
    "prod": {"deployment": {"alarmRollback": True}},
}
"""Per-service defaults of each environment, filled into every `services.<name>` entry like the section
defaults above. Dev and staging roll (fast) and alarm at looser thresholds; prod rolls back on its alarms."""

ROUTED_PROD_STRATEGY = "canary"
"""Prod's default strategy for a routed service: a 10% canary for 5 minutes (config/deployment.py
CanaryConfig), rolled back by its alarms, as ECS Express Mode does by default. Unrouted services roll."""

SECTIONS: tuple[str, ...] = ("network", "cluster", "loadBalancer", "logs", "tags", "notifications")
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
        elif isinstance(current, Mapping) and not (section == "loadBalancer" and "existing" in current):
            # (An existing listener's ALB is not the stack's: its settings get no defaults.)
            merged = dict(current)
            for k, v in values.items():
                if k not in merged and to_snake(k) not in merged:
                    merged[k] = v
            out[key] = merged
    services = out.get("services")
    if isinstance(services, Mapping) and isinstance(env, str):
        out["services"] = {
            name: _service_defaults(env, svc) if isinstance(svc, Mapping) else svc
            for name, svc in services.items()
        }
    return out


def _service_defaults(env: str, svc: Mapping[str, Any]) -> dict[str, Any]:
    """One service entry with its environment's defaults where it leaves keys out."""
    out = dict(svc)
    defaults = {section: dict(values) for section, values in SERVICE_DEFAULTS.get(env, {}).items()}
    if env == "prod" and svc.get("route") is not None:
        defaults.setdefault("deployment", {})["strategy"] = ROUTED_PROD_STRATEGY
    for section, values in defaults.items():
        current = out.get(section)
        if current is None and section not in out:
            out[section] = values
        elif isinstance(current, Mapping):
            merged = dict(current)
            for k, v in values.items():
                if k not in merged and to_snake(k) not in merged:
                    merged[k] = v
            out[section] = merged
    return out


KNOWN_REGIONS: tuple[str, ...] = (
    # partition aws
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1",
    "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2",
    "us-west-1", "us-west-2",
    # partitions aws-cn and aws-us-gov
    "cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1",
)  # fmt: skip
"""The regions of the partitions the config's ARNs accept (aws, aws-cn, aws-us-gov), from botocore 1.43.11's
endpoint data (`botocore/data/endpoints.json`). tests/config/test_environment.py compares the two, so a
botocore upgrade that adds a region fails until it is added here."""


def check_region(region: str) -> str | None:
    """`None` for a known region, else the problem line for `aws:region`."""
    if region in KNOWN_REGIONS:
        return None
    close = _closest_regions(region)
    hint = f"did you mean {', '.join(close[:-1])} or {close[-1]}? " if len(close) > 1 else ""
    hint = f"did you mean {close[0]}? " if len(close) == 1 else hint
    known = ", ".join(KNOWN_REGIONS)
    return f"aws:region: {short_repr(region)} is not an AWS region; {hint}set aws:region to one of: {known}"


def _closest_regions(region: str) -> list[str]:
    """The regions a typo most likely meant: the same letters in another order (`us-esat-1`), else every
    region equally close by spelling (`eu-west-9`: eu-west-1, eu-west-2, eu-west-3)."""
    anagrams = [r for r in KNOWN_REGIONS if sorted(r) == sorted(region)]
    if anagrams:
        return anagrams
    scores = {r: difflib.SequenceMatcher(None, region, r).ratio() for r in KNOWN_REGIONS}
    best = max(scores.values())
    return [r for r, score in scores.items() if score == best] if best >= 0.8 else []
