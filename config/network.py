"""`network`: a new VPC (awsx.ec2.Vpc) or an existing one, and its rules."""

from __future__ import annotations

import ipaddress
import math
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from config.base import ConfigModel
from config.errors import Issue, fail, raise_if, short_repr


class NetworkConfig(ConfigModel):
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
            raise fail(
                f"{short_repr(value)} is not an IPv4 network in CIDR form; use e.g. 10.0.0.0/16"
            ) from None
        if not 16 <= net.prefixlen <= 24 or not net.is_private:
            raise fail(f"{value} must be a private range from /16 to /24; use e.g. 10.0.0.0/16")
        return value

    @field_validator("vpc_id")
    @classmethod
    def _vpc_id(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^vpc-[0-9a-f]{8,17}\Z", value):
            raise fail(
                f"{short_repr(value)} is not a VPC id; use the id of an existing VPC such as "
                "vpc-0123456789abcdef0"
            )
        return value

    @field_validator("public_subnet_ids", "private_subnet_ids")
    @classmethod
    def _subnets(cls, value: list[str]) -> list[str]:
        bad = [s for s in value if not re.match(r"^subnet-[0-9a-f]{8,17}\Z", s)]
        if bad:
            raise fail(f"{short_repr(bad[0])} is not a subnet id; use ids such as subnet-0123456789abcdef0")
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
