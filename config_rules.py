"""Config rules: AWS limits the stack config is checked against, value checks, and the cross-field rules.

The `check_*` functions are plain functions over validated models, returning `(path, message)` pairs relative
to the model they check (message = `<what is wrong>; <fix>`). The models in config.py call them from their
`model_validator(mode="after")`; tests call them directly too."""

from __future__ import annotations

import math
import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic.alias_generators import to_camel

from config_errors import Issue, Path

if TYPE_CHECKING:
    from config import (
        ImageConfig,
        NetworkConfig,
        PermissionsConfig,
        PlatformConfig,
        RouteConfig,
        SecretSource,
        ServiceConfig,
    )

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
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
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


DOCKER_DEFAULT_CAPABILITIES: tuple[str, ...] = (
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
)
"""Capabilities a container gets from Docker by default. Fargate only accepts `SYS_PTRACE` in
`linuxParameters.capabilities.add`, so keeping one of these is expressed by *not dropping* it."""

ALLOWED_ADD_CAPABILITIES: tuple[str, ...] = (
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
)
"""Capabilities `hardening.addCapabilities` may keep (harmless defaults of Docker)."""

DANGEROUS_CAPABILITIES: tuple[str, ...] = (
    "ALL",
    "AUDIT_CONTROL",
    "BLOCK_SUSPEND",
    "DAC_READ_SEARCH",
    "IPC_LOCK",
    "IPC_OWNER",
    "LEASE",
    "LINUX_IMMUTABLE",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "MKNOD",
    "NET_ADMIN",
    "NET_BROADCAST",
    "NET_RAW",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_MODULE",
    "SYS_NICE",
    "SYS_PACCT",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "SYSLOG",
    "WAKE_ALARM",
)
"""Capabilities rejected in `addCapabilities` (they widen the kernel attack surface)."""

ALL_CAPABILITIES: tuple[str, ...] = tuple(sorted({*ALLOWED_ADD_CAPABILITIES, *DANGEROUS_CAPABILITIES}))


LABEL_RE = re.compile(r"^[a-z]([a-z0-9-]*[a-z0-9])?\Z")
ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
IDENT_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\Z")
STACK_KEY_RE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9_.-]*:)?[A-Za-z][A-Za-z0-9_-]*\Z")
DNS_NAME_RE = re.compile(
    r"^(?=.{1,253}\Z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+\Z"
)
ACCOUNT = r"\d{12}"
REGION = r"[a-z]{2}(?:-[a-z]+)+-\d"
PARTITION = r"aws(?:-cn|-us-gov)?"
CERT_ARN_RE = re.compile(rf"^arn:{PARTITION}:acm:{REGION}:{ACCOUNT}:certificate/[A-Za-z0-9-]+\Z")
SECRET_ARN_RE = re.compile(
    rf"^arn:{PARTITION}:secretsmanager:{REGION}:{ACCOUNT}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{{6}}\Z"
)
"""A complete secret ARN, with the 6 random characters Secrets Manager appends to the name: the execution
role is granted exactly this ARN, and IAM does not match a partial ARN against the secret's real one."""
SSM_ARN_RE = re.compile(rf"^arn:{PARTITION}:ssm:{REGION}:{ACCOUNT}:parameter/[A-Za-z0-9/_.-]+\Z")
SSM_NAME_RE = re.compile(r"^/?[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*\Z")
S3_ARN_RE = re.compile(
    rf"^arn:{PARTITION}:s3:::[a-z0-9][a-z0-9.-]{{1,61}}[a-z0-9](?:/[A-Za-z0-9!_.()/'-]*)?\Z"
)
DYNAMODB_ARN_RE = re.compile(rf"^arn:{PARTITION}:dynamodb:{REGION}:{ACCOUNT}:table/[A-Za-z0-9_.-]{{3,255}}\Z")
SQS_ARN_RE = re.compile(rf"^arn:{PARTITION}:sqs:{REGION}:{ACCOUNT}:[A-Za-z0-9_-]{{1,80}}(?:\.fifo)?\Z")
S3_BUCKET_RE = re.compile(r"^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\Z")
ECR_REPO_RE = re.compile(r"^(?=.{2,256}\Z)[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*\Z")
IMAGE_RE = re.compile(
    r"^(?:(?P<registry>[a-zA-Z0-9.-]+(?::\d+)?)/)?"
    r"(?P<path>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
    r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?"
    r"(?:@(?P<digest>sha256:[a-f0-9]{64}))?\Z"
)
ECR_URI_RE = re.compile(rf"^{ACCOUNT}\.dkr\.ecr\.{REGION}\.amazonaws\.com(?:\.cn)?/")
DOCKER_TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\Z")
PATH_PATTERN_RE = re.compile(r"^/[A-Za-z0-9_\-.$/~\"'@:+&*?]{0,127}\Z")
HOST_PATTERN_RE = re.compile(r"^[A-Za-z0-9*?.-]{1,128}\Z")
MATCHER_RE = re.compile(r"^\d{3}(?:-\d{3})?(?:,\d{3}(?:-\d{3})?)*\Z")
USER_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?\Z")
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


