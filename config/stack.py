"""The whole `fargate-platform:*` stack config and the rules across its sections."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from config.alarms import NotificationsConfig
from config.base import PROJECT, ConfigModel, ServiceName, Tags, container_prefix
from config.cluster import CapacityProviderItem, ClusterConfig
from config.environment import apply_environment_defaults
from config.errors import Issue, Path, raise_if, short_repr
from config.front_door import CERTIFICATE_NAMES_LIMIT, in_zone
from config.load_balancer import LoadBalancerConfig, RouteConfig
from config.logs import LogsConfig
from config.network import NetworkConfig
from config.route_priorities import check_route_priorities, route_priorities, test_rule_priority
from config.services import ServiceConfig, check_depends_on


class PlatformConfig(ConfigModel):
    """The whole `fargate-platform:*` stack config."""

    environment: Literal["dev", "staging", "prod"] = Field(
        description="Deployment environment; selects environment defaults (see ENVIRONMENT_DEFAULTS)."
    )
    network: NetworkConfig = Field(default_factory=NetworkConfig, description="VPC and subnets.")
    cluster: ClusterConfig = Field(default_factory=ClusterConfig, description="ECS cluster.")
    load_balancer: LoadBalancerConfig = Field(
        default_factory=LoadBalancerConfig, description="Shared Application Load Balancer."
    )
    logs: LogsConfig = Field(default_factory=LogsConfig, description="CloudWatch log groups.")
    tags: Tags = Field(default_factory=dict, description="Tags on every resource.")
    notifications: NotificationsConfig = Field(
        default_factory=NotificationsConfig,
        description="Who hears about alarms and failed deployments: {email: [...], https: [...]} (one "
        "encrypted SNS topic per stack). Required in prod.",
    )
    services: dict[ServiceName, ServiceConfig] = Field(
        description="Services by name (lowercase DNS label, ≤ 20 characters).", min_length=1
    )

    @model_validator(mode="before")
    @classmethod
    def _environment_defaults(cls, data: Any) -> Any:
        return apply_environment_defaults(data)

    @model_validator(mode="after")
    def _rules(self) -> PlatformConfig:
        raise_if(check_platform(self))
        return self

    @property
    def needs_load_balancer(self) -> bool:
        """True when at least one service has a route (the shared ALB is created only then)."""
        return any(s.route is not None for s in self.services.values())

    @property
    def assign_public_ip(self) -> bool:
        """Whether tasks get a public IP (they run in public subnets)."""
        return self.network.assign_public_ip

    @property
    def capacity_strategy(self) -> list[CapacityProviderItem]:
        """The effective capacity provider strategy of every service."""
        return self.cluster.capacity.strategy

    @property
    def any_exec(self) -> bool:
        """True when a service enables ECS Exec (the cluster then configures exec logging)."""
        return any(s.exec for s in self.services.values())

    @property
    def route_priorities(self) -> dict[str, int]:
        """Listener rule priority of every routed, non-default service: explicit, else derived from the
        service's name (config/load_balancer.py: derived_priority), never from its position."""
        return route_priorities(self.routes)

    @property
    def routes(self) -> dict[str, RouteConfig]:
        """The route of every routed service."""
        return {name: svc.route for name, svc in self.services.items() if svc.route is not None}

    @property
    def default_route_service(self) -> str | None:
        """The service receiving unmatched requests; None: the listener answers 404."""
        return next((n for n, s in self.services.items() if s.route and s.route.default), None)

    @property
    def traffic_shifting_services(self) -> list[str]:
        """Services deployed by blueGreen, canary or linear (each gets an alternate target group)."""
        return [n for n, s in self.services.items() if s.deployment.shifts_traffic]

    @property
    def test_rule_priorities(self) -> dict[str, int]:
        """Priority of each traffic-shifting service's test rule: its production priority on the test listener
        (50000 for the default route's catch-all), else one derived from its name on the routing listener."""
        out: dict[str, int] = {}
        production = self.route_priorities
        for name in self.traffic_shifting_services:
            if self.load_balancer.test_listener_port is not None:
                out[name] = production.get(name, 50000)
            else:
                out[name] = test_rule_priority(name)
        return out

    @property
    def created_repositories(self) -> dict[str, int]:
        """ECR repositories the stack creates (`image.create`) → the images each keeps."""
        out: dict[str, int] = {}
        for svc in self.services.values():
            for _, container in svc.containers():
                image = container.image
                if image.create and image.repository is not None:
                    out[image.repository] = max(out.get(image.repository, 0), image.keep)
        return out

    @property
    def service_hosts(self) -> dict[str, list[str]]:
        """Service → the host names of its route inside the domain's zone (exact names or `*.` wildcards):
        each gets an alias record and a place on the certificate."""
        domain = self.load_balancer.domain
        if domain is None:
            return {}
        out: dict[str, list[str]] = {}
        for name, route in self.routes.items():
            hosts = [
                h.lower()
                for h in route.host_patterns
                if "?" not in h and "*" not in h.removeprefix("*.") and in_zone(h.lower(), domain.zone_name)
            ]
            if hosts:
                out[name] = hosts
        return out

    @property
    def certificate_names(self) -> list[str]:
        """Every name on the stack's certificate (with a domain): its name, aliases, then service hosts."""
        domain = self.load_balancer.domain
        if domain is None:
            return []
        names = [domain.name, *domain.aliases, *(h for hosts in self.service_hosts.values() for h in hosts)]
        return list(dict.fromkeys(names))

    @property
    def running_task_alarms(self) -> bool:
        """Whether the running-below-desired alarms have their metrics (Container Insights)."""
        return self.cluster.container_insights != "disabled"

    @property
    def stack_secret_keys(self) -> list[str]:
        """Every stack config key read as a secret by some service."""
        return sorted({k for s in self.services.values() for k in s.stack_secret_keys})


