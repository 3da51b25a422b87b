"""Fields every container has (the service's main container and its sidecars), container health checks and
`dependsOn`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from config.base import ConfigModel, EnvName
from config.errors import ConfigProblems, fail, raise_if, short_repr
from config.hardening import HardeningConfig
from config.images import ImageConfig
from config.secrets import SecretSource, check_environment
from config.volumes import MountConfig


def _scalar_to_str(value: Any) -> Any:
    """YAML gives `true`/`8000`/`1.5` for unquoted scalars; containers receive strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def check_timeout_below_interval(timeout: int, interval: int) -> None:
    """Health checks (container and ALB): a check must time out before the next one starts."""
    if timeout >= interval:
        message = f"{timeout} must be less than interval {interval}; lower timeout or raise interval"
        raise ConfigProblems([(("timeout",), message)])


class ContainerHealthCheck(ConfigModel):
    """A container health check (Docker HEALTHCHECK run by ECS)."""

    command: list[str] = Field(
        description='["CMD", "exe", "arg", …] or ["CMD-SHELL", "shell command"].', min_length=2
    )
    interval: int = Field(default=30, ge=5, le=300, description="Seconds between checks.")
    timeout: int = Field(default=5, ge=2, le=60, description="Seconds before a check counts as failed.")
    retries: int = Field(
        default=3, ge=1, le=10, description="Consecutive failures before the container is unhealthy."
    )
    start_period: int = Field(
        default=0, ge=0, le=300, description="Seconds of grace after start before failures count."
    )

    @field_validator("command")
    @classmethod
    def _command(cls, value: list[str]) -> list[str]:
        if value[0] not in ("CMD", "CMD-SHELL"):
            raise fail(
                f"must start with CMD or CMD-SHELL, not {short_repr(value[0])}; e.g. [CMD-SHELL, "
                "pg_isready -U app]"
            )
        if value[0] == "CMD-SHELL" and len(value) != 2:
            raise fail("CMD-SHELL takes exactly one shell command string; join the words into one string")
        return value

    @model_validator(mode="after")
    def _rules(self) -> ContainerHealthCheck:
        check_timeout_below_interval(self.timeout, self.interval)
        return self


DependsOnCondition = Literal["START", "HEALTHY", "COMPLETE", "SUCCESS"]


class ContainerConfig(ConfigModel):
    """Fields shared by a service's main container and its sidecars."""

    image: ImageConfig = Field(description="Image URI, {repository, tag} or {build, dockerfile}.")
    port: int | None = Field(default=None, ge=1, le=65535, description="Container port (TCP).")
    command: list[str] | None = Field(default=None, description="Overrides the image's CMD.")
    entry_point: list[str] | None = Field(default=None, description="Overrides the image's ENTRYPOINT.")
    environment: dict[EnvName, str] = Field(
        default_factory=dict,
        description="Plain environment variables (secret-looking names/values rejected).",
    )
    secrets: dict[EnvName, SecretSource] = Field(
        default_factory=dict,
        description="Secret environment variables, delivered through the `secrets` field.",
    )
    depends_on: dict[str, DependsOnCondition] = Field(
        default_factory=dict, description="Container name → START | HEALTHY | COMPLETE | SUCCESS."
    )
    mounts: list[MountConfig] = Field(
        default_factory=list, description="Volumes mounted into this container."
    )
    hardening: HardeningConfig = Field(default_factory=HardeningConfig, description="Container hardening.")

    @field_validator("environment", mode="before")
    @classmethod
    def _env_scalars(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _scalar_to_str(v) for k, v in value.items()}
        return value

    @field_validator("environment")
    @classmethod
    def _env_plaintext(cls, value: dict[str, str]) -> dict[str, str]:
        raise_if(check_environment(value))
        return value

    @field_validator("command", "entry_point")
    @classmethod
    def _argv(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and not value:
            raise fail("is empty; remove it to use the image's default, or list the arguments")
        return value


class SidecarConfig(ContainerConfig):
    """An extra container in the service's task (e.g. postgres next to the backend)."""

    cpu: int = Field(default=0, ge=0, le=16384, description="CPU units reserved for this container.")
    memory: int | None = Field(default=None, ge=6, le=122880, description="Hard memory limit (MiB).")
    essential: bool = Field(default=True, description="Stop the task when this container stops.")
    health_check: ContainerHealthCheck | None = Field(default=None, description="Container health check.")


def find_cycle(graph: Mapping[str, list[str]]) -> list[str] | None:
    """A dependency cycle of `graph` (node → nodes it depends on) as a path back to its start, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if state.get(nxt) is None:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in graph:
        if state.get(node) is None:
            found = visit(node)
            if found:
                return found
    return None
