"""`autoscaling` of a service: target tracking of its desired count."""

from __future__ import annotations

from pydantic import Field, model_validator

from config.base import ConfigModel
from config.errors import Issue, raise_if


class AutoscalingConfig(ConfigModel):
    """Target-tracking autoscaling of a service's desired count."""

    min_count: int = Field(default=1, alias="min", ge=0, le=1000, description="Fewest tasks.")
    max_count: int = Field(default=4, alias="max", ge=1, le=1000, description="Most tasks.")
    cpu_target: float | None = Field(
        default=None, gt=0, le=100, description="Average CPU utilisation % to hold."
    )
    memory_target: float | None = Field(
        default=None, gt=0, le=100, description="Average memory utilisation % to hold."
    )
    requests_per_target: int | None = Field(
        default=None,
        ge=1,
        le=1000000,
        description="ALB requests per task per minute to hold (needs a route).",
    )
    scale_in_cooldown: int = Field(default=300, ge=0, le=3600, description="Seconds between scale-in steps.")
    scale_out_cooldown: int = Field(default=60, ge=0, le=3600, description="Seconds between scale-out steps.")

    @model_validator(mode="after")
    def _rules(self) -> AutoscalingConfig:
        issues: list[Issue] = []
        if self.min_count > self.max_count:
            issues.append(
                (("min",), f"{self.min_count} is greater than max {self.max_count}; lower min or raise max")
            )
        if self.cpu_target is None and self.memory_target is None and self.requests_per_target is None:
            issues.append(((), "needs a target; set cpuTarget, memoryTarget or requestsPerTarget"))
        raise_if(issues)
        return self