def check_platform(cfg: PlatformConfig) -> list[Issue]:
    """Rules across sections and services."""
    issues: list[Issue] = []
    for name, svc in cfg.services.items():
        prefix: Path = ("services", name)
        for sname in svc.sidecars:
            if sname == name:
                issues.append(
                    (
                        (*prefix, "sidecars", sname),
                        "has the service's own name (the main container's name); rename the sidecar",
                    )
                )
        issues.extend(((*prefix, *p), m) for p, m in check_depends_on(svc, name))
        if svc.discovery and cfg.cluster.namespace is None:
            issues.append(
                (
                    (*prefix, "discovery"),
                    "needs cluster.namespace; set cluster.namespace (e.g. dev.local) or discovery: false",
                )
            )
        if cfg.environment == "prod":
            for cname, container in svc.containers():
                if not container.image.is_pinned:
                    issues.append(
                        (
                            (*prefix, *container_prefix(cname), "image"),
                            "is not pinned (latest or no tag) in prod; set a version tag or digest",
                        )
                    )
        if not cfg.network.is_existing_vpc:
            issues.extend(((*prefix, *p), m) for p, m in existing_vpc_resources(svc))
        if (
            svc.alarms.explicitly_set("running_tasks")
            and svc.alarms.running_tasks
            and not cfg.running_task_alarms
        ):
            issues.append(
                (
                    (*prefix, "alarms", "runningTasks"),
                    "needs Container Insights (its RunningTaskCount metric); set cluster.containerInsights: "
                    "enabled or alarms.runningTasks: false",
                )
            )
        if svc.exec and cfg.cluster.exec_logging == "none" and cfg.environment == "prod":
            issues.append(
                (
                    (*prefix, "exec"),
                    "is enabled in prod without session logging; set "
                    "cluster.execLogging: cloudWatch or exec: false",
                )
            )
        for key in svc.stack_secret_keys:
            bare = key.split(":", 1)[1] if key.startswith(f"{PROJECT}:") else key
            if bare in TOP_LEVEL_KEYS:
                issues.append(
                    (
                        (*prefix, "secrets"),
                        f"stack secret key {short_repr(key)} is a platform config key; pick another name",
                    )
                )
    defaults = [n for n, s in cfg.services.items() if s.route and s.route.default]
    for extra in defaults[1:]:
        issues.append(
            (
                ("services", extra, "route", "default"),
                f"service {defaults[0]} is already the default route; only one service may set default: true",
            )
        )
    issues.extend((("services", *path), message) for path, message in check_route_priorities(cfg.routes))
    if (
        cfg.needs_load_balancer
        and cfg.load_balancer.creates_alb
        and cfg.network.is_existing_vpc
        and len(cfg.network.public_subnet_ids) < 2
    ):
        issues.append(
            (
                ("network", "publicSubnetIds"),
                "needs ≥ 2 subnets in different AZs for the ALB; list the VPC's public subnet ids",
            )
        )
    if (
        cfg.network.is_existing_vpc
        and cfg.network.task_subnets == "public"
        and not cfg.network.public_subnet_ids
    ):
        issues.append(
            (
                ("network", "publicSubnetIds"),
                "is required when taskSubnets is public; list the VPC's public subnet ids",
            )
        )
    if cfg.environment == "prod" and cfg.needs_load_balancer and not cfg.load_balancer.https:
        issues.append(
            (
                ("loadBalancer", "certificateArn"),
                "is required in prod (HTTPS); set loadBalancer.domain (the stack issues the certificate) or "
                "an ACM certificate ARN",
            )
        )
    issues.extend(check_front_door(cfg))
    issues.extend(check_repositories(cfg))
    issues.extend(check_releases(cfg))
    return issues


