"""Safe-release rules over ECS services: deployment alarms that roll back (ecs-deployment-alarms), a
traffic-shifting strategy behind a load balancer (ecs-deployment-strategy) and the estimated time of one
deployment (ecs-rollout-time, a stack policy on pricing_rollout.py's estimate)."""

from __future__ import annotations

from collections.abc import Mapping

from budget import unwrapped
from common import (
    ADVISORY,
    Config,
    Report,
    Resource,
    as_bool,
    as_list,
    as_str,
    flag,
    get,
    of_types,
    resource_policy,
    stack_policy,
    violation,
)
from pricing_rollout import TARGET_GROUPS, TRAFFIC_SHIFTING, rollout_estimate
from pricing_stack import StackResource
from pulumi_policy import ReportViolation
from pulumi_policy.proxy import UnknownValueError
from type_tokens import AWSX_FARGATE_SERVICE, SERVICE, TARGET_GROUP

SERVICES = SERVICE + AWSX_FARGATE_SERVICE


def _uses_ecs_controller(resource: Resource) -> bool:
    """Deployment alarms, strategies and bake times belong to the ECS deployment controller (the default);
    CODE_DEPLOY and EXTERNAL controllers deploy by their own rules."""
    return as_str(get(resource.props, "deploymentController", "type")) in (None, "ECS")


# ---------------------------------------------------------------------------------------------------------
# ecs-deployment-alarms
# ---------------------------------------------------------------------------------------------------------


_REQUIREMENT = "be enabled with rollback on at least one alarm"


def _check_deployment_alarms(resource: Resource, _config: Config, report: Report) -> None:
    if not _uses_ecs_controller(resource):
        return
    alarms = get(resource.props, "alarms")
    fix = "set alarms {enable: true, rollback: true, alarmNames: [<the service's error and latency alarms>]}"
    if not isinstance(alarms, Mapping):
        report(violation(resource, "deployment alarms", _REQUIREMENT, fix))
        return
    enabled = as_bool(get(alarms, "enable"))
    rollback = as_bool(get(alarms, "rollback"))
    names = as_list(get(alarms, "alarmNames"))
    checks = (("enable", bool(enabled)), ("rollback", bool(rollback)), ("alarmNames", bool(names)))
    missing = [key for key, ok in checks if not ok]
    if missing:
        report(
            violation(
                resource,
                "deployment alarms",
                _REQUIREMENT,
                f"{fix} ({' and '.join(missing)} missing)",
            )
        )


ECS_DEPLOYMENT_ALARMS = resource_policy(
    "ecs-deployment-alarms",
    "Checks that ECS services watch their deployments with CloudWatch alarms that roll a failing deployment "
    "back (alarms.enable and alarms.rollback with at least one alarm name).",
    SERVICES,
    _check_deployment_alarms,
    enforcement_level=ADVISORY,
)


# ---------------------------------------------------------------------------------------------------------
# ecs-deployment-strategy
# ---------------------------------------------------------------------------------------------------------

_ADVANCED_KEYS = ("alternateTargetGroupArn", "productionListenerRule", "roleArn")


def _strategy(resource: Resource) -> tuple[str, str]:
    """The service's strategy and how it is shown ("ROLLING (unset)")."""
    raw = as_str(get(resource.props, "deploymentConfiguration", "strategy"))
    return (raw.upper(), raw) if raw else ("ROLLING", "ROLLING (unset)")


def _is_set(obj: object, key: str) -> bool:
    """Whether ``obj[key]`` is set; a value unknown during preview is set (an ARN computed in the stack)."""
    try:
        return get(obj, key) is not None
    except UnknownValueError:
        return True


