"""The resolved values the components read from the validated config (capacity strategy, priorities,
sizes left for the main container, secrets, tmpfs mounts, capabilities, image and platform helpers)."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import good, ok, svc, with_

import config
from config import CapacityProviderItem, render_template

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


def test_route_priorities_come_from_names_not_positions() -> None:
    """Defect 2 of issue 9: positions moved a rule's priority onto one a removed rule still held."""
    raw = good()
    services = raw["services"]
    services["a"] = {"image": "nginx:1.27", "port": 80, "route": {"pathPatterns": ["/a/*"], "priority": 10}}
    services["b"] = {
        "image": "nginx:1.27",
        "port": 80,
        "route": {"hostPatterns": ["b.example.com"], "priority": 5},
    }
    cfg = ok(raw)
    assert cfg.route_priorities == {"backend": 42201, "a": 10, "b": 5}
    assert cfg.default_route_service == "frontend"
    assert cfg.needs_load_balancer is True
    # Reordering, adding or removing services moves no other service's priority.
    reordered = good()
    reordered["services"] = {
        "web": {"image": "nginx:1.27", "port": 80, "route": {"pathPatterns": ["/web/*"]}}
    }
    reordered["services"].update(raw["services"])
    del reordered["services"]["a"]
    assert ok(reordered).route_priorities == {"web": 37689, "backend": 42201, "b": 5}


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
    assert backend.hardening.tmpfs_mounts == [config.TmpfsMount("/tmp", 64, ("nosuid", "nodev", "mode=1777"))]
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


def test_a_generated_password_has_its_generators_length_wherever_a_template_uses_it() -> None:
    """The backend's DATABASE_URL template comes before the sidecar that generates dbPassword: its `length`
    was ignored (32 was kept), so changing it changed nothing."""
    raw = good()
    postgres = raw["services"]["backend"]["sidecars"]["postgres"]
    postgres["secrets"]["POSTGRES_PASSWORD"]["length"] = 40
    assert ok(raw).services["backend"].generated_secrets == {"dbPassword": 40}
    del postgres["secrets"]["POSTGRES_PASSWORD"]["length"]
    assert ok(raw).services["backend"].generated_secrets == {"dbPassword": 32}
