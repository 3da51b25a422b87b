"""`secrets` of a container (generated, stack secrets, SSM, Secrets Manager, composed templates), and the rule
that plain `environment` carries no secret."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from config.base import ACCOUNT, IDENT_RE, PARTITION, REGION, ConfigModel, to_snake
from config.errors import Issue, raise_if, short_repr

STACK_KEY_RE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9_.-]*:)?[A-Za-z][A-Za-z0-9_-]*\Z")
SECRET_ARN_RE = re.compile(
    rf"^arn:{PARTITION}:secretsmanager:{REGION}:{ACCOUNT}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{{6}}\Z"
)
"""A complete secret ARN, with the 6 random characters Secrets Manager appends to the name: the execution
role is granted exactly this ARN, and IAM does not match a partial ARN against the secret's real one."""


SSM_ARN_RE = re.compile(rf"^arn:{PARTITION}:ssm:{REGION}:{ACCOUNT}:parameter/[A-Za-z0-9/_.-]+\Z")
SSM_NAME_RE = re.compile(r"^/?[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*\Z")
TEMPLATE_REF_RE = re.compile(r"\$\{([^{}]*)\}")
TEMPLATE_REF_BODY_RE = re.compile(
    r"^\s*(?:(?P<stack>stackSecret):(?P<key>[A-Za-z][A-Za-z0-9_.:-]*)|(?P<name>[A-Za-z][A-Za-z0-9_]*))"
    r"\s*(?:\|\s*(?P<filter>[A-Za-z0-9_]+)\s*)?\Z"
)


TEMPLATE_FILTERS: tuple[str, ...] = ("urlencode",)


SECRET_NAME_WORDS: tuple[str, ...] = (
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "accesskey",
    "credential",
    "dsn",
)
"""Environment variable names containing one of these (ignoring case, `_`, `-` and spaces) must be secrets."""


SECRET_VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a URL with a password", re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")),
    # 40 base64 characters mixing upper case, lower case and digits (a 40-hex git SHA is not one).
    (
        "an AWS secret access key",
        re.compile(
            r"(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[0-9])"
            r"[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
        ),
    ),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("a Slack token", re.compile(r"\bxox[abpr]-[A-Za-z0-9-]{10,}")),
    ("a JSON web token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.")),
)


def secret_name_word(name: str) -> str | None:
    """The secret-looking word in an environment variable name, if any (`DB_PASSWORD` → `password`)."""
    squashed = re.sub(r"[\s_-]", "", name).lower()
    for word in SECRET_NAME_WORDS:
        if word in squashed:
            return word
    return None


def secret_value_kind(value: str) -> str | None:
    """What a plaintext value looks like if it looks like a credential ("an AWS access key id"), or None."""
    for kind, pattern in SECRET_VALUE_PATTERNS:
        if pattern.search(value):
            return kind
    return None


def check_environment(environment: Mapping[str, str]) -> list[Issue]:
    """Plain environment variables must not carry secrets (by name or by value). Values are never echoed."""
    issues: list[Issue] = []
    fix = "move it to secrets (e.g. {ssmParameter: …} or {stackSecret: …})"
    for env, value in environment.items():
        word = secret_name_word(env)
        kind = secret_value_kind(value)
        if word:
            issues.append(((env,), f"name contains {short_repr(word)}, so it looks like a secret; {fix}"))
        elif kind:
            issues.append(((env,), f"value looks like {kind}; {fix}"))
    return issues


@dataclass(frozen=True)
class TemplateRef:
    """One `${…}` reference of a composed secret."""

    text: str  # the reference as written, e.g. "${dbPassword|urlencode}"
    kind: Literal["generate", "stackSecret"]
    name: str  # generated secret name, or stack config key
    filter: str | None  # "urlencode" or None


def parse_template(template: str) -> tuple[list[TemplateRef], list[str]]:
    """The references of a composed secret and the problems with its syntax."""
    refs: list[TemplateRef] = []
    problems: list[str] = []
    for match in TEMPLATE_REF_RE.finditer(template):
        body = TEMPLATE_REF_BODY_RE.match(match.group(1))
        if body is None:
            problems.append(
                f"{match.group(0)} is not a reference; use ${{name}} for a generated secret or "
                f"${{stackSecret:key}}, optionally with |urlencode"
            )
            continue
        filt = body.group("filter")
        if filt is not None and filt not in TEMPLATE_FILTERS:
            problems.append(
                f"{match.group(0)} uses unknown filter {short_repr(filt)}; use |urlencode or no filter"
            )
            continue
        if body.group("stack"):
            refs.append(TemplateRef(match.group(0), "stackSecret", body.group("key"), filt))
        else:
            refs.append(TemplateRef(match.group(0), "generate", body.group("name"), filt))
    rest = TEMPLATE_REF_RE.sub("", template)
    if "${" in rest:
        problems.append("has an unclosed '${'; close each reference with '}'")
    return refs, problems


