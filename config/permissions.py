"""`permissions` of a service's task role, each scoped to named resources."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Literal

from pydantic import Field, model_validator

from config.base import ACCOUNT, PARTITION, REGION, ConfigModel
from config.errors import Issue, raise_if
from config.secrets import SSM_ARN_RE, SSM_NAME_RE

S3_ARN_RE = re.compile(
    rf"^arn:{PARTITION}:s3:::[a-z0-9][a-z0-9.-]{{1,61}}[a-z0-9](?:/[A-Za-z0-9!_.()/'-]*)?\Z"
)


DYNAMODB_ARN_RE = re.compile(rf"^arn:{PARTITION}:dynamodb:{REGION}:{ACCOUNT}:table/[A-Za-z0-9_.-]{{3,255}}\Z")
SQS_ARN_RE = re.compile(rf"^arn:{PARTITION}:sqs:{REGION}:{ACCOUNT}:[A-Za-z0-9_-]{{1,80}}(?:\.fifo)?\Z")


class PermissionsConfig(ConfigModel):
    """Task-role permissions, each scoped to named resources: ARN (or SSM path) → read | readWrite."""

    s3_buckets: dict[str, Literal["read", "readWrite"]] = Field(
        default_factory=dict, description="S3 bucket ARNs (optionally arn:…:::bucket/prefix) → access."
    )
    dynamodb_tables: dict[str, Literal["read", "readWrite"]] = Field(
        default_factory=dict, description="DynamoDB table ARNs → access."
    )
    sqs_queues: dict[str, Literal["read", "readWrite"]] = Field(
        default_factory=dict, description="SQS queue ARNs → access (read: receive/delete; readWrite: + send)."
    )
    ssm_paths: dict[str, Literal["read", "readWrite"]] = Field(
        default_factory=dict, description="SSM parameter paths (/app/prod) or parameter ARNs → access."
    )

    @model_validator(mode="after")
    def _rules(self) -> PermissionsConfig:
        raise_if(check_permissions(self))
        return self

    @property
    def is_empty(self) -> bool:
        return not (self.s3_buckets or self.dynamodb_tables or self.sqs_queues or self.ssm_paths)


def check_permissions(perms: PermissionsConfig) -> list[Issue]:
    issues: list[Issue] = []
    checks: tuple[tuple[str, Mapping[str, str], Callable[[str], bool], str], ...] = (
        ("s3Buckets", perms.s3_buckets, lambda a: bool(S3_ARN_RE.match(a)), "arn:aws:s3:::<bucket>"),
        (
            "dynamodbTables",
            perms.dynamodb_tables,
            lambda a: bool(DYNAMODB_ARN_RE.match(a)),
            "arn:aws:dynamodb:<region>:<account>:table/<name>",
        ),
        (
            "sqsQueues",
            perms.sqs_queues,
            lambda a: bool(SQS_ARN_RE.match(a)),
            "arn:aws:sqs:<region>:<account>:<queue>",
        ),
        (
            "ssmPaths",
            perms.ssm_paths,
            lambda a: bool(SSM_ARN_RE.match(a) or (a.startswith("/") and SSM_NAME_RE.match(a))),
            "/<path> or arn:aws:ssm:<region>:<account>:parameter/<path>",
        ),
    )
    for key, entries, valid, form in checks:
        for arn in entries:
            if "*" in arn:
                issues.append(((key, arn), f"contains a wildcard; name the exact resource ({form})"))
            elif not valid(arn):
                issues.append(((key, arn), f"is not a valid resource; use {form}"))
    return issues
