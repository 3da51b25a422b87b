"""The rollout estimate (pricing_rollout.py) per strategy, and the estimate's monitoring and deployment line
items (pricing_observability.py). Expected values are computed here from reference prices restated below,
never by calling the code under test."""

from __future__ import annotations

from typing import Any

import pricing
import pytest

from ops.offline.recording import Plan

HOURS = 730
# eu-west-2 (reference prices; alarms and dashboards: policy/prices.json's sources)
X86_VCPU, X86_GB = 0.04656, 0.00511
ALARM_METRIC, DASHBOARD = 0.10, 3.00
# us-east-1
US_HIGH_RES_ALARM_METRIC = 0.30
NO_USAGE = pricing.Assumptions(alb_lcus=0, nat_gb_processed_per_month=0, log_gb_ingested_per_month=0)
ARN = "arn:aws:elasticloadbalancing:eu-west-2:123456789012"


def res(type_token: str, name: str, props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": type_token,
        "name": name,
        "urn": f"urn:pulumi:dev::proj::{type_token}::{name}",
        "props": props,
    }


def target_group(name: str = "web", **props: Any) -> dict[str, Any]:
    base = {"name": name, "deregistrationDelay": 30, "healthCheck": {"interval": 10, "healthyThreshold": 2}}
    base.update(props)
    return res("aws:lb/targetGroup:TargetGroup", f"{name}-tg", base)


def service(name: str = "web", deployment: dict[str, Any] | None = None, **props: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "taskDefinition": f"arn:aws:ecs:eu-west-2:123456789012:task-definition/{name}:1",
        "desiredCount": 2,
        "launchType": "FARGATE",
        "loadBalancers": [{"targetGroupArn": f"{ARN}:targetgroup/{name}/0123456789abcdef"}],
    }
    if deployment is not None:
        base["deploymentConfiguration"] = deployment
    base.update(props)
    return res("aws:ecs/service:Service", name, {k: v for k, v in base.items() if v is not None})


def task_def(name: str = "web") -> dict[str, Any]:
    return res(
        "aws:ecs/taskDefinition:TaskDefinition", f"{name}-td", {"family": name, "cpu": "256", "memory": "512"}
    )


def one(resources: list[dict[str, Any]]) -> pricing.Rollout:
    (rollout,) = pricing.stack_rollouts(resources)
    return rollout


TODAY = 30 / 60 + 10 * 2 / 60  # 30 s draining + 2 checks 10 s apart


# --- the rollout estimate, per strategy ------------------------------------------------------------------


def test_rolling_is_draining_plus_time_to_healthy() -> None:
    rollout = one([target_group(), service()])
    assert (rollout.strategy, rollout.target_group) == ("ROLLING", "web-tg")
    assert rollout.minutes == pytest.approx(TODAY)
    assert rollout.describe() == (
        "deregistration delay 30 s 0.5 min + time to healthy (interval 10 s x healthyThreshold 2) 0.33 min"
    )


