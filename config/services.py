"""`services.<name>`: one ECS Fargate service, its task size and the rules across its containers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from config.alarms import AlarmsConfig
from config.autoscaling import AutoscalingConfig
from config.base import ContainerName, Tags, VolumeName, check_security_group_id, container_prefix
from config.containers import ContainerConfig, SidecarConfig, find_cycle
from config.deployment import DeploymentConfig
from config.errors import Issue, Path, fail, raise_if, short_repr
from config.load_balancer import HealthCheckConfig, RouteConfig
from config.permissions import PermissionsConfig
from config.sizes import FARGATE_CPU_MEMORY, fargate_memory_problem
from config.volumes import VolumeConfig


class ServiceConfig(ContainerConfig):
    """One ECS Fargate service: the main container (named like the service), sidecars, routing and scaling."""

    port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Port of the main container (required with a route or discovery).",
    )
    cpu: int = Field(
        default=256,
        description="Task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384.",
        json_schema_extra={
            "hint": "write CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384 (1024 is 1 vCPU)"
        },
    )
    memory: int = Field(
        default=512,
        description="Task memory (MiB), valid for cpu per the Fargate table.",
        json_schema_extra={"hint": "write MiB, e.g. 512, 1024 or 2048 (1024 is 1 GB)"},
    )
    ephemeral_storage: int | None = Field(
        default=None, ge=21, le=200, description="Task storage in GiB (default 20)."
    )
    architecture: Literal["x86_64", "arm64"] = Field(
        default="x86_64", description="CPU architecture of the task."
    )
    desired_count: int = Field(
        default=1, ge=0, le=1000, description="Tasks to run (the autoscaling start value)."
    )
    health_check: HealthCheckConfig = Field(
        default_factory=HealthCheckConfig,
        description="ALB target-group health check (+ optional container check).",
    )
    route: RouteConfig | None = Field(default=None, description="ALB routing; unset: internal only.")
    discovery: bool = Field(
        default=False, description="Register in the Cloud Map namespace as <service>.<namespace>."
    )
    sidecars: dict[ContainerName, SidecarConfig] = Field(
        default_factory=dict, description="Extra containers."
    )
    volumes: dict[VolumeName, VolumeConfig] = Field(default_factory=dict, description="Task volumes.")
    autoscaling: AutoscalingConfig | None = Field(default=None, description="Target-tracking autoscaling.")
    deployment: DeploymentConfig = Field(
        default_factory=DeploymentConfig, description="How ECS deploys a new revision (strategy, rollback)."
    )
    alarms: AlarmsConfig = Field(
        default_factory=AlarmsConfig, description="CloudWatch alarm thresholds (environment defaults)."
    )
    exec: bool = Field(default=False, description="Enable ECS Exec (interactive shell into tasks).")
    permissions: PermissionsConfig = Field(default_factory=PermissionsConfig, description="Task-role access.")
    tags: Tags = Field(default_factory=dict, description="Tags on this service's resources.")
    security_groups: list[str] = Field(
        default_factory=list,
        max_length=3,
        description="Existing security groups (sg-…) the tasks join besides their own, e.g. one a database "
        "or file system admits; at most 3 (a task joins at most 5, the stack adds up to 2). Needs "
        "network.vpcId.",
    )

    @field_validator("security_groups")
    @classmethod
    def _security_groups(cls, value: list[str]) -> list[str]:
        for group in value:
            message = check_security_group_id(group)
            if message:
                raise fail(message)
        if len(set(value)) != len(value):
            raise fail("lists a group twice; list each group once")
        return value

    @field_validator("cpu", mode="before")
    @classmethod
    def _cpu_in_vcpu(cls, value: Any) -> Any:
        """`cpu: 0.25` is vCPU, the unit of the AWS console: name the CPU units it means."""
        if isinstance(value, float) and value * 1024 in FARGATE_CPU_MEMORY:
            raise fail(f"{value} is in vCPU; cpu takes CPU units: write {int(value * 1024)} ({value} vCPU)")
        return value

    @field_validator("memory", mode="before")
    @classmethod
    def _memory_in_gb(cls, value: Any) -> Any:
        """`memory: 0.5` is GB, the unit of the AWS console: name the MiB it means."""
        if isinstance(value, float) and 0 < value <= 120 and (value * 1024).is_integer():
            raise fail(f"{value} is in GB; memory takes MiB: write {int(value * 1024)} ({value} GB)")
        return value

    @field_validator("cpu")
    @classmethod
    def _cpu(cls, value: int) -> int:
        if value not in FARGATE_CPU_MEMORY:
            raise fail(
                f"{value} is not a Fargate cpu value; valid: {', '.join(str(c) for c in FARGATE_CPU_MEMORY)}"
            )
        return value

    @property
    def container_cpu(self) -> int:
        """CPU units left for the main container after the sidecars' reservations."""
        return self.cpu - sum(s.cpu for s in self.sidecars.values())

    @property
    def container_memory(self) -> int:
        """Memory (MiB) left for the main container after the sidecars' limits (its hard limit)."""
        return self.memory - sum(s.memory or 0 for s in self.sidecars.values())

    @property
    def generated_secrets(self) -> dict[str, int]:
        """Generated password name → length, over every container of the service: the length a `generate`
        source gives, wherever it is (a template in an earlier container only refers to it)."""
        sources = [src for _, container in self.containers() for src in container.secrets.values()]
        out = {src.generate: src.effective_length for src in reversed(sources) if src.generate is not None}
        for src in sources:
            for ref in src.template_refs:
                if ref.kind == "generate":
                    out.setdefault(ref.name, 32)
        return out

    @property
    def stack_secret_keys(self) -> list[str]:
        """Stack config keys this service reads as secrets (stackSecret sources and template references)."""
        keys: list[str] = []
        for _, container in self.containers():
            for src in container.secrets.values():
                if src.stack_secret is not None:
                    keys.append(src.stack_secret)
                keys.extend(r.name for r in src.template_refs if r.kind == "stackSecret")
        return sorted(set(keys))

    @property
    def docker_platform(self) -> str:
        """The `--platform` to build images for."""
        return "linux/arm64" if self.architecture == "arm64" else "linux/amd64"

    @property
    def runtime_platform(self) -> str:
        """`runtimePlatform.cpuArchitecture` of the task definition."""
        return "ARM64" if self.architecture == "arm64" else "X86_64"

    def containers(self) -> list[tuple[str, ContainerConfig]]:
        """(`name`, container) for the main container (named like the service, so unnamed here: "") and each
        sidecar. Use `container_names(service_name)` for real names."""
        return [("", self), *self.sidecars.items()]

    @model_validator(mode="after")
    def _rules(self) -> ServiceConfig:
        raise_if(check_service(self))
        return self


