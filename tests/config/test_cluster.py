"""config/cluster.py: capacity, Container Insights, namespace, exec logging.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import problems, with_

CASES: list[tuple[str, Any, list[str]]] = [
    (
        "capacity word",
        lambda r: r["cluster"].update(capacity="cheap"),
        [
            "cluster.capacity: 'cheap' is not a capacity; use spot, onDemand or {base, onDemandWeight, "
            "spotWeight}"
        ],
    ),
    (
        "capacity weights zero",
        lambda r: r["cluster"].update(capacity={"base": 1, "onDemandWeight": 0}),
        ["cluster.capacity: onDemandWeight and spotWeight are both 0; give at least one a weight ≥ 1"],
    ),
    (
        "namespace",
        lambda r: r["cluster"].update(namespace="Dev_Local"),
        ["cluster.namespace: 'Dev_Local' is not a DNS name; use a private domain such as dev.local"],
    ),
    (
        "insights literal",
        lambda r: r["cluster"].update(containerInsights="on"),
        ["cluster.containerInsights: 'on' is not allowed; use one of: disabled, enabled, enhanced"],
    ),
    (
        "discovery needs namespace",
        lambda r: r["cluster"].pop("namespace"),
        [
            "services.backend.discovery: needs cluster.namespace; set cluster.namespace (e.g. dev.local) or "
            "discovery: false"
        ],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected
