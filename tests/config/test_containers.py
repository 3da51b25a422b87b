"""config/containers.py: dependsOn between the containers of a task.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import problems, svc, with_

CASES: list[tuple[str, Any, list[str]]] = [
    (
        "depends on unknown",
        lambda r: svc(r)["dependsOn"].update(redis="START"),
        ["services.backend.dependsOn.redis: is not a container of this service; use one of: postgres"],
    ),
    (
        "depends on itself",
        lambda r: svc(r)["dependsOn"].update(backend="START"),
        ["services.backend.dependsOn.backend: a container cannot depend on itself; remove it"],
    ),
    (
        "HEALTHY without health check",
        lambda r: svc(r)["sidecars"]["postgres"].pop("healthCheck"),
        [
            "services.backend.dependsOn.postgres: HEALTHY needs a container health check on postgres; add "
            "sidecars.postgres.healthCheck or use START"
        ],
    ),
    (
        "HEALTHY on main container without check",
        lambda r: svc(r)["sidecars"]["postgres"].update(dependsOn={"backend": "HEALTHY"}),
        [
            "services.backend.sidecars.postgres.dependsOn.backend: HEALTHY needs a container health check "
            "on backend; "
            "add healthCheck.container or use START",
            "services.backend.dependsOn: forms a cycle backend → postgres → backend; remove one of these "
            "dependencies",
        ],
    ),
    (
        "COMPLETE on essential",
        lambda r: svc(r).update(dependsOn={"postgres": "COMPLETE"}),
        [
            "services.backend.dependsOn.postgres: COMPLETE needs postgres to be non-essential (it is "
            "expected to exit); "
            "set sidecars.postgres.essential: false or use START"
        ],
    ),
    (
        "condition literal",
        lambda r: svc(r).update(dependsOn={"postgres": "READY"}),
        [
            "services.backend.dependsOn.postgres: 'READY' is not allowed; use one of: START, HEALTHY, "
            "COMPLETE, SUCCESS"
        ],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected
