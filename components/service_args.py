"""The typed arguments of a FargateService and the checks made on them before anything is registered.

Plain dataclasses of `pulumi.Input` values (components/wiring.py fills them from the validated config); the
guard clauses (`check_service_args`) fail in one message naming the service and the fix, and the container
definitions are checked as plain data first (`plain_spec`: placeholders for images and secret ARNs)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_aws as aws

from components import containers as cdefs
from components.cluster import CapacityShare
from components.iam import TaskPermissions
from components.images import BuildImage, ImageSource
from components.secrets import SecretRef, StoredRef, StoredSecret, check_stored_secrets
from components.storage import EfsVolume

Architecture = Literal["x86_64", "arm64"]


MAX_TASK_SECURITY_GROUPS = 5
"""ECS: "There's a limit of 5 security groups that can be specified" (AwsVpcConfiguration)."""


@dataclass
class ContainerArgs:
    """One container of the task; the first container of a service is its main container."""

    name: str
    image: ImageSource
    port: int | None = None
    cpu: int | None = None
    memory: int | None = None
    essential: bool = True
    command: Sequence[str] | None = None
    entry_point: Sequence[str] | None = None
    working_directory: str | None = None
    environment: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, SecretRef] = field(default_factory=dict)
    health_check: cdefs.HealthCheck | None = None
    depends_on: Mapping[str, cdefs.DependsOnCondition] = field(default_factory=dict)
    readonly_root_filesystem: bool = True
    user: str | None = None
    drop_capabilities: Sequence[str] = ("ALL",)
    add_capabilities: Sequence[str] = ()
    scratch_paths: Sequence[str] = ()  # writable paths as task volumes (bind mounts on task storage)
    tmpfs: Sequence[cdefs.Tmpfs] = ()  # writable memory-backed paths for a read-only root filesystem
    mounts: Sequence[cdefs.MountPoint] = ()  # volumes of the service (EFS or named scratch), by name


@dataclass(frozen=True)
class AutoscalingArgs:
    min_capacity: int
    max_capacity: int
    cpu_target: float | None = None
    memory_target: float | None = None
    requests_per_target: int | None = None
    scale_in_cooldown: int = 300
    scale_out_cooldown: int = 60


Strategy = Literal["ROLLING", "BLUE_GREEN", "CANARY", "LINEAR"]
TRAFFIC_SHIFTING_STRATEGIES = ("BLUE_GREEN", "CANARY", "LINEAR")


@dataclass(frozen=True)
class DeploymentArgs:
    """How ECS deploys a new revision (ECS API names; botocore ecs DeploymentConfiguration)."""

    circuit_breaker: bool = True
    rollback: bool = True
    minimum_healthy_percent: int = 100
    maximum_percent: int = 200
    health_check_grace_period: int = 60
    strategy: Strategy = "ROLLING"
    bake_time: int = 0  # minutes the old revision keeps running after the traffic moved (not ROLLING)
    canary_percent: float = 10.0
    canary_bake_time: int = 5
    linear_step_percent: float = 25.0
    linear_step_bake_time: int = 2
    hooks: Mapping[str, Sequence[str]] = field(default_factory=dict)  # Lambda ARN → lifecycle stages
    hook_role_arn: pulumi.Input[str] | None = None
    alarm_names: Sequence[str] = ()  # deployment alarms: a deployment fails while one is in ALARM
    alarm_rollback: bool = False

    @property
    def shifts_traffic(self) -> bool:
        return self.strategy in TRAFFIC_SHIFTING_STRATEGIES


@dataclass(frozen=True)
class RoutingArgs:
    """Registration with the shared load balancer's target group of this service."""

    target_group_arn: pulumi.Input[str]
    target_group_arn_suffix: pulumi.Input[str]
    load_balancer_arn_suffix: pulumi.Input[str]
    dependencies: Sequence[pulumi.Resource] = ()
    traffic_shifting: TrafficShiftingArgs | None = None


@dataclass(frozen=True)
class TrafficShiftingArgs:
    """What ECS needs to shift a routed service's traffic (`load_balancers[].advanced_configuration`)."""

    alternate_target_group_arn: pulumi.Input[str]
    production_listener_rule_arn: pulumi.Input[str]
    test_listener_rule_arn: pulumi.Input[str] | None
    infrastructure_role_arn: pulumi.Input[str]


@dataclass(frozen=True)
class DiscoveryArgs:
    namespace_id: pulumi.Input[str]
    namespace_name: str
    name: str


@dataclass
class FargateServiceArgs:
    cluster_arn: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    containers: Sequence[ContainerArgs]
    cpu: int
    memory: int
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[str]]
    subnet_count: int
    security_group_ids: Sequence[pulumi.Input[str]]  # the service's own group first (EFS admits it)
    region: pulumi.Input[str]
    account_id: pulumi.Input[str]
    family: str
    log_group_name: str
    log_retention_days: int
    parameter_prefix: str
    capacity: Sequence[CapacityShare] = (CapacityShare("FARGATE", weight=1),)
    architecture: Architecture = "x86_64"
    assign_public_ip: bool = False
    desired_count: int = 1
    partition: str = "aws"
    retain_logs: bool = False
    stored_secrets: Mapping[str, StoredSecret] = field(default_factory=dict)
    parameter_kms_key_arn: str | None = None
    efs_volumes: Sequence[EfsVolume] = ()
    scratch_volumes: Sequence[str] = ()  # named empty volumes on task storage, shared by containers
    ephemeral_storage_gib: int | None = None
    routing: RoutingArgs | None = None
    discovery: DiscoveryArgs | None = None
    autoscaling: AutoscalingArgs | None = None
    deployment: DeploymentArgs = DeploymentArgs()
    enable_execute_command: bool = False
    exec_log_group_arn: pulumi.Input[str] | None = None
    task_permissions: TaskPermissions = field(default_factory=TaskPermissions)
    image_tag: str | None = None
    depends_on: Sequence[pulumi.Resource] = ()
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


# ECS Exec's SSM agent writes to these paths; with a read-only root filesystem they get scratch volumes
# (AWS's documented requirement is a writable root; this workaround is from aws/containers-roadmap#1359).
EXEC_AGENT_PATHS = ("/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm")


def scratch_volume_name(container: str, index: int) -> str:
    return f"{container}-scratch-{index}"


def scratch_paths(container: ContainerArgs, exec_enabled: bool) -> list[str]:
    """The container's scratch-volume paths, plus the exec agent's when exec runs on a read-only root."""
    paths = list(dict.fromkeys(container.scratch_paths))
    taken = (
        set(paths)
        | {t.container_path for t in container.tmpfs}
        | {m.container_path for m in container.mounts}
    )
    if exec_enabled and container.readonly_root_filesystem:
        paths += [p for p in EXEC_AGENT_PATHS if p not in taken]
    return paths


def container_spec(
    c: ContainerArgs, exec_enabled: bool, *, image: str, secrets: Mapping[str, str]
) -> cdefs.ContainerSpec:
    """The container as plain data, its scratch paths mounted from the task's scratch volumes."""
    scratch = [
        cdefs.MountPoint(scratch_volume_name(c.name, i), path)
        for i, path in enumerate(scratch_paths(c, exec_enabled))
    ]
    return cdefs.ContainerSpec(
        name=c.name,
        image=image,
        essential=c.essential,
        port=c.port,
        cpu=c.cpu,
        memory=c.memory,
        command=c.command,
        entry_point=c.entry_point,
        working_directory=c.working_directory,
        environment=c.environment,
        secrets=secrets,
        health_check=c.health_check,
        depends_on=c.depends_on,
        readonly_root_filesystem=c.readonly_root_filesystem,
        user=c.user,
        drop_capabilities=c.drop_capabilities,
        add_capabilities=c.add_capabilities,
        mount_points=[*c.mounts, *scratch],
        tmpfs=c.tmpfs,
    )


