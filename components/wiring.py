"""Wiring: the validated stack config (config/ models, plain values) → component args → components.

With wiring_service.py (one service's args), the only modules of `components/` that know config/.
Everything it decides (whether to create a load balancer, a namespace, an autoscaling target, which secrets
become parameters) it decides from plain config values, never from Outputs. `__main__.py` calls
`build_platform` and exports what it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi_aws as aws

from components.alarms import AlarmThresholds, ServiceAlarms, ServiceAlarmsArgs, alarm_names
from components.cluster import CapacityShare, Cluster, ClusterArgs
from components.dashboard import Dashboard, DashboardArgs
from components.deploy_roles import DeploymentRoles, DeploymentRolesArgs
from components.images import git_sha
from components.load_balancer import LoadBalancer
from components.naming import stack_label
from components.network import ExistingVpcArgs, Network, NetworkArgs, NewVpcArgs, ServiceIngress
from components.notifications import Notifications, NotificationsArgs
from components.registry import Registry, RegistryArgs, in_created_repositories
from components.secrets import (
    StoredSecret,
)
from components.service import FargateService
from components.service_args import (
    AutoscalingArgs,
    ContainerArgs,
    DeploymentArgs,
    DiscoveryArgs,
    FargateServiceArgs,
    RoutingArgs,
    TrafficShiftingArgs,
)
from components.wiring_front import FrontDoor, front_door
from components.wiring_service import (
    StackSecretReader,
    containers_of,
    efs_volumes,
    service_secrets,
    task_permissions,
)
from config import PlatformConfig, ServiceConfig
from config.alarms import RELEASE_ALARMS_ROUTED, RELEASE_ALARMS_UNROUTED
from config.deployment import ECS_STRATEGIES


@dataclass
class Platform:
    """What the program built; `__main__.py` exports from it."""

    network: Network
    cluster: Cluster
    load_balancer: LoadBalancer | None
    front: FrontDoor
    services: dict[str, FargateService]
    alarms: dict[str, ServiceAlarms]
    notifications: Notifications | None
    dashboard: Dashboard
    deployment_roles: DeploymentRoles | None
    registry: Registry | None


def partition_of(region: str | None) -> str:
    """The AWS partition of a region (ARNs are built from it)."""
    if region and region.startswith("cn-"):
        return "aws-cn"
    if region and region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def default_tags(cfg: PlatformConfig, project: str, stack: str) -> dict[str, str]:
    return {
        "Project": project,
        "Stack": stack,
        "Environment": cfg.environment,
        "ManagedBy": "pulumi",
        **cfg.tags,
    }


def network_args(cfg: PlatformConfig, tags: Mapping[str, str]) -> NetworkArgs:
    net = cfg.network
    vpc: NewVpcArgs | ExistingVpcArgs
    if net.vpc_id is not None:
        vpc = ExistingVpcArgs(
            vpc_id=net.vpc_id,
            public_subnet_ids=list(net.public_subnet_ids),
            private_subnet_ids=list(net.private_subnet_ids),
        )
    else:
        vpc = NewVpcArgs(cidr_block=net.cidr, availability_zones=net.az_count, nat_gateways=net.nat_gateways)
    return NetworkArgs(
        vpc=vpc,
        services={
            name: ServiceIngress(
                port=svc.port,
                from_load_balancer=svc.route is not None,
                # Discovery is for service-to-service calls: every other service may call a discoverable one.
                from_peers=svc.discovery,
            )
            for name, svc in cfg.services.items()
        },
        load_balancer_ports=[80, 443] if cfg.load_balancer.https else [80],
        existing_load_balancer_security_group_id=(
            cfg.load_balancer.existing.security_group_id if cfg.load_balancer.existing else None
        ),
        test_listener_port=cfg.load_balancer.test_listener_port,
        test_listener_cidrs=list(cfg.load_balancer.test_listener_cidrs),
        tags=tags,
    )


def task_subnet_count(cfg: PlatformConfig) -> int:
    net = cfg.network
    if net.vpc_id is None:
        return net.az_count
    return len(net.public_subnet_ids if net.task_subnets == "public" else net.private_subnet_ids)


def build_platform(
    cfg: PlatformConfig,
    *,
    project: str,
    stack: str,
    read_stack_secret: StackSecretReader,
    region_name: str | None = None,
) -> Platform:
    """Create every component of the stack from its validated config."""
    tags = default_tags(cfg, project, stack)
    label = stack_label(stack)  # component names and name prefixes; tags keep the real stack name
    partition = partition_of(region_name)
    # Everything that can still fail on plain values is decided before the first resource is registered.
    prepared: dict[str, tuple[dict[str, StoredSecret], list[ContainerArgs]]] = {}
    for name, svc in cfg.services.items():
        stored, refs = service_secrets(name, svc, read_stack_secret)
        prepared[name] = (stored, containers_of(name, svc, refs))
    needs_tag = any(c.image.kind == "build" for s in cfg.services.values() for _, c in s.containers())
    image_tag = git_sha() if needs_tag else None

    account_id = aws.get_caller_identity_output().account_id
    region = aws.get_region_output().region
    prod = cfg.environment == "prod"

    network = Network(label, network_args(cfg, tags))
    task_subnets = (
        network.public_subnet_ids if cfg.network.task_subnets == "public" else network.private_subnet_ids
    )

    cluster = Cluster(
        label,
        ClusterArgs(
            container_insights=cfg.cluster.container_insights,
            capacity=tuple(
                CapacityShare(item.capacity_provider, weight=item.weight, base=item.base)
                for item in cfg.capacity_strategy
            ),
            namespace=cfg.cluster.namespace,
            vpc_id=network.vpc_id if cfg.cluster.namespace else None,
            exec_enabled=cfg.any_exec,
            exec_logging=cfg.cluster.exec_logging,
            exec_log_retention_days=cfg.logs.retention_days,
            retain_logs=prod,
            tags=tags,
        ),
    )

    registry = None
    if cfg.created_repositories:
        registry = Registry(label, RegistryArgs(repositories=cfg.created_repositories, tags=tags))
        prepared = {n: (stored, in_created_repositories(c, registry)) for n, (stored, c) in prepared.items()}

    front = front_door(cfg, label, network, tags, project=project)
    load_balancer = front.load_balancer

    deployment_roles = None
    if cfg.traffic_shifting_services:
        deployment_roles = DeploymentRoles(
            label,
            DeploymentRolesArgs(
                partition=partition,
                hooks={
                    n: list(s.deployment.hook_targets) for n, s in cfg.services.items() if s.deployment.hooks
                },
                tags=tags,
            ),
        )
    notifications = None
    if cfg.notifications.targets or any(s.alarms.enabled for s in cfg.services.values()):
        notifications = Notifications(
            label,
            NotificationsArgs(
                account_id=account_id,
                region=region,
                cluster_name=cluster.name,
                partition=partition,
                email=list(cfg.notifications.email),
                https=list(cfg.notifications.https),
                tags=tags,
            ),
        )
    alarm_prefix = f"{project}-{label}"

    services: dict[str, FargateService] = {}
    for name, svc in cfg.services.items():
        stored, containers = prepared[name]
        routing = None
        if load_balancer is not None and svc.route is not None:
            shifting = None
            if deployment_roles is not None and svc.deployment.shifts_traffic:
                test_rule = load_balancer.test_rules.get(name)
                shifting = TrafficShiftingArgs(
                    alternate_target_group_arn=load_balancer.alternate_target_groups[name].arn,
                    production_listener_rule_arn=load_balancer.rules[name].arn,
                    test_listener_rule_arn=test_rule.arn if test_rule is not None else None,
                    infrastructure_role_arn=deployment_roles.infrastructure_role.arn,
                )
            routing = RoutingArgs(
                target_group_arn=load_balancer.target_groups[name].arn,
                target_group_arn_suffix=load_balancer.target_groups[name].arn_suffix,
                load_balancer_arn_suffix=load_balancer.arn_suffix,
                dependencies=load_balancer.target_dependencies(name),
                traffic_shifting=shifting,
            )
        names = service_alarm_names(cfg, name, svc, alarm_prefix)
        discovery = None
        if svc.discovery and cluster.namespace is not None and cfg.cluster.namespace:
            discovery = DiscoveryArgs(
                namespace_id=cluster.namespace.id, namespace_name=cfg.cluster.namespace, name=name
            )
        a = svc.autoscaling
        d = svc.deployment
        services[name] = FargateService(
            name,
            FargateServiceArgs(
                cluster_arn=cluster.arn,
                cluster_name=cluster.name,
                containers=containers,
                cpu=svc.cpu,
                memory=svc.memory,
                vpc_id=network.vpc_id,
                subnet_ids=task_subnets,
                subnet_count=task_subnet_count(cfg),
                security_group_ids=[*network.task_security_group_ids(name), *svc.security_groups],
                region=region,
                account_id=account_id,
                family=f"{stack_label(project)}-{label}-{name}",
                log_group_name=f"/ecs/{project}-{label}/{name}",
                log_retention_days=cfg.logs.retention_days,
                parameter_prefix=f"/{project}/{label}/{name}",
                capacity=cluster.capacity,
                architecture=svc.architecture,
                assign_public_ip=cfg.assign_public_ip,
                desired_count=svc.desired_count,
                partition=partition,
                retain_logs=prod,
                stored_secrets=stored,
                efs_volumes=efs_volumes(svc),
                scratch_volumes=[v for v, vol in svc.volumes.items() if vol.scratch],
                ephemeral_storage_gib=svc.ephemeral_storage,
                routing=routing,
                discovery=discovery,
                autoscaling=(
                    AutoscalingArgs(
                        min_capacity=a.min_count,
                        max_capacity=a.max_count,
                        cpu_target=a.cpu_target,
                        memory_target=a.memory_target,
                        requests_per_target=a.requests_per_target,
                        scale_in_cooldown=a.scale_in_cooldown,
                        scale_out_cooldown=a.scale_out_cooldown,
                    )
                    if a is not None
                    else None
                ),
                deployment=DeploymentArgs(
                    circuit_breaker=d.circuit_breaker,
                    rollback=d.rollback,
                    minimum_healthy_percent=d.minimum_healthy_percent,
                    maximum_percent=d.maximum_percent,
                    health_check_grace_period=d.health_check_grace_period,
                    strategy=ECS_STRATEGIES[d.strategy],  # type: ignore[arg-type]
                    bake_time=d.effective_bake_time,
                    canary_percent=d.effective_canary.percent,
                    canary_bake_time=d.effective_canary.bake_time,
                    linear_step_percent=d.effective_linear.step_percent,
                    linear_step_bake_time=d.effective_linear.step_bake_time,
                    hooks=d.hook_targets,
                    hook_role_arn=(
                        deployment_roles.hook_roles[name].arn
                        if deployment_roles is not None and name in deployment_roles.hook_roles
                        else None
                    ),
                    alarm_names=release_alarm_names(svc, names),
                    alarm_rollback=d.alarm_rollback,
                ),
                enable_execute_command=svc.exec,
                exec_log_group_arn=cluster.exec_log_group.arn if cluster.exec_log_group else None,
                task_permissions=task_permissions(svc),
                image_tag=image_tag,
                depends_on=[
                    cluster.capacity_providers,
                    *(deployment_roles.policies() if deployment_roles is not None else ()),
                ],
                tags={**tags, "Service": name, **svc.tags},
            ),
        )
    alarms = {}
    for name, svc in cfg.services.items():
        if not svc.alarms.enabled or notifications is None:
            continue
        a = svc.alarms
        routed = load_balancer is not None and svc.route is not None
        groups = []
        if load_balancer is not None and routed:
            groups = [load_balancer.target_groups[name].arn_suffix]
            if name in load_balancer.alternate_target_groups:
                groups.append(load_balancer.alternate_target_groups[name].arn_suffix)
        alarms[name] = ServiceAlarms(
            f"{label}-{name}-alarms",
            ServiceAlarmsArgs(
                service=name,
                alarm_prefix=f"{alarm_prefix}-{name}",
                cluster_name=cluster.name,
                service_name=services[name].service.name,
                actions=[notifications.topic.arn],
                thresholds=AlarmThresholds(
                    error_rate=a.error_rate,
                    p95_latency=a.p95_latency,
                    unhealthy_hosts=a.unhealthy_hosts,
                    cpu=a.cpu,
                    memory=a.memory,
                    running_tasks=a.running_tasks and cfg.running_task_alarms,
                    evaluation_periods=a.evaluation_periods,
                    datapoints_to_alarm=a.datapoints_to_alarm,
                ),
                load_balancer_arn_suffix=load_balancer.arn_suffix
                if load_balancer is not None and routed
                else None,
                target_group_arn_suffixes=groups,
                tags={**tags, **svc.tags},
            ),
        )
    dashboard = Dashboard(
        label,
        DashboardArgs(
            dashboard_name=alarm_prefix,
            region=region,
            cluster_name=cluster.name,
            load_balancer_arn_suffix=load_balancer.arn_suffix if load_balancer is not None else None,
            services={
                name: (
                    service.service.name,
                    [
                        tg.arn_suffix
                        for tg in (
                            load_balancer.target_groups.get(name),
                            load_balancer.alternate_target_groups.get(name),
                        )
                        if tg is not None
                    ]
                    if load_balancer is not None
                    else [],
                )
                for name, service in sorted(services.items())  # rows by name: reordering changes nothing
            },
            container_insights=cfg.running_task_alarms,
        ),
    )
    return Platform(
        network=network,
        cluster=cluster,
        load_balancer=load_balancer,
        front=front,
        services=services,
        alarms=alarms,
        notifications=notifications,
        dashboard=dashboard,
        deployment_roles=deployment_roles,
        registry=registry,
    )


def service_alarm_names(cfg: PlatformConfig, name: str, svc: ServiceConfig, prefix: str) -> dict[str, str]:
    """Kind → physical name of the service's alarms (none when its alarms are off)."""
    if not svc.alarms.enabled:
        return {}
    running = svc.alarms.running_tasks and cfg.running_task_alarms
    return alarm_names(f"{prefix}-{name}", routed=svc.route is not None, running_tasks=running)


def release_alarm_names(svc: ServiceConfig, names: dict[str, str]) -> list[str]:
    """The alarms that judge a release of the service: its deployment alarms."""
    kinds = RELEASE_ALARMS_ROUTED if svc.route is not None else RELEASE_ALARMS_UNROUTED
    return [names[k] for k in kinds if k in names]