def check_service(svc: ServiceConfig) -> list[Issue]:
    """Cross-field rules within one service (dependsOn needs the service's name: see check_depends_on)."""
    issues: list[Issue] = []
    memory_problem = fargate_memory_problem(svc.cpu, svc.memory)
    if memory_problem:
        issues.append((("memory",), memory_problem))
    issues.extend(_check_sizes(svc))
    issues.extend(_check_scratch(svc))
    issues.extend(_check_ports(svc))
    issues.extend(check_service_secrets(svc))
    issues.extend(check_service_volumes(svc))
    issues.extend(check_service_deployment(svc))
    if svc.route is None:
        alb_keys = sorted(svc.health_check.alb_keys_set())
        if alb_keys:
            issues.append(
                (
                    ("healthCheck", alb_keys[0]),
                    "applies only to a routed service; add a route, or keep only healthCheck.container",
                )
            )
        if svc.deployment.explicitly_set("health_check_grace_period"):
            issues.append(
                (
                    ("deployment", "healthCheckGracePeriod"),
                    "applies only to a routed service; add a route or remove it",
                )
            )
        if svc.autoscaling is not None and svc.autoscaling.requests_per_target is not None:
            issues.append(
                (
                    ("autoscaling", "requestsPerTarget"),
                    "needs a route (ALB requests are counted per "
                    "target group); add a route or use cpuTarget/memoryTarget",
                )
            )
    if (svc.route is not None or svc.discovery) and svc.port is None:
        issues.append(
            (
                ("port",),
                "is required for a service with a route or discovery; set the port the container listens on",
            )
        )
    if svc.autoscaling is not None:
        a = svc.autoscaling
        if not a.min_count <= svc.desired_count <= a.max_count:
            issues.append(
                (
                    ("desiredCount",),
                    f"{svc.desired_count} is outside autoscaling min {a.min_count} .. "
                    f"max {a.max_count}; set desiredCount within that range",
                )
            )
    return issues


