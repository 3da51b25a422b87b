"""config/autoscaling.py: target tracking.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import problems, svc, with_

CASES: list[tuple[str, Any, list[str]]] = [
    (
        "autoscaling min > max",
        lambda r: svc(r).update(autoscaling={"min": 3, "max": 2, "cpuTarget": 60}),
        ["services.backend.autoscaling.min: 3 is greater than max 2; lower min or raise max"],
    ),
    (
        "autoscaling without target",
        lambda r: svc(r).update(autoscaling={"min": 1, "max": 2}),
        ["services.backend.autoscaling: needs a target; set cpuTarget, memoryTarget or requestsPerTarget"],
    ),
    (
        "autoscaling target > 100",
        lambda r: svc(r).update(autoscaling={"cpuTarget": 150}),
        ["services.backend.autoscaling.cpuTarget: 150 is too large; use a value ≤ 100"],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected
