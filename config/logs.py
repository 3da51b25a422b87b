"""`logs`: the services' CloudWatch log groups."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from config.base import ConfigModel
from config.errors import fail

LOG_RETENTION_DAYS: tuple[int, ...] = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
"""Values CloudWatch Logs accepts for `retentionInDays`."""


class LogsConfig(ConfigModel):
    """CloudWatch log groups of the services (one per service)."""

    retention_days: int = Field(
        default=30,
        description="Days CloudWatch keeps log events. Default: 7 in dev, 14 in staging, 30 in prod.",
        json_schema_extra={"hint": "write days CloudWatch accepts, e.g. 7, 14, 30, 90 or 365"},
    )

    @field_validator("retention_days", mode="before")
    @classmethod
    def _retention(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value not in LOG_RETENTION_DAYS:
            raise fail(
                f"{value} is not a CloudWatch retention value; use one of: "
                f"{', '.join(str(v) for v in LOG_RETENTION_DAYS)}"
            )
        return value
