"""How long one deployment of an ECS service takes, in minutes: ``rollout_estimate(service, target_groups)``
(one service) and ``stack_rollouts(resources)`` (every service of a stack, in the estimate's input shape).

One deployment step is what the platform waits for, not the application's start-up:

    minutes = deregistration delay / 60
            + health-check interval x healthy threshold / 60   (time to healthy)
            + the strategy's bake times

- deregistration delay: the target group's ``deregistrationDelay`` (AWS default 300 s);
- time to healthy: the target group's ``healthCheck.interval`` (default 30 s) x
  ``healthCheck.healthyThreshold`` (default 5), the consecutive passing checks a new target needs;
- bake times (``deploymentConfiguration``; a service without a strategy is ROLLING):
  ROLLING 0; BLUE_GREEN ``bakeTimeInMinutes``; CANARY ``canaryConfiguration.canaryBakeTimeInMinutes``
  (AWS default 10) + ``bakeTimeInMinutes``; LINEAR (ceil(100 / ``linearConfiguration.stepPercent``) - 1)
  x ``stepBakeTimeInMinutes`` (AWS defaults 10% and 6 minutes: the step bake is not applied after the last
  step, the count CloudFormation's 33-hour check uses) + ``bakeTimeInMinutes``. An unset
  ``bakeTimeInMinutes`` counts 0 (AWS requires it for BLUE_GREEN).

The service's ``healthCheckGracePeriodSeconds`` is not added: it is how long ECS ignores failing health checks
of a starting task (an upper bound on the application's start-up), not a wait a healthy task goes through.
Lifecycle hooks are not counted (their duration is the hook's own). A service without a load balancer has
no target group: only its bake times count.

Imports only the standard library and ``pricing_stack`` (the estimate stands alone); values unknown during
preview are listed in ``Rollout.unknown`` and counted with the AWS default, so a caller can skip the service.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pricing_stack import SERVICE, StackResource, is_unknown, list_of, number

TARGET_GROUPS = frozenset(
    f"aws:{module}/targetGroup:TargetGroup"
    for module in ("lb", "alb", "applicationloadbalancing", "elasticloadbalancingv2")
)
TRAFFIC_SHIFTING = ("BLUE_GREEN", "CANARY", "LINEAR")
STRATEGIES = ("ROLLING", *TRAFFIC_SHIFTING)

# AWS defaults: ELB target groups (deregistration delay, health-check interval and healthy threshold) and the
# ECS API's CanaryConfiguration / LinearConfiguration.
DEFAULT_DEREGISTRATION_DELAY = 300
DEFAULT_INTERVAL = 30
DEFAULT_HEALTHY_THRESHOLD = 5
DEFAULT_CANARY_BAKE = 10
DEFAULT_STEP_PERCENT = 10.0
DEFAULT_STEP_BAKE = 6

_MISSING = object()
_UNKNOWN = object()
_AUTONAME = re.compile(r"^(?P<base>.+)-[0-9a-f]{7}$")


@dataclass(frozen=True)
class Part:
    label: str  # what it is, with its inputs: "deregistration delay 300 s (AWS default)"
    minutes: float


@dataclass(frozen=True)
class Rollout:
    """The estimate of one service's deployment: its parts (in order) and their sum."""

    service: str
    strategy: str
    target_group: str | None  # logical name of the linked target group; None without one
    parts: tuple[Part, ...]
    unknown: tuple[str, ...] = ()  # inputs unknown during preview (counted with their AWS defaults)
    note: str = ""  # e.g. the load balancer's target group is not in the stack

    @property
    def minutes(self) -> float:
        return sum(p.minutes for p in self.parts)

    def describe(self) -> str:
        """The parts as text, largest first: "CANARY bake 10 min (canaryBakeTimeInMinutes 10) + ..."."""
        ordered = sorted(self.parts, key=lambda p: p.minutes, reverse=True)
        return " + ".join(f"{p.label} {_minutes(p.minutes)} min" for p in ordered)


def _minutes(value: float) -> str:
    return f"{round(value, 2):g}"


def _read(obj: Any, *path: str) -> Any:
    """``obj[p0][p1]...``: ``_MISSING`` when a step is absent or None, ``_UNKNOWN`` when unknown."""
    current = obj
    for key in path:
        if is_unknown(current):
            return _UNKNOWN
        if not isinstance(current, Mapping) or current.get(key) is None:
            return _MISSING
        current = current[key]
    return _UNKNOWN if is_unknown(current) else current


class _Reader:
    def __init__(self) -> None:
        self.unknown: list[str] = []

    def number(self, obj: Any, path: tuple[str, ...], default: float | None, name: str) -> float | None:
        value = _read(obj, *path)
        if value is _UNKNOWN:
            self.unknown.append(name)
            return default
        if value is _MISSING:
            return default
        parsed = number(value)
        return default if parsed is None else parsed


def strategy_of(service: StackResource) -> str | None:
    """The service's deployment strategy (ROLLING when unset); None when unknown during preview."""
    value = _read(service.props, "deploymentConfiguration", "strategy")
    if value is _UNKNOWN:
        return None
    return value.upper() if isinstance(value, str) and value else "ROLLING"


def _arn_name(arn: str) -> str | None:
    match = re.search(r":targetgroup/([^/]+)/", arn)
    return match.group(1) if match else None


def _names_of(target_group: StackResource) -> set[str]:
    names = {target_group.name}
    explicit = _read(target_group.props, "name")
    if isinstance(explicit, str) and explicit:
        names.add(explicit)
    return names


