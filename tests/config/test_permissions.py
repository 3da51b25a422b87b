"""config/permissions.py: task-role permissions scoped to named resources.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import problems, svc, with_

CASES: list[tuple[str, Any, list[str]]] = [
    (
        "s3 wildcard",
        lambda r: svc(r).update(permissions={"s3Buckets": {"arn:aws:s3:::*": "read"}}),
        [
            "services.backend.permissions.s3Buckets.arn:aws:s3:::*: contains a wildcard; name the exact "
            "resource "
            "(arn:aws:s3:::<bucket>)"
        ],
    ),
    (
        "s3 name not arn",
        lambda r: svc(r).update(permissions={"s3Buckets": {"my-bucket": "read"}}),
        [
            "services.backend.permissions.s3Buckets.my-bucket: is not a valid resource; use "
            "arn:aws:s3:::<bucket>"
        ],
    ),
    (
        "dynamodb arn",
        lambda r: svc(r).update(
            permissions={"dynamodbTables": {"arn:aws:dynamodb:eu-west-2:123456789012:orders": "read"}}
        ),
        [
            "services.backend.permissions.dynamodbTables.arn:aws:dynamodb:eu-west-2:123456789012:orders: "
            "is not a valid "
            "resource; use arn:aws:dynamodb:<region>:<account>:table/<name>"
        ],
    ),
    (
        "sqs arn",
        lambda r: svc(r).update(
            permissions={"sqsQueues": {"https://sqs.eu-west-2.amazonaws.com/1/q": "read"}}
        ),
        [
            'services.backend.permissions.sqsQueues["https://sqs.eu-west-2.amazonaws.com/1/q"]: '
            "is not a valid resource; "
            "use arn:aws:sqs:<region>:<account>:<queue>"
        ],
    ),
    (
        "ssm path wildcard",
        lambda r: svc(r).update(permissions={"ssmPaths": {"/app/*": "read"}}),
        [
            "services.backend.permissions.ssmPaths./app/*: contains a wildcard; name the exact resource "
            "(/<path> or "
            "arn:aws:ssm:<region>:<account>:parameter/<path>)"
        ],
    ),
    (
        "access literal",
        lambda r: svc(r).update(permissions={"ssmPaths": {"/app": "write"}}),
        ["services.backend.permissions.ssmPaths./app: 'write' is not allowed; use one of: read, readWrite"],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected
