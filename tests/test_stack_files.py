"""The stack files, Pulumi.yaml and the configuration reference (docs/configuration.md) agree with config/."""

from __future__ import annotations

import glob
import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import config

ROOT = Path(__file__).resolve().parent.parent
STACK_FILES = ["Pulumi.dev.yaml", "Pulumi.prod.yaml", *sorted(glob.glob("examples/*.yaml", root_dir=ROOT))]


def _load_yaml(name: str) -> dict[str, Any]:
    with open(ROOT / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _stack(name: str) -> config.PlatformConfig:
    """Validate a stack file the way the program sees it: every key a string, structured values as JSON."""
    values = {k: v if isinstance(v, str) else json.dumps(v) for k, v in _load_yaml(name)["config"].items()}
    return config.load_stack_values(values, secret_keys=[])


def _reference() -> Any:
    spec = importlib.util.spec_from_file_location("config_reference", ROOT / "docs" / "config_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("config_reference", module)  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", STACK_FILES)
def test_stack_file_validates(name: str) -> None:
    cfg = _stack(name)
    assert cfg.services


def test_every_stack_file_sets_a_region() -> None:
    for name in STACK_FILES:
        assert _load_yaml(name)["config"].get("aws:region"), name


# --- dev: seeds 000 + 001 -----------------------------------------------------------------------------------


def test_dev_stack_expresses_seeds_000_and_001() -> None:
    cfg = _stack("Pulumi.dev.yaml")
    assert cfg.environment == "dev"
    assert _load_yaml("Pulumi.dev.yaml")["config"]["aws:region"] == "eu-west-2"
    assert (cfg.network.nat_gateways, cfg.network.task_subnets, cfg.assign_public_ip) == (
        "none",
        "public",
        True,
    )
    assert cfg.capacity_strategy == [config.CapacityProviderItem("FARGATE_SPOT", 0, 1)]
    assert cfg.cluster.container_insights == "disabled"
    assert cfg.cluster.namespace == "dev.local"
    assert cfg.logs.retention_days == 7
    assert cfg.load_balancer.deregistration_delay <= 30
    assert cfg.load_balancer.https is False

    backend = cfg.services["backend"]
    assert (backend.port, backend.health_check.path, backend.discovery) == (8000, "/health", True)
    postgres = backend.sidecars["postgres"]
    assert postgres.image.uri == "postgres:15-alpine"
    assert postgres.secrets["POSTGRES_PASSWORD"].generate == "dbPassword"
    assert postgres.health_check is not None and "pg_isready" in postgres.health_check.command[1]
    assert backend.depends_on == {"postgres": "HEALTHY"}
    assert postgres.hardening.user == "70:70"
    assert [(t.container_path, t.size) for t in postgres.hardening.tmpfs_mounts] == [
        ("/var/run/postgresql", 16),
        ("/tmp", 16),
    ]
    assert [(m.volume, m.path) for m in postgres.mounts] == [("pgdata", "/var/lib/postgresql/data")]
    assert backend.volumes["pgdata"].scratch
    url = backend.secrets["DATABASE_URL"]
    assert url.kind == "template"
    assert [(r.kind, r.name, r.filter) for r in url.template_refs] == [
        ("generate", "dbPassword", "urlencode")
    ]
    assert "DATABASE_URL" not in backend.environment
    assert backend.container_cpu > 0 and backend.container_memory >= 128

    frontend = cfg.services["frontend"]
    assert (frontend.port, frontend.health_check.path) == (3000, "/")
    assert cfg.default_route_service == "frontend"


def test_dev_stack_stays_small() -> None:
    """The $50/month target (pricing.md): Spot, no NAT, the smallest sensible task sizes, one task each."""
    cfg = _stack("Pulumi.dev.yaml")
    vcpu = sum(s.cpu * s.desired_count for s in cfg.services.values()) / 1024
    gib = sum(s.memory * s.desired_count for s in cfg.services.values()) / 1024
    tasks = sum(s.desired_count for s in cfg.services.values())
    # eu-west-2 unit prices from reference/pricing.md, 730 h/month; Spot, public IPv4 per task, ALB + 2 IPv4.
    monthly = 730 * (vcpu * 0.013968 + gib * 0.001533 + tasks * 0.005 + 0.02646 + 2 * 0.005)
    assert cfg.network.nat_gateways == "none"
    assert all(s.autoscaling is None for s in cfg.services.values())
    assert monthly == pytest.approx(40.69, abs=0.01)
    assert monthly <= 45


# --- prod ---------------------------------------------------------------------------------------------------


def test_prod_stack() -> None:
    cfg = _stack("Pulumi.prod.yaml")
    assert cfg.environment == "prod"
    assert sorted(cfg.services) == ["backend", "frontend", "worker"]
    assert cfg.capacity_strategy[0] == config.CapacityProviderItem("FARGATE", 2, 1)
    assert [c.capacity_provider for c in cfg.capacity_strategy] == ["FARGATE", "FARGATE_SPOT"]
    assert cfg.cluster.container_insights == "enabled"
    assert cfg.logs.retention_days == 30
    assert cfg.load_balancer.https
    assert cfg.load_balancer.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
    assert cfg.load_balancer.deletion_protection and cfg.load_balancer.access_logs is not None
    assert cfg.network.nat_gateways in ("single", "perAz") and cfg.network.az_count >= 2
    assert (cfg.network.task_subnets, cfg.assign_public_ip) == ("private", False)
    for name, service in cfg.services.items():
        assert service.desired_count == 2, name
        assert service.autoscaling is not None, name
        assert (service.autoscaling.min_count, service.autoscaling.max_count) == (2, 4), name
        assert service.autoscaling.cpu_target == 60, name
        assert all(c.image.is_pinned for _, c in service.containers()), name
    worker = cfg.services["worker"]
    assert worker.route is None and worker.discovery
    kinds = {(s.kind, s.json_key) for s in cfg.services["backend"].secrets.values()}
    assert kinds == {("secretsManager", "username"), ("secretsManager", "password")}
    for arn in re.findall(r"arn:aws:[^\s\"']+", (ROOT / "Pulumi.prod.yaml").read_text()):
        assert "123456789012" in arn, arn


# --- examples: seeds 002, 003, 004 --------------------------------------------------------------------------


def test_seed_002_three_services_from_ecr() -> None:
    cfg = _stack("examples/seed-002-three-services.yaml")
    ports = {name: s.port for name, s in cfg.services.items()}
    assert ports == {"sportmonks": 8000, "database": 8001, "orchestrator": 8002}
    assert all(s.image.kind == "repository" for s in cfg.services.values())
    assert cfg.services["sportmonks"].secrets["API_KEY"].ssm_parameter == "/insightxi/dev/sportmonks-api-key"


def test_seed_003_minimal_service_with_sqlite_on_efs() -> None:
    text = (ROOT / "examples/seed-003-fsd-minimal.yaml").read_text()
    service_lines = text.split("fargate-platform:services:", 1)[1].strip().splitlines()
    assert len(service_lines) <= 20
    cfg = _stack("examples/seed-003-fsd-minimal.yaml")
    (service,) = cfg.services.values()
    assert [(m.volume, m.path) for m in service.mounts] == [("data", "/mnt/efs")]
    efs = service.volumes["data"].efs
    assert efs is not None and efs.transit_encryption == "ENABLED"
    assert service.environment["DATABASE_PATH"].startswith("/mnt/efs/")


def test_seed_004_hardened_django() -> None:
    cfg = _stack("examples/seed-004-django.yaml")
    (service,) = cfg.services.values()
    assert {s.kind for s in service.secrets.values()} == {"ssmParameter"}
    h = service.hardening
    assert (h.read_only_root_filesystem, h.user, h.drop_capabilities, h.add_capabilities) == (
        True,
        "1000:1000",
        ["ALL"],
        ["NET_BIND_SERVICE"],
    )
    assert any(v.efs is not None for v in service.volumes.values())
    assert service.permissions.s3_buckets == {"arn:aws:s3:::my-static-bucket": "readWrite"}
    assert service.environment["DEBUG"] == "false"


# --- Pulumi.yaml --------------------------------------------------------------------------------------------

SIMPLE_TYPES = {"string", "integer", "boolean", "array"}
DECLARATION_KEYS = {"type", "items", "description", "secret", "default", "value"}


def test_pulumi_yaml_project_and_runtime() -> None:
    project = _load_yaml("Pulumi.yaml")
    assert project["name"] == "fargate-platform"
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    assert project["description"].strip()


def test_pulumi_yaml_describes_every_top_level_key() -> None:
    declared = _load_yaml("Pulumi.yaml")["config"]
    keys = [f.alias or n for n, f in config.PlatformConfig.model_fields.items()]
    assert sorted(declared) == sorted(keys)
    for key in keys:
        assert len(declared[key].get("description", "")) > 20, key


def test_pulumi_yaml_declarations_fit_the_project_schema() -> None:
    """Pulumi 3.272 types project config as string | integer | boolean | array (array needs items); mappings
    are declared without a type. Required keys have no default (Pulumi then insists every stack sets them)."""
    declared = _load_yaml("Pulumi.yaml")["config"]
    for key, decl in declared.items():
        assert set(decl) <= DECLARATION_KEYS, key
        if "type" in decl:
            assert decl["type"] in SIMPLE_TYPES, key
            assert decl["type"] != "array" or "items" in decl, key
        field = config.PlatformConfig.model_fields[config.to_snake(key)]
        assert ("default" in decl) is (not field.is_required()), key


# --- docs/configuration.md: the configuration reference -----------------------------------------------------


def test_docs_reference_is_up_to_date() -> None:
    assert _reference().main(["--check"]) == 0


def test_docs_mention_every_key_nested_too() -> None:
    """Every key the config accepts has a row: its own, or for a sidecar key the service container key it
    shares (sidecars are documented once, as "a service's container keys, except …")."""
    reference = _reference()
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    documented = reference.every_key_path()
    assert len(documented) > 100
    for path in documented:
        assert f"`{path}`" in text, path
    every = reference.all_key_paths()
    for path in every:
        assert reference.documented_as(path) in documented, path
    for leaf in (
        "services.<service>.sidecars.<sidecar>.healthCheck.startPeriod",
        "services.<service>.volumes.<volume>.efs.accessPoint.uid",
        "services.<service>.secrets.<VAR>.jsonKey",
    ):
        assert leaf in every
    assert reference.documented_as("services.<service>.sidecars.<sidecar>.healthCheck.startPeriod") == (
        "services.<service>.healthCheck.container.startPeriod"
    )
    assert reference.documented_as("services.<service>.sidecars.<sidecar>.hardening.user") == (
        "services.<service>.hardening.user"
    )
    assert "`services.<service>.sidecars.<sidecar>.hardening.user`" not in text  # not a second copy
