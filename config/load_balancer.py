"""`loadBalancer` (the shared ALB) and how a service is reached through it: `route` and the target-group
`healthCheck`."""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from config.base import ACCOUNT, PARTITION, REGION, ConfigModel
from config.containers import ContainerHealthCheck, check_timeout_below_interval
from config.errors import Issue, fail, raise_if, short_repr
from config.front_door import DomainConfig, ExistingListenerConfig
from config.waf import WafConfig

DEFAULT_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
"""TLS policy of the HTTPS listener: TLS 1.3 and 1.2 (restricted to forward-secret AEAD ciphers) with hybrid
post-quantum key exchange (ML-KEM), the policy AWS recommends and the console's default ("Security policies
for your Application Load Balancer", docs.aws.amazon.com/elasticloadbalancing/latest/application/
describe-ssl-policies.html). The API's own default, ELBSecurityPolicy-2016-08, still accepts TLS 1.0
(pulumi_aws/lb/listener.py ssl_policy), so the listener always names one."""


TLS_POLICIES: tuple[str, ...] = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
)
"""The TLS 1.3 policies with TLS 1.2 as the minimum (Security Hub ELB.17): the 2021-06 family, its FIPS
2023-04 variants and the 2025-09 post-quantum variants, from the same AWS page. TLS13-1-0 / TLS13-1-1
(which still accept TLS 1.0 / 1.1) are not included. The policy pack keeps the same list (policy/ stands
alone); a test compares them."""


CERT_ARN_RE = re.compile(rf"^arn:{PARTITION}:acm:{REGION}:{ACCOUNT}:certificate/[A-Za-z0-9-]+\Z")


S3_BUCKET_RE = re.compile(r"^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\Z")


PATH_PATTERN_RE = re.compile(r"^/[A-Za-z0-9_\-.$/~\"'@:+&*?]{0,127}\Z")
HOST_PATTERN_RE = re.compile(r"^[A-Za-z0-9*?.-]{1,128}\Z")
MATCHER_RE = re.compile(r"^\d{3}(?:-\d{3})?(?:,\d{3}(?:-\d{3})?)*\Z")


class AccessLogsConfig(ConfigModel):
    """ALB access logs written to an existing S3 bucket."""

    bucket: str = Field(description="Name of an existing S3 bucket that allows ELB log delivery.")
    prefix: str = Field(default="", description="Key prefix of the log objects (no leading or trailing '/').")

    @field_validator("bucket")
    @classmethod
    def _bucket(cls, value: str) -> str:
        if not S3_BUCKET_RE.match(value):
            raise fail(
                f"{short_repr(value)} is not an S3 bucket name; use the bucket's name, not its ARN or URL"
            )
        return value

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if value.startswith("/") or value.endswith("/") or "AWSLogs" in value or len(value) > 200:
            raise fail(f"{short_repr(value)} is not a usable prefix; drop leading/trailing '/' and 'AWSLogs'")
        return value


