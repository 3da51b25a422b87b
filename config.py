"""Stack configuration of fargate-platform: pydantic models, validation and the one place defaults live.

`__main__.py` calls `read_stack_config()` (every `fargate-platform:*` key of the Pulumi stack config)
before it registers any resource; tests call `load_config(raw)` with already-parsed values. Both raise
`ConfigError`, whose `problems` hold one line per problem: `<key.path>: <what is wrong>; <fix>`.

Keys are camelCase in YAML (field aliases); Python code uses the snake_case attribute names. Unknown keys are
errors at every level (`extra="forbid"`). This module holds the models and every default; the cross-field
rules are plain functions (`check_*`, in config_rules.py, re-exported here) returning `(path, message)` pairs,
called by the models' `model_validator(mode="after")` and directly by the tests; config_errors.py turns
pydantic's errors into problem lines. The reference of every key is the README's configuration reference."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

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

from config_errors import (
    ConfigError,
    ConfigProblems,
    Issue,
    Path,
    fail,
    format_path,
    raise_if,
    suggest_key,
    translate_errors,
)
from config_rules import (  # AWS limits, value checks and the check_* rules (re-exported: part of the API)
    ALL_CAPABILITIES,
    ALLOWED_ADD_CAPABILITIES,
    CERT_ARN_RE,
    DANGEROUS_CAPABILITIES,
    DNS_NAME_RE,
    DOCKER_DEFAULT_CAPABILITIES,
    ECR_URI_RE,
    ENV_NAME_RE,
    FARGATE_CPU_MEMORY,
    HOST_PATTERN_RE,
    LOG_RETENTION_DAYS,
    MATCHER_RE,
    NAME_MAX_LENGTH,
    PATH_PATTERN_RE,
    PROJECT,
    S3_BUCKET_RE,
    TLS_POLICIES,
    TOP_LEVEL_KEYS,
    USER_RE,
    TemplateRef,
    check_absolute_path,
    check_depends_on,
    check_environment,
    check_image,
    check_label,
    check_network,
    check_permissions,
    check_platform,
    check_route,
    check_secret_source,
    check_service,
    fargate_memory_problem,
    image_is_pinned,
    parse_template,
    render_template,
    secret_name_word,
    secret_value_kind,
    to_snake,
)

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

DEFAULT_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
"""TLS policy of the HTTPS listener: TLS 1.3 and 1.2 with forward secrecy (Security Hub ELB.17)."""


# ----------------------------------------------------------------------------------------------------
# Annotated key types (dict keys are checked per key: the problem names the key)
# ----------------------------------------------------------------------------------------------------


def _label_key(what: str) -> Callable[[str], str]:
    def check(name: str) -> str:
        message = check_label(name, what)
        if message:
            raise fail(message)
        return name

    return check


def _env_name(name: str) -> str:
    if not ENV_NAME_RE.match(name) or len(name) > 255:
        raise fail(
            f"{name!r} is not a valid environment variable name; use letters, digits and '_', not starting "
            f"with a digit"
        )
    return name


def _tag_key(key: str) -> str:
    if not 1 <= len(key) <= 128 or key.lower().startswith("aws:"):
        raise fail(f"tag key {key!r} must be 1 to 128 characters and not start with 'aws:'; rename the tag")
    return key


ServiceName = Annotated[str, AfterValidator(_label_key("service name"))]
ContainerName = Annotated[str, AfterValidator(_label_key("sidecar name"))]
VolumeName = Annotated[str, AfterValidator(_label_key("volume name"))]
EnvName = Annotated[str, AfterValidator(_env_name)]
TagKey = Annotated[str, AfterValidator(_tag_key)]


def _tag_value(value: str) -> str:
    if len(value) > 256:
        raise fail(f"tag value is {len(value)} characters; shorten it to at most 256")
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


# ----------------------------------------------------------------------------------------------------
# Base model
# ----------------------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------------------
# Network
# ----------------------------------------------------------------------------------------------------


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
        description="Where tasks run: private (no public IP, egress through NAT) or public (tasks get a "
        "public "
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
            raise fail(f"{value!r} is not an IPv4 network in CIDR form; use e.g. 10.0.0.0/16") from None
        if not 16 <= net.prefixlen <= 24 or not net.is_private:
            raise fail(f"{value} must be a private range from /16 to /24; use e.g. 10.0.0.0/16")
        return value

    @field_validator("vpc_id")
    @classmethod
    def _vpc_id(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^vpc-[0-9a-f]{8,17}\Z", value):
            raise fail(
                f"{value!r} is not a VPC id; use the id of an existing VPC such as vpc-0123456789abcdef0"
            )
        return value

    @field_validator("public_subnet_ids", "private_subnet_ids")
    @classmethod
    def _subnets(cls, value: list[str]) -> list[str]:
        bad = [s for s in value if not re.match(r"^subnet-[0-9a-f]{8,17}\Z", s)]
        if bad:
            raise fail(f"{bad[0]!r} is not a subnet id; use ids such as subnet-0123456789abcdef0")
        if len(set(value)) != len(value):
            raise fail("lists a subnet twice; list each subnet once")
        return value

    @model_validator(mode="after")
    def _rules(self) -> NetworkConfig:
        raise_if(check_network(self))
        return self

    @property
    def is_existing_vpc(self) -> bool:
        """True when the stack uses an existing VPC (`vpcId`)."""
        return self.vpc_id is not None

    @property
    def assign_public_ip(self) -> bool:
        """Tasks get a public IP exactly when they run in public subnets."""
        return self.task_subnets == "public"


# ----------------------------------------------------------------------------------------------------
# Cluster
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapacityProviderItem:
    """One entry of an ECS capacity provider strategy."""

    capacity_provider: Literal["FARGATE", "FARGATE_SPOT"]
    base: int
    weight: int


class CapacityConfig(_Model):
    """The capacity provider strategy. YAML accepts `spot`, `onDemand` or
    `{base, onDemandWeight, spotWeight}`."""

    SHORTHAND: ClassVar[str] = "spot, onDemand"

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
            raise fail(
                f"{data!r} is not a capacity; use spot, onDemand or {{base, onDemandWeight, spotWeight}}"
            )
        return data

    @model_validator(mode="after")
    def _rules(self) -> CapacityConfig:
        if self.on_demand_weight == 0 and self.spot_weight == 0:
            raise fail("onDemandWeight and spotWeight are both 0; give at least one a weight ≥ 1")
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
    """The ECS cluster: capacity providers, Container Insights, Cloud Map namespace, ECS Exec logging."""

    container_insights: Literal["disabled", "enabled", "enhanced"] = Field(
        default="enabled",
        description="Container Insights: disabled, enabled (classic) or enhanced. Default: disabled in dev "
        "and "
        "staging, enabled in prod.",
    )
    capacity: CapacityConfig = Field(
        default_factory=CapacityConfig,
        description="spot, onDemand, or {base, onDemandWeight, spotWeight}. Default: spot in dev and "
        "staging, "
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
        if value is not None and not DNS_NAME_RE.match(value):
            raise fail(f"{value!r} is not a DNS name; use a private domain such as dev.local")
        return value


# ----------------------------------------------------------------------------------------------------
# Load balancer and logs
# ----------------------------------------------------------------------------------------------------


class AccessLogsConfig(_Model):
    """ALB access logs written to an existing S3 bucket."""

    bucket: str = Field(description="Name of an existing S3 bucket that allows ELB log delivery.")
    prefix: str = Field(default="", description="Key prefix of the log objects (no leading or trailing '/').")

    @field_validator("bucket")
    @classmethod
    def _bucket(cls, value: str) -> str:
        if not S3_BUCKET_RE.match(value):
            raise fail(f"{value!r} is not an S3 bucket name; use the bucket's name, not its ARN or URL")
        return value

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if value.startswith("/") or value.endswith("/") or "AWSLogs" in value or len(value) > 200:
            raise fail(f"{value!r} is not a usable prefix; drop leading/trailing '/' and 'AWSLogs'")
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
        if value is not None and not CERT_ARN_RE.match(value):
            raise fail(
                f"{value!r} is not an ACM certificate ARN; use "
                "arn:aws:acm:<region>:<account>:certificate/<id>"
            )
        return value

    @field_validator("ssl_policy")
    @classmethod
    def _ssl_policy(cls, value: str) -> str:
        if value not in TLS_POLICIES:
            raise fail(f"{value!r} is not a TLS 1.3 policy; use one of: {', '.join(TLS_POLICIES)}")
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
            raise fail(
                f"{value} is not a CloudWatch retention value; use one of: "
                f"{', '.join(str(v) for v in LOG_RETENTION_DAYS)}"
            )
        return value


# ----------------------------------------------------------------------------------------------------
# Service parts: image, secrets, health checks, route, volumes, hardening, permissions
# ----------------------------------------------------------------------------------------------------


class ImageConfig(_Model):
    """Where a container image comes from. YAML accepts a plain image URI string as shorthand for `{uri}`."""

    SHORTHAND: ClassVar[str] = "an image URI string"

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
        raise_if(check_image(self))
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
        return self.kind != "uri" or bool(self.uri and ECR_URI_RE.match(self.uri))

    @property
    def is_pinned(self) -> bool:
        """True when the image cannot silently change: a digest, a non-latest tag, or a git-SHA build."""
        if self.kind == "build":
            return True
        if self.kind == "repository":
            return self.effective_tag != "latest"
        return image_is_pinned(self.uri or "")


class SecretSource(_Model):
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


def check_timeout_below_interval(timeout: int, interval: int) -> None:
    """Health checks (container and ALB): a check must time out before the next one starts."""
    if timeout >= interval:
        message = f"{timeout} must be less than interval {interval}; lower timeout or raise interval"
        raise ConfigProblems([(("timeout",), message)])


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
            raise fail(
                f"must start with CMD or CMD-SHELL, not {value[0]!r}; e.g. [CMD-SHELL, pg_isready -U app]"
            )
        if value[0] == "CMD-SHELL" and len(value) != 2:
            raise fail("CMD-SHELL takes exactly one shell command string; join the words into one string")
        return value

    @model_validator(mode="after")
    def _rules(self) -> ContainerHealthCheck:
        check_timeout_below_interval(self.timeout, self.interval)
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
            raise fail(f"{value!r} is not an HTTP path; use e.g. /health")
        return value

    @field_validator("matcher")
    @classmethod
    def _matcher(cls, value: str) -> str:
        if not MATCHER_RE.match(value) or any(not 200 <= int(c) <= 499 for c in re.findall(r"\d{3}", value)):
            raise fail(f"{value!r} is not a list of HTTP codes 200 to 499; use e.g. 200 or 200-399")
        return value

    @model_validator(mode="after")
    def _rules(self) -> HealthCheckConfig:
        check_timeout_below_interval(self.timeout, self.interval)
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
            if not PATH_PATTERN_RE.match(p):
                raise fail(
                    f"{p!r} is not an ALB path pattern; start with '/', at most 128 characters of "
                    "A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?"
                )
        return value

    @field_validator("host_patterns")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        for h in value:
            if not HOST_PATTERN_RE.match(h):
                raise fail(f"{h!r} is not an ALB host pattern; use letters, digits, '-', '.', '*' and '?'")
        return value

    @model_validator(mode="after")
    def _rules(self) -> RouteConfig:
        raise_if(check_route(self))
        return self


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
        if value != "/" and check_absolute_path(value):
            raise fail(f"{value!r} is not an absolute path; use e.g. /data")
        return value

    @field_validator("permissions")
    @classmethod
    def _permissions(cls, value: str) -> str:
        if not re.match(r"^0?[0-7]{3}\Z", value):
            raise fail(f"{value!r} is not octal permissions; use e.g. 0750")
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
        if value is not None and not re.match(r"^fs-[0-9a-f]{8,17}\Z", value):
            raise fail(f"{value!r} is not an EFS file system id; use e.g. fs-0123456789abcdef0")
        return value

    @field_validator("root_directory")
    @classmethod
    def _root(cls, value: str) -> str:
        if value != "/" and check_absolute_path(value):
            raise fail(f"{value!r} is not an absolute path; use e.g. /static")
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
        raise_if(issues)
        return self


class VolumeConfig(_Model):
    """A task volume: `efs: {…}` (persistent) or `scratch: true` (task storage, lost when the task stops)."""

    efs: EfsVolumeConfig | None = Field(default=None, description="An EFS volume.")
    scratch: bool = Field(default=False, description="An empty volume on the task's ephemeral storage.")

    @model_validator(mode="after")
    def _rules(self) -> VolumeConfig:
        if (self.efs is None) == (not self.scratch):
            raise fail("needs exactly one of efs: {…} or scratch: true; keep one")
        return self


class MountConfig(_Model):
    """A volume mounted into a container."""

    volume: str = Field(description="Name of a volume in the service's `volumes`.")
    path: str = Field(description="Absolute path inside the container.")
    read_only: bool = Field(default=False, description="Mount read-only.")

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        message = check_absolute_path(value)
        if message:
            raise fail(message)
        return value


TMPFS_MOUNT_OPTIONS: tuple[str, ...] = ("nosuid", "nodev")
"""Mount options of scratch tmpfs mounts: no setuid binaries, no device files."""


@dataclass(frozen=True)
class TmpfsMount:
    """One `linuxParameters.tmpfs` entry."""

    container_path: str
    size: int  # MiB
    mount_options: tuple[str, ...]


class HardeningConfig(_Model):
    """Container hardening. Defaults are the secure posture: read-only root, non-root user, no
    capabilities."""

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
        description="Writable empty directories, each a tmpfs mount (memory-backed, writable by any user), "
        "for a read-only root filesystem.",
    )
    scratch_size: int = Field(
        default=64, ge=1, le=8192, description="Size limit (MiB) of each scratchPaths tmpfs mount."
    )

    @field_validator("user")
    @classmethod
    def _user(cls, value: str) -> str:
        if not USER_RE.match(value):
            raise fail(f"{value!r} is not a user; use uid[:gid] such as 1000:1000")
        if value.split(":")[0] in ("0", "root"):
            raise fail(f"{value!r} runs as root; use a non-root uid such as 1000:1000")
        return value

    @field_validator("drop_capabilities")
    @classmethod
    def _drop(cls, value: list[str]) -> list[str]:
        for cap in value:
            if cap not in ALL_CAPABILITIES:
                raise fail(f"{cap!r} is not a Linux capability; use ALL or names such as NET_RAW")
        return value

    @field_validator("add_capabilities")
    @classmethod
    def _add(cls, value: list[str]) -> list[str]:
        for cap in value:
            if cap in ALLOWED_ADD_CAPABILITIES:
                continue
            allowed = ", ".join(ALLOWED_ADD_CAPABILITIES)
            if cap in DANGEROUS_CAPABILITIES:
                raise fail(f"{cap} is too powerful to add; remove it (allowed: {allowed})")
            raise fail(f"{cap!r} is not a Linux capability; use one of: {allowed}")
        return value

    @field_validator("scratch_paths")
    @classmethod
    def _scratch(cls, value: list[str]) -> list[str]:
        for path in value:
            message = check_absolute_path(path)
            if message:
                raise fail(message)
        if len(set(value)) != len(value):
            raise fail("lists a path twice; list each path once")
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
    def tmpfs_mounts(self) -> list[TmpfsMount]:
        """`linuxParameters.tmpfs` entries for `scratchPaths` (Fargate supports tmpfs since January 2026).

        tmpfs rather than bind-mounted task volumes: an empty bind mount is owned by root with mode 0755, so
        a non-root user cannot write to it; a tmpfs mount is world-writable (mode 1777)."""
        return [TmpfsMount(path, self.scratch_size, TMPFS_MOUNT_OPTIONS) for path in self.scratch_paths]

    @property
    def tmpfs_total(self) -> int:
        """MiB the scratch tmpfs mounts may hold together (they count against the container's memory)."""
        return self.scratch_size * len(self.scratch_paths)

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
        raise_if(check_permissions(self))
        return self

    @property
    def is_empty(self) -> bool:
        return not (self.s3_buckets or self.dynamodb_tables or self.sqs_queues or self.ssm_paths)


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
        raise_if(issues)
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
        raise_if(issues)
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
        raise_if(check_environment(value))
        return value

    @field_validator("command", "entry_point")
    @classmethod
    def _argv(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and not value:
            raise fail("is empty; remove it to use the image's default, or list the arguments")
        return value


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
            raise fail(
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

    @model_validator(mode="after")
    def _rules(self) -> ServiceConfig:
        raise_if(check_service(self))
        return self


# ----------------------------------------------------------------------------------------------------
# The whole stack
# ----------------------------------------------------------------------------------------------------


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
            snake = to_snake(section)
            key = snake if snake in out and section not in out else section
            current = out.get(key)
            if current is None and key not in out:
                out[key] = dict(values)
            elif isinstance(current, Mapping):
                merged = dict(current)
                for k, v in values.items():
                    if k not in merged and to_snake(k) not in merged:
                        merged[k] = v
                out[key] = merged
        return out

    @model_validator(mode="after")
    def _rules(self) -> PlatformConfig:
        raise_if(check_platform(self))
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


# ----------------------------------------------------------------------------------------------------
# Loading and error translation
# ----------------------------------------------------------------------------------------------------


def load_config(raw: Mapping[str, Any]) -> PlatformConfig:
    """Validate already-parsed top-level values (keys without the `fargate-platform:` prefix)."""
    if not isinstance(raw, Mapping):
        raise ConfigError(
            [f"(root): expected a mapping of config keys, got {type(raw).__name__}; pass a dict"]
        )
    try:
        return PlatformConfig.model_validate(dict(raw))
    except ValidationError as exc:
        raise ConfigError(translate_errors(exc, PlatformConfig)) from None


# ----------------------------------------------------------------------------------------------------
# Reading the Pulumi stack config
# ----------------------------------------------------------------------------------------------------


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
        if key in TOP_LEVEL_KEYS:
            raw[key] = _parse_value(key, value)
        else:
            extra.append(key)
    cfg = load_config(raw)
    referenced = {_stack_key(k, namespace) for k in cfg.stack_secret_keys}
    problems: list[str] = []
    for key in sorted(extra):
        if f"{namespace}:{key}" in referenced:
            continue
        close = suggest_key(key, TOP_LEVEL_KEYS)
        hint = (
            f"did you mean {close[0]}?"
            if close
            else (f"allowed: {', '.join(TOP_LEVEL_KEYS)} (or a key a stackSecret names)")
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
    problems += _region_problems(cfg, values.get("aws:region"))
    if problems:
        raise ConfigError(problems)
    return cfg


def _region_problems(cfg: PlatformConfig, region: Any) -> list[str]:
    """Values that must be in the stack's own region (`aws:region`), when it is set."""
    cert = cfg.load_balancer.certificate_arn
    cert_region = cert.split(":")[3] if cert is not None else None
    if not isinstance(region, str) or cert_region is None or cert_region == region:
        return []
    return [
        f"loadBalancer.certificateArn: the certificate is in {cert_region} but aws:region is {region}; "
        f"an ALB uses only ACM certificates of its own region, so request or import one in {region}"
    ]


def _stack_key(key: str, namespace: str) -> str:
    return key if ":" in key else f"{namespace}:{key}"


def stack_secret_config_key(key: str, namespace: str = PROJECT) -> str:
    """The full Pulumi config key of a `stackSecret` reference: `djangoKey` → `fargate-platform:djangoKey`."""
    return _stack_key(key, namespace)


__all__ = [
    "ALLOWED_ADD_CAPABILITIES",
    "DANGEROUS_CAPABILITIES",
    "DOCKER_DEFAULT_CAPABILITIES",
    "ENVIRONMENT_DEFAULTS",
    "FARGATE_CPU_MEMORY",
    "LOG_RETENTION_DAYS",
    "NAME_MAX_LENGTH",
    "PROJECT",
    "TLS_POLICIES",
    "TOP_LEVEL_KEYS",
    "AccessLogsConfig",
    "AccessPointConfig",
    "AutoscalingConfig",
    "CapacityConfig",
    "CapacityProviderItem",
    "ClusterConfig",
    "ConfigError",
    "ConfigProblems",
    "ContainerConfig",
    "ContainerHealthCheck",
    "DeploymentConfig",
    "EfsVolumeConfig",
    "HardeningConfig",
    "HealthCheckConfig",
    "ImageConfig",
    "Issue",
    "LoadBalancerConfig",
    "LogsConfig",
    "MountConfig",
    "NetworkConfig",
    "Path",
    "PermissionsConfig",
    "PlatformConfig",
    "RouteConfig",
    "SecretSource",
    "ServiceConfig",
    "SidecarConfig",
    "TemplateRef",
    "TmpfsMount",
    "VolumeConfig",
    "check_depends_on",
    "check_environment",
    "check_image",
    "check_label",
    "check_network",
    "check_permissions",
    "check_platform",
    "check_route",
    "check_secret_source",
    "check_service",
    "fargate_memory_problem",
    "format_path",
    "image_is_pinned",
    "load_config",
    "load_stack_values",
    "parse_template",
    "read_stack_config",
    "render_template",
    "secret_name_word",
    "secret_value_kind",
    "stack_secret_config_key",
    "to_snake",
]
