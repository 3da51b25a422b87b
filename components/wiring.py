"""Wiring: the validated stack config (config/ models, plain values) → component args → components.

The one module of `components/` that knows config/. Everything it decides (whether to create a load
balancer, a namespace, an autoscaling target, which secrets become parameters) it decides from plain config
values, never from Outputs. `__main__.py` calls `build_platform` and exports what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import containers as cdefs
from components.cluster import CapacityShare, Cluster, ClusterArgs
from components.iam import TaskPermissions
from components.images import BuildImage, EcrImage, ImageSource, ImageUri, git_sha
from components.load_balancer import LoadBalancer, LoadBalancerArgs, Route, TargetHealthCheck
from components.naming import stack_label
from components.network import ExistingVpcArgs, Network, NetworkArgs, NewVpcArgs, ServiceIngress
from components.secrets import (
    ComposedSecret,
    GeneratedSecret,
    Placeholder,
    SecretRef,
    SecretsManagerRef,
    SsmParameterRef,
    StackSecret,
    StoredRef,
    StoredSecret,
)
from components.service import (
    AutoscalingArgs,
    ContainerArgs,
    DeploymentArgs,
    DiscoveryArgs,
    FargateService,
    FargateServiceArgs,
    RoutingArgs,
)
from components.storage import EfsAccessPoint, EfsVolume
from config import ContainerConfig, ImageConfig, PlatformConfig, SecretSource, ServiceConfig, SidecarConfig

StackSecretReader = Callable[[str], pulumi.Output[str]]
"""Reads one stack secret by the key a `stackSecret` names (e.g. `pulumi.Config().require_secret`)."""


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


def image_source(image: ImageConfig) -> ImageSource:
    if image.kind == "repository":
        assert image.repository is not None
        return EcrImage(repository=image.repository, tag=image.effective_tag)
    if image.kind == "build":
        assert image.build is not None
        dockerfile = f"{image.build.rstrip('/')}/{image.dockerfile}" if image.dockerfile else None
        return BuildImage(context=image.build, dockerfile=dockerfile)
    assert image.uri is not None
    return ImageUri(uri=image.uri)


def service_secrets(
    name: str, svc: ServiceConfig, read_stack_secret: StackSecretReader
) -> tuple[dict[str, StoredSecret], dict[str, dict[str, SecretRef]]]:
    """The secrets the service stores (generated, stack, composed) and each container's env → reference.

    Stored keys (the last segment of the SSM parameter name): a generated secret's name, a stack secret's
    config key (`:` → `.`), a composed secret's env name (`<container>.<ENV>` for sidecars); a key claimed by
    two kinds is qualified with its kind (`generated.x`, `stack.x`, `composed.x`) so none can collide.
    """
    generated = dict(svc.generated_secrets)
    stack_keys: set[str] = set()
    composed: dict[tuple[str, str], SecretSource] = {}
    for cname, container in svc.containers():
        container_name = cname or name
        for env, src in container.secrets.items():
            if src.stack_secret is not None:
                stack_keys.add(src.stack_secret)
            stack_keys.update(r.name for r in src.template_refs if r.kind == "stackSecret")
            if src.kind == "template":
                composed[(container_name, env)] = src

    preferred: dict[tuple[str, str], str] = {("generated", g): g for g in generated}
    preferred |= {("stack", k): k.replace(":", ".") for k in stack_keys}
    preferred |= {("composed", f"{c}.{e}"): e if c == name else f"{c}.{e}" for c, e in composed}
    claims: dict[str, int] = {}
    for key in preferred.values():
        claims[key] = claims.get(key, 0) + 1
    keys = {ident: key if claims[key] == 1 else f"{ident[0]}.{key}" for ident, key in preferred.items()}

    stored: dict[str, StoredSecret] = {}
    for g, length in generated.items():
        stored[keys[("generated", g)]] = GeneratedSecret(length)
    for k in sorted(stack_keys):
        stored[keys[("stack", k)]] = StackSecret(read_stack_secret(k))
    for (c, e), src in composed.items():
        assert src.template is not None
        placeholders = {
            ref.text: Placeholder(
                key=keys[("stack" if ref.kind == "stackSecret" else "generated", ref.name)],
                url_encode=ref.filter == "urlencode",
            )
            for ref in src.template_refs
        }
        stored[keys[("composed", f"{c}.{e}")]] = ComposedSecret(
            template=src.template, placeholders=placeholders
        )

    refs: dict[str, dict[str, SecretRef]] = {}
    for cname, container in svc.containers():
        container_name = cname or name
        refs[container_name] = {}
        for env, src in container.secrets.items():
            ref: SecretRef
            if src.generate is not None:
                ref = StoredRef(keys[("generated", src.generate)])
            elif src.stack_secret is not None:
                ref = StoredRef(keys[("stack", src.stack_secret)])
            elif src.ssm_parameter is not None:
                ref = SsmParameterRef(parameter=src.ssm_parameter)
            elif src.secrets_manager is not None:
                ref = SecretsManagerRef(arn=src.secrets_manager, json_key=src.json_key)
            else:
                ref = StoredRef(keys[("composed", f"{container_name}.{env}")])
            refs[container_name][env] = ref
    return stored, refs


def _container_args(
    container_name: str,
    container: ContainerConfig,
    refs: Mapping[str, SecretRef],
    *,
    cpu: int | None,
    memory: int | None,
    essential: bool,
    health_check: cdefs.HealthCheck | None,
) -> ContainerArgs:
    drop, add = container.hardening.linux_capabilities
    return ContainerArgs(
        name=container_name,
        image=image_source(container.image),
        port=container.port,
        cpu=cpu,
        memory=memory,
        essential=essential,
        command=container.command,
        entry_point=container.entry_point,
        environment=dict(container.environment),
        secrets=dict(refs),
        health_check=health_check,
        depends_on=dict(container.depends_on),
        readonly_root_filesystem=container.hardening.read_only_root,
        user=container.hardening.run_as,
        drop_capabilities=drop,
        add_capabilities=add,
        tmpfs=[
            cdefs.Tmpfs(t.container_path, t.size, tuple(t.mount_options))
            for t in container.hardening.tmpfs_mounts
        ],
        mounts=[cdefs.MountPoint(m.volume, m.path, m.read_only) for m in container.mounts],
    )


def _health_check(check: Any) -> cdefs.HealthCheck | None:
    if check is None:
        return None
    return cdefs.HealthCheck(
        command=list(check.command),
        interval=check.interval,
        timeout=check.timeout,
        retries=check.retries,
        start_period=check.start_period,
    )


def containers_of(
    name: str, svc: ServiceConfig, refs: Mapping[str, Mapping[str, SecretRef]]
) -> list[ContainerArgs]:
    """The main container (named like the service) first, then the sidecars."""
    has_sidecars = bool(svc.sidecars)
    out = [
        _container_args(
            name,
            svc,
            refs[name],
            cpu=svc.container_cpu if has_sidecars else None,
            memory=svc.container_memory if has_sidecars else None,
            essential=True,
            health_check=_health_check(svc.health_check.container),
        )
    ]
    for sname, sidecar in svc.sidecars.items():
        assert isinstance(sidecar, SidecarConfig)
        out.append(
            _container_args(
                sname,
                sidecar,
                refs[sname],
                cpu=sidecar.cpu,
                memory=sidecar.memory,
                essential=sidecar.essential,
                health_check=_health_check(sidecar.health_check),
            )
        )
    return out


def efs_volumes(svc: ServiceConfig) -> list[EfsVolume]:
    volumes = []
    for vname, volume in svc.volumes.items():
        if volume.efs is None:
            continue
        efs = volume.efs
        ap = efs.access_point
        volumes.append(
            EfsVolume(
                name=vname,
                file_system_id=efs.file_system_id,
                root_directory=efs.root_directory,
                access_point=(
                    EfsAccessPoint(path=ap.path, uid=ap.uid, gid=ap.gid, permissions=ap.permissions)
                    if ap is not None
                    else None
                ),
                transit_encryption=efs.transit_encryption == "ENABLED",
                iam_authorization=efs.iam_authorization,
            )
        )
    return volumes


def task_permissions(svc: ServiceConfig) -> TaskPermissions:
    p = svc.permissions
    return TaskPermissions(
        s3=dict(p.s3_buckets), dynamodb=dict(p.dynamodb_tables), sqs=dict(p.sqs_queues), ssm=dict(p.ssm_paths)
    )


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
            protect_logs=prod,
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
                security_group_ids=network.task_security_group_ids(name),
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
                protect_logs=prod,
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
