"""Cost rules over logs and metrics: log group retention within the stack's bounds (log-group-retention)
and Container Insights as the stack requires (container-insights)."""

from __future__ import annotations

from collections.abc import Mapping

from common import (
    ADVISORY,
    MANDATORY,
    Config,
    Report,
    Resource,
    as_int,
    as_list,
    as_str,
    get,
    resource_policy,
    violation,
)
from type_tokens import (
    CLUSTER,
    LOG_GROUP,
)

# ---------------------------------------------------------------------------------------------------------
# log-group-retention
# ---------------------------------------------------------------------------------------------------------

# The values CloudWatch Logs' PutRetentionPolicy accepts; anything else is rejected; unset = never expire.
RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip


def _check_retention(resource: Resource, config: Config, report: Report) -> None:
    low, high = config.get_int("minDays") or 1, config.get_int("maxDays") or RETENTION_DAYS[-1]
    allowed = [d for d in RETENTION_DAYS if low <= d <= high]
    choices = ", ".join(str(d) for d in allowed) or "none: the policy's minDays is above its maxDays"
    raw = get(resource.props, "retentionInDays")
    days = as_int(raw) if raw is not None else None
    if days is None or days == 0:
        report(
            violation(
                resource,
                "retentionInDays",
                "be set (unset keeps logs forever)",
                f"set retentionInDays to one of {choices}",
            )
        )
    elif days not in RETENTION_DAYS:
        report(
            violation(
                resource,
                f"retentionInDays {days}",
                "be a value CloudWatch Logs accepts",
                f"use one of {choices}",
            )
        )
    elif not low <= days <= high:
        report(
            violation(
                resource,
                f"retentionInDays {days}",
                f"be between {low} and {high} days in this stack",
                f"use one of {choices}",
            )
        )


LOG_GROUP_RETENTION = resource_policy(
    "log-group-retention",
    "Checks that log groups set a retention CloudWatch Logs accepts, within the stack's [minDays, maxDays].",
    LOG_GROUP,
    _check_retention,
    enforcement_level=MANDATORY,
    config={
        "minDays": {
            "type": "integer",
            "enum": list(RETENTION_DAYS),
            "default": 1,
            "description": "Shortest retention allowed (Security Hub CloudWatch.16 asks for 365).",
        },
        "maxDays": {
            "type": "integer",
            "enum": list(RETENTION_DAYS),
            "default": 3653,
            "description": "Longest retention allowed (a cost cap).",
        },
    },
)


# ---------------------------------------------------------------------------------------------------------
# container-insights
# ---------------------------------------------------------------------------------------------------------

INSIGHTS_MODES = ("disabled", "enabled", "enhanced", "any")


def cluster_insights(resource: Resource) -> str | None:
    """The cluster's containerInsights value, from ``settings`` (pulumi-aws) or ``setting`` (older and
    Terraform-shaped programs), each a list of ``{name, value}`` or a single mapping; None when unset."""
    for key in ("settings", "setting"):
        raw = get(resource.props, key)
        entries = [raw] if isinstance(raw, Mapping) else as_list(raw)
        for entry in entries:
            if as_str(get(entry, "name")) == "containerInsights":
                value = as_str(get(entry, "value"))
                return value.lower() if value else None
    return None


def _check_insights(resource: Resource, config: Config, report: Report) -> None:
    mode = (config.get_str("mode") or "any").lower()
    if mode == "any":
        return
    actual = cluster_insights(resource)
    shown = actual or "unset: the account default, disabled unless changed"
    setting = '{name: "containerInsights", value: "%s"} in settings'
    if mode == "disabled" and actual not in (None, "disabled"):
        report(
            violation(
                resource,
                f"Container Insights ({shown})",
                "be disabled in this stack",
                "set " + setting % "disabled",
            )
        )
    elif mode == "enabled" and actual not in ("enabled", "enhanced"):
        report(
            violation(
                resource,
                f"Container Insights ({shown})",
                "be enabled in this stack",
                "set " + setting % "enabled",
            )
        )
    elif mode == "enhanced" and actual != "enhanced":
        report(
            violation(
                resource,
                f"Container Insights ({shown})",
                "be enhanced in this stack",
                "set " + setting % "enhanced",
            )
        )


CONTAINER_INSIGHTS = resource_policy(
    "container-insights",
    "Checks that ECS clusters set Container Insights as the stack requires (disabled, enabled, enhanced "
    "or any).",
    CLUSTER,
    _check_insights,
    enforcement_level=ADVISORY,
    config={
        "mode": {
            "type": "string",
            "enum": list(INSIGHTS_MODES),
            "default": "enabled",
            "description": "disabled: must be off (cost); enabled: enabled or enhanced; enhanced: enhanced; "
            "any: not checked.",
        },
    },
)


POLICIES = [LOG_GROUP_RETENTION, CONTAINER_INSIGHTS]
