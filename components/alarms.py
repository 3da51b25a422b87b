"""ServiceAlarms: the CloudWatch alarms of one service, each notifying the stack's topic when it fires and
when it clears.

- routed services: target 5xx rate (metric math: 5xx responses / requests, over the service's target groups:
  both of them while ECS shifts traffic, since the new revision answers from the alternate group), p95 target
  response time and unhealthy targets;
- every service: average CPU and memory utilisation (AWS/ECS), and, where Container Insights publishes
  task counts, running tasks below desired (ECS/ContainerInsights RunningTaskCount, DesiredTaskCount).
Alarm names are fixed (`<prefix>-<kind>`), so the ECS service can list its deployment alarms before they
exist: the alarms need the service's name as a dimension, and ECS reads the alarms only during a deployment
(AWS Copilot creates its rollback alarms the same way: after the service, under names given to it in advance).
Missing data is not breaching: an idle service has no request metrics.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

PERIOD = 60  # seconds: standard resolution (high resolution costs 3 times as much)
RUNNING_TASK_MINUTES = 5  # a scale-out leaves running < desired for a minute or two: alarm after 5

KINDS: dict[str, str] = {
    "errorRate": "5xx-rate",
    "latency": "p95-latency",
    "unhealthyHosts": "unhealthy-hosts",
    "cpu": "cpu",
    "memory": "memory",
    "runningTasks": "running-tasks",
}
"""Alarm kind → the suffix of its name."""

ROUTED_KINDS = ("errorRate", "latency", "unhealthyHosts")


@dataclass(frozen=True)
class AlarmThresholds:
    error_rate: float = 1.0  # % of requests answered 5xx by targets
    p95_latency: float = 1.0  # seconds
    unhealthy_hosts: int = 0
    cpu: int = 85
    memory: int = 85
    running_tasks: bool = True
    evaluation_periods: int = 3
    datapoints_to_alarm: int = 2


def alarm_names(prefix: str, *, routed: bool, running_tasks: bool) -> dict[str, str]:
    """Kind → physical alarm name of one service's alarms."""
    kinds = [k for k in KINDS if (routed or k not in ROUTED_KINDS) and (running_tasks or k != "runningTasks")]
    return {kind: f"{prefix}-{KINDS[kind]}" for kind in kinds}


@dataclass
class ServiceAlarmsArgs:
    service: str
    alarm_prefix: str
    cluster_name: pulumi.Input[str]
    service_name: pulumi.Input[str]
    actions: Sequence[pulumi.Input[str]]  # alarm and OK actions (the stack's SNS topic)
    thresholds: AlarmThresholds = AlarmThresholds()
    load_balancer_arn_suffix: pulumi.Input[str] | None = None
    target_group_arn_suffixes: Sequence[pulumi.Input[str]] = ()  # primary first, then the alternate
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


def _metric(
    query_id: str, namespace: str, metric: str, stat: str, dimensions: Mapping[str, pulumi.Input[str]]
) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
    return aws.cloudwatch.MetricAlarmMetricQueryArgs(
        id=query_id,
        return_data=False,
        metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
            namespace=namespace, metric_name=metric, stat=stat, period=PERIOD, dimensions=dict(dimensions)
        ),
    )


def _expression(query_id: str, expression: str, label: str) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
    return aws.cloudwatch.MetricAlarmMetricQueryArgs(
        id=query_id, expression=expression, label=label, return_data=True
    )