def check_repositories(cfg: PlatformConfig) -> list[Issue]:
    """A repository the stack creates is one resource: every container naming it agrees on `keep`."""
    issues: list[Issue] = []
    kept: dict[str, int] = {}
    for name, svc in cfg.services.items():
        for cname, container in svc.containers():
            image = container.image
            if not image.create or image.repository is None:
                continue
            if image.repository in kept and kept[image.repository] != image.keep:
                issues.append(
                    (
                        ("services", name, *container_prefix(cname), "image", "keep"),
                        f"{image.keep} differs from the {kept[image.repository]} another container keeps in "
                        f"repository {image.repository}; use one value",
                    )
                )
            kept.setdefault(image.repository, image.keep)
    return issues


def check_front_door(cfg: PlatformConfig) -> list[Issue]:
    """Rules on the domain, the existing listener and IPv6, across the services."""
    issues: list[Issue] = []
    lb = cfg.load_balancer
    if lb.existing is not None:
        for name, route in cfg.routes.items():
            if route.default:
                issues.append(
                    (
                        ("services", name, "route", "default"),
                        "cannot take an existing listener's default action (it is the ALB owner's); route by "
                        "pathPatterns or hostPatterns instead",
                    )
                )
    if lb.ip_address_type == "dualstack" and not cfg.network.is_existing_vpc:
        issues.append(
            (
                ("loadBalancer", "ipAddressType"),
                "dualstack needs public subnets with IPv6 CIDR blocks, which the VPC this stack creates "
                "does not have; set network.vpcId to a VPC with IPv6 subnets, or use ipv4",
            )
        )
    names = cfg.certificate_names
    if lb.domain is not None and len(names) > CERTIFICATE_NAMES_LIMIT:
        issues.append(
            (
                ("loadBalancer", "domain"),
                f"puts {len(names)} names on one certificate (its name, aliases and the services' hosts in "
                f"the zone), more than ACM's {CERTIFICATE_NAMES_LIMIT}; use a wildcard alias "
                f"(*.{lb.domain.zone_name}) or ask AWS to raise the quota",
            )
        )
    return issues


def check_releases(cfg: PlatformConfig) -> list[Issue]:
    """Rules on how the stack releases and who hears about it."""
    issues: list[Issue] = []
    if cfg.environment == "prod" and cfg.notifications.targets == 0:
        issues.append(
            (
                ("notifications",),
                "is required in prod (alarms and failed deployments must reach someone); set "
                "notifications.email or notifications.https",
            )
        )
    if cfg.load_balancer.test_listener_port is None:
        owner: dict[int, str] = {}
        for name, priority in cfg.test_rule_priorities.items():
            if priority in owner:
                issues.append(
                    (
                        ("services", name, "deployment", "strategy"),
                        f"the test rule priority derived from its name ({priority}) is service "
                        f"{owner[priority]}'s too; set loadBalancer.testListenerPort (test rules then take "
                        "the production priorities)",
                    )
                )
            owner.setdefault(priority, name)
    if cfg.load_balancer.test_listener_port is not None and not cfg.traffic_shifting_services:
        issues.append(
            (
                ("loadBalancer", "testListenerPort"),
                "has no effect without a service deployed by blueGreen, canary or linear; set one's "
                "deployment.strategy or remove testListenerPort",
            )
        )
    return issues


def existing_vpc_resources(svc: ServiceConfig) -> list[Issue]:
    """Existing security groups and file systems belong to an existing VPC: a stack that creates its own VPC
    cannot reach them (a task joins only groups of its VPC; EFS mount targets are all in one VPC)."""
    issues: list[Issue] = []
    if svc.security_groups:
        message = (
            "are groups of an existing VPC, and this stack creates its own; set network.vpcId (with its "
            "subnets) to their VPC, or remove securityGroups"
        )
        issues.append((("securityGroups",), message))
    for vname, volume in svc.volumes.items():
        if volume.efs is not None and volume.efs.file_system_id is not None:
            message = (
                "is reachable only from the VPC of its mount targets, and this stack creates its own; set "
                "network.vpcId (with its subnets) to that VPC"
            )
            issues.append((("volumes", vname, "efs", "fileSystemId"), message))
    return issues


TOP_LEVEL_KEYS: tuple[str, ...] = (
    "environment",
    "network",
    "cluster",
    "loadBalancer",
    "logs",
    "tags",
    "notifications",
    "services",
)
