"""Reliability rules: deployment circuit breaker, target-group health checks, minimum task count, AZ spread,
deregistration delay and pinned images."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from common import (
    ADVISORY,
    Config,
    Report,
    Resource,
    as_bool,
    as_int,
    as_list,
    as_str,
    container_definitions,
    container_name,
    flag,
    get,
    is_unknown,
    known_or_none,
    of_types,
    resource_policy,
    stack_policy,
    violation,
)
from pulumi_policy import ReportViolation
from type_tokens import (
    AUTOSCALING_TARGET,
    AWSX_FARGATE_SERVICE,
    AWSX_FARGATE_TASK_DEFINITION,
    SERVICE,
    TARGET_GROUP,
    TASK_DEFINITION,
)

SERVICES = SERVICE + AWSX_FARGATE_SERVICE

# ---------------------------------------------------------------------------------------------------------
# ecs-deployment-circuit-breaker
# ---------------------------------------------------------------------------------------------------------


def _uses_ecs_controller(resource: Resource) -> bool:
    controller = as_str(get(resource.props, "deploymentController", "type"))
    return controller in (None, "ECS")


def _check_circuit_breaker(resource: Resource, _config: Config, report: Report) -> None:
    if not _uses_ecs_controller(resource):
        return  # CODE_DEPLOY and EXTERNAL controllers have no circuit breaker
    breaker = get(resource.props, "deploymentCircuitBreaker")
    enabled = as_bool(get(breaker, "enable")) if isinstance(breaker, Mapping) else None
    rollback = as_bool(get(breaker, "rollback")) if isinstance(breaker, Mapping) else None
    missing = " and ".join(key for key, value in (("enable", enabled), ("rollback", rollback)) if not value)
    if missing:
        report(
            violation(
                resource,
                "deploymentCircuitBreaker",
                "be enabled with rollback",
                f"set deploymentCircuitBreaker {{enable: true, rollback: true}} ({missing} missing)",
            )
        )


ECS_DEPLOYMENT_CIRCUIT_BREAKER = resource_policy(
    "ecs-deployment-circuit-breaker",
    "Checks that ECS services enable the deployment circuit breaker with rollback.",
    SERVICES,
    _check_circuit_breaker,
    enforcement_level=ADVISORY,
)


# ---------------------------------------------------------------------------------------------------------
# target-group-health-check
# ---------------------------------------------------------------------------------------------------------


def _check_health_check(resource: Resource, _config: Config, report: Report) -> None:
    if (as_str(get(resource.props, "targetType")) or "").lower() == "lambda":
        return
    health = get(resource.props, "healthCheck")
    if not isinstance(health, Mapping):
        report(
            violation(
                resource,
                "healthCheck",
                "be configured",
                "set healthCheck with enabled: true and the application's health path, e.g. /health",
            )
        )
        return
    if as_bool(get(health, "enabled")) is False:
        report(violation(resource, "healthCheck", "be enabled", "set healthCheck.enabled to true"))
        return
    protocol = as_str(get(health, "protocol")) or as_str(get(resource.props, "protocol")) or "HTTP"
    if protocol.upper() in ("HTTP", "HTTPS") and not as_str(get(health, "path")):
        report(
            violation(
                resource,
                "healthCheck.path",
                f"be set for an {protocol.upper()} health check",
                "set healthCheck.path to the application's health endpoint, e.g. /health",
            )
        )


TARGET_GROUP_HEALTH_CHECK = resource_policy(
    "target-group-health-check",
    "Checks that target groups configure an enabled health check, with a path for HTTP/HTTPS checks.",
    TARGET_GROUP,
    _check_health_check,
    enforcement_level=ADVISORY,
)


# ---------------------------------------------------------------------------------------------------------
# ecs-service-min-tasks (stack: sees the services' autoscaling targets)
# ---------------------------------------------------------------------------------------------------------


def _service_names(service: Resource) -> set[str]:
    names = {service.name}
    explicit = known_or_none(lambda: as_str(get(service.props, "name")))
    if explicit:
        names.add(explicit)
    return names


def scaling_target_for(service: Resource, targets: list[Resource]) -> Resource | None:
    """The ECS DesiredCount autoscaling target of ``service``: one that depends on the service (engine
    dependencies), or whose resourceId ``service/<cluster>/<name>`` names it."""
    names = _service_names(service)
    for target in targets:
        if service.urn in target.dependencies:
            return target
    for target in targets:
        resource_id = known_or_none(lambda t=target: as_str(get(t.props, "resourceId")))
        if resource_id and resource_id.startswith("service/") and resource_id.rsplit("/", 1)[-1] in names:
            return target
    return None


def _ecs_targets(resources: list[Resource]) -> list[Resource]:
    def is_ecs(target: Resource) -> bool:
        dimension = known_or_none(lambda: as_str(get(target.props, "scalableDimension")))
        return dimension in (None, "ecs:service:DesiredCount")

    return [t for t in of_types(resources, AUTOSCALING_TARGET) if is_ecs(t)]


def _check_min_tasks(resources: list[Resource], config: Config, report: ReportViolation) -> None:
    minimum = config.get_int("minTasks")
    if minimum is None:
        return
    targets = _ecs_targets(resources)
    for service in of_types(resources, SERVICES):
        if as_str(get(service.props, "schedulingStrategy")) == "DAEMON":
            continue
        target = scaling_target_for(service, targets)
        if target is not None:
            low = as_int(get(target.props, "minCapacity"))
            if low is None or low < minimum:
                report(
                    violation(
                        service,
                        f"autoscaling minCapacity {low} (target '{target.name}')",
                        f"be at least {minimum}",
                        f"set minCapacity to {minimum} or more",
                    ),
                    service.urn,
                )
            continue
        raw = get(service.props, "desiredCount")
        if raw is None:
            count: int | None = 1 if service.type in AWSX_FARGATE_SERVICE else 0  # the providers' defaults
            shown = f"desiredCount (unset: {count})"
        else:
            count = as_int(raw)
            shown = f"desiredCount {raw}"
        if count is None or count < minimum:
            report(
                violation(
                    service,
                    shown,
                    f"be at least {minimum}",
                    f"set desiredCount to {minimum} or more, or add an autoscaling target with "
                    f"minCapacity {minimum} or more",
                ),
                service.urn,
            )


ECS_SERVICE_MIN_TASKS = stack_policy(
    "ecs-service-min-tasks",
    "Checks that ECS services run at least minTasks tasks: desiredCount, or the minCapacity of their "
    "autoscaling target.",
    _check_min_tasks,
    enforcement_level=ADVISORY,
    config={
        "minTasks": {
            "type": "integer",
            "minimum": 0,
            "default": 2,
            "description": "Fewest tasks per service (desiredCount, or autoscaling minCapacity).",
        },
    },
)


# ---------------------------------------------------------------------------------------------------------
# ecs-service-multi-az
# ---------------------------------------------------------------------------------------------------------


def _check_multi_az(resource: Resource, config: Config, report: Report) -> None:
    minimum = config.get_int("minAzs") or 1
    if minimum <= 1:
        return
    if as_str(get(resource.props, "launchType")) == "EC2":
        return  # EC2 launch type spreads by placement strategy, not by subnets
    subnets = as_list(get(resource.props, "networkConfiguration", "subnets"))
    # Subnet ids computed in the same update are unknown during preview: each counts as its own subnet.
    unknown = sum(1 for s in subnets if is_unknown(s))
    distinct = len({s for s in subnets if isinstance(s, str) and s and not is_unknown(s)}) + unknown
    if distinct < minimum:
        report(
            violation(
                resource,
                f"networkConfiguration.subnets ({distinct} distinct)",
                f"span at least {minimum} availability zones",
                f"list at least {minimum} subnets, one in each of {minimum} AZs",
            )
        )


ECS_SERVICE_MULTI_AZ = resource_policy(
    "ecs-service-multi-az",
    "Checks that ECS services place tasks in subnets of at least minAzs availability zones (counted as "
    "distinct subnets: subnet AZs are rarely known before deployment).",
    SERVICES,
    _check_multi_az,
    enforcement_level=ADVISORY,
    config={
        "minAzs": {
            "type": "integer",
            "minimum": 1,
            "default": 2,
            "description": "Fewest availability zones (distinct subnets) a service's tasks may use.",
        },
    },
)


# ---------------------------------------------------------------------------------------------------------
# target-group-deregistration-delay
# ---------------------------------------------------------------------------------------------------------

AWS_DEFAULT_DEREGISTRATION_DELAY = 300


def _check_deregistration(resource: Resource, config: Config, report: Report) -> None:
    limit = config.get_int("maxSeconds")
    if limit is None:
        return
    raw = get(resource.props, "deregistrationDelay")
    delay = as_int(raw) if raw is not None else AWS_DEFAULT_DEREGISTRATION_DELAY
    shown = (
        f"deregistrationDelay {raw}" if raw is not None else "deregistrationDelay (unset: AWS default 300)"
    )
    if delay is None or delay > limit:
        report(
            violation(
                resource,
                shown,
                f"be at most {limit} seconds",
                f"set deregistrationDelay to {limit} or less",
            )
        )


TARGET_GROUP_DEREGISTRATION_DELAY = resource_policy(
    "target-group-deregistration-delay",
    "Checks that target groups drain targets within maxSeconds (deregistration delay) to keep rollouts "
    "short.",
    TARGET_GROUP,
    _check_deregistration,
    enforcement_level=ADVISORY,
    config={
        "maxSeconds": {
            "type": "integer",
            "minimum": 0,
            "maximum": 3600,
            "default": 120,
            "description": "Longest deregistration delay in seconds (AWS default 300 when unset).",
        },
    },
)


# ---------------------------------------------------------------------------------------------------------
# ecs-image-pinned
# ---------------------------------------------------------------------------------------------------------

_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def image_tag(image: str) -> str | None:
    """The tag of an image reference ("latest" in "nginx:latest"), None when it has none. A registry port
    ("host:5000/repo") is not a tag: the tag follows the last path segment's colon."""
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


