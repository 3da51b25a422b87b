"""config/loading.py: reading the Pulumi stack config (unknown keys, stack secrets, region, JSON values)."""

from __future__ import annotations

import json
from pathlib import Path
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


def test_a_misspelt_required_key_says_what_it_meant() -> None:
    raw = good()
    values = _values({k: v for k, v in raw.items() if k != "services"})
    values["fargate-platform:servics"] = json.dumps(raw["services"])
    with pytest.raises(ConfigError) as exc:
        load_stack_values(values, [])
    assert exc.value.problems == [
        "servics: unknown key; did you mean services?",
        "services: is required; set services",
    ]


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        (
            "eu-west-9",
            "'eu-west-9' is not an AWS region; did you mean eu-west-1, eu-west-2 or eu-west-3? "
            "set aws:region to one of: ",
        ),
        ("london", "'london' is not an AWS region; set aws:region to one of: "),
    ],
)
def test_an_unknown_region_is_a_config_error(region: str, expected: str) -> None:
    with pytest.raises(ConfigError) as exc:
        load_stack_values(_values(good()) | {"aws:region": region}, [])
    (line,) = exc.value.problems
    assert line.startswith(f"aws:region: {expected}af-south-1, ap-east-1, "), line
    assert line.endswith(", us-gov-east-1, us-gov-west-1")


def test_an_unknown_region_is_reported_beside_other_problems() -> None:
    raw = good()
    svc(raw)["memory"] = 8192
    with pytest.raises(ConfigError) as exc:
        load_stack_values(_values(raw) | {"aws:region": "us-esat-1"}, [])
    assert (
        exc.value.problems[0]
        == "services.backend.memory: 8192 is not valid with cpu 512; valid: 1024, 2048, 3072, 4096"
    )
    assert exc.value.problems[1].startswith(
        "aws:region: 'us-esat-1' is not an AWS region; did you mean us-east-1?"
    )


def _build(raw: dict[str, Any], **image: str) -> dict[str, Any]:
    svc(raw, "frontend")["image"] = image
    return raw


def test_a_build_context_must_exist(tmp_path: Path) -> None:
    values = _values(_build(good(), build="./nope"))
    with pytest.raises(ConfigError) as exc:
        load_stack_values(values, [], project_dir=tmp_path)
    assert exc.value.problems == [
        f"services.frontend.image.build: ./nope is not a directory of the project ({tmp_path}); create it or "
        "fix the path"
    ]


def test_a_build_context_needs_its_dockerfile(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    with pytest.raises(ConfigError) as exc:
        load_stack_values(_values(_build(good(), build="./web")), [], project_dir=tmp_path)
    assert exc.value.problems == [
        "services.frontend.image.build: ./web/Dockerfile does not exist; add a Dockerfile, or set "
        "dockerfile to the one to use"
    ]
    with pytest.raises(ConfigError) as exc:
        load_stack_values(
            _values(_build(good(), build="web", dockerfile="Dockerfile.prod")), [], project_dir=tmp_path
        )
    assert exc.value.problems == [
        "services.frontend.image.dockerfile: web/Dockerfile.prod does not exist; add it, or fix dockerfile "
        "(relative to build)"
    ]
    (tmp_path / "web" / "Dockerfile.prod").write_text("FROM scratch\n")
    cfg = load_stack_values(
        _values(_build(good(), build="web", dockerfile="Dockerfile.prod")), [], project_dir=tmp_path
    )
    assert cfg.services["frontend"].image.build == "web"


def test_a_sidecar_build_context_is_checked_too(tmp_path: Path) -> None:
    raw = good()
    svc(raw)["sidecars"]["postgres"]["image"] = {"build": "./db"}
    with pytest.raises(ConfigError) as exc:
        load_stack_values(_values(raw), [], project_dir=tmp_path)
    assert exc.value.problems == [
        f"services.backend.sidecars.postgres.image.build: ./db is not a directory of the project "
        f"({tmp_path}); create it or fix the path"
    ]


def test_a_date_is_not_a_region() -> None:
    with pytest.raises(ConfigError) as exc:
        load_stack_values(_values(good()) | {"aws:region": "2024-02-30"}, [])
    (line,) = exc.value.problems
    assert line.startswith(
        "aws:region: '2024-02-30' is not an AWS region; set aws:region to one of: af-south-1"
    )
