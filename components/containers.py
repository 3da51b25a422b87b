"""Container definitions as data: pure functions, no Pulumi resources.

Each function returns plain dicts spelled with the field names of AWS's ECS `RegisterTaskDefinition`
API (`portMappings`, `logConfiguration`, `dependsOn`, ...), so the JSON the task definition receives is
exactly what the tests validate against botocore's ECS model. FargateService resolves its Outputs (image
URI, secret ARNs, log group name) and calls `container_definitions(...)` inside one `apply`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

DependsOnCondition = Literal["START", "COMPLETE", "SUCCESS", "HEALTHY"]

# AWS: "Tasks launched on Fargate only support adding the SYS_PTRACE kernel capability."
# (botocore ecs model, KernelCapabilities.add). Anything else is rejected when the task starts.
FARGATE_ADDABLE_CAPABILITIES = frozenset({"SYS_PTRACE"})


@dataclass(frozen=True)
class HealthCheck:
    """A container health check (Docker HEALTHCHECK run by the ECS agent)."""

    command: Sequence[str]
    interval: int = 30
    timeout: int = 5
    retries: int = 3
    start_period: int = 0


@dataclass(frozen=True)
class Tmpfs:
    """A memory-backed writable path (`linuxParameters.tmpfs`); its size counts against container memory.

    Fargate accepts tmpfs since January 2026 (aws/containers-roadmap#736, closed as shipped; botocore's
    LinuxParameters.tmpfs no longer carries the "not supported on Fargate" note). Older Fargate platform
    versions rejected it: the services use platform version LATEST."""

    container_path: str
    size: int  # MiB
    mount_options: Sequence[str] = ()


@dataclass(frozen=True)
class MountPoint:
    source_volume: str
    container_path: str
    read_only: bool = False


@dataclass(frozen=True)
class ContainerSpec:
    """One container of a task, with every value already resolved to plain data.

    `secrets` maps an environment variable name to the `valueFrom` ARN (SSM parameter or Secrets
    Manager secret, optionally with `:json-key::`): secret values never pass through this module.
    """

    name: str
    image: str
    essential: bool = True
    port: int | None = None
    cpu: int | None = None
    memory: int | None = None
    command: Sequence[str] | None = None
    entry_point: Sequence[str] | None = None
    working_directory: str | None = None
    environment: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict)
    health_check: HealthCheck | None = None
    depends_on: Mapping[str, DependsOnCondition] = field(default_factory=dict)
    readonly_root_filesystem: bool = True
    user: str | None = None
    drop_capabilities: Sequence[str] = ("ALL",)
    add_capabilities: Sequence[str] = ()
    mount_points: Sequence[MountPoint] = ()
    tmpfs: Sequence[Tmpfs] = ()
    stop_timeout: int | None = None
    init_process_enabled: bool = False


@dataclass(frozen=True)
class LogSettings:
    """Where the awslogs driver sends a task's output."""

    group: str
    region: str
    stream_prefix: str


def check_container_specs(specs: Sequence[ContainerSpec]) -> None:
    """Guard clauses over a task's containers; raises ValueError naming the container and the fix."""
    if not specs:
        raise ValueError("A task needs at least one container.")
    names = [spec.name for spec in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"Container names must be unique in a task; duplicated: {', '.join(duplicates)}.")
    if not any(spec.essential for spec in specs):
        raise ValueError("At least one container of a task must be essential.")
    for spec in specs:
        for target in spec.depends_on:
            if target not in names:
                raise ValueError(
                    f"Container `{spec.name}` depends on `{target}`, which is not a container of this task "
                    f"(containers: {', '.join(names)})."
                )
            if target == spec.name:
                raise ValueError(f"Container `{spec.name}` cannot depend on itself.")
            if spec.depends_on[target] == "HEALTHY":
                dependency = next(s for s in specs if s.name == target)
                if dependency.health_check is None:
                    raise ValueError(
                        f"Container `{spec.name}` waits for `{target}` to be HEALTHY, but `{target}` has no "
                        "health check: give it one, or use START."
                    )
        not_addable = sorted(set(spec.add_capabilities) - FARGATE_ADDABLE_CAPABILITIES)
        if not_addable:
            raise ValueError(
                f"Container `{spec.name}` adds capabilities {', '.join(not_addable)}, but Fargate only "
                "allows adding SYS_PTRACE: keep a Docker default capability by not dropping it instead."
            )
        paths = [m.container_path for m in spec.mount_points] + [t.container_path for t in spec.tmpfs]
        doubled = sorted({p for p in paths if paths.count(p) > 1})
        if doubled:
            raise ValueError(
                f"Container `{spec.name}` mounts {', '.join(doubled)} more than once: keep one mount per "
                "path."
            )
        overlap = sorted(set(spec.environment) & set(spec.secrets))
        if overlap:
            raise ValueError(
                f"Container `{spec.name}` sets {', '.join(overlap)} both as environment and as a secret: "
                "keep only the secret."
            )