def check_label(name: str, what: str = "name") -> str | None:
    """A short lowercase DNS label (service, sidecar and volume names): message or None."""
    if len(name) > NAME_MAX_LENGTH:
        return (
            f"{what} {name!r} is {len(name)} characters, longer than {NAME_MAX_LENGTH}; shorten it "
            "(derived AWS "
            f"names such as the target group '<name>-tg-xxxxxxx' must fit in 32 characters)"
        )
    if not LABEL_RE.match(name):
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
    match = IMAGE_RE.match(uri)
    if match is None:
        return False
    if match.group("digest"):
        return True
    tag = match.group("tag")
    return tag is not None and tag != "latest"


def check_absolute_path(path: str) -> str | None:
    if not path.startswith("/") or path == "/" or "//" in path or "/../" in f"{path}/" or len(path) > 4096:
        return f"{path!r} is not an absolute path below /; use a path such as /tmp or /mnt/efs"
    return None


SMALLEST_SUBNET_PREFIX = 27
"""A new VPC's subnets are /27 or larger: an ALB rejects smaller subnets (components/network.py: subnet_mask
sizes them, with the same floor)."""


def _vpc_room(net: NetworkConfig) -> list[Issue]:
    """A new VPC's range must hold a public (and, with NAT, a private) subnet per AZ of at least /27."""
    kinds = 1 if net.nat_gateways == "none" else 2
    subnets = kinds * net.az_count
    needed = SMALLEST_SUBNET_PREFIX - math.ceil(math.log2(subnets))
    if int(net.cidr.split("/")[1]) <= needed:
        return []
    per_az = "a public subnet" if kinds == 1 else "a public and a private subnet"
    return [
        (
            ("cidr",),
            f"{net.cidr} cannot hold {subnets} subnets of /{SMALLEST_SUBNET_PREFIX} or larger ({per_az} in "
            f"each of {net.az_count} AZs; an ALB needs /{SMALLEST_SUBNET_PREFIX} subnets); use a /{needed} "
            "or larger range, or lower azCount",
        )
    ]


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
        issues.extend(_vpc_room(net))
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
    if image.uri is not None and not IMAGE_RE.match(image.uri):
        issues.append(
            (
                ("uri",),
                f"{image.uri!r} is not an image reference; use e.g. postgres:15-alpine or "
                "123456789012.dkr.ecr.eu-west-2.amazonaws.com/app:1.4.2",
            )
        )
    if image.repository is not None and not ECR_REPO_RE.match(image.repository):
        issues.append(
            (
                ("repository",),
                f"{image.repository!r} is not an ECR repository name; use lowercase "
                "letters, digits, '.', '_', '-' and '/' (the name, not the URI)",
            )
        )
    if image.tag is not None and not DOCKER_TAG_RE.match(image.tag):
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
            problems.append(f"{match.group(0)} uses unknown filter {filt!r}; use |urlencode or no filter")
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
            (("generate",), f"{src.generate!r} is not a name; use letters and digits, e.g. dbPassword")
        )
    if src.stack_secret is not None and not STACK_KEY_RE.match(src.stack_secret):
        issues.append(
            (("stackSecret",), f"{src.stack_secret!r} is not a config key; use e.g. djangoSecretKey")
        )
    if src.ssm_parameter is not None and not (
        SSM_ARN_RE.match(src.ssm_parameter) or SSM_NAME_RE.match(src.ssm_parameter)
    ):
        issues.append(
            (
                ("ssmParameter",),
                f"{src.ssm_parameter!r} is not an SSM parameter name or ARN; use e.g. /app/prod/api-key",
            )
        )
    if src.secrets_manager is not None and not SECRET_ARN_RE.match(src.secrets_manager):
        issues.append(
            (
                ("secretsManager",),
                f"{src.secrets_manager!r} is not a complete Secrets Manager ARN; use "
                "arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters> as the console "
                "shows it",
            )
        )
    if src.json_key is not None and not re.match(r"^[A-Za-z0-9_.-]{1,256}\Z", src.json_key):
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