def _check_sizes(svc: ServiceConfig) -> list[Issue]:
    issues: list[Issue] = []
    if not svc.sidecars:
        return issues
    sidecar_cpu = sum(s.cpu for s in svc.sidecars.values())
    sidecar_memory = sum(s.memory or 0 for s in svc.sidecars.values())
    if svc.container_cpu < 0:
        issues.append(
            (
                ("cpu",),
                f"{svc.cpu} is less than the sidecars' {sidecar_cpu} cpu units; raise cpu or "
                "lower the sidecars' cpu",
            )
        )
    if svc.container_memory < 128:
        issues.append(
            (
                ("memory",),
                f"{svc.memory} leaves {svc.container_memory} MiB for the main container "
                f"after the sidecars' {sidecar_memory} MiB (needs ≥ 128); raise memory or lower the "
                "sidecars' memory",
            )
        )
    return issues


def _check_scratch(svc: ServiceConfig) -> list[Issue]:
    """Scratch tmpfs mounts live in the container's memory: together at most half of it."""
    issues: list[Issue] = []
    limits = [((), svc.hardening, svc.container_memory)]
    limits += [(("sidecars", n), s.hardening, s.memory or svc.memory) for n, s in svc.sidecars.items()]
    for prefix, hardening, memory in limits:
        if memory >= 128 and hardening.tmpfs_total * 2 > memory:  # (< 128 is reported by _check_sizes)
            message = (
                f"{len(hardening.scratch_paths)} scratch path(s) of {hardening.scratch_size} MiB = "
                f"{hardening.tmpfs_total} MiB of tmpfs is more than half of the container's {memory} MiB "
                "memory; lower scratchSize or raise memory"
            )
            issues.append(((*prefix, "hardening", "scratchSize"), message))
    return issues


def _check_ports(svc: ServiceConfig) -> list[Issue]:
    issues: list[Issue] = []
    seen: dict[int, str] = {}
    if svc.port is not None:
        seen[svc.port] = "the main container"
    for sname, sidecar in svc.sidecars.items():
        if sidecar.port is None:
            continue
        if sidecar.port in seen:
            issues.append(
                (
                    ("sidecars", sname, "port"),
                    f"{sidecar.port} is already used by {seen[sidecar.port]} "
                    "(containers of a task share one network namespace); pick another port",
                )
            )
        else:
            seen[sidecar.port] = f"sidecar {sname}"
    return issues


def check_depends_on(svc: ServiceConfig, name: str) -> list[Issue]:
    """dependsOn rules of one service; `name` is the service name (= the main container's name)."""
    issues: list[Issue] = []
    names = [name, *svc.sidecars]
    graph: dict[str, list[str]] = {}
    for cname, depends_on in [(name, svc.depends_on), *((n, s.depends_on) for n, s in svc.sidecars.items())]:
        prefix: Path = ("dependsOn",) if cname == name else ("sidecars", cname, "dependsOn")
        graph[cname] = []
        for target, condition in depends_on.items():
            path = (*prefix, target)
            if target == cname:
                issues.append((path, "a container cannot depend on itself; remove it"))
                continue
            if target not in names:
                known = ", ".join(n for n in names if n != cname) or "none"
                issues.append((path, f"is not a container of this service; use one of: {known}"))
                continue
            graph[cname].append(target)
            sidecar = svc.sidecars.get(target) if target != name else None
            if condition == "HEALTHY":
                has_check = (
                    svc.health_check.container is not None
                    if sidecar is None
                    else (sidecar.health_check is not None)
                )
                if not has_check:
                    where = "healthCheck.container" if sidecar is None else f"sidecars.{target}.healthCheck"
                    message = f"HEALTHY needs a container health check on {target}; add {where} or use START"
                    issues.append((path, message))
            if condition in ("COMPLETE", "SUCCESS") and (sidecar is None or sidecar.essential):
                message = (
                    f"{condition} needs {target} to be non-essential (it is expected to exit); "
                    f"set sidecars.{target}.essential: false or use START"
                )
                issues.append((path, message))
    cycle = find_cycle(graph)
    if cycle:
        at: Path = ("dependsOn",) if cycle[0] == name else ("sidecars", cycle[0], "dependsOn")
        issues.append((at, f"forms a cycle {' → '.join(cycle)}; remove one of these dependencies"))
    return issues


