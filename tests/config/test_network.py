"""config/network.py: a new or an existing VPC.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import existing_vpc, problems, with_

CASES: list[tuple[str, Any, list[str]]] = [
    (
        "private subnets without NAT",
        lambda r: r["network"].update(taskSubnets="private"),
        [
            "network.natGateways: none leaves tasks in private subnets with no route to pull images or "
            "reach AWS APIs; "
            "set natGateways: single (or perAz), or taskSubnets: public"
        ],
    ),
    (
        "NAT unused with public subnets",
        lambda r: r["network"].update(natGateways="single"),
        [
            "network.natGateways: single pays for NAT gateways nothing uses when taskSubnets is public; set "
            "natGateways: none, or taskSubnets: private"
        ],
    ),
    (
        "cidr not a network",
        lambda r: r["network"].update(cidr="10.0.0.0/33"),
        ["network.cidr: '10.0.0.0/33' is not an IPv4 network in CIDR form; use e.g. 10.0.0.0/16"],
    ),
    (
        "cidr public range",
        lambda r: r["network"].update(cidr="8.8.0.0/16"),
        ["network.cidr: 8.8.0.0/16 must be a private range from /16 to /24; use e.g. 10.0.0.0/16"],
    ),
    (
        "cidr too large",
        lambda r: r["network"].update(cidr="10.0.0.0/8"),
        ["network.cidr: 10.0.0.0/8 must be a private range from /16 to /24; use e.g. 10.0.0.0/16"],
    ),
    (
        # 12 subnets of /28 would fit a /24, but an ALB rejects subnets smaller than /27.
        "cidr too small for its subnets",
        lambda r: r["network"].update(
            cidr="10.0.0.0/24", azCount=6, natGateways="single", taskSubnets="private"
        ),
        [
            "network.cidr: 10.0.0.0/24 cannot hold 12 subnets of /27 or larger (a public and a private "
            "subnet in each of 6 AZs; an ALB needs /27 subnets); use a /23 or larger range, or lower azCount"
        ],
    ),
    (
        "one AZ",
        lambda r: r["network"].update(azCount=1),
        ["network.azCount: 1 is too small; use a value ≥ 2"],
    ),
    (
        "nat literal",
        lambda r: r["network"].update(natGateways="two"),
        ["network.natGateways: 'two' is not allowed; use one of: none, single, perAz"],
    ),
    (
        "subnets without vpcId",
        lambda r: r["network"].update(publicSubnetIds=["subnet-0123456789abcdef0"]),
        ["network.publicSubnetIds: applies only to an existing VPC; set vpcId, or remove publicSubnetIds"],
    ),
    (
        "bad vpc id",
        lambda r: existing_vpc(r, vpcId="vpc-xyz"),
        [
            "network.vpcId: 'vpc-xyz' is not a VPC id; use the id of an existing VPC such as "
            "vpc-0123456789abcdef0"
        ],
    ),
    (
        "bad subnet id",
        lambda r: existing_vpc(r, publicSubnetIds=["sn-1", "subnet-0123456789abcdef0"]),
        ["network.publicSubnetIds: 'sn-1' is not a subnet id; use ids such as subnet-0123456789abcdef0"],
    ),
    (
        "duplicate subnet",
        lambda r: existing_vpc(r, publicSubnetIds=["subnet-0123456789abcdef0"] * 2),
        ["network.publicSubnetIds: lists a subnet twice; list each subnet once"],
    ),
    (
        "existing VPC with natGateways",
        lambda r: existing_vpc(r, natGateways="none"),
        [
            "network.natGateways: applies only to a new VPC, but vpcId is set; remove natGateways or "
            "remove vpcId"
        ],
    ),
    (
        "existing VPC private without subnets",
        lambda r: existing_vpc(r, taskSubnets="private"),
        [
            "network.privateSubnetIds: is required when vpcId is set and taskSubnets is private; list the "
            "VPC's "
            "private subnet ids, or set taskSubnets: public"
        ],
    ),
    (
        "existing VPC ALB needs 2 subnets",
        lambda r: existing_vpc(r, publicSubnetIds=["subnet-0123456789abcdef0"]),
        [
            "network.publicSubnetIds: needs ≥ 2 subnets in different AZs for the ALB; list the VPC's "
            "public subnet ids"
        ],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected
