"""Secrets of one service: values the program owns become SSM SecureString parameters; containers get
only `valueFrom` ARNs (the container `secrets` field), never a value.

Stored secrets (one SSM parameter each, keyed by a name shared by all containers of the service):
- GeneratedSecret: a random password (pulumi_random.RandomPassword);
- StackSecret: a value from `pulumi config set --secret`;
- ComposedSecret: a template over other stored secrets, e.g. seed 000's
  `postgresql://app:{dbPassword}@localhost:5432/app` with the password URL-encoded.
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

PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.-]+)\}")


@dataclass(frozen=True)
class GeneratedSecret:
    length: int = 32
    special: bool = True


@dataclass(frozen=True)
class StackSecret:
    value: pulumi.Input[str]


@dataclass(frozen=True)
class ComposedSecret:
    template: str
    url_encode: bool = True


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


def template_keys(template: str) -> list[str]:
    """The stored-secret keys a composed template refers to, in order of first use."""
    return list(dict.fromkeys(PLACEHOLDER.findall(template)))


def compose(template: str, values: Mapping[str, str], url_encode: bool) -> str:
    """Fill `{key}` placeholders; each value URL-encoded (every reserved character) when asked."""

    def fill(match: re.Match[str]) -> str:
        value = values[match.group(1)]
        return urllib.parse.quote(value, safe="") if url_encode else value

    return PLACEHOLDER.sub(fill, template)


def check_stored_secrets(stored: Mapping[str, StoredSecret]) -> None:
    """Composed secrets may refer only to generated or stack secrets of the same service."""
    for key, secret in stored.items():
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", key):
            raise ValueError(f"Secret key `{key}` may contain only letters, digits, `_`, `.` and `-`.")
        if isinstance(secret, ComposedSecret):
            refs = template_keys(secret.template)
            if not refs:
                raise ValueError(f"Composed secret `{key}` refers to no secret: use `{{key}}` placeholders.")
            for ref in refs:
                target = stored.get(ref)
                if target is None or isinstance(target, ComposedSecret):
                    raise ValueError(
                        f"Composed secret `{key}` refers to `{ref}`, which is not a generated or stack "
                        "secret of this service."
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
            refs = template_keys(secret.template)
            template, url_encode = secret.template, secret.url_encode
            values[key] = pulumi.Output.secret(
                pulumi.Output.all(*(values[r] for r in refs)).apply(
                    lambda resolved, refs=refs, template=template, url_encode=url_encode: compose(
                        template, dict(zip(refs, resolved, strict=True)), url_encode
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
