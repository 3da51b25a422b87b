"""Line items of ECS services on Fargate: task-hours on demand and on Spot (x86 or ARM), ephemeral storage
above the free 20 GB, a public IPv4 per task, and the Cloud Map instances the tasks register.

The task count is the autoscaling minimum if a target covers the service, else its desired count; the
capacity split follows the service's strategy, else the cluster's default, else the launch type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pricing_model import EstimateBuilder, fmt
from pricing_stack import (
    AUTOSCALING_TARGET,
    CLOUD_MAP_INSTANCE,
    CLUSTER,
    CLUSTER_CAPACITY_PROVIDERS,
    FARGATE,
    FARGATE_SPOT,
    SERVICE,
    TASK_DEFINITION,
    StackResource,
    boolean,
    is_unknown,
    list_of,
    number,
    value_at,
)

FREE_EPHEMERAL_GB = 20


@dataclass(frozen=True)
class ServiceTasks:
    """What the estimate found for one service: its task count and the average price of one of its task-hours
    (on-demand and Spot blended by the capacity split; None when its tasks are not priced)."""

    tasks: float
    task_hour: float | None = None


@dataclass(frozen=True)
class Strategy:
    provider: str
    weight: float
    base: float


def parse_strategies(value: Any) -> list[Strategy]:
    out: list[Strategy] = []
    for entry in list_of(value):
        provider = value_at(entry, "capacityProvider")
        if not isinstance(provider, str):
            continue
        out.append(
            Strategy(
                provider, number(value_at(entry, "weight")) or 0.0, number(value_at(entry, "base")) or 0.0
            )
        )
    return out


def split_tasks(tasks: float, strategies: Sequence[Strategy]) -> dict[str, float]:
    """Tasks per capacity provider: each provider's ``base`` first (in strategy order), the rest by weight.

    The split is the long-run average (fractions allowed), which is what a monthly estimate needs."""
    shares: dict[str, float] = {s.provider: 0.0 for s in strategies}
    remaining = tasks
    for s in strategies:
        placed = min(s.base, remaining)
        shares[s.provider] += placed
        remaining -= placed
    total_weight = sum(s.weight for s in strategies)
    if remaining > 0:
        if total_weight > 0:
            for s in strategies:
                shares[s.provider] += remaining * s.weight / total_weight
        elif strategies:
            shares[strategies[0].provider] += remaining
    return shares


_TASK_DEF_ARN = re.compile(r"task-definition/([^:/]+)(?::\d+)?$")


def _find_task_definition(service: StackResource, task_defs: list[StackResource]) -> StackResource | None:
    ref = value_at(service.props, "taskDefinition")
    if isinstance(ref, str):
        match = _TASK_DEF_ARN.search(ref)
        family = match.group(1) if match else ref
        for td in task_defs:
            if family in (value_at(td.props, "family"), td.name) or ref == value_at(td.props, "arn"):
                return td
    linked = [td for td in task_defs if td.urn and td.urn in service.dependencies]
    if len(linked) == 1:
        return linked[0]
    if service.parent:
        siblings = [td for td in task_defs if td.parent == service.parent]
        if len(siblings) == 1:
            return siblings[0]
    return None


def _autoscaling_min(
    service: StackResource, targets: list[StackResource], services: list[StackResource]
) -> float | None:
    """The minCapacity of the service's ECS DesiredCount target: named by its resourceId
    (``service/<cluster>/<name>``), or depending on the service, or the only target beside the only
    service under the same parent component."""
    own_name = value_at(service.props, "name")
    names = {n for n in (own_name, service.name) if isinstance(n, str) and n}
    ecs_targets = [
        t for t in targets if value_at(t.props, "scalableDimension") in (None, "ecs:service:DesiredCount")
    ]
    for target in ecs_targets:
        resource_id = value_at(target.props, "resourceId")
        by_id = isinstance(resource_id, str) and any(resource_id.endswith("/" + n) for n in names)
        by_dep = bool(service.urn) and service.urn in target.dependencies
        if by_id or by_dep:
            return number(value_at(target.props, "minCapacity"))
    if service.parent:
        siblings = [t for t in ecs_targets if t.parent == service.parent]
        sibling_services = [s for s in services if s.parent == service.parent]
        if len(siblings) == 1 and len(sibling_services) == 1:
            return number(value_at(siblings[0].props, "minCapacity"))
    return None


def _cluster_default_strategy(
    service: StackResource, by_type: dict[str, list[StackResource]]
) -> list[Strategy]:
    providers = by_type.get(CLUSTER_CAPACITY_PROVIDERS, [])
    if not providers:
        return []
    cluster_ref = value_at(service.props, "cluster")
    if isinstance(cluster_ref, str):
        cluster_name = cluster_ref.rsplit("/", 1)[-1]
        for p in providers:
            if value_at(p.props, "clusterName") in (cluster_name, cluster_ref):
                return parse_strategies(value_at(p.props, "defaultCapacityProviderStrategies"))
        clusters = {c.urn: c for c in by_type.get(CLUSTER, [])}
        for p in providers:
            for dep in p.dependencies:
                cluster = clusters.get(dep)
                if cluster is not None and cluster_name in (value_at(cluster.props, "name"), cluster.name):
                    return parse_strategies(value_at(p.props, "defaultCapacityProviderStrategies"))
    if len(providers) == 1:
        return parse_strategies(value_at(providers[0].props, "defaultCapacityProviderStrategies"))
    return []


def _service_tasks(
    builder: EstimateBuilder,
    service: StackResource,
    targets: list[StackResource],
    services: list[StackResource],
) -> float:
    minimum = _autoscaling_min(service, targets, services)
    if minimum is not None:
        builder.notes.append(f"{service.name}: priced at the autoscaling minimum of {fmt(minimum)} task(s)")
        return minimum
    raw = service.props.get("desiredCount") if isinstance(service.props, Mapping) else None
    if is_unknown(raw):
        count = builder.assumptions.default_desired_count
        builder.notes.append(f"{service.name}: desired count unknown during preview; assumed {count} task(s)")
        return float(count)
    desired = number(raw)
    # The provider's default desired count is 0.
    return desired if desired is not None else 0.0


def price_services(
    builder: EstimateBuilder, by_type: dict[str, list[StackResource]]
) -> dict[str, ServiceTasks]:
    """Fargate tasks of every ECS service; returns the tasks (and task-hour price) per service URN."""
    task_defs = by_type.get(TASK_DEFINITION, [])
    targets = by_type.get(AUTOSCALING_TARGET, [])
    counts: dict[str, ServiceTasks] = {}
    hours = builder.hours
    for service in by_type.get(SERVICE, []):
        launch_type = value_at(service.props, "launchType")
        strategies = parse_strategies(value_at(service.props, "capacityProviderStrategies"))
        if not strategies and launch_type is None:
            strategies = _cluster_default_strategy(service, by_type)
            if not strategies:
                builder.notes.append(
                    f"{service.name}: no launch type or capacity provider strategy; "
                    "priced as FARGATE on-demand"
                )
        if launch_type is not None and launch_type != FARGATE:
            builder.notes.append(f"{service.name}: launch type {launch_type} is not Fargate; not priced")
            continue
        if not strategies:
            strategies = [Strategy(FARGATE, 1.0, 0.0)]
        others = [s.provider for s in strategies if s.provider not in (FARGATE, FARGATE_SPOT)]
        if others:
            builder.notes.append(
                f"{service.name}: capacity provider(s) {', '.join(others)} are not Fargate; not priced"
            )
            continue

        tasks = _service_tasks(builder, service, targets, by_type.get(SERVICE, []))
        counts[service.urn or service.name] = ServiceTasks(tasks)
        td = _find_task_definition(service, task_defs)
        if td is None:
            builder.notes.append(
                f"{service.name}: its task definition was not found in the stack; tasks not priced"
            )
            continue
        cpu_units = number(value_at(td.props, "cpu"))
        memory_mib = number(value_at(td.props, "memory"))
        if cpu_units is None or memory_mib is None:
            builder.notes.append(
                f"{service.name}: task definition '{td.name}' has no known task-level cpu and memory; "
                "tasks not priced"
            )
            continue
        vcpu, gb = cpu_units / 1024, memory_mib / 1024
        os_family = value_at(td.props, "runtimePlatform", "operatingSystemFamily") or "LINUX"
        if os_family != "LINUX":
            builder.missing.append(
                f"{service.name}: Fargate {os_family} has no price in the table; "
                f"{fmt(tasks)} task(s) left out of the total"
            )
            continue
        arm = value_at(td.props, "runtimePlatform", "cpuArchitecture") == "ARM64"
        arch = "ARM" if arm else "x86"
        vcpu_key = "fargate_arm_vcpu_hour" if arm else "fargate_x86_vcpu_hour"
        gb_key = "fargate_arm_gb_hour" if arm else "fargate_x86_gb_hour"
        vcpu_price, gb_price = getattr(builder.prices, vcpu_key), getattr(builder.prices, gb_key)
        shares = split_tasks(tasks, strategies)
        spot = shares.get(FARGATE_SPOT, 0.0)
        on_demand = shares.get(FARGATE, 0.0)
        size = f"{fmt(vcpu)} vCPU, {fmt(gb)} GB"
        if vcpu_price is None or gb_price is None:
            builder.missing.append(f"{service.name}: no Fargate {arch} price for {builder.prices.region}")
            continue
        task_hour = vcpu * vcpu_price + gb * gb_price
        if tasks > 0:
            spot_price = task_hour * (1 - builder.assumptions.spot_discount)
            blended = (on_demand * task_hour + spot * spot_price) / tasks
            counts[service.urn or service.name] = ServiceTasks(tasks, blended)
        builder.add_priced(
            name=f"Fargate on-demand {arch} ({size})",
            resource=service.name,
            quantity=on_demand * hours,
            unit="task-hours",
            unit_price=task_hour,
            category="compute",
        )
        builder.add_priced(
            name=f"Fargate Spot {arch} ({size}, {fmt(builder.assumptions.spot_discount * 100)}% off)",
            resource=service.name,
            quantity=spot * hours,
            unit="task-hours",
            unit_price=task_hour * (1 - builder.assumptions.spot_discount),
            category="compute",
        )
        storage = number(value_at(td.props, "ephemeralStorage", "sizeInGib"))
        if storage is not None and storage > FREE_EPHEMERAL_GB:
            extra = storage - FREE_EPHEMERAL_GB
            builder.add(
                name=f"ephemeral storage above {FREE_EPHEMERAL_GB} GB ({fmt(extra)} GB per task)",
                resource=service.name,
                quantity=extra * tasks * hours,
                unit="GB-hours",
                price_key="ephemeral_storage_gb_hour",
                category="compute",
            )
        if boolean(value_at(service.props, "networkConfiguration", "assignPublicIp")):
            builder.add(
                name="public IPv4 address per task",
                resource=service.name,
                quantity=tasks * hours,
                unit="IPv4-hours",
                price_key="public_ipv4_hour",
                category="network",
            )
        if any(
            value_at(v, "efsVolumeConfiguration") is not None for v in list_of(value_at(td.props, "volumes"))
        ):
            builder.notes.append(
                f"{service.name}: mounts EFS; the file system is priced with its aws:efs/fileSystem resource"
            )
    standalone = {td.urn for td in task_defs} - {
        td.urn for s in by_type.get(SERVICE, []) if (td := _find_task_definition(s, task_defs)) is not None
    }
    if standalone:
        names = sorted(td.name for td in task_defs if td.urn in standalone)
        builder.notes.append(
            f"task definition(s) without a service ({', '.join(names)}) run only on demand; not priced"
        )
    return counts


def price_cloud_map(
    builder: EstimateBuilder, by_type: dict[str, list[StackResource]], task_counts: dict[str, ServiceTasks]
) -> None:
    for service in by_type.get(SERVICE, []):
        counted = task_counts.get(service.urn or service.name)
        tasks = counted.tasks if counted is not None else 0.0
        if not tasks:
            continue
        registries = 1 if value_at(service.props, "serviceRegistries", "registryArn") is not None else 0
        connect = value_at(service.props, "serviceConnectConfiguration")
        if boolean(value_at(connect, "enabled")) and list_of(value_at(connect, "services")):
            registries += 1
        if registries:
            builder.add(
                name="Cloud Map registered instances (one per task)",
                resource=service.name,
                quantity=tasks * registries,
                unit="instance-months",
                price_key="cloud_map_instance_month",
                category="discovery",
            )
    for instance in by_type.get(CLOUD_MAP_INSTANCE, []):
        builder.add(
            name="Cloud Map registered instance",
            resource=instance.name,
            quantity=1,
            unit="instance-months",
            price_key="cloud_map_instance_month",
            category="discovery",
        )
