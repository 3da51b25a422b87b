"""config/logs.py: log retention.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import problems, with_

import config

CASES: list[tuple[str, Any, list[str]]] = [
    (
        "retention",
        lambda r: r.update(logs={"retentionDays": 10}),
        [
            "logs.retentionDays: 10 is not a CloudWatch retention value; use one of: "
            + ", ".join(str(d) for d in config.LOG_RETENTION_DAYS)
        ],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected
