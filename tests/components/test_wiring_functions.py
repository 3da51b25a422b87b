"""wiring.py and wiring_service.py: config models → component args (pure mapping, no resources)."""

from __future__ import annotations

from typing import Any

import pytest

from components.images import BuildImage, EcrImage, ImageUri
from components.secrets import (
    ComposedSecret,
    GeneratedSecret,
    Placeholder,
    SecretsManagerRef,
    SsmParameterRef,
    StackSecret,
    StoredRef,
)
from components.wiring import network_args, partition_of, task_subnet_count
from components.wiring_service import containers_of, image_source, service_secrets
from config import ImageConfig, PlatformConfig, load_config

ARN = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-Ab12Cd"


def platform(services: dict[str, Any], **top: Any) -> PlatformConfig:
    raw: dict[str, Any] = {
        "environment": "dev",
        "network": {"natGateways": "none", "taskSubnets": "public"},
        "services": services,
    }
    raw.update(top)
    return load_config(raw)


def read(key: str) -> Any:
    return f"<{key}>"


def test_every_secret_kind_maps_to_a_stored_secret_or_reference() -> None:
    cfg = platform(
        {
            "api": {
                "image": "app:1",
                "secrets": {
                    "DATABASE_URL": {"template": "pg://u:${dbPassword|urlencode}@h/${stackSecret:djangoKey}"},
                    "KEY": {"stackSecret": "djangoKey"},
                    "SENTRY": {"ssmParameter": "/app/sentry"},
                    "USER": {"secretsManager": ARN, "jsonKey": "username"},
                },
                "sidecars": {
                    "db": {
                        "image": "postgres:15-alpine",
                        "secrets": {"POSTGRES_PASSWORD": {"generate": "dbPassword"}},
                    }
                },
            }
        }
    )
    stored, refs = service_secrets("api", cfg.services["api"], read)
    assert stored == {
        "dbPassword": GeneratedSecret(32),
        "djangoKey": StackSecret("<djangoKey>"),
        "DATABASE_URL": ComposedSecret(
            "pg://u:${dbPassword|urlencode}@h/${stackSecret:djangoKey}",
            {
                "${dbPassword|urlencode}": Placeholder("dbPassword", url_encode=True),
                "${stackSecret:djangoKey}": Placeholder("djangoKey", url_encode=False),
            },
        ),
    }
    assert refs == {
        "api": {
            "DATABASE_URL": StoredRef("DATABASE_URL"),
            "KEY": StoredRef("djangoKey"),
            "SENTRY": SsmParameterRef("/app/sentry"),
            "USER": SecretsManagerRef(ARN, json_key="username"),
        },
        "db": {"POSTGRES_PASSWORD": StoredRef("dbPassword")},
    }


def test_keys_claimed_by_two_kinds_are_qualified() -> None:
    cfg = platform(
        {
            "api": {
                "image": "app:1",
                "secrets": {
                    "token": {"generate": "token"},
                    "OTHER": {"stackSecret": "token"},
                },
                "sidecars": {"side": {"image": "x:1", "secrets": {"URL": {"template": "u=${token}"}}}},
            }
        }
    )
    stored, refs = service_secrets("api", cfg.services["api"], read)
    assert sorted(stored) == ["generated.token", "side.URL", "stack.token"]
    assert refs["api"] == {"token": StoredRef("generated.token"), "OTHER": StoredRef("stack.token")}
    composed = stored["side.URL"]
    assert isinstance(composed, ComposedSecret)
    assert composed.placeholders == {"${token}": Placeholder("generated.token")}


def test_containers_main_first_with_sizes_only_beside_sidecars() -> None:
    cfg = platform(
        {
            "solo": {"image": "app:1"},
            "pair": {
                "image": "app:1",
                "cpu": 512,
                "memory": 1024,
                "dependsOn": {"db": "START"},
                "sidecars": {"db": {"image": "d:1", "cpu": 128, "memory": 256, "essential": False}},
            },
        }
    )
    [solo] = containers_of("solo", cfg.services["solo"], {"solo": {}})
    assert (solo.name, solo.cpu, solo.memory, solo.user) == ("solo", None, None, "1000:1000")
    assert solo.drop_capabilities == ["ALL"] and solo.scratch_paths == ()
    assert [(t.container_path, t.size, tuple(t.mount_options)) for t in solo.tmpfs] == [
        ("/tmp", 64, ("nosuid", "nodev", "mode=1777"))
    ]
    main, db = containers_of("pair", cfg.services["pair"], {"pair": {}, "db": {}})
    assert (main.name, main.cpu, main.memory, dict(main.depends_on)) == ("pair", 384, 768, {"db": "START"})
    assert (db.name, db.cpu, db.memory, db.essential) == ("db", 128, 256, False)


def test_kept_capability_is_expressed_by_not_dropping_it() -> None:
    cfg = platform({"web": {"image": "app:1", "hardening": {"addCapabilities": ["NET_BIND_SERVICE"]}}})
    [web] = containers_of("web", cfg.services["web"], {"web": {}})
    assert web.add_capabilities == []
    assert "NET_BIND_SERVICE" not in web.drop_capabilities and "NET_RAW" in web.drop_capabilities


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ({"uri": "nginx:1.27"}, ImageUri("nginx:1.27")),
        ({"repository": "backend"}, EcrImage("backend", "latest")),
        ({"repository": "backend", "tag": "1.2"}, EcrImage("backend", "1.2")),
        (
            {"build": "./app", "dockerfile": "Dockerfile.prod"},
            BuildImage("./app", 30, "./app/Dockerfile.prod"),
        ),
        ({"build": "./app"}, BuildImage("./app", 30)),
    ],
)
def test_image_source(image: dict[str, str], expected: object) -> None:
    assert image_source(ImageConfig.model_validate(image)) == expected


def test_partition_of_region() -> None:
    assert [partition_of(r) for r in ("eu-west-2", "cn-north-1", "us-gov-west-1", None)] == [
        "aws",
        "aws-cn",
        "aws-us-gov",
        "aws",
    ]


def test_network_args_open_discoverable_services_to_their_peers() -> None:
    cfg = platform(
        {
            "web": {"image": "a:1", "port": 3000, "route": {"default": True}},
            "api": {"image": "b:1", "port": 8000, "discovery": True},
            "worker": {"image": "c:1"},
        },
        cluster={"namespace": "dev.local"},
    )
    args = network_args(cfg, {})
    assert {n: (i.port, i.from_load_balancer, i.from_peers) for n, i in args.services.items()} == {
        "web": (3000, True, False),
        "api": (8000, False, True),
        "worker": (None, False, False),
    }
    assert list(args.load_balancer_ports) == [80]
    assert task_subnet_count(cfg) == 2


def test_image_defaults_runs_a_stock_image_as_its_image_defines_it() -> None:
    from components import containers as cdefs
    from components.service_args import container_spec

    cfg = platform({"web": {"image": "nginx:1.27", "port": 80, "hardening": {"imageDefaults": True}}})
    [web] = containers_of("web", cfg.services["web"], {"web": {}})
    assert (web.user, web.readonly_root_filesystem) == (None, False)
    assert (list(web.drop_capabilities), list(web.add_capabilities)) == (["NET_RAW"], [])
    logs = cdefs.LogSettings(group="/ecs/web", region="eu-west-2", stream_prefix="web")
    definition = cdefs.container_definition(container_spec(web, False, image="nginx:1.27", secrets={}), logs)
    assert "user" not in definition  # the image's own USER
    assert definition["readonlyRootFilesystem"] is False and definition["privileged"] is False
    assert definition["linuxParameters"]["capabilities"] == {"drop": ["NET_RAW"], "add": []}
