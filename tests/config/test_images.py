"""config/images.py: a container's image.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import problems, svc, with_

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
