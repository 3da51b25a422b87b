"""Security rules about secrets: none in plaintext in task definitions, ``secrets`` only from SSM Parameter
Store or Secrets Manager, SSM parameters with secret-like names stored as SecureString.

Anchors: Security Hub ECS.8 (no secrets in container environment variables). Detection (names and values)
lives in security_secret_patterns.py. Messages name the container and the variable, never the value.

A value that was a Pulumi secret in the program is still plain text in the task definition AWS receives
(ECS stores environment variables unencrypted and shows them in the console), but the analyzer protocol
hands rules the unwrapped values, so secretness itself is invisible to the pack: such a value is caught by
its variable's name or by its format (a generated password in a ``DATABASE_URL`` is "a URL with a
password"). A value that still arrives wrapped (a Pulumi secret envelope in structured inputs) is reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import common
import type_tokens
from common import Config, Report, Resource, violation
from pulumi_policy.proxy import UnknownValueError
from pulumi_policy.secret import Secret
from security_containers import TASKS
from security_secret_patterns import (
    contains_access_key_id,
    is_harmless_secret_value,
    is_secret_name,
    looks_like_aws_secret_key,
    value_finding,
)

_SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_MOVE_TO_SECRETS = (
    "move it to the container's `secrets` with valueFrom an SSM parameter or Secrets Manager secret ARN"
)


def _is_pulumi_secret(value: Any) -> bool:
    if isinstance(value, Secret):
        return True
    return isinstance(value, Mapping) and common.get(value, _SECRET_SIG_KEY) == _SECRET_SIG


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    return None


def _environment(container: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(name, value) pairs. A value unknown during preview (structured awsx inputs holding an output) is
    skipped: it may be a secret or a secret's ARN, and ``pulumi up`` checks it again once known."""
    pairs: list[tuple[str, Any]] = []
    for entry in common.as_list(common.get(container, "environment")):
        name = common.get(entry, "name")
        if not isinstance(name, str):
            continue
        try:
            pairs.append((name, common.get(entry, "value")))
        except UnknownValueError:
            continue
    return pairs


def _env_reason(name: str, value: Any, allowed_names: frozenset[str], key_id_nearby: bool) -> str | None:
    """Why environment variable ``name`` holds a plaintext secret, or None."""
    if _is_pulumi_secret(value):
        return "its value is a Pulumi secret"
    text = _text(value)
    if text is None:
        return None
    finding = value_finding(text)
    if finding is not None:
        return f"its value looks like {finding}"
    if key_id_nearby and looks_like_aws_secret_key(text):
        return "its value looks like an AWS secret access key next to an access key id"
    if name not in allowed_names and is_secret_name(name) and not is_harmless_secret_value(text):
        return "its name marks it as a secret"
    return None


def check_no_plaintext_secrets(resource: Resource, config: Config, report: Report) -> None:
    allowed_names = frozenset(n for n in common.as_list(config.raw("allowedNames")) if isinstance(n, str))
    for index, container in enumerate(common.container_definitions(resource.props)):
        cname = common.container_name(container, index)
        env = _environment(container)
        key_id_nearby = any(
            isinstance(text, str) and contains_access_key_id(text) for text in (_text(v) for _, v in env)
        )
        for name, value in env:
            reason = _env_reason(name, value, allowed_names, key_id_nearby)
            if reason is not None:
                report(
                    violation(
                        resource,
                        f"container '{cname}' environment variable '{name}'",
                        f"not hold a secret in plaintext ({reason})",
                        _MOVE_TO_SECRETS,
                    )
                )
        for field in ("command", "entryPoint"):
            for position, arg in enumerate(common.as_list(common.get(container, field))):
                finding = value_finding(arg) if isinstance(arg, str) else None
                if finding is not None:
                    report(
                        violation(
                            resource,
                            f"container '{cname}' {field} argument {position}",
                            f"not hold a secret in plaintext (it looks like {finding})",
                            "pass the secret through the container's `secrets` (an environment variable "
                            "filled from SSM Parameter Store or Secrets Manager) and read it at run time",
                        )
                    )


# -- secrets only from managed stores ---------------------------------------------------------------------

_PARTITION = r"arn:aws(?:-cn|-us-gov|-iso|-iso-[a-z])?"
SSM_PARAMETER_ARN = re.compile(rf"^{_PARTITION}:ssm:[a-z0-9-]+:\d{{12}}:parameter/[A-Za-z0-9_.\-/]+$")
SECRETS_MANAGER_ARN = re.compile(
    rf"^{_PARTITION}:secretsmanager:[a-z0-9-]+:\d{{12}}:secret:[A-Za-z0-9/_+=.@\-]+(?::[^:\s]*){{0,3}}$"
)
SSM_PARAMETER_NAME = re.compile(r"^/?[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)*$")
_STORE_FIX = (
    "set valueFrom to the ARN of an SSM parameter (arn:aws:ssm:<region>:<account>:parameter/<name>) or of a "
    "Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>)"
)


def managed_store_reference(value_from: Any, allow_parameter_names: bool) -> bool:
    """True when ``value_from`` points into SSM Parameter Store or Secrets Manager."""
    if not isinstance(value_from, str) or not value_from:
        return False
    if SSM_PARAMETER_ARN.match(value_from) or SECRETS_MANAGER_ARN.match(value_from):
        return True
    return (
        allow_parameter_names
        and len(value_from) <= 2048
        and SSM_PARAMETER_NAME.match(value_from) is not None
        and value_finding(value_from) is None
    )


def check_secrets_from_managed_stores(resource: Resource, config: Config, report: Report) -> None:
    allow_names = config.get_bool("allowParameterNames")
    fix = _STORE_FIX + (" or to an SSM parameter name in the task's region" if allow_names else "")
    for index, container in enumerate(common.container_definitions(resource.props)):
        cname = common.container_name(container, index)
        sources = [("secret", entry) for entry in common.as_list(common.get(container, "secrets"))] + [
            ("log secret option", entry)
            for entry in common.as_list(common.get(container, "logConfiguration", "secretOptions"))
        ]
        for label, entry in sources:
            name = common.get(entry, "name")
            if not managed_store_reference(common.get(entry, "valueFrom"), allow_names):
                report(
                    violation(
                        resource,
                        f"container '{cname}' {label} '{name}'",
                        "come from SSM Parameter Store or Secrets Manager",
                        fix,
                    )
                )
        credentials = common.get(container, "repositoryCredentials", "credentialsParameter")
        if credentials is not None and not (
            isinstance(credentials, str) and SECRETS_MANAGER_ARN.match(credentials)
        ):
            report(
                violation(
                    resource,
                    f"container '{cname}' repositoryCredentials.credentialsParameter",
                    "be a Secrets Manager secret ARN",
                    "store the registry credentials in Secrets Manager and set credentialsParameter to the "
                    "secret's ARN",
                )
            )


# -- SSM parameters ---------------------------------------------------------------------------------------


def _known(props: Mapping[str, Any], key: str) -> Any:
    """An optional value for a heuristic: None when unknown during preview (``pulumi up`` re-checks it)."""
    try:
        return common.get(props, key)
    except UnknownValueError:
        return None


def check_ssm_secret_parameters(resource: Resource, config: Config, report: Report) -> None:
    param_type = common.get(resource.props, "type")
    if param_type == "SecureString":
        return
    name = common.get(resource.props, "name")
    if not isinstance(name, str) or not name:
        name = resource.name
    fix = "set type to SecureString (encrypted with KMS)"
    if is_secret_name(name) and name not in frozenset(common.as_list(config.raw("allowedNames"))):
        report(violation(resource, "", f"be a SecureString (its name '{name}' marks it as a secret)", fix))
        return
    for key in ("value", "insecureValue"):
        text = _known(resource.props, key)
        finding = value_finding(text) if isinstance(text, str) else None
        if finding is not None:
            report(violation(resource, "", f"be a SecureString (its value looks like {finding})", fix))
            return


POLICIES = [
    common.resource_policy(
        "ecs-no-plaintext-secrets",
        "Checks that ECS task definitions hold no secrets in plaintext: no environment variable with a "
        "secret-like name or a secret-looking value (AWS keys, provider API keys, URLs with passwords, "
        "private keys, JWTs) and no such value in command or entryPoint (Security Hub ECS.8).",
        TASKS,
        check_no_plaintext_secrets,
        enforcement_level=common.MANDATORY,
        config={
            "allowedNames": common.string_list(
                [],
                "Environment variable names exempt from the NAME check (their values are "
                "still checked), for names that look secret but are not.",
            )
        },
    ),
    common.resource_policy(
        "ecs-secrets-from-managed-stores",
        "Checks that container secrets (secrets, logConfiguration.secretOptions, repositoryCredentials) come "
        "from SSM Parameter Store or Secrets Manager ARNs.",
        TASKS,
        check_secrets_from_managed_stores,
        enforcement_level=common.MANDATORY,
        config={
            "allowParameterNames": common.flag(
                False,
                "Also accept a bare SSM parameter name as valueFrom (AWS resolves it in the "
                "task's region); by default a full ARN is required, which cannot be confused with a "
                "plaintext value.",
            )
        },
    ),
    common.resource_policy(
        "ssm-secret-parameters-secure",
        "Checks that SSM parameters whose name or value looks like a secret are SecureString parameters.",
        type_tokens.SSM_PARAMETER,
        check_ssm_secret_parameters,
        enforcement_level=common.MANDATORY,
        config={
            "allowedNames": common.string_list(
                [], "Parameter names exempt from the name check (their values are still checked)."
            )
        },
    ),
]
