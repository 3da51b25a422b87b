"""Shared builders for the config tests: a known-good raw stack config and a mutation helper."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from config import ConfigError, PlatformConfig, load_config

Raw = dict[str, Any]


def good() -> Raw:
    """A valid dev config (seeds 000 + 001 in short): every test changes one thing in a fresh copy."""
    return copy.deepcopy(
        {
            "environment": "dev",
            "network": {"natGateways": "none", "taskSubnets": "public"},
            "cluster": {"namespace": "dev.local"},
            "services": {
                "backend": {
                    "image": {"repository": "backend", "tag": "latest"},
                    "port": 8000,
                    "cpu": 512,
                    "memory": 1024,
                    "healthCheck": {"path": "/health"},
                    "route": {"pathPatterns": ["/api/*"]},
                    "discovery": True,
                    "secrets": {
                        "DATABASE_URL": {
                            "template": "postgresql://app:${dbPassword|urlencode}@localhost:5432/app"
                        }
                    },
                    "dependsOn": {"postgres": "HEALTHY"},
                    "sidecars": {
                        "postgres": {
                            "image": "postgres:15-alpine",
                            "cpu": 256,
                            "memory": 512,
                            "port": 5432,
                            "secrets": {"POSTGRES_PASSWORD": {"generate": "dbPassword"}},
                            "healthCheck": {"command": ["CMD-SHELL", "pg_isready -U app"]},
                            "hardening": {
                                "user": "70:70",
                                "scratchPaths": ["/var/lib/postgresql/data", "/tmp"],
                            },
                        }
                    },
                },
                "frontend": {
                    "image": {"repository": "frontend"},
                    "port": 3000,
                    "route": {"default": True},
                },
            },
        }
    )


def with_(mutate: Callable[[Raw], Any]) -> Raw:
    """A fresh good config changed by `mutate` (which edits it in place)."""
    raw = good()
    mutate(raw)
    return raw


def svc(raw: Raw, name: str = "backend") -> dict[str, Any]:
    return raw["services"][name]


def problems(raw: Any) -> list[str]:
    """The problems load_config reports (fails the test if the config is accepted)."""
    with pytest.raises(ConfigError) as exc:
        load_config(raw)
    return exc.value.problems


def ok(raw: Raw) -> PlatformConfig:
    return load_config(raw)


FIX = "move it to secrets (e.g. {ssmParameter: …} or {stackSecret: …})"
"""The fix every plaintext-secret problem names."""


def existing_vpc(r: Raw, **extra: Any) -> None:
    r["network"] = {
        "vpcId": "vpc-0123456789abcdef0",
        "publicSubnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        "taskSubnets": "public",
        **extra,
    }


def frontend_volume(r: Raw, volume: dict[str, Any]) -> None:
    svc(r, "frontend").update(volumes={"data": volume}, mounts=[{"volume": "data", "path": "/data"}])


def stack_values(path: str, drop: tuple[str, ...] = ()) -> dict[str, str]:
    """A stack file's `config:` as the Pulumi runtime hands it over: full keys, structured values as JSON."""
    import yaml

    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)["config"]
    return {
        k: v if isinstance(v, str) else json.dumps(v)
        for k, v in doc.items()
        if k.removeprefix("fargate-platform:") not in drop
    }