def to_snake(camel: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", camel).lower()


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


def check_service(svc: ServiceConfig) -> list[Issue]:
    """Cross-field rules within one service (dependsOn needs the service's name: see check_depends_on)."""
    issues: list[Issue] = []
    memory_problem = fargate_memory_problem(svc.cpu, svc.memory)
    if memory_problem:
        issues.append((("memory",), memory_problem))
    issues.extend(_check_sizes(svc))
    issues.extend(_check_scratch(svc))
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


def _check_scratch(svc: ServiceConfig) -> list[Issue]:
    """Scratch tmpfs mounts live in the container's memory: together at most half of it."""
    issues: list[Issue] = []
    limits = [((), svc.hardening, svc.container_memory)]
    limits += [(("sidecars", n), s.hardening, s.memory or svc.memory) for n, s in svc.sidecars.items()]
    for prefix, hardening, memory in limits:
        if memory >= 128 and hardening.tmpfs_total * 2 > memory:  # (< 128 is reported by _check_sizes)
            message = (
                f"{len(hardening.scratch_paths)} scratch path(s) of {hardening.scratch_size} MiB = "
                f"{hardening.tmpfs_total} MiB of tmpfs is more than half of the container's {memory} MiB "
                "memory; lower scratchSize or raise memory"
            )
            issues.append(((*prefix, "hardening", "scratchSize"), message))
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
    names = [name, *svc.sidecars]
    graph: dict[str, list[str]] = {}
    for cname, depends_on in [(name, svc.depends_on), *((n, s.depends_on) for n, s in svc.sidecars.items())]:
        prefix: Path = ("dependsOn",) if cname == name else ("sidecars", cname, "dependsOn")
        graph[cname] = []
        for target, condition in depends_on.items():
            path = (*prefix, target)
            if target == cname:
                issues.append((path, "a container cannot depend on itself; remove it"))
                continue
            if target not in names:
                known = ", ".join(n for n in names if n != cname) or "none"
                issues.append((path, f"is not a container of this service; use one of: {known}"))
                continue
            graph[cname].append(target)
            sidecar = svc.sidecars.get(target) if target != name else None
            if condition == "HEALTHY":
                has_check = (
                    svc.health_check.container is not None
                    if sidecar is None
                    else (sidecar.health_check is not None)
                )
                if not has_check:
                    where = "healthCheck.container" if sidecar is None else f"sidecars.{target}.healthCheck"
                    message = f"HEALTHY needs a container health check on {target}; add {where} or use START"
                    issues.append((path, message))
            if condition in ("COMPLETE", "SUCCESS") and (sidecar is None or sidecar.essential):
                message = (
                    f"{condition} needs {target} to be non-essential (it is expected to exit); "
                    f"set sidecars.{target}.essential: false or use START"
                )
                issues.append((path, message))
    cycle = _find_cycle(graph)
    if cycle:
        at: Path = ("dependsOn",) if cycle[0] == name else ("sidecars", cycle[0], "dependsOn")
        issues.append((at, f"forms a cycle {' → '.join(cycle)}; remove one of these dependencies"))
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


def container_prefix(cname: str) -> Path:
    return () if cname == "" else ("sidecars", cname)


def _check_secrets(svc: ServiceConfig) -> list[Issue]:
    issues: list[Issue] = []
    generated: dict[str, list[tuple[Path, int, bool]]] = {}
    for cname, container in svc.containers():
        for env, src in container.secrets.items():
            if src.generate is not None:
                generated.setdefault(src.generate, []).append(
                    ((*container_prefix(cname), "secrets", env), src.effective_length, src.length is not None)
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
                            (*container_prefix(cname), "secrets", env, "template"),
                            f"{ref.text} does not name a generated secret of this service (generated: "
                            f"{known}); add {{generate: {ref.name}}} to a secret or fix the name",
                        )
                    )
            if env in container.environment:
                issues.append(
                    (
                        (*container_prefix(cname), "secrets", env),
                        "is also set in environment; keep it only in secrets",
                    )
                )
    return issues


def _check_volumes(svc: ServiceConfig) -> list[Issue]:
    issues: list[Issue] = []
    used: set[str] = set()
    for cname, container in svc.containers():
        prefix = container_prefix(cname)
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
                            (*prefix, *container_prefix(cname), "image"),
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
            if bare in TOP_LEVEL_KEYS:
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


TOP_LEVEL_KEYS: tuple[str, ...] = (
    "environment",
    "network",
    "cluster",
    "loadBalancer",
    "logs",
    "tags",
    "services",
)
