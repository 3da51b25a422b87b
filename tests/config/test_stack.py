"""config/stack.py: the whole config, top-level keys and the rules across sections (prod-only rules).

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import FIX, good, ok, problems, svc, with_

import config
from config import ConfigError

CASES: list[tuple[str, Any, list[str]]] = [
    (
        "prod requires pinned images and HTTPS",
        lambda r: r.update(environment="prod"),
        [
            "services.backend.image: is not pinned (latest or no tag) in prod; set a version tag or digest",
            "services.frontend.image: is not pinned (latest or no tag) in prod; set a version tag or digest",
            "loadBalancer.certificateArn: is required in prod (HTTPS); set loadBalancer.domain (the stack "
            "issues the certificate) or an ACM certificate ARN",
            "notifications: is required in prod (alarms and failed deployments must reach someone); set "
            "notifications.email or notifications.https",
        ],
    ),
    (
        "prod exec without logging",
        lambda r: (
            r.update(
                environment="prod",
                loadBalancer={"certificateArn": "arn:aws:acm:eu-west-2:123456789012:certificate/a"},
                notifications={"https": ["https://hooks.example.com/alerts"]},
            ),
            r["cluster"].update(execLogging="none"),
            svc(r).update(exec=True, image={"repository": "backend", "tag": "1.0.0"}),
            svc(r)["sidecars"]["postgres"].update(image="postgres:15.8-alpine"),
            svc(r, "frontend").update(image="nginx@sha256:" + "a" * 64),
        ),
        [
            "services.backend.exec: is enabled in prod without session logging; set cluster.execLogging: "
            "cloudWatch or "
            "exec: false"
        ],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected


def test_good_config_is_accepted() -> None:
    cfg = ok(good())
    assert cfg.environment == "dev"
    assert sorted(cfg.services) == ["backend", "frontend"]


def test_config_error_str_joins_one_line_per_problem() -> None:
    err = ConfigError(["a.b: x; y", "c: z; w"])
    assert str(err) == "a.b: x; y\nc: z; w"
    assert err.problems == ["a.b: x; y", "c: z; w"]


# --- top level ----------------------------------------------------------------------------------------------


def test_missing_required_top_level_keys() -> None:
    assert problems({}) == [
        "environment: is required; set environment",
        "services: is required; set services",
    ]


def test_environment_is_a_closed_set() -> None:
    raw = good()
    raw["environment"] = "production"
    assert problems(raw) == ["environment: 'production' is not allowed; use one of: dev, staging, prod"]


def test_services_must_not_be_empty() -> None:
    raw = good()
    raw["services"] = {}
    assert problems(raw) == ["services: needs at least 1 item(s); add them"]


def test_root_must_be_a_mapping() -> None:
    assert problems(["services"]) == ["(root): expected a mapping of config keys, got list; pass a dict"]


def test_section_must_be_a_mapping() -> None:
    raw = good()
    raw["network"] = "none"
    assert problems(raw) == ["network: expected a mapping, got 'none'; write key: value pairs"]


def test_empty_yaml_section_means_defaults() -> None:
    raw = good()
    raw["logs"] = None
    assert ok(raw).logs.retention_days == 7


# --- the rules are plain functions --------------------------------------------------------------------------


def test_check_functions_can_be_called_directly() -> None:
    message = config.fargate_memory_problem(256, 4096)
    assert message == "4096 is not valid with cpu 256; valid: 512, 1024, 2048"
    assert config.fargate_memory_problem(8192, 20480) is None
    route = config.RouteConfig.model_construct(
        path_patterns=[], host_patterns=[], priority=None, default=False
    )
    assert config.check_route(route) == [
        (
            (),
            "needs pathPatterns or hostPatterns, or default: true; add one (omit route for an internal-only "
            "service)",
        )
    ]
    assert config.check_environment({"GITHUB": "ghp_" + "a" * 36, "OK": "1"}) == [
        (("GITHUB",), f"value looks like a GitHub token; {FIX}")
    ]
    assert config.secret_name_word("Private-Key_Path") == "privatekey"
    assert config.secret_name_word("LOG_LEVEL") is None
    backend = ok(good()).services["backend"]
    assert config.check_depends_on(backend, "backend") == []
    assert config.check_service(backend) == []
