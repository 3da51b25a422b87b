"""`deployment` of a service: how ECS replaces its tasks."""

from __future__ import annotations

from pydantic import Field, model_validator

from config.base import ConfigModel
from config.errors import Issue, raise_if


class DeploymentConfig(ConfigModel):
    """Rolling deployments of a service."""

    circuit_breaker: bool = Field(default=True, description="Stop a deployment whose tasks keep failing.")
    rollback: bool = Field(
        default=True, description="Roll back to the last good deployment when the breaker trips."
    )
    minimum_healthy_percent: int = Field(
        default=100, ge=0, le=100, description="Tasks kept running during a deploy (%)."
    )
    maximum_percent: int = Field(
        default=200, ge=100, le=200, description="Tasks allowed during a deploy (%)."
    )
    health_check_grace_period: int = Field(
        default=30,
        ge=0,
        le=2147483647,
        description="Seconds ECS ignores ALB health checks after a task starts (routed services only).",
    )

    @model_validator(mode="after")
    def _rules(self) -> DeploymentConfig:
        issues: list[Issue] = []
        if self.rollback and not self.circuit_breaker:
            issues.append(
                (("rollback",), "needs circuitBreaker: true; enable circuitBreaker or set rollback: false")
            )
        if self.minimum_healthy_percent == 100 and self.maximum_percent == 100:
            issues.append(
                (
                    ("maximumPercent",),
                    "100 with minimumHealthyPercent 100 leaves no room to replace "
                    "a task; raise maximumPercent or lower minimumHealthyPercent",
                )
            )
        raise_if(issues)
        return self
