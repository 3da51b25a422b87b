"""config/deployment.py and config/alarms.py: strategies, hooks, alarms, notifications and the test listener,
with their environment defaults. Each case starts from the known-good config and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import good, ok, problems, svc, with_

CASES: list[tuple[str, Any, list[str]]] = [
    (
        "canary on an unrouted service",
        lambda r: (
            svc(r).pop("route"),
            svc(r).pop("healthCheck"),
            svc(r).update(deployment={"strategy": "canary"}),
        ),
        [
            "services.backend.deployment.strategy: canary shifts ALB traffic between two target "
            "groups, and this "
            "service has no route; add a route or use strategy: rolling"
        ],
    ),
    (
        "canary percent outside AWS's range",
        lambda r: svc(r).update(deployment={"strategy": "canary", "canary": {"percent": 0.05}}),
        [
            "services.backend.deployment.canary.percent: 0.05 is not a multiple of 0.1 from 0.1 to 100; set "
            "percent within that range"
        ],
    ),
    (
        "linear step below 3%",
        lambda r: svc(r).update(deployment={"strategy": "linear", "linear": {"stepPercent": 2.5}}),
        [
            "services.backend.deployment.linear.stepPercent: 2.5 is not a multiple of 0.1 from "
            "3.0 to 100; set "
            "stepPercent within that range"
        ],
    ),
    (
        "canary block with another strategy",
        lambda r: svc(r).update(deployment={"strategy": "linear", "canary": {"percent": 20}}),
        [
            "services.backend.deployment.canary: applies only to strategy: canary; set that strategy or "
            "remove canary"
        ],
    ),
    (
        "bake time on a rolling deployment",
        lambda r: svc(r).update(deployment={"bakeTime": 5}),
        [
            "services.backend.deployment.bakeTime: applies only to blueGreen, canary and linear; set one of "
            "them or remove bakeTime"
        ],
    ),
    (
        "hooks on a rolling deployment",
        lambda r: svc(r).update(
            deployment={"hooks": {"preScaleUp": "arn:aws:lambda:eu-west-2:123456789012:function:gate"}}
        ),
        [
            "services.backend.deployment.hooks: run only in blueGreen, canary and linear deployments (ECS "
            "lifecycle hooks); set one of these strategies or remove hooks"
        ],
    ),
    (
        "a hook stage ECS does not have",
        lambda r: svc(r).update(
            deployment={
                "strategy": "blueGreen",
                "hooks": {"beforeDeploy": "arn:aws:lambda:eu-west-2:123456789012:function:gate"},
            }
        ),
        [
            "services.backend.deployment.hooks: 'beforeDeploy' is not a lifecycle stage; use one of: "
            "reconcileService, preScaleUp, postScaleUp, testTrafficShift, postTestTrafficShift, "
            "productionTrafficShift, postProductionTrafficShift"
        ],
    ),
    (
        "a hook that is not a Lambda function",
        lambda r: svc(r).update(
            deployment={"strategy": "blueGreen", "hooks": {"postScaleUp": "arn:aws:sns:eu-west-2:1:x"}}
        ),
        [
            "services.backend.deployment.hooks: postScaleUp: 'arn:aws:sns:eu-west-2:1:x' is not a Lambda "
            "function ARN; use arn:aws:lambda:<region>:<account>:function:<name>"
        ],
    ),
    (
        "alarm rollback without alarms",
        lambda r: svc(r).update(deployment={"alarmRollback": True}, alarms={"enabled": False}),
        [
            "services.backend.deployment.alarmRollback: needs the service's alarms; set "
            "alarms.enabled: true or "
            "alarmRollback: false"
        ],
    ),
    (
        "datapoints above the evaluation window",
        lambda r: svc(r).update(alarms={"evaluationPeriods": 2, "datapointsToAlarm": 3}),
        [
            "services.backend.alarms.datapointsToAlarm: 3 is more than evaluationPeriods 2; "
            "lower it or raise "
            "evaluationPeriods"
        ],
    ),
    (
        "running-task alarm without Container Insights",
        lambda r: svc(r).update(alarms={"runningTasks": True}),
        [
            "services.backend.alarms.runningTasks: needs Container Insights (its "
            "RunningTaskCount metric); set "
            "cluster.containerInsights: enabled or alarms.runningTasks: false"
        ],
    ),
    (
        "a notification target that is not an address",
        lambda r: r.update(notifications={"email": ["oncall at example.com"]}),
        ["notifications.email: 'oncall at example.com' is not an email address; use e.g. oncall@example.com"],
    ),
    (
        "an http endpoint",
        lambda r: r.update(notifications={"https": ["http://hooks.example.com/x"]}),
        [
            "notifications.https: 'http://hooks.example.com/x' is not an https:// URL; SNS delivers only to "
            "https:// endpoints"
        ],
    ),
    (
        "a test listener without testers",
        lambda r: (
            r.update(loadBalancer={"testListenerPort": 8443}),
            svc(r).update(deployment={"strategy": "canary"}),
        ),
        [
            "loadBalancer.testListenerCidrs: is required with testListenerPort; list the "
            "networks that may test, "
            "e.g. 203.0.113.0/24"
        ],
    ),
    (
        "a test listener open to the internet",
        lambda r: r.update(loadBalancer={"testListenerPort": 8443, "testListenerCidrs": ["0.0.0.0/0"]}),
        [
            "loadBalancer.testListenerCidrs: 0.0.0.0/0 opens the test listener to the internet; list the "
            "networks that test"
        ],
    ),
    (
        "a test listener on a production port",
        lambda r: r.update(loadBalancer={"testListenerPort": 443, "testListenerCidrs": ["203.0.113.0/24"]}),
        ["loadBalancer.testListenerPort: 443 is a production listener's port; pick another, e.g. 8443"],
    ),
    (
        "a test listener nobody deploys through",
        lambda r: r.update(loadBalancer={"testListenerPort": 8443, "testListenerCidrs": ["203.0.113.0/24"]}),
        [
            "loadBalancer.testListenerPort: has no effect without a service deployed by blueGreen, canary or "
            "linear; set one's deployment.strategy or remove testListenerPort"
        ],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected


def test_dev_rolls_and_alarms_at_looser_thresholds() -> None:
    cfg = ok(good())
    backend = cfg.services["backend"]
    assert backend.deployment.strategy == "rolling" and backend.deployment.alarm_rollback is False
    assert (backend.alarms.error_rate, backend.alarms.p95_latency) == (5.0, 3.0)


def test_prod_defaults_to_canary_with_alarm_rollback_for_routed_services() -> None:
    raw = good()
    raw.update(
        environment="prod",
        loadBalancer={"certificateArn": "arn:aws:acm:eu-west-2:123456789012:certificate/a"},
        notifications={"email": ["oncall@example.com"]},
    )
    svc(raw).update(image={"repository": "backend", "tag": "1.0.0"})
    svc(raw)["sidecars"]["postgres"].update(image="postgres:15.8-alpine")
    svc(raw, "frontend").update(image="nginx@sha256:" + "a" * 64)
    svc(raw, "frontend").pop("route")
    svc(raw, "frontend")["discovery"] = True
    cfg = ok(raw)
    backend, frontend = cfg.services["backend"].deployment, cfg.services["frontend"].deployment
    assert (backend.strategy, backend.alarm_rollback) == ("canary", True)
    assert (backend.effective_canary.percent, backend.effective_canary.bake_time) == (10.0, 5)
    assert (frontend.strategy, frontend.alarm_rollback) == ("rolling", True)  # unrouted: rolls
    assert cfg.services["backend"].alarms.error_rate == 1.0


def test_a_stack_setting_wins_over_prod_defaults() -> None:
    raw = good()
    raw.update(
        environment="prod",
        loadBalancer={"certificateArn": "arn:aws:acm:eu-west-2:123456789012:certificate/a"},
        notifications={"https": ["https://hooks.example.com/alerts"]},
    )
    svc(raw).update(image={"repository": "backend", "tag": "1.0.0"}, deployment={"strategy": "blueGreen"})
    svc(raw)["sidecars"]["postgres"].update(image="postgres:15.8-alpine")
    svc(raw, "frontend").update(image="nginx@sha256:" + "a" * 64, deployment={"alarm_rollback": False})
    cfg = ok(raw)
    assert cfg.services["backend"].deployment.strategy == "blueGreen"
    assert cfg.services["backend"].deployment.effective_bake_time == 5
    assert cfg.services["frontend"].deployment.alarm_rollback is False  # snake_case counts as set


def test_test_rules_take_production_priorities_on_a_test_listener() -> None:
    raw = good()
    raw["loadBalancer"] = {"testListenerPort": 8443, "testListenerCidrs": ["203.0.113.0/24"]}
    svc(raw).update(deployment={"strategy": "canary"})
    svc(raw, "frontend").update(deployment={"strategy": "linear"})
    cfg = ok(raw)
    assert cfg.test_rule_priorities == {"backend": cfg.route_priorities["backend"], "frontend": 50000}