def check_service_secrets(svc: ServiceConfig) -> list[Issue]:
    issues: list[Issue] = []
    generated: dict[str, list[tuple[Path, int, bool]]] = {}
    for cname, container in svc.containers():
        for env, src in container.secrets.items():
            if src.generate is not None:
                generated.setdefault(src.generate, []).append(
                    ((*container_prefix(cname), "secrets", env), src.effective_length, src.length is not None)
                )
    for gname, uses in generated.items():
        lengths = {length for _, length, _ in uses}
        if len(lengths) > 1:
            # Point at the first use that sets `length` explicitly (that is the one to change or copy).
            path = next((p for p, _, explicit in uses if explicit), uses[-1][0])
            issues.append(
                (
                    (*path, "length"),
                    f"generated secret {short_repr(gname)} has different lengths "
                    f"({', '.join(str(n) for n in sorted(lengths))}); use one length for every use",
                )
            )
    for cname, container in svc.containers():
        for env, src in container.secrets.items():
            for ref in src.template_refs:
                if ref.kind == "generate" and ref.name not in generated:
                    known = ", ".join(sorted(generated)) or "none"
                    issues.append(
                        (
                            (*container_prefix(cname), "secrets", env, "template"),
                            f"{ref.text} does not name a generated secret of this service (generated: "
                            f"{known}); add {{generate: {ref.name}}} to a secret or fix the name",
                        )
                    )
            if env in container.environment:
                issues.append(
                    (
                        (*container_prefix(cname), "secrets", env),
                        "is also set in environment; keep it only in secrets",
                    )
                )
    return issues


def check_service_volumes(svc: ServiceConfig) -> list[Issue]:
    issues: list[Issue] = []
    used: set[str] = set()
    for cname, container in svc.containers():
        prefix = container_prefix(cname)
        paths: dict[str, str] = {p: "hardening.scratchPaths" for p in container.hardening.scratch_paths}
        for i, mount in enumerate(container.mounts):
            if mount.volume not in svc.volumes:
                known = ", ".join(svc.volumes) or "none"
                issues.append(
                    (
                        (*prefix, "mounts", i, "volume"),
                        f"{short_repr(mount.volume)} is not in volumes (known: "
                        f"{known}); add it to volumes or fix the name",
                    )
                )
            used.add(mount.volume)
            if mount.path in paths:
                issues.append(
                    (
                        (*prefix, "mounts", i, "path"),
                        f"{mount.path} is already mounted (by {paths[mount.path]}); use a different path",
                    )
                )
            paths[mount.path] = "mounts"
    for vname in svc.volumes:
        if vname not in used:
            issues.append((("volumes", vname), "is not mounted by any container; add a mount or remove it"))
    return issues


def check_service_deployment(svc: ServiceConfig) -> list[Issue]:
    """How the deployment fits the service: traffic shifting needs a route, rollback needs alarms."""
    issues: list[Issue] = []
    d = svc.deployment
    if d.shifts_traffic and svc.route is None:
        issues.append(
            (
                ("deployment", "strategy"),
                f"{d.strategy} shifts ALB traffic between two target groups, and this service has no route; "
                "add a route or use strategy: rolling",
            )
        )
    if d.alarm_rollback and not svc.alarms.enabled:
        issues.append(
            (
                ("deployment", "alarmRollback"),
                "needs the service's alarms; set alarms.enabled: true or alarmRollback: false",
            )
        )
    return issues
