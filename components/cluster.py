"""Cluster: the ECS cluster, its Fargate capacity providers and default strategy, Container Insights,
ECS Exec logging (to its own log group, only when some service uses exec) and the Cloud Map private DNS
namespace used for service discovery.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_aws as aws

ContainerInsights = Literal["disabled", "enabled", "enhanced"]
ExecLogging = Literal["cloudWatch", "default", "none"]
_EXEC_LOGGING = {"cloudWatch": "OVERRIDE", "default": "DEFAULT", "none": "NONE"}


@dataclass(frozen=True)
class CapacityShare:
    """One entry of a capacity provider strategy: FARGATE or FARGATE_SPOT, a weight and a base."""

    provider: Literal["FARGATE", "FARGATE_SPOT"]
    weight: int
    base: int = 0


@dataclass
class ClusterArgs:
    container_insights: ContainerInsights = "disabled"
    capacity: tuple[CapacityShare, ...] = (CapacityShare("FARGATE", weight=1),)
    namespace: str | None = None  # Cloud Map private DNS namespace, e.g. "dev.local"
    vpc_id: pulumi.Input[str] | None = None  # required with a namespace
    exec_enabled: bool = False  # some service uses ECS Exec
    exec_logging: ExecLogging = "cloudWatch"  # cloudWatch: a cluster log group for exec sessions
    exec_log_retention_days: int = 30
    retain_logs: bool = False
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


def check_cluster_args(args: ClusterArgs) -> None:
    """Guard clauses; raise ValueError naming the argument and the fix."""
    if args.container_insights not in ("disabled", "enabled", "enhanced"):
        raise ValueError(
            f"container_insights must be disabled, enabled or enhanced; got {args.container_insights!r}."
        )
    if not args.capacity:
        raise ValueError("capacity needs at least one capacity provider share.")
    if sum(1 for share in args.capacity if share.base > 0) > 1:
        raise ValueError("Only one capacity provider share may have a base above 0.")
    if args.exec_logging not in _EXEC_LOGGING:
        raise ValueError(f"exec_logging must be cloudWatch, default or none; got {args.exec_logging!r}.")
    if args.namespace and args.vpc_id is None:
        raise ValueError("A Cloud Map namespace needs vpc_id.")


class Cluster(pulumi.ComponentResource):
    """An ECS cluster for Fargate services."""

    cluster: aws.ecs.Cluster
    name: pulumi.Output[str]
    arn: pulumi.Output[str]
    capacity_providers: aws.ecs.ClusterCapacityProviders
    capacity: tuple[CapacityShare, ...]
    namespace: aws.servicediscovery.PrivateDnsNamespace | None
    namespace_name: str | None
    exec_log_group: aws.cloudwatch.LogGroup | None

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        check_cluster_args(args)  # before anything is registered
        super().__init__("fargate-platform:index:Cluster", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        self.exec_log_group = None
        configuration = None
        if args.exec_enabled:
            log_configuration = None
            if args.exec_logging == "cloudWatch":
                self.exec_log_group = aws.cloudwatch.LogGroup(
                    f"{name}-exec",
                    retention_in_days=args.exec_log_retention_days,
                    tags=tags,
                    opts=pulumi.ResourceOptions(parent=self, retain_on_delete=args.retain_logs),
                )
                log_configuration = (
                    aws.ecs.ClusterConfigurationExecuteCommandConfigurationLogConfigurationArgs(
                        cloud_watch_log_group_name=self.exec_log_group.name,
                    )
                )
            configuration = aws.ecs.ClusterConfigurationArgs(
                execute_command_configuration=aws.ecs.ClusterConfigurationExecuteCommandConfigurationArgs(
                    logging=_EXEC_LOGGING[args.exec_logging],
                    log_configuration=log_configuration,
                )
            )

        self.cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value=args.container_insights)],
            configuration=configuration,
            tags=tags,
            opts=child,
        )
        self.name = self.cluster.name
        self.arn = self.cluster.arn
        self.capacity = args.capacity

        self.capacity_providers = aws.ecs.ClusterCapacityProviders(
            f"{name}-capacity",
            cluster_name=self.cluster.name,
            capacity_providers=["FARGATE", "FARGATE_SPOT"],
            default_capacity_provider_strategies=[
                aws.ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs(
                    capacity_provider=share.provider, weight=share.weight, base=share.base
                )
                for share in args.capacity
            ],
            opts=child,
        )

        self.namespace = None
        self.namespace_name = args.namespace
        if args.namespace:
            assert args.vpc_id is not None  # checked above
            self.namespace = aws.servicediscovery.PrivateDnsNamespace(
                f"{name}-ns",
                name=args.namespace,
                vpc=args.vpc_id,
                description=f"Service discovery for {name}",
                tags=tags,
                opts=child,
            )

        self.register_outputs(
            {
                "clusterName": self.name,
                "clusterArn": self.arn,
                "namespaceId": self.namespace.id if self.namespace else None,
            }
        )
