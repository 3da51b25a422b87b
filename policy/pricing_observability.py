"""Line items of observability and safe releases: CloudWatch metric alarms (per alarm metric, standard or high
resolution), CloudWatch dashboards, SNS topics (free: a note) and the green tasks a traffic-shifting
deployment runs next to blue.

- Alarms are billed per alarm metric-month: an alarm on one metric (``metricName`` with ``statistic`` or
  ``extendedStatistic``) is one; a metric-math alarm (``metricQueries``) is one per query that reads a
  ``metric`` (an ``expression`` query is not billed). High resolution when the period is below 60 s (the
  alarm's ``period``, or a metric query's ``metric.period``). The 10 free alarm metrics are ignored.
- Dashboards: per dashboard-month, less ``freeDashboards`` (default 0: the account's 3 free dashboards are
  shared with its other stacks, so every dashboard is priced).
- SNS: topics cost nothing; the first 1,000,000 publishes, 100,000 HTTP/S and 1,000 email deliveries of an
  account each month are free, which alarm notifications stay within. Not priced, noted. (An encrypted topic's
  customer-managed KMS key is priced with the ``aws:kms/key`` resource.)
- Deployments: a service with a BLUE_GREEN, CANARY or LINEAR strategy starts a full green set of tasks next
  to blue for each deployment and keeps both until the final bake ends: tasks x the rollout estimate
  (pricing_rollout.py) x ``deploysPerMonth`` task-hours at the service's own task-hour price (its on-demand /
  Spot split). ROLLING replaces tasks within ``maximumPercent``: not priced.
"""

from __future__ import annotations

from pricing_fargate import ServiceTasks
from pricing_model import EstimateBuilder, fmt
from pricing_rollout import TARGET_GROUPS, TRAFFIC_SHIFTING, rollout_estimate
from pricing_stack import SERVICE, StackResource, list_of, number, value_at

METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
SNS_TOPIC = "aws:sns/topic:Topic"
HIGH_RESOLUTION_BELOW = 60  # seconds: a shorter period makes an alarm high resolution


def alarm_metrics(alarm: StackResource) -> tuple[int, int]:
    """The (standard, high-resolution) alarm metrics ``alarm`` is billed for."""
    queries = list_of(value_at(alarm.props, "metricQueries"))
    if queries:
        standard = high = 0
        for query in queries:
            if value_at(query, "metric") is None:
                continue  # an expression (or an unknown query) reads no metric of its own
            period = number(value_at(query, "metric", "period"))
            if period is not None and period < HIGH_RESOLUTION_BELOW:
                high += 1
            else:
                standard += 1
        return standard, high
    period = number(value_at(alarm.props, "period"))
    return (0, 1) if period is not None and period < HIGH_RESOLUTION_BELOW else (1, 0)


def price_alarms(builder: EstimateBuilder, by_type: dict[str, list[StackResource]]) -> None:
    for alarm in by_type.get(METRIC_ALARM, []):
        standard, high = alarm_metrics(alarm)
        if standard:
            builder.add(
                name=f"CloudWatch alarm, standard resolution ({standard} metric(s); free tier ignored)",
                resource=alarm.name,
                quantity=standard,
                unit="alarm-metric-months",
                price_key="cloudwatch_alarm_metric_month",
                category="monitoring",
            )
        if high:
            builder.add(
                name=f"CloudWatch alarm, high resolution ({high} metric(s), period < 60 s)",
                resource=alarm.name,
                quantity=high,
                unit="alarm-metric-months",
                price_key="cloudwatch_high_resolution_alarm_metric_month",
                category="monitoring",
            )


def price_dashboards(builder: EstimateBuilder, by_type: dict[str, list[StackResource]]) -> None:
    free = max(0, builder.assumptions.free_dashboards)
    dashboards = by_type.get(DASHBOARD, [])
    for index, dashboard in enumerate(dashboards):
        if index < free:
            builder.notes.append(f"{dashboard.name}: dashboard assumed free (freeDashboards = {free})")
            continue
        builder.add(
            name="CloudWatch dashboard" + (" (free tier ignored)" if free == 0 else ""),
            resource=dashboard.name,
            quantity=1,
            unit="dashboard-months",
            price_key="cloudwatch_dashboard_month",
            category="monitoring",
        )


def note_topics(builder: EstimateBuilder, by_type: dict[str, list[StackResource]]) -> None:
    topics = by_type.get(SNS_TOPIC, [])
    if topics:
        builder.notes.append(
            f"SNS topic(s) {', '.join(t.name for t in topics)}: not priced (topics are free; the first "
            "1,000,000 publishes, 100,000 HTTP/S and 1,000 email deliveries a month are free; SMS is priced "
            "per message and not estimated)"
        )


def price_deployments(
    builder: EstimateBuilder, by_type: dict[str, list[StackResource]], task_counts: dict[str, ServiceTasks]
) -> None:
    deploys = builder.assumptions.deploys_per_month
    groups = [r for token in TARGET_GROUPS for r in by_type.get(token, [])]
    for service in by_type.get(SERVICE, []):
        rollout = rollout_estimate(service, groups)
        if rollout.strategy not in TRAFFIC_SHIFTING:
            continue
        counted = task_counts.get(service.urn or service.name)
        if counted is None or counted.task_hour is None or counted.tasks <= 0:
            continue  # its tasks are not priced (noted by the Fargate items)
        if rollout.unknown:
            builder.notes.append(
                f"{service.name}: rollout inputs unknown during preview ({', '.join(rollout.unknown)}); "
                "AWS defaults assumed for the green tasks of its deployments"
            )
        builder.add_priced(
            name=(
                f"{rollout.strategy} deployments: green tasks for {fmt(round(rollout.minutes, 2))} min x "
                f"{fmt(deploys)} deploys (assumed)"
            ),
            resource=service.name,
            quantity=counted.tasks * rollout.minutes / 60 * deploys,
            unit="task-hours",
            unit_price=counted.task_hour,
            category="compute",
        )
