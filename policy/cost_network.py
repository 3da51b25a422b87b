"""Cost rules over the network: the stack's NAT gateway count (nat-gateway-count, a stack policy that counts
aws:ec2 NatGateway resources and awsx Vpc natGateways strategies once each)."""

from __future__ import annotations

from collections.abc import Mapping

from common import (
    ADVISORY,
    Config,
    Resource,
    as_int,
    as_list,
    as_str,
    get,
    of_types,
    stack_policy,
    stack_violation,
)
from pulumi_policy import ReportViolation
from type_tokens import (
    AWSX_VPC,
    NAT_GATEWAY,
)

# ---------------------------------------------------------------------------------------------------------
# nat-gateway-count (stack)
# ---------------------------------------------------------------------------------------------------------

AWSX_DEFAULT_AZ_COUNT = 3  # awsx Vpc: "defaults to the first 3 AZs in the current region"
AWSX_DEFAULT_NAT_STRATEGY = "OnePerAz"  # awsx Vpc natGateways.strategy default


def awsx_vpc_nat_count(vpc: Resource) -> tuple[int, str]:
    """NAT gateways an awsx Vpc creates, and how that number was derived (for the message)."""
    strategy = as_str(get(vpc.props, "natGateways", "strategy")) or AWSX_DEFAULT_NAT_STRATEGY
    names = as_list(get(vpc.props, "availabilityZoneNames"))
    azs = len(names) or as_int(get(vpc.props, "numberOfAvailabilityZones")) or AWSX_DEFAULT_AZ_COUNT
    key = strategy.lower()
    if key == "none":
        return 0, f"VPC '{vpc.name}' strategy None"
    if key == "single":
        return 1, f"VPC '{vpc.name}' strategy Single"
    return azs, f"VPC '{vpc.name}' strategy {strategy} x {azs} AZs"


def _ancestors(resource: Resource, by_urn: Mapping[str, Resource]) -> set[str]:
    seen: set[str] = set()
    parent = resource.parent
    while parent and parent not in seen:
        seen.add(parent)
        owner = by_urn.get(parent)
        parent = owner.parent if owner is not None else ""
    return seen


def _check_nat_count(resources: list[Resource], config: Config, report: ReportViolation) -> None:
    limit = config.get_int("maxNatGateways")
    if limit is None:
        return
    by_urn = {r.urn: r for r in resources}
    vpcs = of_types(resources, AWSX_VPC)
    vpc_urns = {v.urn for v in vpcs}
    total, parts = 0, []
    for vpc in vpcs:
        count, how = awsx_vpc_nat_count(vpc)
        total += count
        if count:
            parts.append(how)
    standalone = [n for n in of_types(resources, NAT_GATEWAY) if not _ancestors(n, by_urn) & vpc_urns]
    if standalone:
        total += len(standalone)
        parts.append(", ".join(f"NAT gateway '{n.name}'" for n in standalone))
    if total > limit:
        report(
            stack_violation(
                f"NAT gateways ({total}: {'; '.join(parts)})",
                f"number at most {limit}",
                'use natGateways strategy "Single" or "None" on awsx VPCs, remove NAT gateways, '
                "or raise the policy's maxNatGateways",
            ),
            None,
        )


NAT_GATEWAY_COUNT = stack_policy(
    "nat-gateway-count",
    "Checks that the stack has at most maxNatGateways NAT gateways, counting aws:ec2 NatGateway resources "
    "and awsx Vpc natGateways strategies once each.",
    _check_nat_count,
    enforcement_level=ADVISORY,
    config={
        "maxNatGateways": {
            "type": "integer",
            "minimum": 0,
            "default": 3,
            "description": "Most NAT gateways in the stack (each about $33-37 a month plus its IPv4).",
        },
    },
)


POLICIES = [NAT_GATEWAY_COUNT]