def _check_strategy(resource: Resource, config: Config, report: Report) -> None:
    if not _uses_ecs_controller(resource):
        return
    balancers = as_list(get(resource.props, "loadBalancers"))
    if not balancers:
        return  # no load balancer: no traffic to shift
    strategy, shown = _strategy(resource)
    if strategy not in TRAFFIC_SHIFTING:
        if config.get_bool("requireTrafficShifting"):
            report(
                violation(
                    resource,
                    f"deployment strategy {shown}",
                    "shift traffic (CANARY, LINEAR or BLUE_GREEN) behind a load balancer",
                    "set deploymentConfiguration.strategy to CANARY (canaryConfiguration), LINEAR "
                    "(linearConfiguration) or BLUE_GREEN with bakeTimeInMinutes, and give each load balancer "
                    "an advancedConfiguration (alternateTargetGroupArn, productionListenerRule, roleArn)",
                )
            )
        return
    for index, balancer in enumerate(balancers):
        if not _is_set(balancer, "targetGroupArn"):
            continue  # a classic load balancer (loadBalancerName) has no traffic shifting
        advanced = get(balancer, "advancedConfiguration")
        missing = [k for k in _ADVANCED_KEYS if not isinstance(advanced, Mapping) or not _is_set(advanced, k)]
        if missing:
            report(
                violation(
                    resource,
                    f"loadBalancers[{index}].advancedConfiguration",
                    f"set {', '.join(_ADVANCED_KEYS)} for a {strategy} deployment",
                    f"add {' and '.join(missing)} (the green target group, the production listener rule and "
                    "the role ECS uses to shift traffic)",
                )
            )


ECS_DEPLOYMENT_STRATEGY = resource_policy(
    "ecs-deployment-strategy",
    "Checks that ECS services behind a load balancer deploy with a traffic-shifting strategy (CANARY, "
    "LINEAR or BLUE_GREEN) rather than ROLLING where the stack requires it, with the advancedConfiguration "
    "it needs.",
    SERVICES,
    _check_strategy,
    enforcement_level=ADVISORY,
    config={
        "requireTrafficShifting": flag(
            True, "Require CANARY, LINEAR or BLUE_GREEN for services behind a load balancer (prod)."
        ),
    },
)


# ---------------------------------------------------------------------------------------------------------
# ecs-rollout-time (stack: a service's deployment time depends on its target group)
# ---------------------------------------------------------------------------------------------------------


def stack_resource(resource: Resource) -> StackResource:
    """The estimate's view of a stack resource: its inputs unwrapped, unknown values as Pulumi sentinels."""
    return StackResource(
        type=resource.type,
        name=resource.name,
        urn=resource.urn,
        props=unwrapped(resource.props),
        parent=resource.parent,
        dependencies=resource.dependencies,
    )


def _check_rollout_time(resources: list[Resource], config: Config, report: ReportViolation) -> None:
    raw = config.raw("maxMinutes")
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return
    limit = float(raw)
    groups = [stack_resource(g) for g in of_types(resources, TARGET_GROUP) if g.type in TARGET_GROUPS]
    for service in of_types(resources, SERVICE):
        rollout = rollout_estimate(stack_resource(service), groups)
        if rollout.unknown:
            continue  # inputs not known before deployment; the check runs again on `up`'s final state
        if round(rollout.minutes, 2) > limit:
            report(
                violation(
                    service,
                    f"estimated rollout {rollout.minutes:.2f} minutes ({rollout.strategy})",
                    f"be at most {limit:g} minutes",
                    f"shorten its parts ({rollout.describe()}) or raise maxMinutes of ecs-rollout-time",
                ),
                service.urn,
            )


ECS_ROLLOUT_TIME = stack_policy(
    "ecs-rollout-time",
    "Checks that one deployment of each ECS service (deregistration delay + health-check interval x healthy "
    "threshold + the strategy's bake times) is estimated to take at most maxMinutes.",
    _check_rollout_time,
    enforcement_level=ADVISORY,
    config={
        "maxMinutes": {
            "type": "number",
            "minimum": 0,
            "default": 60,
            "description": "Longest estimated deployment of a service, in minutes (pricing_rollout.py).",
        },
    },
)

POLICIES = [ECS_DEPLOYMENT_ALARMS, ECS_DEPLOYMENT_STRATEGY, ECS_ROLLOUT_TIME]
