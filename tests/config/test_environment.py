"""config/environment.py: the defaults each environment gives, and that the stack's values win."""

from __future__ import annotations

import json
from typing import Any

import pytest
from config_cases import good, ok, stack_values

import config
from config import CapacityProviderItem
from config.environment import KNOWN_REGIONS

# --- environment defaults -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environment", "insights", "strategy", "retention", "deletion_protection"),
    [
        ("dev", "disabled", [CapacityProviderItem("FARGATE_SPOT", 0, 1)], 7, False),
        ("staging", "disabled", [CapacityProviderItem("FARGATE_SPOT", 0, 1)], 14, False),
    ],
)
def test_environment_defaults(
    environment: str,
    insights: str,
    strategy: list[CapacityProviderItem],
    retention: int,
    deletion_protection: bool,
) -> None:
    raw = good()
    raw["environment"] = environment
    cfg = ok(raw)
    assert cfg.cluster.container_insights == insights
    assert cfg.capacity_strategy == strategy
    assert cfg.logs.retention_days == retention
    assert cfg.load_balancer.deletion_protection is deletion_protection


def test_prod_defaults_are_resilient() -> None:
    raw: dict[str, Any] = {
        k.removeprefix("fargate-platform:"): json.loads(v) if v[:1] in "{[" else v
        for k, v in stack_values("Pulumi.prod.yaml", drop=("logs",)).items()
        if k.startswith("fargate-platform:")
    }
    raw["cluster"] = {"namespace": "prod.local"}
    raw["loadBalancer"] = {"certificateArn": raw["loadBalancer"]["certificateArn"]}
    cfg = config.load_config(raw)
    assert cfg.cluster.container_insights == "enabled"
    assert cfg.capacity_strategy == [CapacityProviderItem("FARGATE", 0, 1)]
    assert cfg.logs.retention_days == 30
    assert cfg.load_balancer.deletion_protection is True


def test_stack_values_win_over_environment_defaults() -> None:
    raw = good()
    raw["cluster"].update(containerInsights="enhanced", capacity="onDemand")
    raw["logs"] = {"retention_days": 14}  # snake_case spelling counts as set
    cfg = ok(raw)
    assert cfg.cluster.container_insights == "enhanced"
    assert cfg.capacity_strategy == [CapacityProviderItem("FARGATE", 0, 1)]
    assert cfg.logs.retention_days == 14


def test_secure_defaults_of_a_bare_service() -> None:
    raw = good()
    raw["services"]["frontend"] = {"image": "nginx:1.27", "port": 8080, "route": {"default": True}}
    s = ok(raw).services["frontend"]
    assert (s.cpu, s.memory, s.desired_count, s.architecture) == (256, 512, 1, "x86_64")
    assert s.hardening.read_only_root_filesystem is True
    assert s.hardening.user == "1000:1000"
    assert s.hardening.drop_capabilities == ["ALL"]
    assert s.hardening.scratch_paths == ["/tmp"]
    assert (s.deployment.circuit_breaker, s.deployment.rollback) == (True, True)
    assert s.exec is False
    assert s.discovery is False
    assert (s.health_check.path, s.health_check.matcher) == ("/", "200-399")
    lb = ok(raw).load_balancer
    assert lb.https is False
    assert (lb.ssl_policy, lb.drop_invalid_headers, lb.desync_mitigation) == (
        "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        True,
        "defensive",
    )


def test_known_regions_are_botocores() -> None:
    from botocore.loaders import Loader

    partitions = {p["partition"]: p["regions"] for p in Loader().load_data("endpoints")["partitions"]}
    expected = [r for name in ("aws", "aws-cn", "aws-us-gov") for r in sorted(partitions[name])]
    assert list(KNOWN_REGIONS) == expected