class ServiceAlarms(pulumi.ComponentResource):
    """The alarms of one service (see the module docstring)."""

    alarms: dict[str, aws.cloudwatch.MetricAlarm]
    names: dict[str, str]

    def __init__(
        self, name: str, args: ServiceAlarmsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        routed = args.load_balancer_arn_suffix is not None
        if routed and not 1 <= len(args.target_group_arn_suffixes) <= 2:
            raise ValueError(f"Alarms of `{args.service}` need its one or two target groups.")
        if not args.actions:
            raise ValueError(f"Alarms of `{args.service}` need an action (the stack's topic).")
        super().__init__("fargate-platform:index:ServiceAlarms", name, None, opts)
        t = args.thresholds
        self.names = alarm_names(args.alarm_prefix, routed=routed, running_tasks=t.running_tasks)
        self._args = args
        self._logical = name
        self.alarms = {}
        service_dims = {"ClusterName": args.cluster_name, "ServiceName": args.service_name}
        if routed:
            assert args.load_balancer_arn_suffix is not None
            groups = [
                {"LoadBalancer": args.load_balancer_arn_suffix, "TargetGroup": tg}
                for tg in args.target_group_arn_suffixes
            ]
            errors = [
                _metric(f"e{i}", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", g)
                for i, g in enumerate(groups)
            ]
            requests = [
                _metric(f"r{i}", "AWS/ApplicationELB", "RequestCount", "Sum", g) for i, g in enumerate(groups)
            ]
            err_sum = " + ".join(f"FILL(e{i}, 0)" for i in range(len(groups)))
            req_sum = " + ".join(f"FILL(r{i}, 0)" for i in range(len(groups)))
            self._alarm(
                "errorRate",
                f"{args.service}: more than {t.error_rate}% of requests answered 5xx by its tasks",
                threshold=t.error_rate,
                queries=[
                    *errors,
                    *requests,
                    _expression("rate", f"100 * ({err_sum}) / ({req_sum})", "5xx %"),
                ],
            )
            latency = [
                _metric(f"l{i}", "AWS/ApplicationELB", "TargetResponseTime", "p95", g)
                for i, g in enumerate(groups)
            ]
            self._alarm(
                "latency",
                f"{args.service}: p95 response time above {t.p95_latency} s",
                threshold=t.p95_latency,
                queries=[*latency, _expression("p95", _max("l", len(groups)), "p95 seconds")],
            )
            unhealthy = [
                _metric(f"u{i}", "AWS/ApplicationELB", "UnHealthyHostCount", "Maximum", g)
                for i, g in enumerate(groups)
            ]
            self._alarm(
                "unhealthyHosts",
                f"{args.service}: more than {t.unhealthy_hosts} unhealthy targets",
                threshold=t.unhealthy_hosts,
                queries=[*unhealthy, _expression("unhealthy", _max("u", len(groups)), "unhealthy targets")],
            )
        for kind, metric, limit in (
            ("cpu", "CPUUtilization", t.cpu),
            ("memory", "MemoryUtilization", t.memory),
        ):
            self._alarm(
                kind,
                f"{args.service}: average {kind} utilisation above {limit}%",
                threshold=limit,
                queries=[
                    _metric("m", "AWS/ECS", metric, "Average", service_dims),
                    _expression("utilisation", "m", f"{kind} %"),
                ],
            )
        if t.running_tasks:
            self._alarm(
                "runningTasks",
                f"{args.service}: fewer tasks running than desired for {RUNNING_TASK_MINUTES} minutes",
                threshold=0,
                queries=[
                    _metric("desired", "ECS/ContainerInsights", "DesiredTaskCount", "Average", service_dims),
                    _metric("running", "ECS/ContainerInsights", "RunningTaskCount", "Average", service_dims),
                    _expression("missing", "desired - running", "tasks missing"),
                ],
                minutes=RUNNING_TASK_MINUTES,
            )
        self.register_outputs({"alarmNames": list(self.names.values())})

    def _alarm(
        self,
        kind: str,
        description: str,
        *,
        threshold: float,
        queries: list[aws.cloudwatch.MetricAlarmMetricQueryArgs],
        minutes: int | None = None,
    ) -> None:
        args, t = self._args, self._args.thresholds
        self.alarms[kind] = aws.cloudwatch.MetricAlarm(
            f"{self._logical}-{KINDS[kind]}",
            name=self.names[kind],
            alarm_description=description,
            comparison_operator="GreaterThanThreshold",
            threshold=threshold,
            evaluation_periods=minutes or t.evaluation_periods,
            datapoints_to_alarm=minutes or t.datapoints_to_alarm,
            metric_queries=queries,
            treat_missing_data="notBreaching",
            actions_enabled=True,
            alarm_actions=list(args.actions),
            ok_actions=list(args.actions),
            tags={**args.tags, "Service": args.service},
            opts=pulumi.ResourceOptions(parent=self),
        )

    def kinds(self) -> list[str]:
        return list(self.alarms)


def _max(prefix: str, count: int) -> str:
    """The larger of the per-group queries `<prefix>0`, `<prefix>1` (just the one when there is one)."""
    ids = [f"{prefix}{i}" for i in range(count)]
    return ids[0] if count == 1 else f"MAX([{', '.join(ids)}])"