def container_definition(spec: ContainerSpec, logs: LogSettings) -> dict[str, Any]:
    """One container definition in RegisterTaskDefinition's shape."""
    definition: dict[str, Any] = {
        "name": spec.name,
        "image": spec.image,
        "essential": spec.essential,
        "readonlyRootFilesystem": spec.readonly_root_filesystem,
        "privileged": False,
        "linuxParameters": {
            "capabilities": {"drop": list(spec.drop_capabilities), "add": sorted(spec.add_capabilities)},
            "initProcessEnabled": spec.init_process_enabled,
        },
        "portMappings": (
            [{"containerPort": spec.port, "hostPort": spec.port, "protocol": "tcp", "name": spec.name}]
            if spec.port is not None
            else []
        ),
        "environment": [{"name": k, "value": v} for k, v in sorted(spec.environment.items())],
        "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(spec.secrets.items())],
        "mountPoints": [
            {"sourceVolume": m.source_volume, "containerPath": m.container_path, "readOnly": m.read_only}
            for m in spec.mount_points
        ],
        "volumesFrom": [],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": logs.group,
                "awslogs-region": logs.region,
                "awslogs-stream-prefix": logs.stream_prefix,
            },
        },
    }
    if spec.tmpfs:
        definition["linuxParameters"]["tmpfs"] = [
            {"containerPath": t.container_path, "size": t.size, "mountOptions": list(t.mount_options)}
            for t in spec.tmpfs
        ]
    if spec.cpu is not None:
        definition["cpu"] = spec.cpu
    if spec.memory is not None:
        definition["memory"] = spec.memory
    if spec.user is not None:
        definition["user"] = spec.user
    if spec.command is not None:
        definition["command"] = list(spec.command)
    if spec.entry_point is not None:
        definition["entryPoint"] = list(spec.entry_point)
    if spec.working_directory is not None:
        definition["workingDirectory"] = spec.working_directory
    if spec.stop_timeout is not None:
        definition["stopTimeout"] = spec.stop_timeout
    if spec.health_check is not None:
        hc = spec.health_check
        definition["healthCheck"] = {
            "command": list(hc.command),
            "interval": hc.interval,
            "timeout": hc.timeout,
            "retries": hc.retries,
            "startPeriod": hc.start_period,
        }
    if spec.depends_on:
        definition["dependsOn"] = [
            {"containerName": target, "condition": condition}
            for target, condition in sorted(spec.depends_on.items())
        ]
    return definition


def container_definitions(specs: Sequence[ContainerSpec], logs: LogSettings) -> list[dict[str, Any]]:
    """All container definitions of a task, checked first; dependencies come before dependants."""
    check_container_specs(specs)
    return [container_definition(spec, logs) for spec in _dependency_order(specs)]


def _dependency_order(specs: Sequence[ContainerSpec]) -> list[ContainerSpec]:
    """Order containers so each comes after the containers it depends on (stable otherwise)."""
    by_name = {spec.name: spec for spec in specs}
    ordered: list[ContainerSpec] = []
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(spec: ContainerSpec) -> None:
        if spec.name in done:
            return
        if spec.name in visiting:
            raise ValueError(f"Container dependencies form a cycle through `{spec.name}`: break the cycle.")
        visiting.add(spec.name)
        for target in sorted(spec.depends_on):
            visit(by_name[target])
        visiting.discard(spec.name)
        done.add(spec.name)
        ordered.append(spec)

    for spec in specs:
        visit(spec)
    return ordered
