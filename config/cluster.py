"""`cluster`: capacity providers, Container Insights, the Cloud Map namespace, ECS Exec logging."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from config.base import DNS_NAME_RE, ConfigModel
from config.errors import fail, short_repr


@dataclass(frozen=True)
class CapacityProviderItem:
    """One entry of an ECS capacity provider strategy."""

    capacity_provider: Literal["FARGATE", "FARGATE_SPOT"]
    base: int
    weight: int


class CapacityConfig(ConfigModel):
    """The capacity provider strategy. YAML accepts `spot`, `onDemand` or
    `{base, onDemandWeight, spotWeight}`."""

    SHORTHAND: ClassVar[str] = "spot, onDemand"

    base: int = Field(
        default=0, ge=0, le=100000, description="Tasks that always run on on-demand Fargate first."
    )
    on_demand_weight: int = Field(
        default=1, ge=0, le=1000, description="Relative share of tasks on on-demand Fargate."
    )
    spot_weight: int = Field(default=0, ge=0, le=1000, description="Relative share of tasks on Fargate Spot.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            if data == "spot":
                return {"base": 0, "onDemandWeight": 0, "spotWeight": 1}
            if data == "onDemand":
                return {"base": 0, "onDemandWeight": 1, "spotWeight": 0}
            raise fail(
                f"{short_repr(data)} is not a capacity; use spot, onDemand or "
                "{base, onDemandWeight, spotWeight}"
            )
        return data

    @model_validator(mode="after")
    def _rules(self) -> CapacityConfig:
        if self.on_demand_weight == 0 and self.spot_weight == 0:
            raise fail("onDemandWeight and spotWeight are both 0; give at least one a weight ≥ 1")
        return self

    @property
    def uses_spot(self) -> bool:
        return self.spot_weight > 0

    @property
    def uses_on_demand(self) -> bool:
        return self.on_demand_weight > 0 or self.base > 0

    @property
    def strategy(self) -> list[CapacityProviderItem]:
        """The effective capacity provider strategy (base on on-demand FARGATE)."""
        items: list[CapacityProviderItem] = []
        if self.uses_on_demand:
            items.append(CapacityProviderItem("FARGATE", self.base, self.on_demand_weight))
        if self.uses_spot:
            items.append(CapacityProviderItem("FARGATE_SPOT", 0, self.spot_weight))
        return items


class ClusterConfig(ConfigModel):
    """The ECS cluster: capacity providers, Container Insights, Cloud Map namespace, ECS Exec logging."""

    container_insights: Literal["disabled", "enabled", "enhanced"] = Field(
        default="enabled",
        description="Container Insights: disabled, enabled (classic) or enhanced. Default: disabled in dev "
        "and "
        "staging, enabled in prod.",
    )
    capacity: CapacityConfig = Field(
        default_factory=CapacityConfig,
        description="spot, onDemand, or {base, onDemandWeight, spotWeight}. Default: spot in dev and "
        "staging, "
        "onDemand in prod.",
    )
    namespace: str | None = Field(
        default=None,
        description="Cloud Map private DNS namespace (e.g. dev.local) for services with discovery.",
    )
    exec_logging: Literal["cloudWatch", "default", "none"] = Field(
        default="cloudWatch",
        description="Where ECS Exec sessions are logged: cloudWatch (a dedicated log group), default (the "
        "awslogs settings of the task) or none. Only matters when a service sets exec: true.",
    )

    @field_validator("namespace")
    @classmethod
    def _namespace(cls, value: str | None) -> str | None:
        if value is not None and not DNS_NAME_RE.match(value):
            raise fail(f"{short_repr(value)} is not a DNS name; use a private domain such as dev.local")
        return value
