"""config/images.py: a container's image.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import ok, problems, svc, with_

CASES: list[tuple[str, Any, list[str]]] = [
    (
        "image two sources",
        lambda r: svc(r).update(image={"repository": "backend", "build": "./backend"}),
        [
            "services.backend.image: needs exactly one of uri, repository or build (given: repository, "
            "build); keep one"
        ],
    ),
    (
        "image no source",
        lambda r: svc(r).update(image={"tag": "1.0"}),
        ["services.backend.image: needs exactly one of uri, repository or build (given: none); keep one"],
    ),
    (
        "tag without repository",
        lambda r: svc(r).update(image={"uri": "nginx:1.27", "tag": "1.0"}),
        [
            "services.backend.image.tag: applies only to repository; remove tag (put it in the uri, or let "
            "build tag "
            "with the git SHA)"
        ],
    ),
    (
        "dockerfile without build",
        lambda r: svc(r).update(image={"repository": "backend", "dockerfile": "Dockerfile"}),
        ["services.backend.image.dockerfile: applies only to build; remove dockerfile or set build"],
    ),
    (
        "bad uri",
        lambda r: svc(r).update(image="Nginx Latest"),
        [
            "services.backend.image.uri: 'Nginx Latest' is not an image reference; use e.g. "
            "postgres:15-alpine or "
            "123456789012.dkr.ecr.eu-west-2.amazonaws.com/app:1.4.2"
        ],
    ),
    (
        "bad repository",
        lambda r: svc(r).update(image={"repository": "123.dkr.ecr.x/Backend"}),
        [
            "services.backend.image.repository: '123.dkr.ecr.x/Backend' is not an ECR repository name; use "
            "lowercase "
            "letters, digits, '.', '_', '-' and '/' (the name, not the URI)"
        ],
    ),
    (
        "bad tag",
        lambda r: svc(r).update(image={"repository": "backend", "tag": "v1 final"}),
        ["services.backend.image.tag: 'v1 final' is not a Docker tag; use letters, digits, '_', '.', '-'"],
    ),
    (
        "build outside project",
        lambda r: svc(r).update(image={"build": "../other"}),
        [
            "services.backend.image.build: '../other' must be a directory inside the project; use a "
            "relative path "
            "such as ./backend"
        ],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected


CREATE_CASES: list[tuple[str, Any, list[str]]] = [
    (
        "create without repository",
        lambda r: svc(r).update(image={"uri": "nginx:1.27", "create": True}),
        [
            "services.backend.image.create: applies only to repository; set repository (its name) or "
            "remove create"
        ],
    ),
    (
        "keep without create",
        lambda r: svc(r).update(image={"repository": "backend", "tag": "abc123", "keep": 5}),
        [
            "services.backend.image.keep: applies only to a repository the stack creates; set create: "
            "true or remove keep"
        ],
    ),
    (
        "create with latest",
        lambda r: svc(r).update(image={"repository": "backend", "create": True}),
        [
            "services.backend.image.tag: must be pinned with create: true: the repository's tags are "
            "immutable, so latest could be pushed only once; set the tag CI pushes (e.g. the git SHA)"
        ],
    ),
    (
        "keep out of range",
        lambda r: svc(r).update(image={"repository": "backend", "tag": "abc123", "create": True, "keep": 0}),
        ["services.backend.image.keep: 0 is too small; use a value ≥ 1"],
    ),
    (
        "two containers keep differently",
        lambda r: (
            svc(r).update(image={"repository": "shared", "tag": "abc123", "create": True, "keep": 10}),
            svc(r, "frontend").update(image={"repository": "shared", "tag": "def456", "create": True}),
        ),
        [
            "services.frontend.image.keep: 30 differs from the 10 another container keeps in repository "
            "shared; use one value"
        ],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CREATE_CASES, ids=[c[0] for c in CREATE_CASES])
def test_create_rules_report_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected


def test_created_repositories_are_collected_once_with_their_keep() -> None:
    raw = with_(
        lambda r: (
            svc(r).update(image={"repository": "team/backend", "tag": "abc123", "create": True, "keep": 10}),
            svc(r, "frontend").update(image={"repository": "frontend", "tag": "abc123"}),
        )
    )
    assert ok(raw).created_repositories == {"team/backend": 10}
