"""config.py: environment defaults, resolved helpers the components use, reading the Pulumi stack config."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from config_cases import good, ok, svc, with_

import config
from config import CapacityProviderItem, ConfigError, load_stack_values, read_stack_config, render_template

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
        for k, v in _stack_values("Pulumi.prod.yaml", drop=("logs",)).items()
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
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        True,
        "defensive",
    )


# --- resolved helpers ---------------------------------------------------------------------------------------


def test_weighted_capacity_strategy() -> None:
    raw = good()
    raw["cluster"]["capacity"] = {"base": 2, "onDemandWeight": 1, "spotWeight": 3}
    assert ok(raw).capacity_strategy == [
        CapacityProviderItem("FARGATE", 2, 1),
        CapacityProviderItem("FARGATE_SPOT", 0, 3),
    ]


def test_public_ip_follows_task_subnets() -> None:
    assert ok(good()).assign_public_ip is True
    raw = good()
    raw["network"] = {"natGateways": "single"}
    assert ok(raw).assign_public_ip is False


def test_route_priorities_follow_service_order_and_skip_explicit_ones() -> None:
    raw = good()
    services = raw["services"]
    services["a"] = {"image": "nginx:1.27", "port": 80, "route": {"pathPatterns": ["/a/*"], "priority": 10}}
    services["b"] = {"image": "nginx:1.27", "port": 80, "route": {"hostPatterns": ["b.example.com"]}}
    cfg = ok(raw)
    assert cfg.route_priorities == {"backend": 20, "a": 10, "b": 30}
    assert cfg.default_route_service == "frontend"
    assert cfg.needs_load_balancer is True


def test_main_container_gets_what_the_sidecars_leave() -> None:
    backend = ok(good()).services["backend"]
    assert (backend.container_cpu, backend.container_memory) == (256, 512)


def test_generated_secrets_and_stack_secret_keys() -> None:
    raw = good()
    svc(raw)["secrets"]["DJANGO_KEY"] = {"stackSecret": "djangoKey"}
    svc(raw)["secrets"]["URL"] = {"template": "https://u:${stackSecret:apiPass|urlencode}@api/${dbPassword}"}
    backend = ok(raw).services["backend"]
    assert backend.generated_secrets == {"dbPassword": 32}
    assert backend.stack_secret_keys == ["apiPass", "djangoKey"]
    assert ok(raw).stack_secret_keys == ["apiPass", "djangoKey"]


def test_render_template_url_encodes_like_seed_000() -> None:
    template = "postgresql://photoportal:${dbPassword|urlencode}@localhost:5432/photoportal"
    assert render_template(template, {("generate", "dbPassword"): "Leeds@2026"}) == (
        "postgresql://photoportal:Leeds%402026@localhost:5432/photoportal"
    )
    assert render_template(
        "${stackSecret:k}/${p}", {("stackSecret", "k"): "a/b", ("generate", "p"): "c d"}
    ) == ("a/b/c d")


def test_scratch_paths_are_tmpfs_mounts() -> None:
    backend = ok(good()).services["backend"]
    assert backend.hardening.tmpfs_mounts == [config.TmpfsMount("/tmp", 64, ("nosuid", "nodev"))]
    postgres = backend.sidecars["postgres"].hardening
    assert [(t.container_path, t.size) for t in postgres.tmpfs_mounts] == [
        ("/var/lib/postgresql/data", 64),
        ("/tmp", 64),
    ]
    assert postgres.tmpfs_total == 128


def test_keeping_a_capability_is_expressed_as_not_dropping_it_on_fargate() -> None:
    raw = good()
    svc(raw)["hardening"] = {"addCapabilities": ["NET_BIND_SERVICE"]}
    drop, add = ok(raw).services["backend"].hardening.linux_capabilities
    assert add == []  # Fargate accepts only SYS_PTRACE in `add`
    assert "NET_BIND_SERVICE" not in drop
    assert set(drop) == set(config.DOCKER_DEFAULT_CAPABILITIES) - {"NET_BIND_SERVICE"}
    assert ok(good()).services["backend"].hardening.linux_capabilities == (["ALL"], [])


@pytest.mark.parametrize(
    ("image", "pinned", "ecr"),
    [
        ({"repository": "backend"}, False, True),
        ({"repository": "backend", "tag": "1.2.3"}, True, True),
        ({"build": "./backend"}, True, True),
        ("nginx", False, False),
        ("nginx:latest", False, False),
        ("nginx:1.27", True, False),
        ("ghcr.io/org/app@sha256:" + "0" * 64, True, False),
        ("123456789012.dkr.ecr.eu-west-2.amazonaws.com/app:7f3c2a1", True, True),
        ("localhost:5000/app", False, False),
    ],
)
def test_image_helpers(image: Any, pinned: bool, ecr: bool) -> None:
    cfg = ok(with_(lambda r: svc(r, "frontend").update(image=image)))
    img = cfg.services["frontend"].image
    assert (img.is_pinned, img.is_ecr) == (pinned, ecr)


def test_platform_helpers() -> None:
    raw = good()
    svc(raw, "frontend").update(architecture="arm64", exec=True)
    f = ok(raw).services["frontend"]
    assert (f.docker_platform, f.runtime_platform) == ("linux/arm64", "ARM64")
    assert ok(raw).any_exec is True


# --- reading the Pulumi stack config ------------------------------------------------------------------------


def _stack_values(path: str, drop: tuple[str, ...] = ()) -> dict[str, str]:
    import yaml

    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)["config"]
    return {
        k: v if isinstance(v, str) else json.dumps(v)
        for k, v in doc.items()
        if k.removeprefix("fargate-platform:") not in drop
    }


def _values(raw: dict[str, Any]) -> dict[str, str]:
    return {f"fargate-platform:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}


def test_unknown_top_level_key_is_an_error() -> None:
    values = _values(good()) | {"fargate-platform:servces": "{}", "aws:region": "eu-west-2"}
    with pytest.raises(ConfigError) as exc:
        load_stack_values(values, [])
    assert exc.value.problems == ["servces: unknown key; did you mean services?"]


def test_certificate_must_be_in_the_stack_region() -> None:
    values = _stack_values("Pulumi.prod.yaml")
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
    cfg = load_stack_values(_stack_values("Pulumi.dev.yaml"), [])
    assert cfg.environment == "dev"
    assert cfg.services["backend"].sidecars["postgres"].hardening.user == "70:70"


def test_read_stack_config_reads_the_pulumi_runtime_config() -> None:
    pulumi.runtime.set_all_config(_stack_values("Pulumi.dev.yaml"), [])
    try:
        cfg = read_stack_config("fargate-platform")
    finally:
        pulumi.runtime.set_all_config({}, [])
    assert sorted(cfg.services) == ["backend", "frontend"]


def test_read_stack_config_fails_on_invalid_values() -> None:
    values = _stack_values("Pulumi.dev.yaml") | {"fargate-platform:logs": json.dumps({"retentionDays": 10})}
    pulumi.runtime.set_all_config(values, [])
    try:
        with pytest.raises(ConfigError) as exc:
            read_stack_config("fargate-platform")
    finally:
        pulumi.runtime.set_all_config({}, [])
    assert exc.value.problems[0].startswith("logs.retentionDays: 10 is not a CloudWatch retention value; ")