def target_group_arns(service: StackResource) -> list[Any]:
    """The production target group ARN of each load balancer of the service (unknown ones as ``_UNKNOWN``,
    an unknown list as one unknown ARN)."""
    entries = _read(service.props, "loadBalancers")
    if entries is _UNKNOWN:
        return [_UNKNOWN]
    return [_read(entry, "targetGroupArn") for entry in list_of(entries)]


def find_target_group(service: StackResource, target_groups: Sequence[StackResource]) -> StackResource | None:
    """The target group of the service's first load balancer: by ARN (the group's ``arn``, or the name in
    ``targetgroup/<name>/<id>`` as the group's ``name``, logical name or Pulumi auto-name
    ``<logical>-<7 hex>``), else the one target group the service depends on (production and alternate
    groups alike: the first of them in the stack)."""
    arns = target_group_arns(service)
    arn = arns[0] if arns else None
    if isinstance(arn, str):
        for group in target_groups:
            if _read(group.props, "arn") == arn:
                return group
        name = _arn_name(arn)
        if name is not None:
            auto = _AUTONAME.match(name)
            for group in target_groups:
                names = _names_of(group)
                if name in names or (auto is not None and auto.group("base") in names):
                    return group
    linked = [g for g in target_groups if g.urn and g.urn in service.dependencies]
    return linked[0] if linked else None


def rollout_estimate(service: StackResource, target_groups: Sequence[StackResource] = ()) -> Rollout:
    """The minutes of one deployment of ``service`` (see the module docstring for the formula)."""
    read = _Reader()
    parts: list[Part] = []
    arns = target_group_arns(service)
    group = find_target_group(service, target_groups) if arns else None
    note = ""
    if arns and group is None:
        if _UNKNOWN in arns and not any(isinstance(a, str) for a in arns):
            read.unknown.append("loadBalancers")
        note = "its target group is not in the stack: deregistration and health checks not counted"
    if group is not None:
        delay = read.number(group.props, ("deregistrationDelay",), DEFAULT_DEREGISTRATION_DELAY, "delay")
        shown = _default_label(group.props, ("deregistrationDelay",))
        parts.append(Part(f"deregistration delay {_minutes(delay or 0)} s{shown}", (delay or 0) / 60))
        interval = read.number(group.props, ("healthCheck", "interval"), DEFAULT_INTERVAL, "interval")
        threshold = read.number(
            group.props, ("healthCheck", "healthyThreshold"), DEFAULT_HEALTHY_THRESHOLD, "threshold"
        )
        interval, threshold = interval or 0, threshold or 0
        parts.append(
            Part(
                f"time to healthy (interval {_minutes(interval)} s x healthyThreshold {_minutes(threshold)})",
                interval * threshold / 60,
            )
        )
    strategy = strategy_of(service)
    if strategy is None:
        read.unknown.append("strategy")
        strategy = "ROLLING"
    config = _read(service.props, "deploymentConfiguration")
    config = config if isinstance(config, Mapping) else {}
    bake = read.number(config, ("bakeTimeInMinutes",), 0.0, "bakeTimeInMinutes") or 0.0
    if strategy == "CANARY":
        canary = read.number(
            config, ("canaryConfiguration", "canaryBakeTimeInMinutes"), DEFAULT_CANARY_BAKE, "canaryBake"
        )
        parts.append(Part(f"canary bake (canaryBakeTimeInMinutes {_minutes(canary or 0)})", canary or 0))
    elif strategy == "LINEAR":
        step = read.number(
            config, ("linearConfiguration", "stepPercent"), DEFAULT_STEP_PERCENT, "stepPercent"
        )
        step_bake = read.number(
            config, ("linearConfiguration", "stepBakeTimeInMinutes"), DEFAULT_STEP_BAKE, "stepBake"
        )
        steps = math.ceil(100 / step) - 1 if step and step > 0 else 0
        step_bake = step_bake or 0
        parts.append(
            Part(
                f"linear steps ({steps} steps of stepPercent {_minutes(step or 0)} x stepBakeTimeInMinutes "
                f"{_minutes(step_bake)})",
                steps * step_bake,
            )
        )
    if strategy in TRAFFIC_SHIFTING:
        shown = "" if _read(config, "bakeTimeInMinutes") is not _MISSING else ", unset"
        parts.append(Part(f"final bake (bakeTimeInMinutes {_minutes(bake)}{shown})", bake))
    return Rollout(
        service=service.name,
        strategy=strategy,
        target_group=group.name if group is not None else None,
        parts=tuple(parts),
        unknown=tuple(read.unknown),
        note=note,
    )


def _default_label(props: Mapping[str, Any], path: tuple[str, ...]) -> str:
    return " (AWS default)" if _read(props, *path) is _MISSING else ""


def stack_rollouts(resources: Iterable[Mapping[str, Any] | StackResource]) -> list[Rollout]:
    """The rollout estimate of every ``aws:ecs/service:Service`` in ``resources`` (the estimate's input
    shape: ``{"type", "name", "urn", "props", "dependencies"}`` dicts, or StackResources), in stack order."""
    stack = [r if isinstance(r, StackResource) else StackResource.of(r) for r in resources]
    groups = [r for r in stack if r.type in TARGET_GROUPS]
    return [rollout_estimate(s, groups) for s in stack if s.type == SERVICE]