def plain_spec(c: ContainerArgs, exec_enabled: bool) -> cdefs.ContainerSpec:
    """The container with placeholders for its image and secret ARNs (Outputs until deployment)."""
    return container_spec(c, exec_enabled, image="<image>", secrets={env: "<arn>" for env in c.secrets})


def check_service_args(name: str, args: FargateServiceArgs) -> None:
    """Guard clauses; raise ValueError naming the service, the argument and the fix."""
    if not args.containers:
        raise ValueError(f"Service `{name}` needs at least one container.")
    if not args.security_group_ids:
        raise ValueError(f"Service `{name}` needs at least one security group.")
    if len(args.security_group_ids) > MAX_TASK_SECURITY_GROUPS:
        raise ValueError(
            f"Service `{name}` joins {len(args.security_group_ids)} security groups; a task joins at most "
            f"{MAX_TASK_SECURITY_GROUPS} (botocore ecs AwsVpcConfiguration.securityGroups)."
        )
    main = args.containers[0]
    if (args.routing or args.discovery) and main.port is None:
        raise ValueError(
            f"Service `{name}` is routed or discoverable, so its main container `{main.name}` needs a port."
        )
    volume_names = {v.name for v in args.efs_volumes} | set(args.scratch_volumes)
    if len(volume_names) != len(args.efs_volumes) + len(set(args.scratch_volumes)):
        raise ValueError(f"Volume names of `{name}` must be unique across EFS and scratch volumes.")
    for container in args.containers:
        for mount in container.mounts:
            if mount.source_volume not in volume_names:
                raise ValueError(
                    f"Container `{container.name}` of `{name}` mounts `{mount.source_volume}`, which is not "
                    f"a volume of the service (volumes: {', '.join(sorted(volume_names)) or 'none'})."
                )
        for stored in (r for r in container.secrets.values() if isinstance(r, StoredRef)):
            if stored.key not in args.stored_secrets:
                raise ValueError(
                    f"Container `{container.name}` of `{name}` uses secret `{stored.key}`, which the service "
                    "does not define."
                )
    check_stored_secrets(args.stored_secrets)
    if any(v.file_system_id is None for v in args.efs_volumes) and args.subnet_count < 1:
        raise ValueError(f"Service `{name}` creates an EFS file system, which needs at least one subnet.")
    built = [c.name for c in args.containers if isinstance(c.image, BuildImage)]
    if built and not args.image_tag:
        raise ValueError(
            f"Service `{name}` builds the image of {', '.join(built)}: an image tag (the git SHA) is "
            "required."
        )
    # The container guard clauses run here on plain values, before any resource (images and secret ARNs
    # are Outputs, so placeholders stand in for them).
    cdefs.check_container_specs([plain_spec(c, args.enable_execute_command) for c in args.containers])
    sized = [c for c in args.containers if c.cpu is not None]
    if sum(c.cpu or 0 for c in sized) > args.cpu:
        raise ValueError(f"The containers of `{name}` reserve more cpu than the task's {args.cpu}.")
    if sum(c.memory or 0 for c in args.containers) > args.memory:
        raise ValueError(f"The containers of `{name}` reserve more memory than the task's {args.memory} MiB.")
    d = args.deployment
    if d.shifts_traffic and (args.routing is None or args.routing.traffic_shifting is None):
        raise ValueError(
            f"Service `{name}` deploys with {d.strategy}, which shifts ALB traffic: it needs routing with "
            "traffic_shifting (alternate target group, production rule, infrastructure role)."
        )
    if d.hooks and not d.shifts_traffic:
        raise ValueError(f"Lifecycle hooks of `{name}` run only with BLUE_GREEN, CANARY or LINEAR.")
    if d.hooks and d.hook_role_arn is None:
        raise ValueError(f"Lifecycle hooks of `{name}` need hook_role_arn (a role ECS invokes them with).")
    if d.alarm_rollback and not d.alarm_names:
        raise ValueError(f"Alarm rollback of `{name}` needs alarm_names.")
    if args.autoscaling is not None:
        a = args.autoscaling
        if not 0 <= a.min_capacity <= a.max_capacity:
            raise ValueError(f"Autoscaling of `{name}`: need 0 <= min_capacity <= max_capacity.")
        if a.cpu_target is None and a.memory_target is None and a.requests_per_target is None:
            raise ValueError(f"Autoscaling of `{name}` needs a cpu, memory or request-count target.")
        if a.requests_per_target is not None and args.routing is None:
            raise ValueError(f"Autoscaling of `{name}` on request count needs the service to be routed.")