def render_template(template: str, values: Mapping[tuple[str, str], str]) -> str:
    """Compose a secret value: `values[(kind, name)]` is the plain value of each referenced secret.

    Components call this inside `Output.apply` (so the result stays a Pulumi secret)."""

    def substitute(match: re.Match[str]) -> str:
        body = TEMPLATE_REF_BODY_RE.match(match.group(1))
        if body is None:  # rejected by validation; defensive
            raise KeyError(match.group(0))
        kind = "stackSecret" if body.group("stack") else "generate"
        name = body.group("key") if body.group("stack") else body.group("name")
        value = values[(kind, name)]
        if body.group("filter") == "urlencode":
            return urllib.parse.quote(value, safe="")
        return value

    return TEMPLATE_REF_RE.sub(substitute, template)


SECRET_KINDS: tuple[str, ...] = ("generate", "stackSecret", "ssmParameter", "secretsManager", "template")


class SecretSource(ConfigModel):
    """Where a container secret comes from: exactly one of generate, stackSecret, ssmParameter,
    secretsManager, template. Every kind reaches the container through its `secrets` field (an SSM or
    Secrets Manager ARN)."""

    generate: str | None = Field(
        default=None,
        description="Name of a random password generated for this service and stored as an SSM "
        "SecureString; the same name within a service is the same value.",
    )
    length: int | None = Field(
        default=None, ge=16, le=128, description="Length of a generated password (default 32)."
    )
    stack_secret: str | None = Field(
        default=None,
        description="Stack config key set with `pulumi config set --secret <key>` (stored as a "
        "SecureString).",
    )
    ssm_parameter: str | None = Field(
        default=None, description="Existing SSM parameter: name (/app/key) or ARN."
    )
    secrets_manager: str | None = Field(
        default=None,
        description="Existing Secrets Manager secret: its complete ARN (name + `-` + 6 characters).",
    )
    json_key: str | None = Field(default=None, description="Key inside a JSON Secrets Manager secret.")
    template: str | None = Field(
        default=None,
        description="Composed value referencing ${generatedName} or ${stackSecret:key}, optionally "
        "|urlencode; stored as a SecureString.",
    )

    @model_validator(mode="after")
    def _rules(self) -> SecretSource:
        raise_if(check_secret_source(self))
        return self

    @property
    def kind(self) -> Literal["generate", "stackSecret", "ssmParameter", "secretsManager", "template"]:
        if self.generate is not None:
            return "generate"
        if self.stack_secret is not None:
            return "stackSecret"
        if self.ssm_parameter is not None:
            return "ssmParameter"
        if self.secrets_manager is not None:
            return "secretsManager"
        return "template"

    @property
    def effective_length(self) -> int:
        """Length of a generated password."""
        return self.length or 32

    @property
    def template_refs(self) -> list[TemplateRef]:
        return parse_template(self.template)[0] if self.template is not None else []


def check_secret_source(src: SecretSource) -> list[Issue]:
    kinds = [k for k in SECRET_KINDS if getattr(src, to_snake(k)) is not None]
    if len(kinds) != 1:
        given = ", ".join(kinds) if kinds else "none"
        return [((), f"needs exactly one of {', '.join(SECRET_KINDS)} (given: {given}); keep one")]
    issues: list[Issue] = []
    if src.length is not None and src.generate is None:
        issues.append((("length",), "applies only to generate; remove length"))
    if src.json_key is not None and src.secrets_manager is None:
        issues.append((("jsonKey",), "applies only to secretsManager; remove jsonKey"))
    if src.generate is not None and not IDENT_RE.match(src.generate):
        issues.append(
            (
                ("generate",),
                f"{short_repr(src.generate)} is not a name; use letters and digits, e.g. dbPassword",
            )
        )
    if src.stack_secret is not None and not STACK_KEY_RE.match(src.stack_secret):
        issues.append(
            (
                ("stackSecret",),
                f"{short_repr(src.stack_secret)} is not a config key; use e.g. djangoSecretKey",
            )
        )
    if src.ssm_parameter is not None and not (
        SSM_ARN_RE.match(src.ssm_parameter) or SSM_NAME_RE.match(src.ssm_parameter)
    ):
        issues.append(
            (
                ("ssmParameter",),
                f"{short_repr(src.ssm_parameter)} is not an SSM parameter name or ARN; use e.g. "
                "/app/prod/api-key",
            )
        )
    if src.secrets_manager is not None and not SECRET_ARN_RE.match(src.secrets_manager):
        issues.append(
            (
                ("secretsManager",),
                f"{short_repr(src.secrets_manager)} is not a complete Secrets Manager ARN; use "
                "arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters> as the console "
                "shows it",
            )
        )
    if src.json_key is not None and not re.match(r"^[A-Za-z0-9_.-]{1,256}\Z", src.json_key):
        issues.append(
            (("jsonKey",), f"{short_repr(src.json_key)} is not a JSON key; use the top-level key's name")
        )
    if src.template is not None:
        refs, problems = parse_template(src.template)
        issues.extend((("template",), p) for p in problems)
        if not refs and not problems:
            issues.append(
                (
                    ("template",),
                    "references no secret, so it is plain text; use ${name} references, "
                    "or move the value to environment",
                )
            )
    return issues
