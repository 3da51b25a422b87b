"""Every config that config/ accepts runs through the components without an error.

Hypothesis combines feature mutations (routes, discovery, exec, sidecars, EFS, autoscaling, capacity,
existing VPC, HTTPS, secrets of every kind, …) of the dev and prod stacks; whatever `load_config` accepts
must run under mocks and register task definitions that pass the ECS API model, so the components' guard
clauses stay unreachable from valid config. Kept small (each run costs about a second).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from program_support import (
    ECS_SERVICE,
    ROOT,
    assert_task_definitions_valid,
    of_type,
    plaintext_leaks,
    recorded_secret_values,
    run_platform,
)

from config import ConfigError, load_config

Raw = dict[str, Any]
Mutation = Callable[[Raw], None]


def stack_raw(stack: str) -> Raw:
    document = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))["config"]
    return {k.split(":", 1)[1]: v for k, v in document.items() if k.startswith("fargate-platform:")}


BASES = {"dev": stack_raw("dev"), "prod": stack_raw("prod")}


def first(raw: Raw) -> dict[str, Any]:
    return next(iter(raw["services"].values()))


def add_internal_worker(raw: Raw) -> None:
    raw["services"]["jobs"] = {
        "image": "python:3.12.7-slim",
        "command": ["python", "-m", "jobs"],
        "secrets": {"TOKEN": {"generate": "jobsToken", "length": 40}},
        "permissions": {"sqsQueues": {"arn:aws:sqs:eu-west-2:123456789012:jobs": "read"}},
    }


def add_exec(raw: Raw) -> None:
    first(raw)["exec"] = True


def exec_logging_default(raw: Raw) -> None:
    raw.setdefault("cluster", {})["execLogging"] = "default"


def add_sidecar(raw: Raw) -> None:
    svc = first(raw)
    svc["sidecars"] = {
        **svc.get("sidecars", {}),
        "init": {"image": "busybox:1.36.1", "essential": False, "command": ["true"], "memory": 64},
    }
    svc["dependsOn"] = {**svc.get("dependsOn", {}), "init": "SUCCESS"}


def add_created_efs(raw: Raw) -> None:
    svc = first(raw)
    svc["volumes"] = {**svc.get("volumes", {}), "data": {"efs": {"accessPoint": {"path": "/data"}}}}
    svc["mounts"] = [*svc.get("mounts", []), {"volume": "data", "path": "/data"}]


def add_existing_efs(raw: Raw) -> None:
    svc = first(raw)
    volume = {"efs": {"fileSystemId": "fs-0123456789abcdef0", "rootDirectory": "/shared"}}
    svc["volumes"] = {**svc.get("volumes", {}), "shared": volume}
    svc["mounts"] = [*svc.get("mounts", []), {"volume": "shared", "path": "/shared", "readOnly": True}]


def add_scratch_volume(raw: Raw) -> None:
    svc = first(raw)
    svc["volumes"] = {**svc.get("volumes", {}), "cache": {"scratch": True}}
    svc["mounts"] = [*svc.get("mounts", []), {"volume": "cache", "path": "/cache"}]


def add_autoscaling(raw: Raw) -> None:
    svc = first(raw)
    svc["desiredCount"] = 2
    svc["autoscaling"] = {"min": 1, "max": 5, "memoryTarget": 75, "requestsPerTarget": 1000}


def weighted_capacity(raw: Raw) -> None:
    raw.setdefault("cluster", {})["capacity"] = {"base": 1, "onDemandWeight": 1, "spotWeight": 3}


def existing_vpc(raw: Raw) -> None:
    raw["network"] = {
        "vpcId": "vpc-0123456789abcdef0",
        "publicSubnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        "privateSubnetIds": ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"],
        "taskSubnets": "private",
    }


def small_vpc(raw: Raw) -> None:
    raw["network"] = {"cidr": "10.9.0.0/24", "azCount": 3, "natGateways": "single", "taskSubnets": "private"}


def https(raw: Raw) -> None:
    raw.setdefault("loadBalancer", {})["certificateArn"] = (
        "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
    )


def host_route(raw: Raw) -> None:
    raw["services"]["admin"] = {
        "image": "nginx:1.27.2",
        "port": 8080,
        "route": {"hostPatterns": ["admin.example.com"], "priority": 7},
        "healthCheck": {"path": "/ping", "matcher": "200"},
    }


def arm64(raw: Raw) -> None:
    first(raw)["architecture"] = "arm64"


def big_storage(raw: Raw) -> None:
    first(raw)["ephemeralStorage"] = 50


def ssm_and_secrets_manager(raw: Raw) -> None:
    secrets = first(raw).setdefault("secrets", {})
    secrets["SENTRY_DSN"] = {"ssmParameter": "/app/sentry-dsn"}
    secrets["DB_USER"] = {
        "secretsManager": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-Ab12Cd",
        "jsonKey": "username",
    }


def stack_secret(raw: Raw) -> None:
    secrets = first(raw).setdefault("secrets", {})
    secrets["API_KEY"] = {"stackSecret": "apiKey"}
    secrets["CALLBACK_URL"] = {"template": "https://u:${stackSecret:apiKey|urlencode}@hooks.example.com"}


def no_discovery(raw: Raw) -> None:
    for svc in raw["services"].values():
        svc.pop("discovery", None)


def keep_capability(raw: Raw) -> None:
    first(raw)["hardening"] = {"addCapabilities": ["NET_BIND_SERVICE"], "scratchPaths": ["/tmp", "/run"]}


MUTATIONS: list[Mutation] = [
    add_internal_worker,
    add_exec,
    exec_logging_default,
    add_sidecar,
    add_created_efs,
    add_existing_efs,
    add_scratch_volume,
    add_autoscaling,
    weighted_capacity,
    existing_vpc,
    small_vpc,
    https,
    host_route,
    arm64,
    big_storage,
    ssm_and_secrets_manager,
    stack_secret,
    no_discovery,
    keep_capability,
]


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(sorted(BASES)),
    mutations=st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=5, unique=True),
)
def test_valid_configs_run_through_the_components(base: str, mutations: list[Mutation]) -> None:
    raw = copy.deepcopy(BASES[base])
    for mutate in mutations:
        mutate(raw)
    try:
        cfg = load_config(raw)
    except ConfigError:
        assume(False)
        return
    secrets = {key.split(":", 1)[-1]: f"offline-{key}-value" for key in cfg.stack_secret_keys}
    plan = run_platform(raw, stack=f"fuzz-{base}", stack_secrets=secrets)
    assert len(of_type(plan, ECS_SERVICE)) == len(cfg.services), [m.__name__ for m in mutations]
    assert assert_task_definitions_valid(plan) == len(cfg.services)
    assert plaintext_leaks(plan, recorded_secret_values(plan, extra=secrets.values())) == []