def test_blue_green_adds_the_bake_time() -> None:
    rollout = one([target_group(), service(deployment={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": "15"})])
    assert rollout.minutes == pytest.approx(TODAY + 15)
    assert [p.label for p in rollout.parts][-1] == "final bake (bakeTimeInMinutes 15)"


def test_canary_adds_the_canary_and_final_bakes() -> None:
    deployment = {
        "strategy": "CANARY",
        "bakeTimeInMinutes": "5",
        "canaryConfiguration": {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": "5"},
    }
    assert one([target_group(), service(deployment=deployment)]).minutes == pytest.approx(TODAY + 5 + 5)


def test_canary_defaults_to_a_10_minute_canary_and_no_final_bake() -> None:
    rollout = one([target_group(), service(deployment={"strategy": "CANARY"})])
    assert rollout.minutes == pytest.approx(TODAY + 10)
    assert [p.label for p in rollout.parts][-2:] == [
        "canary bake (canaryBakeTimeInMinutes 10)",
        "final bake (bakeTimeInMinutes 0, unset)",
    ]


def test_linear_counts_the_steps_before_the_last() -> None:
    # 20% steps: 5 shifts, the step bake between them 4 times (none after 100%).
    deployment = {
        "strategy": "LINEAR",
        "bakeTimeInMinutes": "5",
        "linearConfiguration": {"stepPercent": 20.0, "stepBakeTimeInMinutes": "2"},
    }
    rollout = one([target_group(), service(deployment=deployment)])
    assert rollout.minutes == pytest.approx(TODAY + 4 * 2 + 5)
    assert "linear steps (4 steps of stepPercent 20 x stepBakeTimeInMinutes 2)" in [
        p.label for p in rollout.parts
    ]


@pytest.mark.parametrize(("step", "steps"), [(11.0, 9), (10.0, 9), (33.3, 3), (100.0, 0)])
def test_linear_step_count_is_ceil_100_over_step_minus_1(step: float, steps: int) -> None:
    deployment = {
        "strategy": "LINEAR",
        "linearConfiguration": {"stepPercent": step, "stepBakeTimeInMinutes": "1"},
    }
    assert one([target_group(), service(deployment=deployment)]).minutes == pytest.approx(TODAY + steps)


def test_linear_defaults_to_10_percent_steps_of_6_minutes() -> None:
    assert one([target_group(), service(deployment={"strategy": "LINEAR"})]).minutes == pytest.approx(
        TODAY + 54
    )


def test_target_group_defaults_are_aws_defaults() -> None:
    rollout = one([target_group(deregistrationDelay=None, healthCheck=None), service()])
    assert rollout.minutes == pytest.approx(300 / 60 + 30 * 5 / 60)


def test_a_service_without_load_balancer_has_only_its_bake_times() -> None:
    rollout = one(
        [service(loadBalancers=None, deployment={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 3})]
    )
    assert (rollout.minutes, rollout.target_group, rollout.note) == (3, None, "")


def test_a_target_group_outside_the_stack_is_noted() -> None:
    rollout = one([service()])
    assert rollout.minutes == 0
    assert (
        rollout.note == "its target group is not in the stack: deregistration and health checks not counted"
    )


def test_unknown_inputs_are_listed_and_counted_with_aws_defaults() -> None:
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    deployment = {"strategy": "CANARY", "canaryConfiguration": {"canaryBakeTimeInMinutes": unknown}}
    rollout = one([target_group(deregistrationDelay=unknown), service(deployment=deployment)])
    assert rollout.unknown == ("delay", "canaryBake")
    assert rollout.minutes == pytest.approx(300 / 60 + 10 * 2 / 60 + 10)


def test_the_rollout_of_dev_and_prod_today(dev_plan: Plan, prod_plan: Plan, capsys) -> None:
    def rollouts(plan: Plan) -> dict[str, tuple[str, float]]:
        resources = [
            {
                "type": r.type,
                "name": r.name,
                "urn": r.urn,
                "props": r.inputs,
                "dependencies": list(r.depends_on),
            }
            for r in plan.resources
        ]
        found = pricing.stack_rollouts(resources)
        for r in found:
            print(f"{r.service}: {r.strategy} {r.minutes:.2f} min ({r.describe() or 'no target group'})")
        return {r.service: (r.strategy, round(r.minutes, 2)) for r in found}

    # dev: 15 s draining + 10 s x 2 checks; prod: 30 s + 15 s x 2 plus the 5-minute canary bake (the worker
    # has no load balancer and rolls). The README states both.
    assert rollouts(dev_plan) == {"backend-service": ("ROLLING", 0.58), "frontend-service": ("ROLLING", 0.58)}
    assert rollouts(prod_plan) == {
        "backend-service": ("CANARY", 6.0),
        "frontend-service": ("CANARY", 6.0),
        "worker-service": ("ROLLING", 0.0),
    }
    assert "backend-service: ROLLING 0.58 min" in capsys.readouterr().out


# --- alarms, dashboards, SNS ------------------------------------------------------------------------------


def alarm(name: str = "web-5xx", **props: Any) -> dict[str, Any]:
    base = {"metricName": "HTTPCode_Target_5XX_Count", "namespace": "AWS/ApplicationELB", "statistic": "Sum"}
    base.update({"period": 60, **props})
    return res(
        "aws:cloudwatch/metricAlarm:MetricAlarm", name, {k: v for k, v in base.items() if v is not None}
    )


def lines(est: pricing.Estimate) -> list[tuple[str, str, float, float]]:
    return [(i.resource, i.name, round(i.quantity, 4), round(i.monthly, 4)) for i in est.line_items]


def test_a_single_metric_alarm_is_one_standard_alarm_metric() -> None:
    est = pricing.estimate([alarm()], "eu-west-2", NO_USAGE)
    assert lines(est) == [
        ("web-5xx", "CloudWatch alarm, standard resolution (1 metric(s); free tier ignored)", 1, ALARM_METRIC)
    ]
    assert est.total == pytest.approx(0.10)


def test_an_extended_statistic_alarm_is_one_alarm_metric() -> None:
    est = pricing.estimate([alarm(statistic=None, extendedStatistic="p95")], "eu-west-2", NO_USAGE)
    assert est.total == pytest.approx(ALARM_METRIC)


def test_a_metric_math_alarm_is_billed_per_metric_not_per_expression() -> None:
    def metric(query_id: str) -> dict[str, Any]:
        return {
            "id": query_id,
            "metric": {
                "metricName": "RequestCount",
                "namespace": "AWS/ApplicationELB",
                "stat": "Sum",
                "period": 60,
            },
        }

    queries = [
        metric("m1"),
        metric("m2"),
        metric("m3"),
        {"id": "e1", "expression": "(m1+m2)/m3", "returnData": True},
    ]
    est = pricing.estimate(
        [alarm(metricName=None, namespace=None, statistic=None, period=None, metricQueries=queries)],
        "eu-west-2",
        NO_USAGE,
    )
    assert lines(est) == [
        (
            "web-5xx",
            "CloudWatch alarm, standard resolution (3 metric(s); free tier ignored)",
            3,
            round(3 * ALARM_METRIC, 4),
        )
    ]


def test_a_high_resolution_alarm_in_us_east_1() -> None:
    est = pricing.estimate([alarm(period=10)], "us-east-1", NO_USAGE)
    assert lines(est) == [
        (
            "web-5xx",
            "CloudWatch alarm, high resolution (1 metric(s), period < 60 s)",
            1,
            US_HIGH_RES_ALARM_METRIC,
        )
    ]


def test_a_high_resolution_alarm_in_eu_west_2_is_not_priced() -> None:
    est = pricing.estimate([alarm(period=30)], "eu-west-2", NO_USAGE)
    assert (est.total, est.line_items) == (0, ())
    assert est.missing == (
        "web-5xx: CloudWatch alarm, high resolution (1 metric(s), period < 60 s) (1 alarm-metric-months) "
        "has no cloudwatch_high_resolution_alarm_metric_month price for eu-west-2; left out of the total",
    )


def test_a_metric_math_alarm_splits_by_each_metrics_period() -> None:
    queries = [
        {"id": "m1", "metric": {"metricName": "A", "namespace": "N", "stat": "Sum", "period": 10}},
        {"id": "m2", "metric": {"metricName": "B", "namespace": "N", "stat": "Sum", "period": 60}},
        {"id": "e1", "expression": "m1+m2", "returnData": True},
    ]
    est = pricing.estimate(
        [alarm(metricName=None, period=None, metricQueries=queries)], "us-east-1", NO_USAGE
    )
    assert [(n, m) for _, n, _, m in lines(est)] == [
        ("CloudWatch alarm, standard resolution (1 metric(s); free tier ignored)", ALARM_METRIC),
        ("CloudWatch alarm, high resolution (1 metric(s), period < 60 s)", US_HIGH_RES_ALARM_METRIC),
    ]


def dashboard(name: str) -> dict[str, Any]:
    return res("aws:cloudwatch/dashboard:Dashboard", name, {"dashboardBody": '{"widgets": []}'})


def test_every_dashboard_is_priced_by_default() -> None:
    est = pricing.estimate([dashboard("ops"), dashboard("web")], "eu-west-2", NO_USAGE)
    assert lines(est) == [
        ("ops", "CloudWatch dashboard (free tier ignored)", 1, DASHBOARD),
        ("web", "CloudWatch dashboard (free tier ignored)", 1, DASHBOARD),
    ]
    assert est.total == pytest.approx(6.00)
    assert (
        "    freeDashboards = 0  (CloudWatch dashboards assumed free (AWS: first 3 of an account; 0 = all "
        "priced))" in (pricing.format_estimate(est).splitlines())
    )


def test_free_dashboards_are_left_out_and_noted() -> None:
    assumptions = pricing.Assumptions.from_mapping({**NO_USAGE.as_dict(), "freeDashboards": 1})
    est = pricing.estimate([dashboard("ops"), dashboard("web")], "eu-west-2", assumptions)
    assert lines(est) == [("web", "CloudWatch dashboard", 1, DASHBOARD)]
    assert est.notes == ("ops: dashboard assumed free (freeDashboards = 1)",)


def test_sns_topics_are_noted_not_priced() -> None:
    topic = res("aws:sns/topic:Topic", "alerts", {"kmsMasterKeyId": "alias/alerts"})
    est = pricing.estimate([topic], "eu-west-2", NO_USAGE)
    assert (est.total, est.line_items) == (0, ())
    assert est.notes == (
        "SNS topic(s) alerts: not priced (topics are free; the first 1,000,000 publishes, 100,000 HTTP/S and "
        "1,000 email deliveries a month are free; SMS is priced per message and not estimated)",
    )


# --- the green tasks of traffic-shifting deployments --------------------------------------------------------

CANARY = {
    "strategy": "CANARY",
    "bakeTimeInMinutes": "5",
    "canaryConfiguration": {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": "5"},
}
TASK_HOUR = 0.25 * X86_VCPU + 0.5 * X86_GB  # 0.25 vCPU, 0.5 GB on demand


def test_canary_deployments_price_a_green_set_of_tasks_per_deploy() -> None:
    est = pricing.estimate([target_group(), task_def(), service(deployment=CANARY)], "eu-west-2", NO_USAGE)
    green = [i for i in est.line_items if "deployments" in i.name]
    hours = 2 * (TODAY + 10) / 60 * 20  # 2 tasks x 10.83 min x 20 deploys = 7.22 task-hours
    assert [(i.name, round(i.quantity, 4), i.unit, round(i.monthly, 4)) for i in green] == [
        (
            "CANARY deployments: green tasks for 10.83 min x 20 deploys (assumed)",
            round(hours, 4),
            "task-hours",
            round(hours * TASK_HOUR, 4),
        )
    ]
    assert green[0].monthly == pytest.approx(0.1025, abs=1e-4)
    assert est.total == pytest.approx(HOURS * 2 * TASK_HOUR + hours * TASK_HOUR)


def test_green_tasks_follow_the_services_spot_split() -> None:
    strategies = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    svc = service(deployment=CANARY, launchType=None, capacityProviderStrategies=strategies)
    est = pricing.estimate([target_group(), task_def(), svc], "eu-west-2", NO_USAGE)
    (green,) = [i for i in est.line_items if "deployments" in i.name]
    assert green.unit_price == pytest.approx(TASK_HOUR * 0.3)


def test_deploys_per_month_scales_the_green_tasks() -> None:
    assumptions = pricing.Assumptions.from_mapping({**NO_USAGE.as_dict(), "deploysPerMonth": 4})
    est = pricing.estimate([target_group(), task_def(), service(deployment=CANARY)], "eu-west-2", assumptions)
    (green,) = [i for i in est.line_items if "deployments" in i.name]
    assert green.name == "CANARY deployments: green tasks for 10.83 min x 4 deploys (assumed)"
    assert green.quantity == pytest.approx(2 * (TODAY + 10) / 60 * 4)


@pytest.mark.parametrize("deployment", [None, {"strategy": "ROLLING"}])
def test_rolling_deployments_add_no_green_tasks(deployment: dict[str, Any] | None) -> None:
    est = pricing.estimate(
        [target_group(), task_def(), service(deployment=deployment)], "eu-west-2", NO_USAGE
    )
    assert [i.name for i in est.line_items if "deployments" in i.name] == []


def test_linear_deployments_last_their_steps() -> None:
    deployment = {
        "strategy": "LINEAR",
        "bakeTimeInMinutes": "5",
        "linearConfiguration": {"stepPercent": 20.0, "stepBakeTimeInMinutes": "2"},
    }
    est = pricing.estimate(
        [target_group(), task_def(), service(deployment=deployment)], "eu-west-2", NO_USAGE
    )
    (green,) = [i for i in est.line_items if "deployments" in i.name]
    assert green.name == "LINEAR deployments: green tasks for 13.83 min x 20 deploys (assumed)"
    assert green.monthly == pytest.approx(2 * (TODAY + 13) / 60 * 20 * TASK_HOUR)
