"""Stack configuration of fargate-platform: pydantic models, validation and the one place defaults live.

`__main__.py` calls `read_stack_config()` (every `fargate-platform:*` key of the Pulumi stack config) before it
registers any resource; tests call `load_config(raw)` with already-parsed values. Both raise `ConfigError`,
whose `problems` hold one line per problem: `<key.path>: <what is wrong>; <fix>`.

Keys are camelCase in YAML (field aliases); Python code uses the snake_case attribute names. Unknown keys are
errors at every level (`extra="forbid"`). Cross-field rules are plain functions (`check_*`) returning
`(path, message)` pairs, called by the models' `model_validator(mode="after")` and directly by the tests.
The reference of every key is docs/config.md.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import re
import types
import typing
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

# --------------------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------------------

PathPart = str | int
Path = tuple[PathPart, ...]
Issue = tuple[Path, str]
"""A problem found by a `check_*` function: the key path relative to the checked model, and
`<what is wrong>; <fix>`."""


class ConfigError(Exception):
    """An invalid stack config: `problems` has one line per problem, `<key.path>: <what is wrong>; <fix>`."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: list[str] = list(problems)
        super().__init__("\n".join(self.problems))

    def __str__(self) -> str:
        return "\n".join(self.problems)


class ConfigProblems(ValueError):
    """Raised inside validators: carries relative paths so the translation can name the exact key."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues: list[Issue] = list(issues)
        super().__init__("; ".join(f"{format_path(p)}: {m}" for p, m in self.issues))


def format_path(path: Iterable[PathPart]) -> str:
    """`("services", "backend", "command", 0)` → `services.backend.command[0]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _PLAIN_KEY_RE.match(str(part)):
            out += f"[{json.dumps(str(part))}]"  # keys with spaces, dots, newlines…: quoted, on one line
        else:
            out += f".{part}" if out else str(part)
    return out


_PLAIN_KEY_RE = re.compile(r"^[^\s.\[\]\"\x00-\x1f\x7f]+$")


def _raise_if(issues: Sequence[Issue]) -> None:
    if issues:
        raise ConfigProblems(issues)


def _fail(message: str) -> ConfigProblems:
    return ConfigProblems([((), message)])


# --------------------------------------------------------------------------------------------------------------
# Constants (AWS facts and platform limits)
# --------------------------------------------------------------------------------------------------------------

PROJECT = "fargate-platform"

NAME_MAX_LENGTH = 20
"""Service, sidecar and volume names. Components name children `<service>-tg`, `<service>-sg`, …; Pulumi
appends `-` + 7 random characters, and ALB / target-group names are limited to 32 characters:
20 + len("-tg") + 8 = 31 ≤ 32, leaving room for a one-character longer suffix."""

FARGATE_CPU_MEMORY: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}
"""Valid Fargate (Linux) task sizes: cpu units → memory MiB (reference/policy-rules.md)."""

LOG_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653
)
"""Values CloudWatch Logs accepts for `retentionInDays`."""

TLS_POLICIES: tuple[str, ...] = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
)
"""The ALB TLS 1.3 policy family Security Hub ELB.17 recommends."""

DEFAULT_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"

DOCKER_DEFAULT_CAPABILITIES: tuple[str, ...] = (
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
    "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"
)
"""Capabilities a container gets from Docker by default. Fargate only accepts `SYS_PTRACE` in
`linuxParameters.capabilities.add`, so keeping one of these is expressed by *not dropping* it."""

ALLOWED_ADD_CAPABILITIES: tuple[str, ...] = (
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE", "SETFCAP",
    "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"
)
"""Capabilities `hardening.addCapabilities` may keep (harmless defaults of Docker)."""

DANGEROUS_CAPABILITIES: tuple[str, ...] = (
    "ALL", "AUDIT_CONTROL", "BLOCK_SUSPEND", "DAC_READ_SEARCH", "IPC_LOCK", "IPC_OWNER", "LEASE",
    "LINUX_IMMUTABLE", "MAC_ADMIN", "MAC_OVERRIDE", "MKNOD", "NET_ADMIN", "NET_BROADCAST", "NET_RAW",
    "SYS_ADMIN", "SYS_BOOT", "SYS_MODULE", "SYS_NICE", "SYS_PACCT", "SYS_PTRACE", "SYS_RAWIO",
    "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "SYSLOG", "WAKE_ALARM"
)
"""Capabilities rejected in `addCapabilities` (they widen the kernel attack surface)."""

ALL_CAPABILITIES: tuple[str, ...] = tuple(sorted({*ALLOWED_ADD_CAPABILITIES, *DANGEROUS_CAPABILITIES}))

ENVIRONMENT_DEFAULTS: dict[str, dict[str, dict[str, Any]]] = {
    "dev": {
        "cluster": {"containerInsights": "disabled", "capacity": "spot"},
        "logs": {"retentionDays": 7},
        "loadBalancer": {"deletionProtection": False},
    },
    "staging": {
        "cluster": {"containerInsights": "disabled", "capacity": "spot"},
        "logs": {"retentionDays": 14},
        "loadBalancer": {"deletionProtection": False},
    },
    "prod": {
        "cluster": {"containerInsights": "enabled", "capacity": "onDemand"},
        "logs": {"retentionDays": 30},
        "loadBalancer": {"deletionProtection": True},
    },
}
"""Defaults that depend on `environment` (cheap in dev/staging, resilient in prod). They fill keys the stack
config leaves out; a key set in the stack config always wins. Model field defaults equal the prod values."""

# --------------------------------------------------------------------------------------------------------------
# Small value checks (plain functions: tests call them directly)
# --------------------------------------------------------------------------------------------------------------

_LABEL_RE = re.compile(r"^[a-z]([a-z0-9-]*[a-z0-9])?$")
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IDENT_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_STACK_KEY_RE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9_.-]*:)?[A-Za-z][A-Za-z0-9_-]*$")
_DNS_NAME_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$"
)
_ACCOUNT = r"\d{12}"
_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d"
_PARTITION = r"aws(?:-cn|-us-gov)?"
_CERT_ARN_RE = re.compile(rf"^arn:{_PARTITION}:acm:{_REGION}:{_ACCOUNT}:certificate/[A-Za-z0-9-]+$")
_SECRET_ARN_RE = re.compile(
    rf"^arn:{_PARTITION}:secretsmanager:{_REGION}:{_ACCOUNT}:secret:[A-Za-z0-9/_+=.@-]+$"
)
_SSM_ARN_RE = re.compile(rf"^arn:{_PARTITION}:ssm:{_REGION}:{_ACCOUNT}:parameter/[A-Za-z0-9/_.-]+$")
_SSM_NAME_RE = re.compile(r"^/?[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*$")
_S3_ARN_RE = re.compile(
    rf"^arn:{_PARTITION}:s3:::[a-z0-9][a-z0-9.-]{{1,61}}[a-z0-9](?:/[A-Za-z0-9!_.()/'-]*)?$"
)
_DYNAMODB_ARN_RE = re.compile(
    rf"^arn:{_PARTITION}:dynamodb:{_REGION}:{_ACCOUNT}:table/[A-Za-z0-9_.-]{{3,255}}$"
)
_SQS_ARN_RE = re.compile(rf"^arn:{_PARTITION}:sqs:{_REGION}:{_ACCOUNT}:[A-Za-z0-9_-]{{1,80}}(?:\.fifo)?$")
_S3_BUCKET_RE = re.compile(r"^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_ECR_REPO_RE = re.compile(r"^(?=.{2,256}$)[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$")
_IMAGE_RE = re.compile(
    r"^(?:(?P<registry>[a-zA-Z0-9.-]+(?::\d+)?)/)?"
    r"(?P<path>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
    r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?"
    r"(?:@(?P<digest>sha256:[a-f0-9]{64}))?$"
)
_ECR_URI_RE = re.compile(rf"^{_ACCOUNT}\.dkr\.ecr\.{_REGION}\.amazonaws\.com(?:\.cn)?/")
_DOCKER_TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_PATH_PATTERN_RE = re.compile(r"^/[A-Za-z0-9_\-.$/~\"'@:+&*?]{0,127}$")
_HOST_PATTERN_RE = re.compile(r"^[A-Za-z0-9*?.-]{1,128}$")
_MATCHER_RE = re.compile(r"^\d{3}(?:-\d{3})?(?:,\d{3}(?:-\d{3})?)*$")
_USER_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?$")
_TEMPLATE_REF_RE = re.compile(r"\$\{([^{}]*)\}")
_TEMPLATE_REF_BODY_RE = re.compile(
    r"^\s*(?:(?P<stack>stackSecret):(?P<key>[A-Za-z][A-Za-z0-9_.:-]*)|(?P<name>[A-Za-z][A-Za-z0-9_]*))"
    r"\s*(?:\|\s*(?P<filter>[A-Za-z0-9_]+)\s*)?$"
)
TEMPLATE_FILTERS: tuple[str, ...] = ("urlencode",)

SECRET_NAME_WORDS: tuple[str, ...] = (
    "password", "passwd", "secret", "token", "apikey", "privatekey", "accesskey", "credential", "dsn"
)
"""Environment variable names containing one of these (ignoring case, `_`, `-` and spaces) must be secrets."""

_SECRET_VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a URL with a password", re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")),
    ("an AWS secret access key", re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")),
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
    """What a plaintext value looks like if it looks like a credential (`"an AWS access key id"`), else None."""
    for kind, pattern in _SECRET_VALUE_PATTERNS:
        if pattern.search(value):
            return kind
    return None


def check_label(name: str, what: str = "name") -> str | None:
    """A short lowercase DNS label (service, sidecar and volume names): message or None."""
    if len(name) > NAME_MAX_LENGTH:
        return (
            f"{what} {name!r} is {len(name)} characters, longer than {NAME_MAX_LENGTH}; shorten it (derived AWS "
            f"names such as the target group '<name>-tg-xxxxxxx' must fit in 32 characters)"
        )
    if not _LABEL_RE.match(name):
        return (
            f"{what} {name!r} is not a lowercase DNS label; use lowercase letters, digits and '-', starting "
            f"with a letter and not ending with '-' (e.g. 'backend')"
        )
    return None


def fargate_memory_problem(cpu: int, memory: int) -> str | None:
    """`None` if (cpu, memory) is a valid Fargate size, else the message for the `memory` key."""
    valid = FARGATE_CPU_MEMORY.get(cpu)
    if valid is None or memory in valid:
        return None
    return f"{memory} is not valid with cpu {cpu}; valid: {_describe_values(valid)}"


def _describe_values(values: Sequence[int]) -> str:
    if len(values) <= 4:
        return ", ".join(str(v) for v in values)
    step = values[1] - values[0]
    return f"{values[0]} to {values[-1]} in steps of {step}"


def image_is_pinned(uri: str) -> bool:
    """True for an image reference with a digest or an explicit tag other than `latest`."""
    match = _IMAGE_RE.match(uri)
    if match is None:
        return False
    if match.group("digest"):
        return True
    tag = match.group("tag")
    return tag is not None and tag != "latest"


def _check_absolute_path(path: str) -> str | None:
    if not path.startswith("/") or path == "/" or "//" in path or "/../" in f"{path}/" or len(path) > 4096:
        return f"{path!r} is not an absolute path below /; use a path such as /tmp or /mnt/efs"
    return None


# --------------------------------------------------------------------------------------------------------------
# Annotated key types (dict keys are checked per key: the problem names the key)
# --------------------------------------------------------------------------------------------------------------


def _label_key(what: str) -> Callable[[str], str]:
    def check(name: str) -> str:
        message = check_label(name, what)
        if message:
            raise _fail(message)
        return name

    return check


def _env_name(name: str) -> str:
    if not _ENV_NAME_RE.match(name) or len(name) > 255:
        raise _fail(
            f"{name!r} is not a valid environment variable name; use letters, digits and '_', not starting "
            f"with a digit"
        )
    return name


def _tag_key(key: str) -> str:
    if not 1 <= len(key) <= 128 or key.lower().startswith("aws:"):
        raise _fail(f"tag key {key!r} must be 1–128 characters and not start with 'aws:'; rename the tag")
    return key


ServiceName = Annotated[str, AfterValidator(_label_key("service name"))]
ContainerName = Annotated[str, AfterValidator(_label_key("sidecar name"))]
VolumeName = Annotated[str, AfterValidator(_label_key("volume name"))]
EnvName = Annotated[str, AfterValidator(_env_name)]
TagKey = Annotated[str, AfterValidator(_tag_key)]


def _tag_value(value: str) -> str:
    if len(value) > 256:
        raise _fail(f"tag value is {len(value)} characters; shorten it to at most 256")
    return value


TagValue = Annotated[str, AfterValidator(_tag_value)]
Tags = dict[TagKey, TagValue]


def _scalar_to_str(value: Any) -> Any:
    """YAML gives `true`/`8000`/`1.5` for unquoted scalars; containers receive strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


# --------------------------------------------------------------------------------------------------------------
# Base model
# --------------------------------------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        alias_generator=to_camel,
        frozen=True,
    )

    def explicitly_set(self, field: str) -> bool:
        """True when the stack config set this key (as opposed to taking the default)."""
        return field in self.model_fields_set


# --------------------------------------------------------------------------------------------------------------
# Network
# --------------------------------------------------------------------------------------------------------------


class NetworkConfig(_Model):
    """A new VPC built with awsx.ec2.Vpc, or an existing VPC given by id and subnet ids."""

    nat_gateways: Literal["none", "single", "perAz"] = Field(
        default="single",
        description="NAT gateways of a new VPC: none (tasks must run in public subnets), single (one shared, "
        "cheapest with private subnets) or perAz (one per AZ, survives an AZ outage).",
    )
    az_count: int = Field(
        default=2, ge=2, le=6, description="Availability zones of a new VPC (the ALB needs ≥ 2)."
    )
    cidr: str = Field(
        default="10.0.0.0/16", description="IPv4 CIDR of a new VPC, a private range from /16 to /24."
    )
    task_subnets: Literal["private", "public"] = Field(
        default="private",
        description="Where tasks run: private (no public IP, egress through NAT) or public (tasks get a public "
        "IP; they still accept traffic only from the ALB and peer tasks).",
    )
    vpc_id: str | None = Field(
        default=None, description="Use this existing VPC instead of creating one (vpc-…)."
    )
    public_subnet_ids: list[str] = Field(
        default_factory=list,
        description="Existing VPC: public subnets for the ALB (≥ 2 AZs) and public tasks.",
    )
    private_subnet_ids: list[str] = Field(
        default_factory=list,
        description="Existing VPC: private subnets for tasks when taskSubnets is private.",
    )

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        try:
            net = ipaddress.IPv4Network(value, strict=True)
        except ValueError:
            raise _fail(f"{value!r} is not an IPv4 network in CIDR form; use e.g. 10.0.0.0/16") from None
        if not 16 <= net.prefixlen <= 24 or not net.is_private:
            raise _fail(f"{value} must be a private range from /16 to /24; use e.g. 10.0.0.0/16")
        return value

    @field_validator("vpc_id")
    @classmethod
    def _vpc_id(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^vpc-[0-9a-f]{8,17}$", value):
            raise _fail(
                f"{value!r} is not a VPC id; use the id of an existing VPC such as vpc-0123456789abcdef0"
            )
        return value

    @field_validator("public_subnet_ids", "private_subnet_ids")
    @classmethod
    def _subnets(cls, value: list[str]) -> list[str]:
        bad = [s for s in value if not re.match(r"^subnet-[0-9a-f]{8,17}$", s)]
        if bad:
            raise _fail(f"{bad[0]!r} is not a subnet id; use ids such as subnet-0123456789abcdef0")
        if len(set(value)) != len(value):
            raise _fail("lists a subnet twice; list each subnet once")
        return value

    @model_validator(mode="after")
    def _rules(self) -> NetworkConfig:
        _raise_if(check_network(self))
        return self

    @property
    def is_existing_vpc(self) -> bool:
        """True when the stack uses an existing VPC (`vpcId`)."""
        return self.vpc_id is not None

    @property
    def assign_public_ip(self) -> bool:
        """Tasks get a public IP exactly when they run in public subnets."""
        return self.task_subnets == "public"


def check_network(net: NetworkConfig) -> list[Issue]:
    """Rules within `network` (new vs existing VPC, NAT vs subnets)."""
    issues: list[Issue] = []
    if net.is_existing_vpc:
        for field in ("nat_gateways", "az_count", "cidr"):
            if net.explicitly_set(field):
                key = to_camel(field)
                issues.append(
                    ((key,), f"applies only to a new VPC, but vpcId is set; remove {key} or remove vpcId")
                )
        if net.task_subnets == "private" and not net.private_subnet_ids:
            issues.append(
                (
                    ("privateSubnetIds",),
                    "is required when vpcId is set and taskSubnets is private; list the "
                    "VPC's private subnet ids, or set taskSubnets: public",
                )
            )
    else:
        for field in ("public_subnet_ids", "private_subnet_ids"):
            if getattr(net, field):
                key = to_camel(field)
                issues.append(((key,), f"applies only to an existing VPC; set vpcId, or remove {key}"))
        if net.task_subnets == "private" and net.nat_gateways == "none":
            issues.append(
                (
                    ("natGateways",),
                    "none leaves tasks in private subnets with no route to pull images or reach "
                    "AWS APIs; set natGateways: single (or perAz), or taskSubnets: public",
                )
            )
        if net.task_subnets == "public" and net.nat_gateways != "none":
            issues.append(
                (
                    ("natGateways",),
                    f"{net.nat_gateways} pays for NAT gateways nothing uses when taskSubnets is "
                    "public; set natGateways: none, or taskSubnets: private",
                )
            )
    return issues


# --------------------------------------------------------------------------------------------------------------
# Cluster
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapacityProviderItem:
    """One entry of an ECS capacity provider strategy."""

    capacity_provider: Literal["FARGATE", "FARGATE_SPOT"]
    base: int
    weight: int


class CapacityConfig(_Model):
    """The capacity provider strategy. YAML accepts `spot`, `onDemand` or `{base, onDemandWeight, spotWeight}`."""

    base: int = Field(
        default=0, ge=0, le=100000, description="Tasks that always run on on-demand Fargate first."
    )
    on_demand_weight: int = Field(
        default=1, ge=0, le=1000, description="Relative share of tasks on on-demand Fargate."
    )
    spot_weight: int = Field(default=0, ge=0, le=1000, description="Relative share of tasks on Fargate Spot.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            if data == "spot":
                return {"base": 0, "onDemandWeight": 0, "spotWeight": 1}
            if data == "onDemand":
                return {"base": 0, "onDemandWeight": 1, "spotWeight": 0}
            raise _fail(
                f"{data!r} is not a capacity; use spot, onDemand or {{base, onDemandWeight, spotWeight}}"
            )
        return data

    @model_validator(mode="after")
    def _rules(self) -> CapacityConfig:
        if self.on_demand_weight == 0 and self.spot_weight == 0:
            raise _fail("onDemandWeight and spotWeight are both 0; give at least one a weight ≥ 1")
        return self

    @property
    def uses_spot(self) -> bool:
        return self.spot_weight > 0

    @property
    def uses_on_demand(self) -> bool:
        return self.on_demand_weight > 0 or self.base > 0

    @property
    def strategy(self) -> list[CapacityProviderItem]:
        """The effective capacity provider strategy (base on on-demand FARGATE)."""
        items: list[CapacityProviderItem] = []
        if self.uses_on_demand:
            items.append(CapacityProviderItem("FARGATE", self.base, self.on_demand_weight))
        if self.uses_spot:
            items.append(CapacityProviderItem("FARGATE_SPOT", 0, self.spot_weight))
        return items


class ClusterConfig(_Model):
    """The ECS cluster, its capacity providers, Container Insights, Cloud Map namespace and ECS Exec logging."""

    container_insights: Literal["disabled", "enabled", "enhanced"] = Field(
        default="enabled",
        description="Container Insights: disabled, enabled (classic) or enhanced. Default: disabled in dev and "
        "staging, enabled in prod.",
    )
    capacity: CapacityConfig = Field(
        default_factory=CapacityConfig,
        description="spot, onDemand, or {base, onDemandWeight, spotWeight}. Default: spot in dev and staging, "
        "onDemand in prod.",
    )
    namespace: str | None = Field(
        default=None,
        description="Cloud Map private DNS namespace (e.g. dev.local) for services with discovery.",
    )
    exec_logging: Literal["cloudWatch", "default", "none"] = Field(
        default="cloudWatch",
        description="Where ECS Exec sessions are logged: cloudWatch (a dedicated log group), default (the "
        "awslogs settings of the task) or none. Only matters when a service sets exec: true.",
    )

    @field_validator("namespace")
    @classmethod
    def _namespace(cls, value: str | None) -> str | None:
        if value is not None and not _DNS_NAME_RE.match(value):
            raise _fail(f"{value!r} is not a DNS name; use a private domain such as dev.local")
        return value


# --------------------------------------------------------------------------------------------------------------
# Load balancer and logs
# --------------------------------------------------------------------------------------------------------------


class AccessLogsConfig(_Model):
    """ALB access logs written to an existing S3 bucket."""

    bucket: str = Field(description="Name of an existing S3 bucket that allows ELB log delivery.")
    prefix: str = Field(default="", description="Key prefix of the log objects (no leading or trailing '/').")

    @field_validator("bucket")
    @classmethod
    def _bucket(cls, value: str) -> str:
        if not _S3_BUCKET_RE.match(value):
            raise _fail(f"{value!r} is not an S3 bucket name; use the bucket's name, not its ARN or URL")
        return value

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if value.startswith("/") or value.endswith("/") or "AWSLogs" in value or len(value) > 200:
            raise _fail(f"{value!r} is not a usable prefix; drop leading/trailing '/' and 'AWSLogs'")
        return value


class LoadBalancerConfig(_Model):
    """The shared Application Load Balancer (created when at least one service has a route)."""

    certificate_arn: str | None = Field(
        default=None,
        description="ACM certificate ARN. Set: HTTPS listener on 443 + HTTP→HTTPS redirect on 80. "
        "Unset: HTTP listener on 80 only.",
    )
    ssl_policy: str = Field(
        default=DEFAULT_TLS_POLICY, description="TLS policy of the HTTPS listener (TLS 1.3 family)."
    )
    deregistration_delay: int = Field(
        default=30, ge=0, le=3600, description="Seconds the ALB drains a target before deregistering it."
    )
    idle_timeout: int = Field(default=60, ge=1, le=4000, description="Seconds a connection may stay idle.")
    access_logs: AccessLogsConfig | None = Field(
        default=None, description="Write access logs to S3 ({bucket, prefix})."
    )
    deletion_protection: bool = Field(
        default=True,
        description="Protect the ALB from deletion. Default: false in dev and staging, true in prod.",
    )
    drop_invalid_headers: bool = Field(default=True, description="Drop HTTP headers with invalid names.")
    desync_mitigation: Literal["monitor", "defensive", "strictest"] = Field(
        default="defensive", description="HTTP desync mitigation mode."
    )

    @field_validator("certificate_arn", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("certificate_arn")
    @classmethod
    def _certificate(cls, value: str | None) -> str | None:
        if value is not None and not _CERT_ARN_RE.match(value):
            raise _fail(
                f"{value!r} is not an ACM certificate ARN; use arn:aws:acm:<region>:<account>:certificate/<id>"
            )
        return value

    @field_validator("ssl_policy")
    @classmethod
    def _ssl_policy(cls, value: str) -> str:
        if value not in TLS_POLICIES:
            raise _fail(f"{value!r} is not a TLS 1.3 policy; use one of: {', '.join(TLS_POLICIES)}")
        return value

    @model_validator(mode="after")
    def _rules(self) -> LoadBalancerConfig:
        if self.explicitly_set("ssl_policy") and self.certificate_arn is None:
            raise ConfigProblems(
                [
                    (
                        ("sslPolicy",),
                        "has no effect without certificateArn; set certificateArn or remove sslPolicy",
                    )
                ]
            )
        return self

    @property
    def https(self) -> bool:
        """True when the ALB listens on HTTPS (and redirects HTTP to it)."""
        return self.certificate_arn is not None


class LogsConfig(_Model):
    """CloudWatch log groups of the services (one per service)."""

    retention_days: int = Field(
        default=30,
        description="Days CloudWatch keeps log events. Default: 7 in dev, 14 in staging, 30 in prod.",
    )

    @field_validator("retention_days", mode="before")
    @classmethod
    def _retention(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value not in LOG_RETENTION_DAYS:
            raise _fail(
                f"{value} is not a CloudWatch retention value; use one of: "
                f"{', '.join(str(v) for v in LOG_RETENTION_DAYS)}"
            )
        return value


# --------------------------------------------------------------------------------------------------------------
# Service parts: image, secrets, health checks, route, volumes, hardening, permissions
# --------------------------------------------------------------------------------------------------------------


class ImageConfig(_Model):
    """Where a container image comes from. YAML accepts a plain image URI string as shorthand for `{uri}`."""

    uri: str | None = Field(
        default=None, description="Full image reference (registry/name:tag or @sha256:digest)."
    )
    repository: str | None = Field(
        default=None, description="Name of an existing ECR repository in the stack's account."
    )
    tag: str | None = Field(
        default=None, description="Tag in `repository` (default latest; must be pinned in prod)."
    )
    build: str | None = Field(
        default=None,
        description="Docker build context (directory relative to the project), built with "
        "awsx.ecr.Image into a new ECR repository and tagged with the git commit SHA.",
    )
    dockerfile: str | None = Field(default=None, description="Dockerfile path relative to the build context.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"uri": data}
        return data

    @model_validator(mode="after")
    def _rules(self) -> ImageConfig:
        _raise_if(check_image(self))
        return self

    @property
    def kind(self) -> Literal["uri", "repository", "build"]:
        if self.repository is not None:
            return "repository"
        if self.build is not None:
            return "build"
        return "uri"

    @property
    def effective_tag(self) -> str:
        """The tag used with `repository` (default `latest`)."""
        return self.tag or "latest"

    @property
    def is_ecr(self) -> bool:
        """True when the image is pulled from ECR (repository, build, or an ECR URI)."""
        return self.kind != "uri" or bool(self.uri and _ECR_URI_RE.match(self.uri))

    @property
    def is_pinned(self) -> bool:
        """True when the image cannot silently change: a digest, a non-latest tag, or a git-SHA build."""
        if self.kind == "build":
            return True
        if self.kind == "repository":
            return self.effective_tag != "latest"
        return image_is_pinned(self.uri or "")


def check_image(image: ImageConfig) -> list[Issue]:
    sources = [k for k in ("uri", "repository", "build") if getattr(image, k) is not None]
    if len(sources) != 1:
        given = ", ".join(sources) if sources else "none"
        return [((), f"needs exactly one of uri, repository or build (given: {given}); keep one")]
    issues: list[Issue] = []
    if image.tag is not None and image.repository is None:
        issues.append(
            (
                ("tag",),
                "applies only to repository; remove tag (put it in the uri, or let build tag "
                "with the git SHA)",
            )
        )
    if image.dockerfile is not None and image.build is None:
        issues.append((("dockerfile",), "applies only to build; remove dockerfile or set build"))
    if image.uri is not None and not _IMAGE_RE.match(image.uri):
        issues.append(
            (
                ("uri",),
                f"{image.uri!r} is not an image reference; use e.g. postgres:15-alpine or "
                "123456789012.dkr.ecr.eu-west-2.amazonaws.com/app:1.4.2",
            )
        )
    if image.repository is not None and not _ECR_REPO_RE.match(image.repository):
        issues.append(
            (
                ("repository",),
                f"{image.repository!r} is not an ECR repository name; use lowercase "
                "letters, digits, '.', '_', '-' and '/' (the name, not the URI)",
            )
        )
    if image.tag is not None and not _DOCKER_TAG_RE.match(image.tag):
        issues.append((("tag",), f"{image.tag!r} is not a Docker tag; use letters, digits, '_', '.', '-'"))
    if image.build is not None and (image.build.startswith("/") or ".." in image.build.split("/")):
        issues.append(
            (
                ("build",),
                f"{image.build!r} must be a directory inside the project; use a relative "
                "path such as ./backend",
            )
        )
    if image.dockerfile is not None and (
        image.dockerfile.startswith("/") or ".." in image.dockerfile.split("/")
    ):
        issues.append(
            (
                ("dockerfile",),
                f"{image.dockerfile!r} must be relative to the build context; use e.g. Dockerfile.prod",
            )
        )
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
    for match in _TEMPLATE_REF_RE.finditer(template):
        body = _TEMPLATE_REF_BODY_RE.match(match.group(1))
        if body is None:
            problems.append(
                f"{match.group(0)} is not a reference; use ${{name}} for a generated secret or "
                f"${{stackSecret:key}}, optionally with |urlencode"
            )
            continue
        filt = body.group("filter")
        if filt is not None and filt not in TEMPLATE_FILTERS:
            problems.append(f"{match.group(0)} uses unknown filter {filt!r}; use |urlencode or no filter")
            continue
        if body.group("stack"):
            refs.append(TemplateRef(match.group(0), "stackSecret", body.group("key"), filt))
        else:
            refs.append(TemplateRef(match.group(0), "generate", body.group("name"), filt))
    rest = _TEMPLATE_REF_RE.sub("", template)
    if "${" in rest:
        problems.append("has an unclosed '${'; close each reference with '}'")
    return refs, problems


def render_template(template: str, values: Mapping[tuple[str, str], str]) -> str:
    """Compose a secret value: `values[(kind, name)]` is the plain value of each referenced secret.

    Components call this inside `Output.apply` (so the result stays a Pulumi secret)."""

    def substitute(match: re.Match[str]) -> str:
        body = _TEMPLATE_REF_BODY_RE.match(match.group(1))
        if body is None:  # rejected by validation; defensive
            raise KeyError(match.group(0))
        kind = "stackSecret" if body.group("stack") else "generate"
        name = body.group("key") if body.group("stack") else body.group("name")
        value = values[(kind, name)]
        if body.group("filter") == "urlencode":
            return urllib.parse.quote(value, safe="")
        return value

    return _TEMPLATE_REF_RE.sub(substitute, template)


class SecretSource(_Model):
    """Where a container secret comes from: exactly one of generate, stackSecret, ssmParameter, secretsManager,
    template. Every kind reaches the container through its `secrets` field (an SSM or Secrets Manager ARN)."""

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
    secrets_manager: str | None = Field(default=None, description="Existing Secrets Manager secret ARN.")
    json_key: str | None = Field(default=None, description="Key inside a JSON Secrets Manager secret.")
    template: str | None = Field(
        default=None,
        description="Composed value referencing ${generatedName} or ${stackSecret:key}, optionally "
        "|urlencode; stored as a SecureString.",
    )

    @model_validator(mode="after")
    def _rules(self) -> SecretSource:
        _raise_if(check_secret_source(self))
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


SECRET_KINDS: tuple[str, ...] = ("generate", "stackSecret", "ssmParameter", "secretsManager", "template")


def check_secret_source(src: SecretSource) -> list[Issue]:
    kinds = [k for k in SECRET_KINDS if getattr(src, _snake(k)) is not None]
    if len(kinds) != 1:
        given = ", ".join(kinds) if kinds else "none"
        return [((), f"needs exactly one of {', '.join(SECRET_KINDS)} (given: {given}); keep one")]
    issues: list[Issue] = []
    if src.length is not None and src.generate is None:
        issues.append((("length",), "applies only to generate; remove length"))
    if src.json_key is not None and src.secrets_manager is None:
        issues.append((("jsonKey",), "applies only to secretsManager; remove jsonKey"))
    if src.generate is not None and not _IDENT_RE.match(src.generate):
        issues.append(
            (("generate",), f"{src.generate!r} is not a name; use letters and digits, e.g. dbPassword")
        )
    if src.stack_secret is not None and not _STACK_KEY_RE.match(src.stack_secret):
        issues.append(
            (("stackSecret",), f"{src.stack_secret!r} is not a config key; use e.g. djangoSecretKey")
        )
    if src.ssm_parameter is not None and not (
        _SSM_ARN_RE.match(src.ssm_parameter) or _SSM_NAME_RE.match(src.ssm_parameter)
    ):
        issues.append(
            (
                ("ssmParameter",),
                f"{src.ssm_parameter!r} is not an SSM parameter name or ARN; use e.g. /app/prod/api-key",
            )
        )
    if src.secrets_manager is not None and not _SECRET_ARN_RE.match(src.secrets_manager):
        issues.append(
            (
                ("secretsManager",),
                f"{src.secrets_manager!r} is not a Secrets Manager ARN; use "
                "arn:aws:secretsmanager:<region>:<account>:secret:<name>",
            )
        )
    if src.json_key is not None and not re.match(r"^[A-Za-z0-9_.-]{1,256}$", src.json_key):
        issues.append((("jsonKey",), f"{src.json_key!r} is not a JSON key; use the top-level key's name"))
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


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", camel).lower()


class ContainerHealthCheck(_Model):
    """A container health check (Docker HEALTHCHECK run by ECS)."""

    command: list[str] = Field(
        description='["CMD", "exe", "arg", …] or ["CMD-SHELL", "shell command"].', min_length=2
    )
    interval: int = Field(default=30, ge=5, le=300, description="Seconds between checks.")
    timeout: int = Field(default=5, ge=2, le=60, description="Seconds before a check counts as failed.")
    retries: int = Field(
        default=3, ge=1, le=10, description="Consecutive failures before the container is unhealthy."
    )
    start_period: int = Field(
        default=0, ge=0, le=300, description="Seconds of grace after start before failures count."
    )

    @field_validator("command")
    @classmethod
    def _command(cls, value: list[str]) -> list[str]:
        if value[0] not in ("CMD", "CMD-SHELL"):
            raise _fail(
                f"must start with CMD or CMD-SHELL, not {value[0]!r}; e.g. [CMD-SHELL, pg_isready -U app]"
            )
        if value[0] == "CMD-SHELL" and len(value) != 2:
            raise _fail("CMD-SHELL takes exactly one shell command string; join the words into one string")
        return value

    @model_validator(mode="after")
    def _rules(self) -> ContainerHealthCheck:
        if self.timeout >= self.interval:
            raise ConfigProblems(
                [
                    (
                        ("timeout",),
                        f"{self.timeout} must be less than interval {self.interval}; "
                        "lower timeout or raise interval",
                    )
                ]
            )
        return self


class HealthCheckConfig(_Model):
    """The ALB target-group health check of a routed service, plus an optional container health check."""

    path: str = Field(default="/", description="HTTP path the ALB requests.")
    matcher: str = Field(
        default="200-399", description="HTTP codes that mean healthy (e.g. 200, 200-299, 200,204)."
    )
    interval: int = Field(default=15, ge=5, le=300, description="Seconds between ALB checks.")
    timeout: int = Field(default=5, ge=2, le=120, description="Seconds before an ALB check fails.")
    healthy_threshold: int = Field(
        default=2, ge=2, le=10, description="Successes before a target is healthy."
    )
    unhealthy_threshold: int = Field(
        default=3, ge=2, le=10, description="Failures before a target is unhealthy."
    )
    container: ContainerHealthCheck | None = Field(
        default=None, description="Container health check of the service."
    )

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/") or len(value) > 1024 or any(c.isspace() for c in value):
            raise _fail(f"{value!r} is not an HTTP path; use e.g. /health")
        return value

    @field_validator("matcher")
    @classmethod
    def _matcher(cls, value: str) -> str:
        if not _MATCHER_RE.match(value) or any(not 200 <= int(c) <= 499 for c in re.findall(r"\d{3}", value)):
            raise _fail(f"{value!r} is not a list of HTTP codes 200–499; use e.g. 200 or 200-399")
        return value

    @model_validator(mode="after")
    def _rules(self) -> HealthCheckConfig:
        if self.timeout >= self.interval:
            raise ConfigProblems(
                [
                    (
                        ("timeout",),
                        f"{self.timeout} must be less than interval {self.interval}; "
                        "lower timeout or raise interval",
                    )
                ]
            )
        return self

    def alb_keys_set(self) -> list[str]:
        """The ALB-only keys the stack config set explicitly (camelCase)."""
        return [to_camel(f) for f in self.model_fields_set if f != "container"]


class RouteConfig(_Model):
    """How the shared ALB routes to a service: path/host patterns, or `default: true` for everything else."""

    path_patterns: list[str] = Field(default_factory=list, description="Path patterns, e.g. /api/*.")
    host_patterns: list[str] = Field(
        default_factory=list, description="Host header patterns, e.g. api.example.com."
    )
    priority: int | None = Field(
        default=None,
        ge=1,
        le=50000,
        description="Listener rule priority (lower wins); default: by order of services.",
    )
    default: bool = Field(
        default=False, description="Receive every request no other rule matches (one service at most)."
    )

    @field_validator("path_patterns")
    @classmethod
    def _paths(cls, value: list[str]) -> list[str]:
        for p in value:
            if not _PATH_PATTERN_RE.match(p):
                raise _fail(
                    f"{p!r} is not an ALB path pattern; start with '/', at most 128 characters of "
                    "A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?"
                )
        return value

    @field_validator("host_patterns")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        for h in value:
            if not _HOST_PATTERN_RE.match(h):
                raise _fail(f"{h!r} is not an ALB host pattern; use letters, digits, '-', '.', '*' and '?'")
        return value

    @model_validator(mode="after")
    def _rules(self) -> RouteConfig:
        _raise_if(check_route(self))
        return self


def check_route(route: RouteConfig) -> list[Issue]:
    patterns = len(route.path_patterns) + len(route.host_patterns)
    if route.default:
        issues: list[Issue] = []
        if patterns:
            issues.append(
                (
                    (),
                    "default: true receives all unmatched requests, so it takes no pathPatterns or "
                    "hostPatterns; remove them or set default: false",
                )
            )
        if route.priority is not None:
            issues.append((("priority",), "does not apply to the default route; remove priority"))
        return issues
    if patterns == 0:
        return [
            (
                (),
                "needs pathPatterns or hostPatterns, or default: true; add one (omit route for an "
                "internal-only service)",
            )
        ]
    if patterns > 5:
        return [
            (
                (),
                f"has {patterns} patterns but an ALB rule allows 5 condition values; split the service or "
                "use wildcards",
            )
        ]
    return []


class AccessPointConfig(_Model):
    """An EFS access point: the directory the task sees as root and the POSIX identity it writes with."""

    path: str = Field(
        default="/", description="Directory in the file system (created with uid/gid/permissions)."
    )
    uid: int = Field(
        default=1000, ge=0, le=4294967295, description="POSIX user id of files the task creates."
    )
    gid: int = Field(
        default=1000, ge=0, le=4294967295, description="POSIX group id of files the task creates."
    )
    permissions: str = Field(default="0750", description="Octal permissions of a newly created path.")

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        if value != "/" and _check_absolute_path(value):
            raise _fail(f"{value!r} is not an absolute path; use e.g. /data")
        return value

    @field_validator("permissions")
    @classmethod
    def _permissions(cls, value: str) -> str:
        if not re.match(r"^0?[0-7]{3}$", value):
            raise _fail(f"{value!r} is not octal permissions; use e.g. 0750")
        return value


class EfsVolumeConfig(_Model):
    """An EFS volume: a file system created by the stack (protected) or an existing one."""

    file_system_id: str | None = Field(
        default=None, description="Existing file system id (fs-…); unset: create one."
    )
    root_directory: str = Field(
        default="/", description="Directory of the file system to mount (without accessPoint)."
    )
    access_point: AccessPointConfig | None = Field(default=None, description="Mount through an access point.")
    transit_encryption: Literal["ENABLED", "DISABLED"] = Field(
        default="ENABLED", description="TLS between task and EFS."
    )
    iam_authorization: bool = Field(
        default=True, description="Authorize mounts with the task role (needs transit encryption)."
    )

    @field_validator("file_system_id")
    @classmethod
    def _fs_id(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^fs-[0-9a-f]{8,17}$", value):
            raise _fail(f"{value!r} is not an EFS file system id; use e.g. fs-0123456789abcdef0")
        return value

    @field_validator("root_directory")
    @classmethod
    def _root(cls, value: str) -> str:
        if value != "/" and _check_absolute_path(value):
            raise _fail(f"{value!r} is not an absolute path; use e.g. /static")
        return value

    @model_validator(mode="after")
    def _rules(self) -> EfsVolumeConfig:
        issues: list[Issue] = []
        if self.access_point is not None and self.root_directory != "/":
            issues.append(
                (
                    ("rootDirectory",),
                    "must be / when accessPoint is set; put the directory in accessPoint.path",
                )
            )
        if self.transit_encryption == "DISABLED" and (
            self.access_point is not None or self.iam_authorization
        ):
            issues.append(
                (
                    ("transitEncryption",),
                    "DISABLED is not allowed with accessPoint or "
                    "iamAuthorization; set transitEncryption: ENABLED",
                )
            )
        _raise_if(issues)
        return self


class VolumeConfig(_Model):
    """A task volume: `efs: {…}` (persistent) or `scratch: true` (task storage, lost when the task stops)."""

    efs: EfsVolumeConfig | None = Field(default=None, description="An EFS volume.")
    scratch: bool = Field(default=False, description="An empty volume on the task's ephemeral storage.")

    @model_validator(mode="after")
    def _rules(self) -> VolumeConfig:
        if (self.efs is None) == (not self.scratch):
            raise _fail("needs exactly one of efs: {…} or scratch: true; keep one")
        return self


class MountConfig(_Model):
    """A volume mounted into a container."""

    volume: str = Field(description="Name of a volume in the service's `volumes`.")
    path: str = Field(description="Absolute path inside the container.")
    read_only: bool = Field(default=False, description="Mount read-only.")

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        message = _check_absolute_path(value)
        if message:
            raise _fail(message)
        return value


class HardeningConfig(_Model):
    """Container hardening. Defaults are the secure posture: read-only root, non-root user, no capabilities."""

    read_only_root_filesystem: bool = Field(
        default=True, description="Mount the container's root filesystem read-only."
    )
    user: str = Field(default="1000:1000", description="uid[:gid] or user name to run as; root is rejected.")
    drop_capabilities: list[str] = Field(
        default_factory=lambda: ["ALL"], description="Linux capabilities to drop (default ALL)."
    )
    add_capabilities: list[str] = Field(
        default_factory=list,
        description="Capabilities to keep despite dropping ALL (e.g. NET_BIND_SERVICE, CHOWN).",
    )
    scratch_paths: list[str] = Field(
        default_factory=lambda: ["/tmp"],
        description="Writable empty directories on task storage (needed with a read-only root filesystem).",
    )

    @field_validator("user")
    @classmethod
    def _user(cls, value: str) -> str:
        if not _USER_RE.match(value):
            raise _fail(f"{value!r} is not a user; use uid[:gid] such as 1000:1000")
        if value.split(":")[0] in ("0", "root"):
            raise _fail(f"{value!r} runs as root; use a non-root uid such as 1000:1000")
        return value

    @field_validator("drop_capabilities")
    @classmethod
    def _drop(cls, value: list[str]) -> list[str]:
        for cap in value:
            if cap not in ALL_CAPABILITIES:
                raise _fail(f"{cap!r} is not a Linux capability; use ALL or names such as NET_RAW")
        return value

    @field_validator("add_capabilities")
    @classmethod
    def _add(cls, value: list[str]) -> list[str]:
        for cap in value:
            if cap in ALLOWED_ADD_CAPABILITIES:
                continue
            allowed = ", ".join(ALLOWED_ADD_CAPABILITIES)
            if cap in DANGEROUS_CAPABILITIES:
                raise _fail(f"{cap} is too powerful to add; remove it (allowed: {allowed})")
            raise _fail(f"{cap!r} is not a Linux capability; use one of: {allowed}")
        return value

    @field_validator("scratch_paths")
    @classmethod
    def _scratch(cls, value: list[str]) -> list[str]:
        for path in value:
            message = _check_absolute_path(path)
            if message:
                raise _fail(message)
        if len(set(value)) != len(value):
            raise _fail("lists a path twice; list each path once")
        return value

    @model_validator(mode="after")
    def _rules(self) -> HardeningConfig:
        if self.add_capabilities and "ALL" not in self.drop_capabilities:
            dropped = set(self.drop_capabilities)
            kept = [c for c in self.add_capabilities if c in dropped]
            if kept:
                raise ConfigProblems(
                    [
                        (
                            ("addCapabilities",),
                            f"{kept[0]} is also in dropCapabilities; remove it from one list",
                        )
                    ]
                )
        return self

    @property
    def linux_capabilities(self) -> tuple[list[str], list[str]]:
        """`(drop, add)` for `linuxParameters.capabilities` that Fargate accepts.

        Fargate only allows adding SYS_PTRACE, so "drop ALL, add X" becomes "drop every Docker default except
        X" (same effective set)."""
        if "ALL" in self.drop_capabilities and self.add_capabilities:
            keep = set(self.add_capabilities)
            return [c for c in DOCKER_DEFAULT_CAPABILITIES if c not in keep], []
        return list(self.drop_capabilities), []


class PermissionsConfig(_Model):
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
        _raise_if(check_permissions(self))
        return self

    @property
    def is_empty(self) -> bool:
        return not (self.s3_buckets or self.dynamodb_tables or self.sqs_queues or self.ssm_paths)


def check_permissions(perms: PermissionsConfig) -> list[Issue]:
    issues: list[Issue] = []
    checks: tuple[tuple[str, Mapping[str, str], Callable[[str], bool], str], ...] = (
        ("s3Buckets", perms.s3_buckets, lambda a: bool(_S3_ARN_RE.match(a)), "arn:aws:s3:::<bucket>"),
        (
            "dynamodbTables",
            perms.dynamodb_tables,
            lambda a: bool(_DYNAMODB_ARN_RE.match(a)),
            "arn:aws:dynamodb:<region>:<account>:table/<name>",
        ),
        (
            "sqsQueues",
            perms.sqs_queues,
            lambda a: bool(_SQS_ARN_RE.match(a)),
            "arn:aws:sqs:<region>:<account>:<queue>",
        ),
        (
            "ssmPaths",
            perms.ssm_paths,
            lambda a: bool(_SSM_ARN_RE.match(a) or (a.startswith("/") and _SSM_NAME_RE.match(a))),
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


class AutoscalingConfig(_Model):
    """Target-tracking autoscaling of a service's desired count."""

    min_count: int = Field(default=1, alias="min", ge=0, le=1000, description="Fewest tasks.")
    max_count: int = Field(default=4, alias="max", ge=1, le=1000, description="Most tasks.")
    cpu_target: float | None = Field(
        default=None, gt=0, le=100, description="Average CPU utilisation % to hold."
    )
    memory_target: float | None = Field(
        default=None, gt=0, le=100, description="Average memory utilisation % to hold."
    )
    requests_per_target: int | None = Field(
        default=None,
        ge=1,
        le=1000000,
        description="ALB requests per task per minute to hold (needs a route).",
    )
    scale_in_cooldown: int = Field(default=300, ge=0, le=3600, description="Seconds between scale-in steps.")
    scale_out_cooldown: int = Field(default=60, ge=0, le=3600, description="Seconds between scale-out steps.")

    @model_validator(mode="after")
    def _rules(self) -> AutoscalingConfig:
        issues: list[Issue] = []
        if self.min_count > self.max_count:
            issues.append(
                (("min",), f"{self.min_count} is greater than max {self.max_count}; lower min or raise max")
            )
        if self.cpu_target is None and self.memory_target is None and self.requests_per_target is None:
            issues.append(((), "needs a target; set cpuTarget, memoryTarget or requestsPerTarget"))
        _raise_if(issues)
        return self


class DeploymentConfig(_Model):
    """Rolling deployments of a service."""

    circuit_breaker: bool = Field(default=True, description="Stop a deployment whose tasks keep failing.")
    rollback: bool = Field(
        default=True, description="Roll back to the last good deployment when the breaker trips."
    )
    minimum_healthy_percent: int = Field(
        default=100, ge=0, le=100, description="Tasks kept running during a deploy (%)."
    )
    maximum_percent: int = Field(
        default=200, ge=100, le=200, description="Tasks allowed during a deploy (%)."
    )
    health_check_grace_period: int = Field(
        default=30,
        ge=0,
        le=2147483647,
        description="Seconds ECS ignores ALB health checks after a task starts (routed services only).",
    )

    @model_validator(mode="after")
    def _rules(self) -> DeploymentConfig:
        issues: list[Issue] = []
        if self.rollback and not self.circuit_breaker:
            issues.append(
                (("rollback",), "needs circuitBreaker: true; enable circuitBreaker or set rollback: false")
            )
        if self.minimum_healthy_percent == 100 and self.maximum_percent == 100:
            issues.append(
                (
                    ("maximumPercent",),
                    "100 with minimumHealthyPercent 100 leaves no room to replace "
                    "a task; raise maximumPercent or lower minimumHealthyPercent",
                )
            )
        _raise_if(issues)
        return self


DependsOnCondition = Literal["START", "HEALTHY", "COMPLETE", "SUCCESS"]


class ContainerConfig(_Model):
    """Fields shared by a service's main container and its sidecars."""

    image: ImageConfig = Field(description="Image URI, {repository, tag} or {build, dockerfile}.")
    port: int | None = Field(default=None, ge=1, le=65535, description="Container port (TCP).")
    command: list[str] | None = Field(default=None, description="Overrides the image's CMD.")
    entry_point: list[str] | None = Field(default=None, description="Overrides the image's ENTRYPOINT.")
    environment: dict[EnvName, str] = Field(
        default_factory=dict,
        description="Plain environment variables (secret-looking names/values rejected).",
    )
    secrets: dict[EnvName, SecretSource] = Field(
        default_factory=dict,
        description="Secret environment variables, delivered through the `secrets` field.",
    )
    depends_on: dict[str, DependsOnCondition] = Field(
        default_factory=dict, description="Container name → START | HEALTHY | COMPLETE | SUCCESS."
    )
    mounts: list[MountConfig] = Field(
        default_factory=list, description="Volumes mounted into this container."
    )
    hardening: HardeningConfig = Field(default_factory=HardeningConfig, description="Container hardening.")

    @field_validator("environment", mode="before")
    @classmethod
    def _env_scalars(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _scalar_to_str(v) for k, v in value.items()}
        return value

    @field_validator("environment")
    @classmethod
    def _env_plaintext(cls, value: dict[str, str]) -> dict[str, str]:
        _raise_if(check_environment(value))
        return value

    @field_validator("command", "entry_point")
    @classmethod
    def _argv(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and not value:
            raise _fail("is empty; remove it to use the image's default, or list the arguments")
        return value


def check_environment(environment: Mapping[str, str]) -> list[Issue]:
    """Plain environment variables must not carry secrets (by name or by value). Values are never echoed."""
    issues: list[Issue] = []
    fix = "move it to secrets (e.g. {ssmParameter: …} or {stackSecret: …})"
    for env, value in environment.items():
        word = secret_name_word(env)
        kind = secret_value_kind(value)
        if word:
            issues.append(((env,), f"name contains {word!r}, so it looks like a secret; {fix}"))
        elif kind:
            issues.append(((env,), f"value looks like {kind}; {fix}"))
    return issues


class SidecarConfig(ContainerConfig):
    """An extra container in the service's task (e.g. postgres next to the backend)."""

    cpu: int = Field(default=0, ge=0, le=16384, description="CPU units reserved for this container.")
    memory: int | None = Field(default=None, ge=6, le=122880, description="Hard memory limit (MiB).")
    essential: bool = Field(default=True, description="Stop the task when this container stops.")
    health_check: ContainerHealthCheck | None = Field(default=None, description="Container health check.")


class ServiceConfig(ContainerConfig):
    """One ECS Fargate service: the main container (named like the service), sidecars, routing and scaling."""

    port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Port of the main container (required with a route or discovery).",
    )
    cpu: int = Field(default=256, description="Task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384.")
    memory: int = Field(default=512, description="Task memory (MiB), valid for cpu per the Fargate table.")
    ephemeral_storage: int | None = Field(
        default=None, ge=21, le=200, description="Task storage in GiB (default 20)."
    )
    architecture: Literal["x86_64", "arm64"] = Field(
        default="x86_64", description="CPU architecture of the task."
    )
    desired_count: int = Field(
        default=1, ge=0, le=1000, description="Tasks to run (the autoscaling start value)."
    )
    health_check: HealthCheckConfig = Field(
        default_factory=HealthCheckConfig,
        description="ALB target-group health check (+ optional container check).",
    )
    route: RouteConfig | None = Field(default=None, description="ALB routing; unset: internal only.")
    discovery: bool = Field(
        default=False, description="Register in the Cloud Map namespace as <service>.<namespace>."
    )
    sidecars: dict[ContainerName, SidecarConfig] = Field(
        default_factory=dict, description="Extra containers."
    )
    volumes: dict[VolumeName, VolumeConfig] = Field(default_factory=dict, description="Task volumes.")
    autoscaling: AutoscalingConfig | None = Field(default=None, description="Target-tracking autoscaling.")
    deployment: DeploymentConfig = Field(default_factory=DeploymentConfig, description="Rolling deployments.")
    exec: bool = Field(default=False, description="Enable ECS Exec (interactive shell into tasks).")
    permissions: PermissionsConfig = Field(default_factory=PermissionsConfig, description="Task-role access.")
    tags: Tags = Field(default_factory=dict, description="Tags on this service's resources.")

    @field_validator("cpu")
    @classmethod
    def _cpu(cls, value: int) -> int:
        if value not in FARGATE_CPU_MEMORY:
            raise _fail(
                f"{value} is not a Fargate cpu value; valid: {', '.join(str(c) for c in FARGATE_CPU_MEMORY)}"
            )
        return value

    @property
    def container_cpu(self) -> int:
        """CPU units left for the main container after the sidecars' reservations."""
        return self.cpu - sum(s.cpu for s in self.sidecars.values())

    @property
    def container_memory(self) -> int:
        """Memory (MiB) left for the main container after the sidecars' limits (its hard limit)."""
        return self.memory - sum(s.memory or 0 for s in self.sidecars.values())

    @property
    def generated_secrets(self) -> dict[str, int]:
        """Generated password name → length, over every container of the service."""
        out: dict[str, int] = {}
        for _, container in self.containers():
            for src in container.secrets.values():
                if src.generate is not None:
                    out.setdefault(src.generate, src.effective_length)
                for ref in src.template_refs:
                    if ref.kind == "generate":
                        out.setdefault(ref.name, 32)
        return out

    @property
    def stack_secret_keys(self) -> list[str]:
        """Stack config keys this service reads as secrets (stackSecret sources and template references)."""
        keys: list[str] = []
        for _, container in self.containers():
            for src in container.secrets.values():
                if src.stack_secret is not None:
                    keys.append(src.stack_secret)
                keys.extend(r.name for r in src.template_refs if r.kind == "stackSecret")
        return sorted(set(keys))

    @property
    def docker_platform(self) -> str:
        """The `--platform` to build images for."""
        return "linux/arm64" if self.architecture == "arm64" else "linux/amd64"

    @property
    def runtime_platform(self) -> str:
        """`runtimePlatform.cpuArchitecture` of the task definition."""
        return "ARM64" if self.architecture == "arm64" else "X86_64"

    def containers(self) -> list[tuple[str, ContainerConfig]]:
        """(`name`, container) for the main container (named like the service, so unnamed here: "") and each
        sidecar. Use `container_names(service_name)` for real names."""
        return [("", self), *self.sidecars.items()]

    def scratch_volumes(self, service_name: str) -> dict[str, list[tuple[str, str]]]:
        """Container name → [(volume name, container path)] for each hardening.scratchPaths entry.

        Volume names are `<container>-scratch-<i>`: unique in the task and stable."""
        out: dict[str, list[tuple[str, str]]] = {}
        for name, container in self.containers():
            cname = name or service_name
            out[cname] = [
                (f"{cname}-scratch-{i}", path) for i, path in enumerate(container.hardening.scratch_paths)
            ]
        return out

    @model_validator(mode="after")
    def _rules(self) -> ServiceConfig:
        _raise_if(check_service(self))
        return self


def check_service(svc: ServiceConfig) -> list[Issue]:
    """Cross-field rules within one service (dependsOn needs the service's name: see check_depends_on)."""
    issues: list[Issue] = []
    memory_problem = fargate_memory_problem(svc.cpu, svc.memory)
    if memory_problem:
        issues.append((("memory",), memory_problem))
    issues.extend(_check_sizes(svc))
    issues.extend(_check_ports(svc))
    issues.extend(_check_secrets(svc))
    issues.extend(_check_volumes(svc))
    if svc.route is None:
        alb_keys = sorted(svc.health_check.alb_keys_set())
        if alb_keys:
            issues.append(
                (
                    ("healthCheck", alb_keys[0]),
                    "applies only to a routed service; add a route, or keep only healthCheck.container",
                )
            )
        if svc.deployment.explicitly_set("health_check_grace_period"):
            issues.append(
                (
                    ("deployment", "healthCheckGracePeriod"),
                    "applies only to a routed service; add a route or remove it",
                )
            )
        if svc.autoscaling is not None and svc.autoscaling.requests_per_target is not None:
            issues.append(
                (
                    ("autoscaling", "requestsPerTarget"),
                    "needs a route (ALB requests are counted per "
                    "target group); add a route or use cpuTarget/memoryTarget",
                )
            )
    if (svc.route is not None or svc.discovery) and svc.port is None:
        issues.append(
            (
                ("port",),
                "is required for a service with a route or discovery; set the port the container listens on",
            )
        )
    if svc.autoscaling is not None:
        a = svc.autoscaling
        if not a.min_count <= svc.desired_count <= a.max_count:
            issues.append(
                (
                    ("desiredCount",),
                    f"{svc.desired_count} is outside autoscaling min {a.min_count} .. "
                    f"max {a.max_count}; set desiredCount within that range",
                )
            )
    return issues


def _check_sizes(svc: ServiceConfig) -> list[Issue]:
    issues: list[Issue] = []
    if not svc.sidecars:
        return issues
    sidecar_cpu = sum(s.cpu for s in svc.sidecars.values())
    sidecar_memory = sum(s.memory or 0 for s in svc.sidecars.values())
    if svc.container_cpu < 0:
        issues.append(
            (
                ("cpu",),
                f"{svc.cpu} is less than the sidecars' {sidecar_cpu} cpu units; raise cpu or "
                "lower the sidecars' cpu",
            )
        )
    if svc.container_memory < 128:
        issues.append(
            (
                ("memory",),
                f"{svc.memory} leaves {svc.container_memory} MiB for the main container "
                f"after the sidecars' {sidecar_memory} MiB (needs ≥ 128); raise memory or lower the "
                "sidecars' memory",
            )
        )
    return issues


def _check_ports(svc: ServiceConfig) -> list[Issue]:
    issues: list[Issue] = []
    seen: dict[int, str] = {}
    if svc.port is not None:
        seen[svc.port] = "the main container"
    for sname, sidecar in svc.sidecars.items():
        if sidecar.port is None:
            continue
        if sidecar.port in seen:
            issues.append(
                (
                    ("sidecars", sname, "port"),
                    f"{sidecar.port} is already used by {seen[sidecar.port]} "
                    "(containers of a task share one network namespace); pick another port",
                )
            )
        else:
            seen[sidecar.port] = f"sidecar {sname}"
    return issues


def check_depends_on(svc: ServiceConfig, name: str) -> list[Issue]:
    """dependsOn rules of one service; `name` is the service name (= the main container's name)."""
    issues: list[Issue] = []
    main = name
    names = {main: svc, **svc.sidecars}
    graph: dict[str, list[str]] = {}
    for cname, container in [(main, svc), *svc.sidecars.items()]:
        prefix: Path = ("dependsOn",) if cname == main else ("sidecars", cname, "dependsOn")
        graph[cname] = []
        for target, condition in container.depends_on.items():
            if target == cname:
                issues.append(((*prefix, target), "a container cannot depend on itself; remove it"))
                continue
            if target not in names:
                known = ", ".join(n for n in names if n != cname) or "none"
                issues.append(((*prefix, target), f"is not a container of this service; use one of: {known}"))
                continue
            graph[cname].append(target)
            other = names[target]
            if condition == "HEALTHY":
                has_check = (
                    other.health_check.container is not None
                    if isinstance(other, ServiceConfig)
                    else isinstance(other, SidecarConfig) and other.health_check is not None
                )
                if not has_check:
                    where = "healthCheck.container" if target == main else f"sidecars.{target}.healthCheck"
                    issues.append(
                        (
                            (*prefix, target),
                            f"HEALTHY needs a container health check on {target}; add {where} or use START",
                        )
                    )
            if condition in ("COMPLETE", "SUCCESS"):
                essential = not isinstance(other, SidecarConfig) or other.essential
                if essential:
                    issues.append(
                        (
                            (*prefix, target),
                            f"{condition} needs {target} to be non-essential (it is "
                            f"expected to exit); set sidecars.{target}.essential: false or use START",
                        )
                    )
    cycle = _find_cycle(graph)
    if cycle:
        issues.append(
            (
                ("dependsOn",) if cycle[0] == main else ("sidecars", cycle[0], "dependsOn"),
                f"forms a cycle {' → '.join(cycle)}; remove one of these dependencies",
            )
        )
    return issues


def _find_cycle(graph: Mapping[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if state.get(nxt) is None:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in graph:
        if state.get(node) is None:
            found = visit(node)
            if found:
                return found
    return None


def _container_prefix(cname: str) -> Path:
    return () if cname == "" else ("sidecars", cname)


def _check_secrets(svc: ServiceConfig) -> list[Issue]:
    issues: list[Issue] = []
    generated: dict[str, list[tuple[Path, int, bool]]] = {}
    for cname, container in svc.containers():
        for env, src in container.secrets.items():
            if src.generate is not None:
                generated.setdefault(src.generate, []).append(
                    ((*_container_prefix(cname), "secrets", env), src.effective_length, src.length is not None)
                )
    for gname, uses in generated.items():
        lengths = {length for _, length, _ in uses}
        if len(lengths) > 1:
            # Point at the first use that sets `length` explicitly (that is the one to change or copy).
            path = next((p for p, _, explicit in uses if explicit), uses[-1][0])
            issues.append(
                (
                    (*path, "length"),
                    f"generated secret {gname!r} has different lengths "
                    f"({', '.join(str(n) for n in sorted(lengths))}); use one length for every use",
                )
            )
    for cname, container in svc.containers():
        for env, src in container.secrets.items():
            for ref in src.template_refs:
                if ref.kind == "generate" and ref.name not in generated:
                    known = ", ".join(sorted(generated)) or "none"
                    issues.append(
                        (
                            (*_container_prefix(cname), "secrets", env, "template"),
                            f"{ref.text} does not name a generated secret of this service (generated: "
                            f"{known}); add {{generate: {ref.name}}} to a secret or fix the name",
                        )
                    )
            if env in container.environment:
                issues.append(
                    (
                        (*_container_prefix(cname), "secrets", env),
                        "is also set in environment; keep it only in secrets",
                    )
                )
    return issues


def _check_volumes(svc: ServiceConfig) -> list[Issue]:
    issues: list[Issue] = []
    used: set[str] = set()
    for cname, container in svc.containers():
        prefix = _container_prefix(cname)
        paths: dict[str, str] = {p: "hardening.scratchPaths" for p in container.hardening.scratch_paths}
        for i, mount in enumerate(container.mounts):
            if mount.volume not in svc.volumes:
                known = ", ".join(svc.volumes) or "none"
                issues.append(
                    (
                        (*prefix, "mounts", i, "volume"),
                        f"{mount.volume!r} is not in volumes (known: "
                        f"{known}); add it to volumes or fix the name",
                    )
                )
            used.add(mount.volume)
            if mount.path in paths:
                issues.append(
                    (
                        (*prefix, "mounts", i, "path"),
                        f"{mount.path} is already mounted (by {paths[mount.path]}); use a different path",
                    )
                )
            paths[mount.path] = "mounts"
    for vname in svc.volumes:
        if vname not in used:
            issues.append((("volumes", vname), "is not mounted by any container; add a mount or remove it"))
    return issues


# --------------------------------------------------------------------------------------------------------------
# The whole stack
# --------------------------------------------------------------------------------------------------------------


class PlatformConfig(_Model):
    """The whole `fargate-platform:*` stack config."""

    environment: Literal["dev", "staging", "prod"] = Field(
        description="Deployment environment; selects environment defaults (see ENVIRONMENT_DEFAULTS)."
    )
    network: NetworkConfig = Field(default_factory=NetworkConfig, description="VPC and subnets.")
    cluster: ClusterConfig = Field(default_factory=ClusterConfig, description="ECS cluster.")
    load_balancer: LoadBalancerConfig = Field(
        default_factory=LoadBalancerConfig, description="Shared Application Load Balancer."
    )
    logs: LogsConfig = Field(default_factory=LogsConfig, description="CloudWatch log groups.")
    tags: Tags = Field(default_factory=dict, description="Tags on every resource.")
    services: dict[ServiceName, ServiceConfig] = Field(
        description="Services by name (lowercase DNS label, ≤ 20 characters).", min_length=1
    )

    @model_validator(mode="before")
    @classmethod
    def _environment_defaults(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        env = data.get("environment")
        defaults = ENVIRONMENT_DEFAULTS.get(env) if isinstance(env, str) else None
        if defaults is None:
            return data
        out = dict(data)
        for section in ("network", "cluster", "loadBalancer", "logs", "tags"):
            if section in out and out[section] is None:  # an empty YAML key means "defaults"
                out[section] = {}
        for section, values in defaults.items():
            snake = _snake(section)
            key = snake if snake in out and section not in out else section
            current = out.get(key)
            if current is None and key not in out:
                out[key] = dict(values)
            elif isinstance(current, Mapping):
                merged = dict(current)
                for k, v in values.items():
                    if k not in merged and _snake(k) not in merged:
                        merged[k] = v
                out[key] = merged
        return out

    @model_validator(mode="after")
    def _rules(self) -> PlatformConfig:
        _raise_if(check_platform(self))
        return self

    @property
    def needs_load_balancer(self) -> bool:
        """True when at least one service has a route (the shared ALB is created only then)."""
        return any(s.route is not None for s in self.services.values())

    @property
    def assign_public_ip(self) -> bool:
        """Whether tasks get a public IP (they run in public subnets)."""
        return self.network.assign_public_ip

    @property
    def capacity_strategy(self) -> list[CapacityProviderItem]:
        """The effective capacity provider strategy of every service."""
        return self.cluster.capacity.strategy

    @property
    def any_exec(self) -> bool:
        """True when a service enables ECS Exec (the cluster then configures exec logging)."""
        return any(s.exec for s in self.services.values())

    @property
    def route_priorities(self) -> dict[str, int]:
        """Listener rule priority of every routed, non-default service: explicit, else 10, 20, … in the order
        of `services`, skipping priorities taken explicitly."""
        taken = {s.route.priority for s in self.services.values() if s.route and s.route.priority is not None}
        out: dict[str, int] = {}
        nxt = 10
        for name, svc in self.services.items():
            if svc.route is None or svc.route.default:
                continue
            if svc.route.priority is not None:
                out[name] = svc.route.priority
                continue
            while nxt in taken:
                nxt += 10
            out[name] = nxt
            taken.add(nxt)
        return out

    @property
    def default_route_service(self) -> str | None:
        """The service receiving unmatched requests; None: the listener answers 404."""
        return next((n for n, s in self.services.items() if s.route and s.route.default), None)

    @property
    def stack_secret_keys(self) -> list[str]:
        """Every stack config key read as a secret by some service."""
        return sorted({k for s in self.services.values() for k in s.stack_secret_keys})


def check_platform(cfg: PlatformConfig) -> list[Issue]:
    """Rules across sections and services."""
    issues: list[Issue] = []
    for name, svc in cfg.services.items():
        prefix: Path = ("services", name)
        for sname in svc.sidecars:
            if sname == name:
                issues.append(
                    (
                        (*prefix, "sidecars", sname),
                        "has the service's own name (the main container's name); rename the sidecar",
                    )
                )
        issues.extend(((*prefix, *p), m) for p, m in check_depends_on(svc, name))
        if svc.discovery and cfg.cluster.namespace is None:
            issues.append(
                (
                    (*prefix, "discovery"),
                    "needs cluster.namespace; set cluster.namespace (e.g. dev.local) or discovery: false",
                )
            )
        if cfg.environment == "prod":
            for cname, container in svc.containers():
                if not container.image.is_pinned:
                    issues.append(
                        (
                            (*prefix, *_container_prefix(cname), "image"),
                            "is not pinned (latest or no tag) in prod; set a version tag or digest",
                        )
                    )
        if svc.exec and cfg.cluster.exec_logging == "none" and cfg.environment == "prod":
            issues.append(
                (
                    (*prefix, "exec"),
                    "is enabled in prod without session logging; set "
                    "cluster.execLogging: cloudWatch or exec: false",
                )
            )
        for key in svc.stack_secret_keys:
            bare = key.split(":", 1)[1] if key.startswith(f"{PROJECT}:") else key
            if bare in _TOP_LEVEL_KEYS:
                issues.append(
                    (
                        (*prefix, "secrets"),
                        f"stack secret key {key!r} is a platform config key; pick another name",
                    )
                )
    defaults = [n for n, s in cfg.services.items() if s.route and s.route.default]
    for extra in defaults[1:]:
        issues.append(
            (
                ("services", extra, "route", "default"),
                f"service {defaults[0]} is already the default route; only one service may set default: true",
            )
        )
    seen: dict[int, str] = {}
    for name, svc in cfg.services.items():
        if svc.route is None or svc.route.priority is None:
            continue
        if svc.route.priority in seen:
            issues.append(
                (
                    ("services", name, "route", "priority"),
                    f"{svc.route.priority} is already used by "
                    f"service {seen[svc.route.priority]}; pick another priority",
                )
            )
        seen.setdefault(svc.route.priority, name)
    if cfg.needs_load_balancer and cfg.network.is_existing_vpc and len(cfg.network.public_subnet_ids) < 2:
        issues.append(
            (
                ("network", "publicSubnetIds"),
                "needs ≥ 2 subnets in different AZs for the ALB; list the VPC's public subnet ids",
            )
        )
    if (
        cfg.network.is_existing_vpc
        and cfg.network.task_subnets == "public"
        and not cfg.network.public_subnet_ids
    ):
        issues.append(
            (
                ("network", "publicSubnetIds"),
                "is required when taskSubnets is public; list the VPC's public subnet ids",
            )
        )
    if cfg.environment == "prod" and cfg.needs_load_balancer and not cfg.load_balancer.https:
        issues.append(
            (("loadBalancer", "certificateArn"), "is required in prod (HTTPS); set an ACM certificate ARN")
        )
    return issues


_TOP_LEVEL_KEYS: tuple[str, ...] = (
    "environment",
    "network",
    "cluster",
    "loadBalancer",
    "logs",
    "tags",
    "services",
)


# --------------------------------------------------------------------------------------------------------------
# Loading and error translation
# --------------------------------------------------------------------------------------------------------------


def load_config(raw: Mapping[str, Any]) -> PlatformConfig:
    """Validate already-parsed top-level values (keys without the `fargate-platform:` prefix)."""
    if not isinstance(raw, Mapping):
        raise ConfigError(
            [f"(root): expected a mapping of config keys, got {type(raw).__name__}; pass a dict"]
        )
    try:
        return PlatformConfig.model_validate(dict(raw))
    except ValidationError as exc:
        raise ConfigError(translate_errors(exc)) from None


def translate_errors(exc: ValidationError) -> list[str]:
    """pydantic errors → `<key.path>: <what is wrong>; <fix>` lines (camelCase paths, in order, no duplicates)."""
    lines: list[str] = []
    for err in exc.errors(include_url=False):
        for line in _translate_one(err):
            if line not in lines:
                lines.append(line)
    return lines


def _translate_one(err: Mapping[str, Any]) -> list[str]:
    loc: Path = tuple(p for p in err["loc"] if p != "[key]")
    key_error = "[key]" in err["loc"]
    typ: str = err["type"]
    ctx: Mapping[str, Any] = err.get("ctx") or {}
    error = ctx.get("error")
    if isinstance(error, ConfigProblems):
        return [_line((*loc, *path), message) for path, message in error.issues]
    inp = err.get("input")
    shown = _show(inp, loc)
    if typ == "extra_forbidden":
        return [_line(loc, _unknown_key_message(loc))]
    if typ == "missing":
        return [_line(loc, f"is required; set {loc[-1] if loc else 'it'}")]
    if typ == "literal_error":
        return [_line(loc, f"{shown} is not allowed; use one of: {_expected(ctx)}")]
    if typ in ("int_type", "int_parsing", "int_from_float"):
        return [_line(loc, f"expected a whole number, got {shown}; write e.g. 30")]
    if typ in ("float_type", "float_parsing"):
        return [_line(loc, f"expected a number, got {shown}; write e.g. 60")]
    if typ in ("bool_type", "bool_parsing"):
        return [_line(loc, f"expected true or false, got {shown}; write true or false")]
    if typ in ("string_type", "string_unicode"):
        return [_line(loc, f"expected a string, got {shown}; quote the value")]
    if typ in ("list_type", "tuple_type"):
        return [_line(loc, f"expected a list, got {shown}; write [a, b] or one '- item' per line")]
    if typ in ("dict_type", "model_type", "model_attributes_type"):
        return [_line(loc, f"expected a mapping, got {shown}; write key: value pairs")]
    if typ in ("greater_than_equal", "greater_than"):
        bound = _number(ctx.get("ge", ctx.get("gt")))
        op = "≥" if typ == "greater_than_equal" else ">"
        return [_line(loc, f"{shown} is too small; use a value {op} {bound}")]
    if typ in ("less_than_equal", "less_than"):
        bound = _number(ctx.get("le", ctx.get("lt")))
        op = "≤" if typ == "less_than_equal" else "<"
        return [_line(loc, f"{shown} is too large; use a value {op} {bound}")]
    if typ == "too_short":
        return [_line(loc, f"needs at least {ctx.get('min_length')} item(s); add them")]
    if typ == "too_long":
        return [_line(loc, f"has more than {ctx.get('max_length')} item(s); remove some")]
    if typ == "value_error":
        message = str(err.get("msg", "")).removeprefix("Value error, ")
        return [_line(loc, f"{message}; see docs/config.md")]
    if key_error:
        return [_line(loc, f"is not a valid key; {err.get('msg')}")]
    return [_line(loc, f"{err.get('msg')}; see docs/config.md")]


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _line(path: Path, message: str) -> str:
    return f"{format_path(path) or '(root)'}: {message}"


def _show(value: Any, loc: Path) -> str:
    """A short, safe rendering of an input value (never values under environment/secrets)."""
    if "environment" in loc[1:]:  # container environment values may be secrets pasted by mistake
        return "this value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _expected(ctx: Mapping[str, Any]) -> str:
    expected = str(ctx.get("expected", ""))
    return ", ".join(part.strip().strip("'") for part in re.split(r",| or ", expected) if part.strip())


def _unknown_key_message(loc: Path) -> str:
    key = str(loc[-1]) if loc else ""
    allowed = allowed_keys(loc[:-1])
    if not allowed:
        return "unknown key; remove it"
    close = suggest_key(key, allowed)
    if close:
        return f"unknown key; did you mean {close[0]}?"
    return f"unknown key; allowed: {', '.join(allowed)}"


def suggest_key(key: str, allowed: Sequence[str]) -> list[str]:
    """The key a typo most likely meant: a case-insensitive match, a unique prefix, or a close spelling."""
    lowered = {a.lower(): a for a in allowed}
    if key.lower() in lowered:
        return [lowered[key.lower()]]
    prefixed = [a for a in allowed if len(key) >= 3 and a.lower().startswith(key.lower())]
    if len(prefixed) == 1:
        return prefixed
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return close
    close_lower = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.6)
    return [lowered[close_lower[0]]] if close_lower else []


def allowed_keys(path: Path) -> list[str]:
    """The camelCase keys the model at `path` (from the top level) accepts; [] if `path` is not a model."""
    model = _model_at(path)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _model_at(path: Path) -> type[BaseModel] | None:
    current: Any = PlatformConfig
    for part in path:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = next((f for n, f in current.model_fields.items() if part in (n, f.alias)), None)
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        elif typing.get_origin(current) is list and isinstance(part, int):
            current = typing.get_args(current)[0]
        else:
            return None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


# --------------------------------------------------------------------------------------------------------------
# Reading the Pulumi stack config
# --------------------------------------------------------------------------------------------------------------


def _parse_value(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key == "environment":
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def read_stack_config(project: str | None = None) -> PlatformConfig:
    """Read and validate every `<project>:*` key of the running Pulumi program's stack config.

    Raises ConfigError (before any resource is registered) for invalid values, unknown keys, and stack secrets
    that are missing or were not set with `--secret`."""
    from pulumi import get_project
    from pulumi.runtime import config as runtime_config

    namespace = project or get_project()
    everything: dict[str, Any] = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | set(runtime_config._SECRET_KEYS.get())
    return load_stack_values(everything, secret_keys, namespace)


def load_stack_values(
    values: Mapping[str, Any], secret_keys: Iterable[str], namespace: str = PROJECT
) -> PlatformConfig:
    """`read_stack_config` without the Pulumi runtime: full config keys → raw string/JSON values."""
    secret = set(secret_keys)
    raw: dict[str, Any] = {}
    extra: list[str] = []
    for full_key, value in values.items():
        ns, sep, key = full_key.partition(":")
        if not sep or ns != namespace:
            continue
        if key in _TOP_LEVEL_KEYS:
            raw[key] = _parse_value(key, value)
        else:
            extra.append(key)
    cfg = load_config(raw)
    referenced = {_stack_key(k, namespace) for k in cfg.stack_secret_keys}
    problems: list[str] = []
    for key in sorted(extra):
        if f"{namespace}:{key}" in referenced:
            continue
        close = suggest_key(key, _TOP_LEVEL_KEYS)
        hint = (
            f"did you mean {close[0]}?"
            if close
            else (f"allowed: {', '.join(_TOP_LEVEL_KEYS)} (or a key a stackSecret names)")
        )
        problems.append(f"{key}: unknown key; {hint}")
    for full in sorted(referenced):
        shown = full.removeprefix(f"{namespace}:")
        if full not in values:
            problems.append(
                f"{shown}: stack secret is not set; run pulumi config set --secret {shown} <value>"
            )
        elif full not in secret:
            problems.append(
                f"{shown}: stack secret was set in plain text; run pulumi config set --secret {shown} <value>"
            )
    if problems:
        raise ConfigError(problems)
    return cfg


def _stack_key(key: str, namespace: str) -> str:
    return key if ":" in key else f"{namespace}:{key}"


def stack_secret_config_key(key: str, namespace: str = PROJECT) -> str:
    """The full Pulumi config key of a `stackSecret` reference (`djangoKey` → `fargate-platform:djangoKey`)."""
    return _stack_key(key, namespace)


__all__ = [
    "ALLOWED_ADD_CAPABILITIES",
    "ENVIRONMENT_DEFAULTS",
    "FARGATE_CPU_MEMORY",
    "LOG_RETENTION_DAYS",
    "NAME_MAX_LENGTH",
    "TLS_POLICIES",
    "AccessLogsConfig",
    "AccessPointConfig",
    "AutoscalingConfig",
    "CapacityConfig",
    "CapacityProviderItem",
    "ClusterConfig",
    "ConfigError",
    "ContainerConfig",
    "ContainerHealthCheck",
    "DeploymentConfig",
    "EfsVolumeConfig",
    "HardeningConfig",
    "HealthCheckConfig",
    "ImageConfig",
    "LoadBalancerConfig",
    "LogsConfig",
    "MountConfig",
    "NetworkConfig",
    "PermissionsConfig",
    "PlatformConfig",
    "RouteConfig",
    "SecretSource",
    "ServiceConfig",
    "SidecarConfig",
    "TemplateRef",
    "VolumeConfig",
    "load_config",
    "load_stack_values",
    "read_stack_config",
    "render_template",
    "stack_secret_config_key",
]
