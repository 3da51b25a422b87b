"""Cost rules: Fargate task sizes, a per-stack size cap, Spot outside prod, NAT gateway count, log retention
and Container Insights. (The monthly budget is budget.py, on pricing.py.)"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import fargate
from common import (
    ADVISORY,
    MANDATORY,
    Config,
    Report,
    Resource,
    as_int,
    as_list,
    as_str,
    flag,
    get,
    of_types,
    resource_policy,
    stack_policy,
    stack_violation,
    violation,
)
from pulumi_policy import ReportViolation
from type_tokens import (
    AWSX_FARGATE_SERVICE,
    AWSX_FARGATE_TASK_DEFINITION,
    AWSX_VPC,
    CLUSTER,
    CLUSTER_CAPACITY_PROVIDERS,
    LOG_GROUP,
    NAT_GATEWAY,
    SERVICE,
    TASK_DEFINITION,
)

FARGATE_TASKS = TASK_DEFINITION + AWSX_FARGATE_TASK_DEFINITION + AWSX_FARGATE_SERVICE


def task_props(resource: Resource) -> Mapping[str, Any] | None:
    """The task-level inputs of a Fargate task (cpu, memory, ephemeralStorage), or None when the resource is
    not a Fargate task. awsx FargateService keeps them in ``taskDefinitionArgs`` (absent when the service
    points at an existing ``taskDefinition``)."""
    if resource.type in TASK_DEFINITION:
        compat = [as_str(c) for c in as_list(get(resource.props, "requiresCompatibilities"))]
        return resource.props if "FARGATE" in compat else None
    if resource.type in AWSX_FARGATE_SERVICE:
        args = get(resource.props, "taskDefinitionArgs")
        return args if isinstance(args, Mapping) else None
    return resource.props


# ---------------------------------------------------------------------------------------------------------
# fargate-task-size
# ---------------------------------------------------------------------------------------------------------


def _check_task_size(resource: Resource, _config: Config, report: Report) -> None:
    task = task_props(resource)
    if task is None:
        return
    raw_cpu, raw_memory = get(task, "cpu"), get(task, "memory")
    if raw_cpu is None or raw_memory is None:
        # aws TaskDefinition: Fargate requires task-level sizes. awsx computes them from the containers.
        if resource.type in TASK_DEFINITION:
            report(
                violation(
                    resource,
                    "",
                    "set task-level cpu and memory for Fargate",
                    "set cpu and memory to a valid Fargate size, e.g. cpu 256 with memory 512",
                )
            )
    else:
        _check_cpu_memory(resource, raw_cpu, raw_memory, report)
    storage = get(task, "ephemeralStorage", "sizeInGib")
    if storage is not None:
        size = as_int(storage)
        if size is None or not fargate.EPHEMERAL_MIN_GIB <= size <= fargate.EPHEMERAL_MAX_GIB:
            report(
                violation(
                    resource,
                    f"ephemeralStorage.sizeInGib {storage}",
                    f"be between {fargate.EPHEMERAL_MIN_GIB} and {fargate.EPHEMERAL_MAX_GIB} GiB",
                    f"set sizeInGib to {fargate.EPHEMERAL_MIN_GIB}-{fargate.EPHEMERAL_MAX_GIB}, "
                    f"or remove ephemeralStorage for the default {fargate.EPHEMERAL_DEFAULT_GIB} GiB",
                )
            )


def _check_cpu_memory(resource: Resource, raw_cpu: Any, raw_memory: Any, report: Report) -> None:
    cpu = fargate.parse_cpu(raw_cpu)
    memory = fargate.parse_memory(raw_memory)
    valid_cpus = ", ".join(str(c) for c in fargate.VALID_CPUS)
    if cpu not in fargate.TASK_SIZES:
        report(
            violation(
                resource,
                f"cpu {raw_cpu}",
                "be a Fargate cpu value",
                f"use one of {valid_cpus} (cpu units)",
            )
        )
        return
    if memory is None:
        report(
            violation(
                resource,
                f"memory {raw_memory}",
                "be a number of MiB",
                f"use {fargate.memory_range(cpu)} with cpu {cpu}",
            )
        )
        return
    if not fargate.is_valid_size(cpu, memory):
        others = fargate.cpus_for_memory(memory)
        alternative = f", or cpu {' or '.join(str(c) for c in others)} for {memory} MiB" if others else ""
        report(
            violation(
                resource,
                f"memory {memory} MiB",
                f"be valid with cpu {cpu} on Fargate",
                f"use {fargate.memory_range(cpu)}{alternative}",
            )
        )


FARGATE_TASK_SIZE = resource_policy(
    "fargate-task-size",
    "Checks that Fargate tasks use a cpu/memory combination AWS accepts (4096-MiB steps at 8 vCPU, "
    "8192-MiB steps at 16 vCPU) and ephemeral storage of 21-200 GiB.",
    FARGATE_TASKS,
    _check_task_size,
    enforcement_level=MANDATORY,
)


# ---------------------------------------------------------------------------------------------------------
# fargate-max-task-size
# ---------------------------------------------------------------------------------------------------------


def _check_max_task_size(resource: Resource, config: Config, report: Report) -> None:
    task = task_props(resource)
    if task is None:
        return
    for key, parse, unit in (("cpu", fargate.parse_cpu, ""), ("memory", fargate.parse_memory, " MiB")):
        limit_key = f"max{key.capitalize()}"
        limit = config.get_int(limit_key)
        raw = get(task, key)
        value = parse(raw) if raw is not None else None
        if value is not None and limit is not None and value > limit:
            report(
                violation(
                    resource,
                    f"{key} {value}{unit}",
                    f"be at most {limit}{unit} in this stack",
                    f"lower {key} to {limit}{unit} or less, or raise the policy's {limit_key}",
                )
            )


FARGATE_MAX_TASK_SIZE = resource_policy(
    "fargate-max-task-size",
    "Checks that Fargate tasks stay within the stack's maximum cpu and memory.",
    FARGATE_TASKS,
    _check_max_task_size,
    enforcement_level=ADVISORY,
    config={
        "maxCpu": {
            "type": "integer",
            "minimum": 256,
            "default": 4096,
            "description": "Largest task cpu (units, 1024 = 1 vCPU) allowed in the stack.",
        },
        "maxMemory": {
            "type": "integer",
            "minimum": 512,
            "default": 30720,
            "description": "Largest task memory (MiB) allowed in the stack.",
        },
    },
)


# ---------------------------------------------------------------------------------------------------------
# fargate-spot-in-non-prod
# ---------------------------------------------------------------------------------------------------------

SPOT = "FARGATE_SPOT"


def _spot_weight(strategies: list[Any]) -> int:
    total = 0
    for strategy in strategies:
        if as_str(get(strategy, "capacityProvider")) == SPOT:
            total += (as_int(get(strategy, "weight")) or 0) + (as_int(get(strategy, "base")) or 0)
    return total


def _check_spot(resource: Resource, config: Config, report: Report) -> None:
    if not config.get_bool("requireSpot"):
        return
    fix = 'add {capacityProvider: "FARGATE_SPOT", weight: 1} to the capacity provider strategy'
    if resource.type in CLUSTER_CAPACITY_PROVIDERS:
        providers = [as_str(p) for p in as_list(get(resource.props, "capacityProviders"))]
        if SPOT not in providers:
            report(violation(resource, "capacityProviders", "include FARGATE_SPOT", "add FARGATE_SPOT"))
        strategies = as_list(get(resource.props, "defaultCapacityProviderStrategies"))
        if strategies and _spot_weight(strategies) == 0:
            report(violation(resource, "default strategy", "give FARGATE_SPOT a weight", fix))
        return
    strategies = as_list(get(resource.props, "capacityProviderStrategies"))
    if strategies:
        if _spot_weight(strategies) == 0:
            report(violation(resource, "capacityProviderStrategies", "give FARGATE_SPOT a weight", fix))
        return
    launch_type = as_str(get(resource.props, "launchType"))
    uses_cluster_default = resource.type in SERVICE and launch_type is None
    if resource.type in AWSX_FARGATE_SERVICE:
        # awsx sets launchType FARGATE unless told to use the cluster's default strategy.
        uses_cluster_default = get(resource.props, "useClusterDefaultCapacityProviderStrategy") is True
    if not uses_cluster_default:
        report(
            violation(
                resource,
                f"launch type {launch_type or 'FARGATE'}",
                "be replaced by a capacity provider strategy with FARGATE_SPOT",
                f"remove launchType and {fix}",
            )
        )


FARGATE_SPOT_IN_NON_PROD = resource_policy(
    "fargate-spot-in-non-prod",
    "Checks that ECS services and cluster default strategies run on FARGATE_SPOT where the stack requires "
    "Spot (non-prod).",
    SERVICE + AWSX_FARGATE_SERVICE + CLUSTER_CAPACITY_PROVIDERS,
    _check_spot,
    enforcement_level=ADVISORY,
    config={
        "requireSpot": flag(
            False, "Require FARGATE_SPOT in every service's (or the cluster's default) strategy."
        ),
    },
)


# ---------------------------------------------------------------------------------------------------------
# nat-gateway-count (stack)
# ---------------------------------------------------------------------------------------------------------

AWSX_DEFAULT_AZ_COUNT = 3  # awsx Vpc: "defaults to the first 3 AZs in the current region"
AWSX_DEFAULT_NAT_STRATEGY = "OnePerAz"  # awsx Vpc natGateways.strategy default


def awsx_vpc_nat_count(vpc: Resource) -> tuple[int, str]:
    """NAT gateways an awsx Vpc creates, and how that number was derived (for the message)."""
    strategy = as_str(get(vpc.props, "natGateways", "strategy")) or AWSX_DEFAULT_NAT_STRATEGY
    names = as_list(get(vpc.props, "availabilityZoneNames"))
    azs = len(names) or as_int(get(vpc.props, "numberOfAvailabilityZones")) or AWSX_DEFAULT_AZ_COUNT
    key = strategy.lower()
    if key == "none":
        return 0, f"VPC '{vpc.name}' strategy None"
    if key == "single":
        return 1, f"VPC '{vpc.name}' strategy Single"
    return azs, f"VPC '{vpc.name}' strategy {strategy} x {azs} AZs"


def _ancestors(resource: Resource, by_urn: Mapping[str, Resource]) -> set[str]:
    seen: set[str] = set()
    parent = resource.parent
    while parent and parent not in seen:
        seen.add(parent)
        owner = by_urn.get(parent)
        parent = owner.parent if owner is not None else ""
    return seen


def _check_nat_count(resources: list[Resource], config: Config, report: ReportViolation) -> None:
    limit = config.get_int("maxNatGateways")
    if limit is None:
        return
    by_urn = {r.urn: r for r in resources}
    vpcs = of_types(resources, AWSX_VPC)
    vpc_urns = {v.urn for v in vpcs}
    total, parts = 0, []
    for vpc in vpcs:
        count, how = awsx_vpc_nat_count(vpc)
        total += count
        if count:
            parts.append(how)
    standalone = [n for n in of_types(resources, NAT_GATEWAY) if not _ancestors(n, by_urn) & vpc_urns]
    if standalone:
        total += len(standalone)
        parts.append(", ".join(f"NAT gateway '{n.name}'" for n in standalone))
    if total > limit:
        report(
            stack_violation(
                f"NAT gateways ({total}: {'; '.join(parts)})",
                f"number at most {limit}",
                'use natGateways strategy "Single" or "None" on awsx VPCs, remove NAT gateways, '
                "or raise the policy's maxNatGateways",
            ),
            None,
        )


NAT_GATEWAY_COUNT = stack_policy(
    "nat-gateway-count",
    "Checks that the stack has at most maxNatGateways NAT gateways, counting aws:ec2 NatGateway resources "
    "and awsx Vpc natGateways strategies once each.",
    _check_nat_count,
    enforcement_level=ADVISORY,
    config={
        "maxNatGateways": {
            "type": "integer",
            "minimum": 0,
            "default": 3,
            "description": "Most NAT gateways in the stack (each about $33-37 a month plus its IPv4).",
        },
    },
)


# ---------------------------------------------------------------------------------------------------------
# log-group-retention
# ---------------------------------------------------------------------------------------------------------

# The values CloudWatch Logs' PutRetentionPolicy accepts; anything else is rejected; unset = never expire.
RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip


def _check_retention(resource: Resource, config: Config, report: Report) -> None:
    low, high = config.get_int("minDays") or 1, config.get_int("maxDays") or RETENTION_DAYS[-1]
    allowed = [d for d in RETENTION_DAYS if low <= d <= high]
    choices = ", ".join(str(d) for d in allowed) or "none: the policy's minDays is above its maxDays"
    raw = get(resource.props, "retentionInDays")
    days = as_int(raw) if raw is not None else None
    if days is None or days == 0:
        report(
            violation(
                resource,
                "retentionInDays",
                "be set (unset keeps logs forever)",
                f"set retentionInDays to one of {choices}",
            )
        )
    elif days not in RETENTION_DAYS:
        report(
            violation(
                resource,
                f"retentionInDays {days}",
                "be a value CloudWatch Logs accepts",
                f"use one of {choices}",
            )
        )
    elif not low <= days <= high:
        report(
            violation(
                resource,
                f"retentionInDays {days}",
                f"be between {low} and {high} days in this stack",
                f"use one of {choices}",
            )
        )


LOG_GROUP_RETENTION = resource_policy(
    "log-group-retention",
    "Checks that log groups set a retention CloudWatch Logs accepts, within the stack's [minDays, maxDays].",
    LOG_GROUP,
    _check_retention,
    enforcement_level=MANDATORY,
    config={
        "minDays": {
            "type": "integer",
            "enum": list(RETENTION_DAYS),
            "default": 1,
            "description": "Shortest retention allowed (Security Hub CloudWatch.16 asks for 365).",
        },
        "maxDays": {
            "type": "integer",
            "enum": list(RETENTION_DAYS),
            "default": 3653,
            "description": "Longest retention allowed (a cost cap).",
        },
    },
)


# ---------------------------------------------------------------------------------------------------------
# container-insights
# ---------------------------------------------------------------------------------------------------------

INSIGHTS_MODES = ("disabled", "enabled", "enhanced", "any")


def cluster_insights(resource: Resource) -> str | None:
    """The cluster's containerInsights value, from ``settings`` (pulumi-aws) or ``setting`` (older and
    Terraform-shaped programs), each a list of ``{name, value}`` or a single mapping; None when unset."""
    for key in ("settings", "setting"):
        raw = get(resource.props, key)
        entries = [raw] if isinstance(raw, Mapping) else as_list(raw)
        for entry in entries:
            if as_str(get(entry, "name")) == "containerInsights":
                value = as_str(get(entry, "value"))
                return value.lower() if value else None
    return None


def _check_insights(resource: Resource, config: Config, report: Report) -> None:
    mode = (config.get_str("mode") or "any").lower()
    if mode == "any":
        return
    actual = cluster_insights(resource)
    shown = actual or "unset: the account default, disabled unless changed"
    setting = '{name: "containerInsights", value: "%s"} in settings'
    if mode == "disabled" and actual not in (None, "disabled"):
        report(
            violation(
                resource,
                f"Container Insights ({shown})",
                "be disabled in this stack",
                "set " + setting % "disabled",
            )
        )
    elif mode == "enabled" and actual not in ("enabled", "enhanced"):
        report(
            violation(
                resource,
                f"Container Insights ({shown})",
                "be enabled in this stack",
                "set " + setting % "enabled",
            )
        )
    elif mode == "enhanced" and actual != "enhanced":
        report(
            violation(
                resource,
                f"Container Insights ({shown})",
                "be enhanced in this stack",
                "set " + setting % "enhanced",
            )
        )


CONTAINER_INSIGHTS = resource_policy(
    "container-insights",
    "Checks that ECS clusters set Container Insights as the stack requires (disabled, enabled, enhanced "
    "or any).",
    CLUSTER,
    _check_insights,
    enforcement_level=ADVISORY,
    config={
        "mode": {
            "type": "string",
            "enum": list(INSIGHTS_MODES),
            "default": "enabled",
            "description": "disabled: must be off (cost); enabled: enabled or enhanced; enhanced: enhanced; "
            "any: not checked.",
        },
    },
)


POLICIES = [
    FARGATE_TASK_SIZE,
    FARGATE_MAX_TASK_SIZE,
    FARGATE_SPOT_IN_NON_PROD,
    NAT_GATEWAY_COUNT,
    LOG_GROUP_RETENTION,
    CONTAINER_INSIGHTS,
]
