"""`alarms` of a service (the thresholds of its CloudWatch alarms) and the stack's `notifications` (who
hears about alarms and failed deployments)."""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from config.base import ConfigModel
from config.errors import Issue, fail, raise_if, short_repr

EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\Z")
HTTPS_URL_RE = re.compile(r"^https://[A-Za-z0-9.-]+(:\d{1,5})?(/[^\s]*)?\Z")

RELEASE_ALARMS_ROUTED: tuple[str, ...] = ("errorRate", "latency", "unhealthyHosts")
"""Alarms that judge a release of a routed service (deployment alarms with `alarmRollback`)."""
RELEASE_ALARMS_UNROUTED: tuple[str, ...] = ("cpu", "memory")
"""An unrouted service has no request metrics: its CPU and memory alarms judge a release."""


class AlarmsConfig(ConfigModel):
    """CloudWatch alarms of one service; each alarm notifies the stack's topic when it fires and clears."""

    enabled: bool = Field(default=True, description="Create the service's alarms.")
    error_rate: float = Field(
        default=1.0,
        gt=0,
        le=100,
        description="Alarm when targets answer more than this % of requests with 5xx (routed services). "
        "Default: 1 in prod, 5 in dev and staging.",
    )
    p95_latency: float = Field(
        default=1.0,
        gt=0,
        le=3600,
        description="Alarm when the p95 target response time exceeds this many seconds (routed services). "
        "Default: 1 in prod, 3 in dev and staging.",
    )
    unhealthy_hosts: int = Field(
        default=0,
        ge=0,
        le=1000,
        description="Alarm when more targets than this are unhealthy (routed services).",
    )
    cpu: int = Field(default=85, ge=1, le=100, description="Alarm above this average CPU utilisation (%).")
    memory: int = Field(
        default=85, ge=1, le=100, description="Alarm above this average memory utilisation (%)."
    )
    running_tasks: bool = Field(
        default=True,
        description="Alarm while fewer tasks run than desired (Container Insights metrics: only where "
        "cluster.containerInsights is enabled or enhanced).",
    )
    evaluation_periods: int = Field(
        default=3, ge=1, le=60, description="Minutes (1-minute periods) an alarm looks back over."
    )
    datapoints_to_alarm: int = Field(
        default=2, ge=1, le=60, description="Breaching minutes within evaluationPeriods that fire the alarm."
    )

    @model_validator(mode="after")
    def _rules(self) -> AlarmsConfig:
        issues: list[Issue] = []
        if self.datapoints_to_alarm > self.evaluation_periods:
            issues.append(
                (
                    ("datapointsToAlarm",),
                    f"{self.datapoints_to_alarm} is more than evaluationPeriods {self.evaluation_periods}; "
                    "lower it or raise evaluationPeriods",
                )
            )
        raise_if(issues)
        return self


class NotificationsConfig(ConfigModel):
    """Where the stack's SNS topic sends alarms and failed or rolled-back deployments."""

    email: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Email addresses (each confirms its subscription from the mail SNS sends).",
    )
    https: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="HTTPS endpoints (e.g. a chat webhook) that receive SNS's JSON messages.",
    )

    @field_validator("email")
    @classmethod
    def _email(cls, value: list[str]) -> list[str]:
        for address in value:
            if not EMAIL_RE.match(address) or len(address) > 254:
                raise fail(f"{short_repr(address)} is not an email address; use e.g. oncall@example.com")
        return _unique(value)

    @field_validator("https")
    @classmethod
    def _https(cls, value: list[str]) -> list[str]:
        for url in value:
            if not HTTPS_URL_RE.match(url) or len(url) > 2048:
                raise fail(
                    f"{short_repr(url)} is not an https:// URL; SNS delivers only to https:// endpoints"
                )
        return _unique(value)

    @property
    def targets(self) -> int:
        return len(self.email) + len(self.https)


def _unique(value: list[str]) -> list[str]:
    if len(set(value)) != len(value):
        raise fail("lists an endpoint twice; list each once")
    return value
