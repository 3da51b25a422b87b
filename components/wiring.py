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

from components.cluster import CapacityShare, Cluster, ClusterArgs
from components.images import git_sha
from components.load_balancer import LoadBalancer, LoadBalancerArgs, Route, TargetHealthCheck
from components.naming import stack_label
from components.network import ExistingVpcArgs, Network, NetworkArgs, NewVpcArgs, ServiceIngress
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
)
from components.wiring_service import (
    StackSecretReader,
    containers_of,
    efs_volumes,
    service_secrets,
    task_permissions,
)
from config import PlatformConfig


@dataclass
class Platform:
    """What the program built; `__main__.py` exports from it."""

    network: Network
    cluster: Cluster
    load_balancer: LoadBalancer | None
    services: dict[str, FargateService]


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

    load_balancer = None
    if cfg.needs_load_balancer:
        priorities = cfg.route_priorities
        lb = cfg.load_balancer
        load_balancer = LoadBalancer(
            label,
            LoadBalancerArgs(
                vpc_id=network.vpc_id,
                subnet_ids=network.public_subnet_ids,
                security_group_id=network.load_balancer_security_group.id,
                routes=[
                    Route(
                        service=name,
                        port=svc.port or 0,
                        health_check=TargetHealthCheck(
                            path=svc.health_check.path,
                            matcher=svc.health_check.matcher,
                            interval=svc.health_check.interval,
                            timeout=svc.health_check.timeout,
                            healthy_threshold=svc.health_check.healthy_threshold,
                            unhealthy_threshold=svc.health_check.unhealthy_threshold,
                        ),
                        path_patterns=list(svc.route.path_patterns),
                        host_patterns=list(svc.route.host_patterns),
                        priority=priorities.get(name),
                        default=svc.route.default,
                        deregistration_delay=lb.deregistration_delay,
                    )
                    for name, svc in cfg.services.items()
                    if svc.route is not None
                ],
                certificate_arn=lb.certificate_arn,
                ssl_policy=lb.ssl_policy,
                idle_timeout=lb.idle_timeout,
                deletion_protection=lb.deletion_protection,
                access_logs_bucket=lb.access_logs.bucket if lb.access_logs else None,
                access_logs_prefix=(lb.access_logs.prefix or None) if lb.access_logs else None,
                drop_invalid_header_fields=lb.drop_invalid_headers,
                desync_mitigation_mode=lb.desync_mitigation,
                tags=tags,
            ),
        )

    services: dict[str, FargateService] = {}
    for name, svc in cfg.services.items():
        stored, containers = prepared[name]
        routing = None
        if load_balancer is not None and svc.route is not None:
            routing = RoutingArgs(
                target_group_arn=load_balancer.target_groups[name].arn,
                target_group_arn_suffix=load_balancer.target_groups[name].arn_suffix,
                load_balancer_arn_suffix=load_balancer.arn_suffix,
                dependencies=load_balancer.target_dependencies(name),
            )
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
                ),
                enable_execute_command=svc.exec,
                exec_log_group_arn=cluster.exec_log_group.arn if cluster.exec_log_group else None,
                task_permissions=task_permissions(svc),
                image_tag=image_tag,
                depends_on=[cluster.capacity_providers],
                tags={**tags, "Service": name, **svc.tags},
            ),
        )
    return Platform(network=network, cluster=cluster, load_balancer=load_balancer, services=services)
