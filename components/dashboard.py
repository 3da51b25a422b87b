"""Dashboard: one CloudWatch dashboard per stack. The body is built as data (`dashboard_body`, plain
strings in, a dict out) and unit-tested; the component only fills in the names AWS assigns.

Rows: the load balancer's totals (requests, 5xx from the ALB and from targets, p95 response time), then per
service CPU and memory, running tasks (Container Insights, where enabled), and for a routed service its
requests, 5xx and p95 latency over its target groups. Widget JSON per "Dashboard Body Structure and Syntax"
(AWS CloudWatch API reference): `metrics` rows are [namespace, metric, dimension, value, ..., {options}].
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

WIDTH = 24  # the dashboard grid is 24 units wide
HEIGHT = 6


@dataclass(frozen=True)
class DashboardService:
    """One service as the dashboard sees it (plain names, resolved from Outputs)."""

    name: str
    service_name: str
    target_groups: Sequence[str] = ()  # target group ARN suffixes (primary, alternate)


def _widget(
    title: str, metrics: list[list[Any]], region: str, x: int, y: int, width: int, stat: str
) -> dict[str, Any]:
    return {
        "type": "metric",
        "x": x,
        "y": y,
        "width": width,
        "height": HEIGHT,
        "properties": {
            "title": title,
            "region": region,
            "view": "timeSeries",
            "stat": stat,
            "period": 60,
            "metrics": metrics,
        },
    }


def dashboard_body(
    *,
    region: str,
    cluster: str,
    load_balancer: str | None,
    services: Sequence[DashboardService],
    container_insights: bool,
) -> dict[str, Any]:
    """The dashboard's JSON body as a dict (json.dumps it for `dashboard_body`)."""
    widgets: list[dict[str, Any]] = []
    y = 0
    if load_balancer is not None:
        alb = ["AWS/ApplicationELB"]
        dims = ["LoadBalancer", load_balancer]
        widgets += [
            _widget("ALB requests", [[*alb, "RequestCount", *dims]], region, 0, y, 8, "Sum"),
            _widget(
                "ALB 5xx",
                [
                    [*alb, "HTTPCode_ELB_5XX_Count", *dims, {"label": "from the ALB"}],
                    [*alb, "HTTPCode_Target_5XX_Count", *dims, {"label": "from targets"}],
                ],
                region,
                8,
                y,
                8,
                "Sum",
            ),
            _widget("ALB p95 response time", [[*alb, "TargetResponseTime", *dims]], region, 16, y, 8, "p95"),
        ]
        y += HEIGHT
    for svc in services:
        ecs_dims = ["ClusterName", cluster, "ServiceName", svc.service_name]
        row = [
            _widget(
                f"{svc.name}: CPU and memory %",
                [["AWS/ECS", "CPUUtilization", *ecs_dims], ["AWS/ECS", "MemoryUtilization", *ecs_dims]],
                region,
                0,
                y,
                8,
                "Average",
            )
        ]
        if container_insights:
            insights = "ECS/ContainerInsights"
            row.append(
                _widget(
                    f"{svc.name}: tasks",
                    [
                        [insights, "RunningTaskCount", *ecs_dims, {"label": "running"}],
                        [insights, "DesiredTaskCount", *ecs_dims, {"label": "desired"}],
                    ],
                    region,
                    8,
                    y,
                    8,
                    "Average",
                )
            )
        if svc.target_groups and load_balancer is not None:
            alb = ["AWS/ApplicationELB"]
            per_group = [["LoadBalancer", load_balancer, "TargetGroup", tg] for tg in svc.target_groups]
            metrics: list[list[Any]] = []
            for dims in per_group:
                metrics.append([*alb, "RequestCount", *dims, {"label": "requests"}])
                metrics.append([*alb, "HTTPCode_Target_5XX_Count", *dims, {"label": "5xx"}])
            latency = [
                [*alb, "TargetResponseTime", *dims, {"stat": "p95", "label": "p95 s"}] for dims in per_group
            ]
            x = 16 if container_insights else 8
            width = WIDTH - x
            row.append(_widget(f"{svc.name}: requests and 5xx", metrics, region, x, y, width // 2, "Sum"))
            row.append(
                _widget(
                    f"{svc.name}: p95 latency", latency, region, x + width // 2, y, width - width // 2, "p95"
                )
            )
        widgets += row
        y += HEIGHT
    return {"widgets": widgets}


@dataclass
class DashboardArgs:
    dashboard_name: str
    region: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    load_balancer_arn_suffix: pulumi.Input[str] | None
    services: Mapping[str, tuple[pulumi.Input[str], Sequence[pulumi.Input[str]]]]  # name → (ECS name, TGs)
    container_insights: bool = False


class Dashboard(pulumi.ComponentResource):
    dashboard: aws.cloudwatch.Dashboard

    def __init__(self, name: str, args: DashboardArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fargate-platform:index:Dashboard", name, None, opts)
        names = list(args.services)
        flat: list[pulumi.Input[str]] = [args.region, args.cluster_name, args.load_balancer_arn_suffix or ""]
        shape: list[int] = []
        for svc in names:
            service_name, groups = args.services[svc]
            flat += [service_name, *groups]
            shape.append(len(groups))

        def body(values: list[str]) -> str:
            region, cluster, alb, rest = values[0], values[1], values[2], values[3:]
            services = []
            for svc, count in zip(names, shape, strict=True):
                services.append(DashboardService(svc, rest[0], tuple(rest[1 : 1 + count])))
                rest = rest[1 + count :]
            data = dashboard_body(
                region=region,
                cluster=cluster,
                load_balancer=alb or None,
                services=services,
                container_insights=args.container_insights,
            )
            return json.dumps(data, separators=(",", ":"))

        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=args.dashboard_name,
            dashboard_body=pulumi.Output.all(*flat).apply(body),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"dashboardName": self.dashboard.dashboard_name})