def _image_of(container: Mapping[str, Any]) -> Any:
    image = get(container, "image")
    if isinstance(image, Mapping):  # awsx accepts an awsx.ecr.Image output {imageUri: ...}
        image = get(image, "imageUri")
    return image


def _check_pinned(resource: Resource, config: Config, report: Report) -> None:
    if not config.get_bool("requirePinned"):
        return
    for index, container in enumerate(container_definitions(resource.props)):
        image = as_str(_image_of(container))
        if not image or _DIGEST.search(image):
            continue
        tag = image_tag(image)
        if tag is None or tag == "latest":
            shown = f"image {image}" + (" (no tag: latest)" if tag is None else "")
            report(
                violation(
                    resource,
                    f"container '{container_name(container, index)}' {shown}",
                    "be pinned to a version tag or digest",
                    "use an immutable tag (e.g. the commit SHA) or an @sha256: digest",
                )
            )


ECS_IMAGE_PINNED = resource_policy(
    "ecs-image-pinned",
    "Checks that container images are pinned to a version tag or digest (no latest, no missing tag).",
    TASK_DEFINITION + AWSX_FARGATE_TASK_DEFINITION + AWSX_FARGATE_SERVICE,
    _check_pinned,
    enforcement_level=ADVISORY,
    config={
        "requirePinned": flag(True, "Require pinned images; false allows latest and untagged images (dev)."),
    },
)


POLICIES = [
    ECS_DEPLOYMENT_CIRCUIT_BREAKER,
    TARGET_GROUP_HEALTH_CHECK,
    ECS_SERVICE_MIN_TASKS,
    ECS_SERVICE_MULTI_AZ,
    TARGET_GROUP_DEREGISTRATION_DELAY,
    ECS_IMAGE_PINNED,
]
