"""Logical names of children: derived from the component name, within AWS's physical-name limits.

Pulumi auto-names a resource `<logical>-<7 random chars>`. Load balancer and target group names are
limited to 32 characters, so their logical names must stay within 24 (see pulumi-offline.md); IAM role
names are limited to 64 (logical ≤ 56).
"""

from __future__ import annotations

import hashlib
import re

ALB_LOGICAL_NAME_LIMIT = 24  # 32-character AWS limit minus Pulumi's "-" + 7-character suffix
IAM_ROLE_LOGICAL_NAME_LIMIT = 56  # 64 minus the suffix


def bounded_name(name: str, limit: int) -> str:
    """`name` if it fits in `limit`, else a stable shortening: a prefix + "-" + 4 hex chars of its hash.

    Stable across runs (a renamed child would replace real infrastructure), distinct for distinct
    inputs with overwhelming probability.
    """
    if limit < 8:
        raise ValueError(f"limit must be at least 8 characters, got {limit}.")
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:4]
    return f"{name[: limit - 5].rstrip('-')}-{digest}"


def stack_label(stack: str) -> str:
    """The stack name as a prefix every AWS name accepts (ALB and target group names allow only letters,
    digits and hyphens; task families also underscores): other characters become `-`.

    When that changes the name, 4 hex characters of the real name's hash are appended: `dev.1` and `dev_1`
    would otherwise both be `dev-1`, and two stacks would share log groups, SSM parameter paths and task
    families in one account (issue 9). Names already valid stay as they are."""
    label = re.sub(r"[^A-Za-z0-9-]+", "-", stack).strip("-")
    if label == stack:
        return label
    digest = hashlib.sha256(stack.encode()).hexdigest()[:4]
    return f"{label or 'stack'}-{digest}"
