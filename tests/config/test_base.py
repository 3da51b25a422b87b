"""config/base.py: service, sidecar and volume names, tags, and patterns that never pass a trailing newline.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import good, ok, problems, svc, with_

CASES: list[tuple[str, Any, list[str]]] = [
    (
        "service name too long",
        lambda r: r["services"].update({"a-very-long-service-name": r["services"].pop("frontend")}),
        [
            "services.a-very-long-service-name: service name 'a-very-long-service-name' is 24 characters, "
            "longer than 20; "
            "shorten it (derived AWS names such as the target group '<name>-tg-xxxxxxx' must fit in 32 "
            "characters)"
        ],
    ),
    (
        "service name not a label",
        lambda r: r["services"].update({"Front_End": r["services"].pop("frontend")}),
        [
            "services.Front_End: service name 'Front_End' is not a lowercase DNS label; use lowercase "
            "letters, digits "
            "and '-', starting with a letter and not ending with '-' (e.g. 'backend')"
        ],
    ),
    (
        "sidecar named like the service",
        lambda r: svc(r)["sidecars"].update(backend={"image": "busybox:1.36"}),
        [
            "services.backend.sidecars.backend: has the service's own name (the main container's name); "
            "rename the "
            "sidecar"
        ],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected


# --- tags and names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda r: r.update(tags={"aws:owner": "me"}),
            "tags.aws:owner: tag key 'aws:owner' must be 1 to 128 characters and not start with 'aws:'; "
            "rename the tag",
        ),
        (
            lambda r: svc(r).update(tags={"Team": "x" * 257}),
            "services.backend.tags.Team: tag value is 257 characters; shorten it to at most 256",
        ),
        (
            lambda r: svc(r)["sidecars"].update({"Redis": {"image": "redis:7"}}),
            "services.backend.sidecars.Redis: sidecar name 'Redis' is not a lowercase DNS label; use "
            "lowercase "
            "letters, digits and '-', starting with a letter and not ending with '-' (e.g. 'backend')",
        ),
        (
            lambda r: svc(r, "frontend").update(volumes={"data-": {"scratch": True}}),
            "services.frontend.volumes.data-: volume name 'data-' is not a lowercase DNS label; use "
            "lowercase "
            "letters, digits and '-', starting with a letter and not ending with '-' (e.g. 'backend')",
        ),
        (
            lambda r: svc(r, "frontend").update(environment={"MY-VAR": "1"}),
            "services.frontend.environment.MY-VAR: 'MY-VAR' is not a valid environment variable name; use "
            "letters, digits and '_', not starting with a digit",
        ),
        (
            lambda r: svc(r, "frontend").update(
                volumes={"data": {"efs": {"accessPoint": {"path": "data"}}}},
                mounts=[{"volume": "data", "path": "/data"}],
            ),
            "services.frontend.volumes.data.efs.accessPoint.path: 'data' is not an absolute path; use e.g. "
            "/data",
        ),
        (
            lambda r: svc(r, "frontend").update(
                volumes={"data": {"scratch": True}}, mounts=[{"volume": "data", "path": "/"}]
            ),
            "services.frontend.mounts[0].path: '/' is not an absolute path below /; use a path such as "
            "/tmp or "
            "/mnt/efs",
        ),
    ],
)
def test_tags_names_and_paths(mutate: Any, expected: str) -> None:
    assert problems(with_(mutate)) == [expected]


def test_twenty_character_names_are_the_limit() -> None:
    raw = good()
    raw["services"]["a" * 20] = raw["services"].pop("frontend")
    assert "a" * 20 in ok(raw).services


def test_odd_keys_stay_on_one_line() -> None:
    raw = good()
    raw["services"]["my service\n"] = {"image": "nginx:1.27"}
    assert problems(raw) == [
        "services[\"my service\\n\"]: service name 'my service\\n' is not a lowercase DNS label; "
        "use lowercase "
        "letters, digits and '-', starting with a letter and not ending with '-' (e.g. 'backend')"
    ]


def test_a_trailing_newline_never_passes_a_pattern() -> None:
    """`$` also matches before a final newline; every pattern anchors with \\Z instead."""
    raw = good()
    raw["services"]["web\n"] = {"image": "nginx:1.27"}
    svc(raw, "frontend")["image"] = {"repository": "frontend", "tag": "1.0\n"}
    raw["cluster"]["namespace"] = "dev.local\n"
    assert problems(raw) == [
        "cluster.namespace: 'dev.local\\n' is not a DNS name; use a private domain such as dev.local",
        "services.frontend.image.tag: '1.0\\n' is not a Docker tag; use letters, digits, '_', '.', '-'",
        "services[\"web\\n\"]: service name 'web\\n' is not a lowercase DNS label; use lowercase letters, "
        "digits and '-', starting with a letter and not ending with '-' (e.g. 'backend')",
    ]
