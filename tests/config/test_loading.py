"""config/loading.py: reading the Pulumi stack config (unknown keys, stack secrets, region, JSON values)."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from config_cases import good, stack_values, svc

from config import ConfigError, load_stack_values, read_stack_config

# --- reading the Pulumi stack config ------------------------------------------------------------------------


def _values(raw: dict[str, Any]) -> dict[str, str]:
    return {f"fargate-platform:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}


def test_unknown_top_level_key_is_an_error() -> None:
    values = _values(good()) | {"fargate-platform:servces": "{}", "aws:region": "eu-west-2"}
    with pytest.raises(ConfigError) as exc:
        load_stack_values(values, [])
    assert exc.value.problems == ["servces: unknown key; did you mean services?"]


def test_certificate_must_be_in_the_stack_region() -> None:
    values = stack_values("Pulumi.prod.yaml")
    assert load_stack_values(values, []).load_balancer.certificate_arn is not None  # eu-west-2 in both
    with pytest.raises(ConfigError) as exc:
        load_stack_values(values | {"aws:region": "us-east-1"}, [])
    assert exc.value.problems == [
        "loadBalancer.certificateArn: the certificate is in eu-west-2 but aws:region is us-east-1; an ALB "
        "uses only ACM certificates of its own region, so request or import one in us-east-1"
    ]


def test_stack_secret_must_be_set_and_secret() -> None:
    raw = good()
    svc(raw)["secrets"]["DJANGO_KEY"] = {"stackSecret": "djangoKey"}
    svc(raw)["secrets"]["OTHER"] = {"stackSecret": "other:apiKey"}
    with pytest.raises(ConfigError) as exc:
        load_stack_values(_values(raw) | {"fargate-platform:djangoKey": "plain"}, [])
    assert exc.value.problems == [
        "djangoKey: stack secret was set in plain text; run pulumi config set --secret djangoKey <value>",
        "other:apiKey: stack secret is not set; run pulumi config set --secret other:apiKey <value>",
    ]
    values = _values(raw) | {"fargate-platform:djangoKey": "x", "other:apiKey": "y"}
    cfg = load_stack_values(values, ["fargate-platform:djangoKey", "other:apiKey"])
    assert cfg.stack_secret_keys == ["djangoKey", "other:apiKey"]


def test_structured_values_arrive_as_json_strings_and_plain_environment() -> None:
    cfg = load_stack_values(stack_values("Pulumi.dev.yaml"), [])
    assert cfg.environment == "dev"
    assert cfg.services["backend"].sidecars["postgres"].hardening.user == "70:70"


def test_read_stack_config_reads_the_pulumi_runtime_config() -> None:
    pulumi.runtime.set_all_config(stack_values("Pulumi.dev.yaml"), [])
    try:
        cfg = read_stack_config("fargate-platform")
    finally:
        pulumi.runtime.set_all_config({}, [])
    assert sorted(cfg.services) == ["backend", "frontend"]


def test_read_stack_config_fails_on_invalid_values() -> None:
    values = stack_values("Pulumi.dev.yaml") | {"fargate-platform:logs": json.dumps({"retentionDays": 10})}
    pulumi.runtime.set_all_config(values, [])
    try:
        with pytest.raises(ConfigError) as exc:
            read_stack_config("fargate-platform")
    finally:
        pulumi.runtime.set_all_config({}, [])
    assert exc.value.problems[0].startswith("logs.retentionDays: 10 is not a CloudWatch retention value; ")
