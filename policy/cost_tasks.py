"""Cost rules over Fargate tasks: valid task sizes (fargate-task-size), the stack's largest task
(fargate-max-task-size) and Spot capacity where the stack requires it (fargate-spot-in-non-prod)."""

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
    resource_policy,
    violation,
)
from type_tokens import (
    AWSX_FARGATE_SERVICE,
    AWSX_FARGATE_TASK_DEFINITION,
    CLUSTER_CAPACITY_PROVIDERS,
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


POLICIES = [FARGATE_TASK_SIZE, FARGATE_MAX_TASK_SIZE, FARGATE_SPOT_IN_NON_PROD]
