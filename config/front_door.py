"""The front door of the shared ALB: `loadBalancer.domain` (a name with an ACM certificate issued and
validated through Route 53, and alias records) and `loadBalancer.existing` (attach the services to a listener
of an ALB the stack does not own)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from config.base import ACCOUNT, DNS_NAME_RE, PARTITION, REGION, ConfigModel, check_security_group_id
from config.errors import Issue, fail, raise_if, short_repr

ZONE_ID_RE = re.compile(r"^Z[A-Z0-9]{1,31}\Z")
LISTENER_ARN_RE = re.compile(
    rf"^arn:{PARTITION}:elasticloadbalancing:{REGION}:{ACCOUNT}:listener/app/[A-Za-z0-9-]{{1,32}}/[0-9a-f]{{16}}"
    r"/[0-9a-f]{16}\Z"
)
CERTIFICATE_NAMES_LIMIT = 10
"""ACM's default quota of domain names per certificate ("Quotas", AWS Certificate Manager user guide: 10,
adjustable); botocore's RequestCertificate allows up to 100 subject alternative names once raised."""


def _dns_name(value: str, wildcard: bool) -> str | None:
    """A problem with a DNS name (lowercase, at least two labels; `*.` first when a wildcard is allowed)."""
    bare = value[2:] if wildcard and value.startswith("*.") else value
    if not DNS_NAME_RE.match(bare):
        return f"{short_repr(value)} is not a DNS name; use lowercase labels such as app.example.com"
    return None


def in_zone(name: str, zone: str) -> bool:
    """True when `name` (a wildcard too) belongs to the hosted zone `zone`."""
    bare = name[2:] if name.startswith("*.") else name
    return bare == zone or bare.endswith("." + zone)


class DomainConfig(ConfigModel):
    """A domain for the ALB: the certificate, its DNS validation and the alias records come with it."""

    name: str = Field(description="The stack's host name, e.g. app.example.com (in the hosted zone).")
    zone: str | None = Field(
        default=None, description="Public Route 53 hosted zone by name, e.g. example.com."
    )
    zone_id: str | None = Field(default=None, description="Or the hosted zone's id (Z…), instead of zone.")
    aliases: list[str] = Field(
        default_factory=list, max_length=20, description="More names on the certificate and in DNS, e.g. www."
    )

    @field_validator("name", "zone")
    @classmethod
    def _names(cls, value: str | None) -> str | None:
        message = _dns_name(value, wildcard=False) if value is not None else None
        if message:
            raise fail(message)
        return value

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, value: list[str]) -> list[str]:
        for alias in value:
            message = _dns_name(alias, wildcard=True)
            if message:
                raise fail(message)
        if len(set(value)) != len(value):
            raise fail("lists a name twice; list each once")
        return value

    @field_validator("zone_id")
    @classmethod
    def _zone_id(cls, value: str | None) -> str | None:
        if value is not None and not ZONE_ID_RE.match(value):
            raise fail(
                f"{short_repr(value)} is not a Route 53 hosted zone id; use the Id (Z…) shown by "
                "aws route53 list-hosted-zones, without /hostedzone/"
            )
        return value

    @model_validator(mode="after")
    def _rules(self) -> DomainConfig:
        issues: list[Issue] = []
        if (self.zone is None) == (self.zone_id is None):
            issues.append(((), "needs exactly one of zone or zoneId; set the hosted zone by name or by id"))
        if self.zone is not None:
            for key, names in (("name", [self.name]), ("aliases", self.aliases)):
                for name in names:
                    if not in_zone(name, self.zone):
                        issues.append(
                            (
                                (key,),
                                f"{name} is outside the zone {self.zone}; use a name ending in "
                                f".{self.zone} or the zone that holds it",
                            )
                        )
        if self.name in self.aliases:
            issues.append((("aliases",), f"repeats name {self.name}; remove it from aliases"))
        raise_if(issues)
        return self

    @property
    def zone_name(self) -> str:
        """The zone's name: `zone`, else the name's parent (hosts below it count as the zone's)."""
        return self.zone if self.zone is not None else self.name.split(".", 1)[1]


class ExistingListenerConfig(ConfigModel):
    """A listener of an ALB this stack does not own: the services get target groups and rules on it."""

    listener_arn: str = Field(
        description="ARN of the listener (arn:aws:elasticloadbalancing:…:listener/app/…)."
    )
    security_group_id: str = Field(
        description="A security group of that ALB: the tasks admit traffic from it."
    )
    protocol: Literal["HTTPS", "HTTP"] = Field(
        default="HTTPS", description="The listener's protocol (HTTPS: a domain's certificate is added to it)."
    )

    @field_validator("listener_arn")
    @classmethod
    def _listener(cls, value: str) -> str:
        if not LISTENER_ARN_RE.match(value):
            raise fail(
                f"{short_repr(value)} is not an ALB listener ARN; use arn:aws:elasticloadbalancing:<region>:"
                "<account>:listener/app/<name>/<id>/<listener-id>"
            )
        return value

    @field_validator("security_group_id")
    @classmethod
    def _group(cls, value: str) -> str:
        message = check_security_group_id(value)
        if message:
            raise fail(message)
        return value

    @property
    def load_balancer_arn_suffix(self) -> str:
        """`app/<name>/<id>`: the LoadBalancer dimension of the ALB's CloudWatch metrics."""
        return "/".join(self.listener_arn.split(":listener/", 1)[1].split("/")[:3])
