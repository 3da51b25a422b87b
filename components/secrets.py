"""Secrets of one service: values the program owns become SSM SecureString parameters; containers get
only `valueFrom` ARNs (the container `secrets` field), never a value.

Stored secrets (one SSM parameter each, keyed by a name shared by all containers of the service):
- GeneratedSecret: a random password (pulumi_random.RandomPassword);
- StackSecret: a value from `pulumi config set --secret`;
- ComposedSecret: a template over other stored secrets, e.g. seed 000's
  `postgresql://app:${dbPassword|urlencode}@localhost:5432/app`; each placeholder names the stored secret
  it stands for and whether its value is URL-encoded.
References to secrets that exist elsewhere: SsmParameterRef (name or ARN), SecretsManagerRef (ARN with an
optional JSON key). Each yields the ARN the execution role may read, and its KMS key when customer-managed.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

KEY = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class GeneratedSecret:
    length: int = 32
    special: bool = True


@dataclass(frozen=True)
class StackSecret:
    value: pulumi.Input[str]


@dataclass(frozen=True)
class Placeholder:
    key: str  # the stored (generated or stack) secret it stands for
    url_encode: bool = False


@dataclass(frozen=True)
class ComposedSecret:
    """`template` with each placeholder text (e.g. `${dbPassword|urlencode}`) replaced by a secret's value."""

    template: str
    placeholders: Mapping[str, Placeholder]


StoredSecret = GeneratedSecret | StackSecret | ComposedSecret


@dataclass(frozen=True)
class StoredRef:
    """A stored secret of this service, by key."""

    key: str


@dataclass(frozen=True)
class SsmParameterRef:
    """An existing SSM parameter: a name (`/app/prod/api-key`) or a full ARN."""

    parameter: str
    kms_key_arn: str | None = None


@dataclass(frozen=True)
class SecretsManagerRef:
    """An existing Secrets Manager secret (full ARN), optionally one JSON key of it."""

    arn: str
    json_key: str | None = None
    kms_key_arn: str | None = None


SecretRef = StoredRef | SsmParameterRef | SecretsManagerRef


def compose(template: str, placeholders: Mapping[str, Placeholder], values: Mapping[str, str]) -> str:
    """Replace every placeholder text in one pass (a value is never scanned again for placeholders)."""
    if not placeholders:
        return template
    pattern = re.compile("|".join(re.escape(text) for text in sorted(placeholders, key=len, reverse=True)))

    def fill(match: re.Match[str]) -> str:
        placeholder = placeholders[match.group(0)]
        value = values[placeholder.key]
        return urllib.parse.quote(value, safe="") if placeholder.url_encode else value

    return pattern.sub(fill, template)


def check_stored_secrets(stored: Mapping[str, StoredSecret]) -> None:
    """Keys are SSM-name-safe; composed secrets refer only to generated or stack secrets of the service."""
    for key, secret in stored.items():
        if not KEY.match(key):
            raise ValueError(f"Secret key `{key}` may contain only letters, digits, `_`, `.` and `-`.")
        if isinstance(secret, ComposedSecret):
            if not secret.placeholders:
                raise ValueError(f"Composed secret `{key}` has no placeholders: it would be plain text.")
            for text, placeholder in secret.placeholders.items():
                if text not in secret.template:
                    raise ValueError(f"Composed secret `{key}`: placeholder {text} is not in its template.")
                target = stored.get(placeholder.key)
                if target is None or isinstance(target, ComposedSecret):
                    raise ValueError(
                        f"Composed secret `{key}` refers to `{placeholder.key}`, which is not a generated or "
                        "stack secret of this service."
                    )


def ssm_parameter_arn(parameter: str, *, region: str, account_id: str, partition: str = "aws") -> str:
    """The ARN of an SSM parameter given by name or ARN (names without a leading `/` get one in the ARN)."""
    if parameter.startswith("arn:"):
        return parameter
    path = parameter if parameter.startswith("/") else f"/{parameter}"
    return f"arn:{partition}:ssm:{region}:{account_id}:parameter{path}"


def secrets_manager_value_from(ref: SecretsManagerRef) -> str:
    """ECS `valueFrom` for a secret or one JSON key of it (`arn:json-key:version-stage:version-id`)."""
    return f"{ref.arn}:{ref.json_key}::" if ref.json_key else ref.arn


def create_parameters(
    name: str,
    *,
    stored: Mapping[str, StoredSecret],
    parameter_prefix: str,
    kms_key_arn: str | None,
    parent: pulumi.Resource,
    tags: Mapping[str, pulumi.Input[str]],
) -> dict[str, aws.ssm.Parameter]:
    """One SecureString parameter per stored secret, named `<parameter_prefix>/<key>`."""
    check_stored_secrets(stored)
    child = pulumi.ResourceOptions(parent=parent)
    values: dict[str, pulumi.Output[str]] = {}
    for key, secret in stored.items():
        if isinstance(secret, GeneratedSecret):
            password = random.RandomPassword(
                f"{name}-{key}",
                length=secret.length,
                special=secret.special,
                override_special="!#%*()-_=+[]{}<>:?@" if secret.special else None,
                opts=child,
            )
            values[key] = password.result
        elif isinstance(secret, StackSecret):
            values[key] = pulumi.Output.secret(secret.value)
    for key, secret in stored.items():
        if isinstance(secret, ComposedSecret):
            refs = sorted({p.key for p in secret.placeholders.values()})
            values[key] = pulumi.Output.secret(
                pulumi.Output.all(*(values[r] for r in refs)).apply(
                    lambda resolved, refs=refs, secret=secret: compose(
                        secret.template, secret.placeholders, dict(zip(refs, resolved, strict=True))
                    )
                )
            )
    return {
        key: aws.ssm.Parameter(
            f"{name}-{key}",
            name=f"{parameter_prefix.rstrip('/')}/{key}",
            type="SecureString",
            value=pulumi.Output.secret(values[key]),
            key_id=kms_key_arn,
            description=f"{key} of {name} (managed by fargate-platform)",
            tags=dict(tags),
            opts=child,
        )
        for key in stored
    }
