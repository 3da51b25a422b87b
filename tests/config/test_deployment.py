"""config/deployment.py: how ECS replaces tasks, and what only a routed service may set.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import problems, svc, with_

CASES: list[tuple[str, Any, list[str]]] = [
    (
        "desired count outside autoscaling",
        lambda r: svc(r).update(desiredCount=1, autoscaling={"min": 2, "max": 4, "cpuTarget": 60}),
        [
            "services.backend.desiredCount: 1 is outside autoscaling min 2 .. max 4; set desiredCount "
            "within that range"
        ],
    ),
    (
        "requests per target needs a route",
        lambda r: (
            svc(r).pop("route"),
            svc(r).pop("healthCheck"),
            svc(r).update(autoscaling={"requestsPerTarget": 100}),
        ),
        [
            "services.backend.autoscaling.requestsPerTarget: needs a route (ALB requests are counted per "
            "target group); "
            "add a route or use cpuTarget/memoryTarget"
        ],
    ),
    (
        "rollback without circuit breaker",
        lambda r: svc(r).update(deployment={"circuitBreaker": False}),
        [
            "services.backend.deployment.rollback: needs circuitBreaker: true; enable circuitBreaker or set "
            "rollback: false"
        ],
    ),
    (
        "deployment cannot progress",
        lambda r: svc(r).update(deployment={"maximumPercent": 100}),
        [
            "services.backend.deployment.maximumPercent: 100 with minimumHealthyPercent 100 leaves no room "
            "to replace a "
            "task; raise maximumPercent or lower minimumHealthyPercent"
        ],
    ),
    (
        "grace period without route",
        lambda r: (
            svc(r).pop("route"),
            svc(r).pop("healthCheck"),
            svc(r).update(deployment={"healthCheckGracePeriod": 60}),
        ),
        [
            "services.backend.deployment.healthCheckGracePeriod: applies only to a routed service; add a "
            "route or remove "
            "it"
        ],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected
