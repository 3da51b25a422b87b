"""`deployment` of a service: how ECS replaces its tasks (rolling, or shifting ALB traffic to a new revision
in one step, a canary step or linear steps) and what may roll a deployment back."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from config.base import ACCOUNT, PARTITION, REGION, ConfigModel
from config.errors import Issue, fail, raise_if, short_repr

Strategy = Literal["rolling", "blueGreen", "canary", "linear"]
TRAFFIC_SHIFTING: tuple[str, ...] = ("blueGreen", "canary", "linear")
"""Strategies that shift ALB traffic between two target groups (they need a route)."""

ECS_STRATEGIES: dict[str, str] = {
    "rolling": "ROLLING",
    "blueGreen": "BLUE_GREEN",
    "canary": "CANARY",
    "linear": "LINEAR",
}
"""Config strategy → `deploymentConfiguration.strategy` of the ECS API (botocore 1.43.11 ecs-2014-11-13
DeploymentStrategy enum)."""

HOOK_STAGES: dict[str, str] = {
    "reconcileService": "RECONCILE_SERVICE",
    "preScaleUp": "PRE_SCALE_UP",
    "postScaleUp": "POST_SCALE_UP",
    "testTrafficShift": "TEST_TRAFFIC_SHIFT",
    "postTestTrafficShift": "POST_TEST_TRAFFIC_SHIFT",
    "productionTrafficShift": "PRODUCTION_TRAFFIC_SHIFT",
    "postProductionTrafficShift": "POST_PRODUCTION_TRAFFIC_SHIFT",
}
"""`deployment.hooks` keys → ECS lifecycle stages: the stages pulumi-aws 7.51.1 documents for
`lifecycle_hooks[].lifecycle_stages` (pulumi_aws/ecs/_inputs.py). botocore 1.43.11 also lists
PRE_PRODUCTION_TRAFFIC_SHIFT, which the provider does not document yet: left out until it does."""

LAMBDA_ARN_RE = re.compile(
    rf"^arn:{PARTITION}:lambda:{REGION}:{ACCOUNT}:function:[A-Za-z0-9_-]{{1,64}}(:[A-Za-z0-9_$-]{{1,128}})?\Z"
)

DEFAULT_BLUE_GREEN_BAKE = 5
"""Minutes blue keeps running after all traffic moved to green (ECS requires a bake time for BLUE_GREEN)."""


def _tenths(value: float, low: float, key: str) -> str | None:
    """ECS takes percentages in multiples of 0.1
    (botocore: canaryPercent 0.1 to 100, stepPercent 3 to 100)."""
    if not low <= value <= 100 or abs(value * 10 - round(value * 10)) > 1e-9:
        return f"{value} is not a multiple of 0.1 from {low} to 100; set {key} within that range"
    return None


class CanaryConfig(ConfigModel):
    """The canary step: a share of production traffic first, then the rest."""

    percent: float = Field(
        default=10.0,
        description="Production traffic (%) the new revision gets first (0.1 to 100, in 0.1 steps).",
    )
    bake_time: int = Field(
        default=5, ge=0, le=1440, description="Minutes the canary runs before the rest of the traffic shifts."
    )

    @field_validator("percent")
    @classmethod
    def _percent(cls, value: float) -> float:
        message = _tenths(value, 0.1, "percent")
        if message:
            raise fail(message)
        return value


class LinearConfig(ConfigModel):
    """Linear steps: the same share of production traffic every step."""

    step_percent: float = Field(
        default=25.0, description="Production traffic (%) shifted per step (3 to 100, in 0.1 steps)."
    )
    step_bake_time: int = Field(default=2, ge=0, le=1440, description="Minutes between two steps.")

    @field_validator("step_percent")
    @classmethod
    def _step(cls, value: float) -> float:
        message = _tenths(value, 3.0, "stepPercent")
        if message:
            raise fail(message)
        return value


class DeploymentConfig(ConfigModel):
    """How ECS deploys a new revision of a service."""

    strategy: Strategy = Field(
        default="rolling",
        description="rolling | blueGreen | canary | linear (the last three shift ALB traffic and need a "
        "route). Default: canary for routed services in prod, rolling otherwise.",
    )
    bake_time: int | None = Field(
        default=None,
        ge=0,
        le=1440,
        description="Minutes the old revision keeps running after all traffic moved (blueGreen, canary, "
        f"linear), ready for a rollback. Default: {DEFAULT_BLUE_GREEN_BAKE} for blueGreen, 0 for canary and "
        "linear (their own steps bake).",
    )
    canary: CanaryConfig | None = Field(
        default=None,
        description="The canary step {percent, bakeTime} (strategy canary; default 10% for 5 min).",
    )
    linear: LinearConfig | None = Field(
        default=None,
        description="Linear steps {stepPercent, stepBakeTime} (strategy linear; default 25% every 2 min).",
    )
    hooks: dict[str, str] = Field(
        default_factory=dict,
        description="Lambda function ARN per lifecycle stage (traffic-shifting strategies): "
        + ", ".join(HOOK_STAGES)
        + ". ECS invokes it and waits for its answer; a failure rolls back.",
    )
    alarm_rollback: bool = Field(
        default=False,
        description="Roll back a deployment when one of the service's release alarms fires (5xx rate, p95 "
        "latency, unhealthy hosts; CPU and memory for unrouted services). Default: true in prod.",
    )
    circuit_breaker: bool = Field(default=True, description="Stop a deployment whose tasks keep failing.")
    rollback: bool = Field(
        default=True, description="Roll back to the last good deployment when the breaker trips."
    )
    minimum_healthy_percent: int = Field(
        default=100, ge=0, le=100, description="Tasks kept running during a rolling deploy (%)."
    )
    maximum_percent: int = Field(
        default=200, ge=100, le=200, description="Tasks allowed during a rolling deploy (%)."
    )
    health_check_grace_period: int = Field(
        default=30,
        ge=0,
        le=2147483647,
        description="Seconds ECS ignores ALB health checks after a task starts (routed services only).",
    )

    @field_validator("hooks")
    @classmethod
    def _hooks(cls, value: dict[str, str]) -> dict[str, str]:
        for stage, arn in value.items():
            if stage not in HOOK_STAGES:
                raise fail(
                    f"{short_repr(stage)} is not a lifecycle stage; use one of: {', '.join(HOOK_STAGES)}"
                )
            if not LAMBDA_ARN_RE.match(arn):
                raise fail(
                    f"{stage}: {short_repr(arn)} is not a Lambda function ARN; use "
                    "arn:aws:lambda:<region>:<account>:function:<name>"
                )
        return value

    @model_validator(mode="after")
    def _rules(self) -> DeploymentConfig:
        raise_if(check_deployment(self))
        return self

    @property
    def shifts_traffic(self) -> bool:
        """True for blueGreen, canary and linear: ECS moves ALB traffic between two target groups."""
        return self.strategy in TRAFFIC_SHIFTING

    @property
    def effective_bake_time(self) -> int:
        """`bakeTimeInMinutes` sent to ECS (0 for rolling, where it does not apply)."""
        if not self.shifts_traffic:
            return 0
        if self.bake_time is not None:
            return self.bake_time
        return DEFAULT_BLUE_GREEN_BAKE if self.strategy == "blueGreen" else 0

    @property
    def effective_canary(self) -> CanaryConfig:
        return self.canary or CanaryConfig()

    @property
    def effective_linear(self) -> LinearConfig:
        return self.linear or LinearConfig()

    @property
    def hook_targets(self) -> dict[str, list[str]]:
        """Lambda ARN → its ECS lifecycle stages (one lifecycle hook per function)."""
        out: dict[str, list[str]] = {}
        for stage, arn in self.hooks.items():
            out.setdefault(arn, []).append(HOOK_STAGES[stage])
        return out


def check_deployment(d: DeploymentConfig) -> list[Issue]:
    """Rules within one service's deployment block (those that need the route: see check_service)."""
    issues: list[Issue] = []
    if d.rollback and not d.circuit_breaker:
        issues.append(
            (("rollback",), "needs circuitBreaker: true; enable circuitBreaker or set rollback: false")
        )
    if d.minimum_healthy_percent == 100 and d.maximum_percent == 100:
        issues.append(
            (
                ("maximumPercent",),
                "100 with minimumHealthyPercent 100 leaves no room to replace "
                "a task; raise maximumPercent or lower minimumHealthyPercent",
            )
        )
    for key, strategy in (("canary", "canary"), ("linear", "linear")):
        if getattr(d, key) is not None and d.strategy != strategy:
            issues.append(
                ((key,), f"applies only to strategy: {strategy}; set that strategy or remove {key}")
            )
    if not d.shifts_traffic:
        if d.bake_time is not None:
            issues.append(
                (
                    ("bakeTime",),
                    "applies only to blueGreen, canary and linear; set one of them or remove bakeTime",
                )
            )
        if d.hooks:
            issues.append(
                (
                    ("hooks",),
                    "run only in blueGreen, canary and linear deployments (ECS lifecycle hooks); set one of "
                    "these strategies or remove hooks",
                )
            )
    return issues