def ecs_deployment_configuration(d: DeploymentArgs) -> aws.ecs.ServiceDeploymentConfigurationArgs:
    """`deployment_configuration` of the ECS service. Always names the strategy: the provider keeps a
    computed strategy it is not told to change (terraform-provider-aws ecs service.go: `strategy` is
    Optional+Computed), so switching back to rolling must say ROLLING. pulumi-aws types the minutes as
    strings (pulumi_aws/ecs/_inputs.py ServiceDeploymentConfigurationArgs)."""
    if not d.shifts_traffic:
        return aws.ecs.ServiceDeploymentConfigurationArgs(strategy="ROLLING")
    hooks = [
        aws.ecs.ServiceDeploymentConfigurationLifecycleHookArgs(
            hook_target_arn=arn, role_arn=d.hook_role_arn, lifecycle_stages=list(stages)
        )
        for arn, stages in d.hooks.items()
    ]
    return aws.ecs.ServiceDeploymentConfigurationArgs(
        strategy=d.strategy,
        bake_time_in_minutes=str(d.bake_time),
        canary_configuration=(
            aws.ecs.ServiceDeploymentConfigurationCanaryConfigurationArgs(
                canary_percent=d.canary_percent, canary_bake_time_in_minutes=str(d.canary_bake_time)
            )
            if d.strategy == "CANARY"
            else None
        ),
        linear_configuration=(
            aws.ecs.ServiceDeploymentConfigurationLinearConfigurationArgs(
                step_percent=d.linear_step_percent, step_bake_time_in_minutes=str(d.linear_step_bake_time)
            )
            if d.strategy == "LINEAR"
            else None
        ),
        lifecycle_hooks=hooks or None,
    )


def ecs_alarms(d: DeploymentArgs) -> aws.ecs.ServiceAlarmsArgs | None:
    """Deployment alarms: ECS watches them during a deployment (and its bake time) and, with rollback, rolls
    back when one fires. Without rollback they only mark the deployment failed, so dev gets none."""
    if not d.alarm_rollback:
        return None
    return aws.ecs.ServiceAlarmsArgs(alarm_names=list(d.alarm_names), enable=True, rollback=True)


def ecs_load_balancers(
    routing: RoutingArgs | None, container: str, port: int
) -> list[aws.ecs.ServiceLoadBalancerArgs]:
    if routing is None:
        return []
    shifting = routing.traffic_shifting
    return [
        aws.ecs.ServiceLoadBalancerArgs(
            target_group_arn=routing.target_group_arn,
            container_name=container,
            container_port=port,
            advanced_configuration=(
                aws.ecs.ServiceLoadBalancerAdvancedConfigurationArgs(
                    alternate_target_group_arn=shifting.alternate_target_group_arn,
                    production_listener_rule=shifting.production_listener_rule_arn,
                    test_listener_rule=shifting.test_listener_rule_arn,
                    role_arn=shifting.infrastructure_role_arn,
                )
                if shifting is not None
                else None
            ),
        )
    ]