class LoadBalancerConfig(ConfigModel):
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
    domain: DomainConfig | None = Field(
        default=None,
        description="{name, zone | zoneId, aliases}: an ACM certificate for the names, validated through "
        "Route 53 (pulumi up waits until it is issued), HTTPS on it with the HTTP→HTTPS redirect, and alias "
        "records to the ALB. Instead of certificateArn.",
    )
    existing: ExistingListenerConfig | None = Field(
        default=None,
        description="{listenerArn, securityGroupId, protocol}: attach the services to a listener of an ALB "
        "this stack does not own (no ALB is created).",
    )
    waf: WafConfig | None = Field(
        default=None,
        description="A WAFv2 web ACL on the ALB {managedRuleGroups, rateLimitPerIp, blockedCountries, "
        "logging}. Default: on in prod (common rule set, known bad inputs, 2000 requests per 5 minutes per "
        "IP), off in dev and staging; waf: null turns it off.",
    )
    ip_address_type: Literal["ipv4", "dualstack"] = Field(
        default="ipv4",
        description="ipv4, or dualstack (IPv4 and IPv6; needs an existing VPC whose public subnets have IPv6 "
        "CIDRs). With a domain, dualstack adds AAAA records.",
    )
    test_listener_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Port of a test listener: during a blueGreen, canary or linear deployment it routes to "
        "the new revision before production traffic does (same protocol as the main listener). Needs "
        "testListenerCidrs.",
    )
    test_listener_cidrs: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="IPv4 CIDRs allowed to reach the test listener (e.g. the office or CI runners' range).",
    )

    @field_validator("test_listener_port")
    @classmethod
    def _test_port(cls, value: int | None) -> int | None:
        if value in (80, 443):
            raise fail(f"{value} is a production listener's port; pick another, e.g. 8443")
        return value

    @field_validator("test_listener_cidrs")
    @classmethod
    def _test_cidrs(cls, value: list[str]) -> list[str]:
        for cidr in value:
            try:
                net = ipaddress.IPv4Network(cidr, strict=True)
            except ValueError:
                raise fail(
                    f"{short_repr(cidr)} is not an IPv4 network in CIDR form; use e.g. 203.0.113.0/24"
                ) from None
            if net.prefixlen == 0:
                raise fail("0.0.0.0/0 opens the test listener to the internet; list the networks that test")
        return value

    @field_validator("certificate_arn", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("certificate_arn")
    @classmethod
    def _certificate(cls, value: str | None) -> str | None:
        if value is not None and not CERT_ARN_RE.match(value):
            raise fail(
                f"{short_repr(value)} is not an ACM certificate ARN; use "
                "arn:aws:acm:<region>:<account>:certificate/<id>"
            )
        return value

    @field_validator("ssl_policy")
    @classmethod
    def _ssl_policy(cls, value: str) -> str:
        if value not in TLS_POLICIES:
            raise fail(f"{short_repr(value)} is not a TLS 1.3 policy; use one of: {', '.join(TLS_POLICIES)}")
        return value

    @model_validator(mode="after")
    def _rules(self) -> LoadBalancerConfig:
        issues: list[Issue] = []
        if self.explicitly_set("ssl_policy") and self.certificate_arn is None and self.domain is None:
            issues.append(
                (
                    ("sslPolicy",),
                    "has no effect without certificateArn or domain; set one of them or remove sslPolicy",
                )
            )
        if self.domain is not None and self.certificate_arn is not None:
            issues.append(
                (
                    ("domain",),
                    "and certificateArn are both set; keep domain (the stack issues its certificate) or "
                    "certificateArn (a certificate made elsewhere)",
                )
            )
        issues.extend(self._existing_rules())
        if self.test_listener_port is not None and not self.test_listener_cidrs:
            issues.append(
                (
                    ("testListenerCidrs",),
                    "is required with testListenerPort; list the networks that may test, e.g. 203.0.113.0/24",
                )
            )
        if self.test_listener_cidrs and self.test_listener_port is None:
            issues.append(
                (("testListenerPort",), "is required with testListenerCidrs; set a port, e.g. 8443")
            )
        raise_if(issues)
        return self

    def _existing_rules(self) -> list[Issue]:
        """An existing listener belongs to an ALB the stack does not manage: its own settings do not apply."""
        if self.existing is None:
            return []
        issues: list[Issue] = []
        own = (
            "ssl_policy",
            "idle_timeout",
            "access_logs",
            "deletion_protection",
            "drop_invalid_headers",
            "desync_mitigation",
            "ip_address_type",
            "test_listener_port",
            "waf",
        )
        for field in own:
            if self.explicitly_set(field):
                key = to_camel(field)
                issues.append(
                    ((key,), "applies to an ALB this stack creates, not to an existing listener's; remove it")
                )
        if self.existing.protocol == "HTTP" and (self.domain is not None or self.certificate_arn is not None):
            issues.append(
                (
                    ("existing", "protocol"),
                    "HTTP cannot serve a certificate; attach to the ALB's HTTPS listener, or remove domain "
                    "and certificateArn",
                )
            )
        return issues

    @property
    def https(self) -> bool:
        """True when the services are served over HTTPS (and HTTP redirects to it on an ALB of the stack)."""
        if self.existing is not None:
            return self.existing.protocol == "HTTPS"
        return self.certificate_arn is not None or self.domain is not None

    @property
    def creates_alb(self) -> bool:
        return self.existing is None


class HealthCheckConfig(ConfigModel):
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
            raise fail(f"{short_repr(value)} is not an HTTP path; use e.g. /health")
        return value

    @field_validator("matcher")
    @classmethod
    def _matcher(cls, value: str) -> str:
        if not MATCHER_RE.match(value) or any(not 200 <= int(c) <= 499 for c in re.findall(r"\d{3}", value)):
            raise fail(f"{short_repr(value)} is not a list of HTTP codes 200 to 499; use e.g. 200 or 200-399")
        return value

    @model_validator(mode="after")
    def _rules(self) -> HealthCheckConfig:
        check_timeout_below_interval(self.timeout, self.interval)
        return self

    def alb_keys_set(self) -> list[str]:
        """The ALB-only keys the stack config set explicitly (camelCase)."""
        return [to_camel(f) for f in self.model_fields_set if f != "container"]


class RouteConfig(ConfigModel):
    """How the shared ALB routes to a service: path/host patterns, or `default: true` for everything else."""

    path_patterns: list[str] = Field(default_factory=list, description="Path patterns, e.g. /api/*.")
    host_patterns: list[str] = Field(
        default_factory=list, description="Host header patterns, e.g. api.example.com."
    )
    priority: int | None = Field(
        default=None,
        ge=1,
        le=50000,
        description="Listener rule priority (lower wins); default: derived from the service's name, so it "
        "stays put when services are added, removed or reordered. Set it on routes that may match the same "
        "requests, to order them (a priority below 1000 comes before every derived one).",
    )
    default: bool = Field(
        default=False, description="Receive every request no other rule matches (one service at most)."
    )

    @field_validator("path_patterns")
    @classmethod
    def _paths(cls, value: list[str]) -> list[str]:
        for p in value:
            if p == "/":  # an ALB path condition matches the whole path: "/" is the root URL alone
                raise fail(
                    "'/' matches only the root URL (every other path gets the listener's 404); use "
                    "default: true to receive every path, or /*"
                )
            if not PATH_PATTERN_RE.match(p):
                raise fail(
                    f"{short_repr(p)} is not an ALB path pattern; start with '/', at most 128 characters of "
                    "A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?"
                )
        return value

    @field_validator("host_patterns")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        for h in value:
            if not HOST_PATTERN_RE.match(h):
                raise fail(
                    f"{short_repr(h)} is not an ALB host pattern; use letters, digits, '-', '.', '*' and '?'"
                )
        return value

    @model_validator(mode="after")
    def _rules(self) -> RouteConfig:
        raise_if(check_route(self))
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
