"""Security rule over security-group ingress: nothing open to the whole internet (0.0.0.0/0 or ::/0) except
the allowed public TCP ports (80 and 443 by default, for a public load balancer).

Covers the three ways a Pulumi AWS program declares ingress: inline ``ingress`` blocks of
``aws:ec2/securityGroup:SecurityGroup``, ``aws:ec2/securityGroupRule:SecurityGroupRule`` with type
``ingress``, and ``aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule`` (``cidrIpv4``/``cidrIpv6``,
``ipProtocol``). Protocol "-1" (or "all") means every protocol and port; a TCP range passes only when every
port in it is allowed; any other protocol open to the internet (UDP, ICMP, ...) fails. A CIDR counts as the
whole internet when its prefix length is 0.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

import common
import type_tokens
from common import Config, Report, Resource, violation

INGRESS_TYPES = (
    type_tokens.SECURITY_GROUP + type_tokens.SECURITY_GROUP_RULE + type_tokens.SECURITY_GROUP_INGRESS_RULE
)

_ALL_PROTOCOLS = frozenset({"-1", "all"})
_TCP = frozenset({"tcp", "6"})


def _is_internet(cidr: Any) -> bool:
    if not isinstance(cidr, str):
        return False
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _exposure(block: Mapping[str, Any], protocol_field: str, allowed: frozenset[int]) -> str | None:
    """What an internet-open rule exposes beyond the allowed ports, or None when it exposes only those.
    Ports are read only for TCP rules."""
    protocol = common.get(block, protocol_field)
    proto = str(protocol).strip().lower() if protocol is not None else "-1"
    if proto in _ALL_PROTOCOLS:
        return "every port and protocol"
    if proto not in _TCP:
        return f"protocol {proto}"
    low, high = common.as_int(common.get(block, "fromPort")), common.as_int(common.get(block, "toPort"))
    if low is None or high is None:
        return "every TCP port"
    if low > high:
        low, high = high, low
    if high - low < 65536 and all(port in allowed for port in range(low, high + 1)):
        return None
    return f"TCP port {low}" if low == high else f"TCP ports {low}-{high}"


def _report(resource: Resource, subject: str, exposure: str, cidr: str, report: Report) -> None:
    report(
        violation(
            resource,
            subject,
            f"not open {exposure} to {cidr}",
            "restrict the source to known CIDRs, a prefix list or a security group (only the ports in "
            "allowedPublicPorts may be open to the internet)",
        )
    )


def _check_block(
    resource: Resource,
    subject: str,
    block: Mapping[str, Any],
    cidr_fields: tuple[str, ...],
    protocol_field: str,
    allowed: frozenset[int],
    report: Report,
) -> None:
    cidrs: list[Any] = []
    for field in cidr_fields:
        value = common.get(block, field)
        cidrs.extend(common.as_list(value) if not isinstance(value, str) else [value])
    public = [c for c in cidrs if _is_internet(c)]
    if not public:
        return
    exposure = _exposure(block, protocol_field, allowed)
    if exposure is not None:
        for cidr in public:
            _report(resource, subject, exposure, cidr.strip(), report)


def security_group_ingress(resource: Resource, config: Config, report: Report) -> None:
    ports = (common.as_int(v) for v in common.as_list(config.raw("allowedPublicPorts")))
    allowed = frozenset(p for p in ports if p is not None)
    props = resource.props
    if resource.type in type_tokens.SECURITY_GROUP:
        for index, block in enumerate(common.as_list(common.get(props, "ingress"))):
            if isinstance(block, Mapping):
                subject = f"ingress rule #{index}"
                _check_block(
                    resource, subject, block, ("cidrBlocks", "ipv6CidrBlocks"), "protocol", allowed, report
                )
    elif resource.type in type_tokens.SECURITY_GROUP_RULE:
        if common.get(props, "type") == "ingress":
            _check_block(resource, "", props, ("cidrBlocks", "ipv6CidrBlocks"), "protocol", allowed, report)
    else:
        _check_block(resource, "", props, ("cidrIpv4", "cidrIpv6"), "ipProtocol", allowed, report)


POLICIES = [
    common.resource_policy(
        "security-group-ingress",
        "Checks that security groups allow ingress from 0.0.0.0/0 or ::/0 only on the allowed public TCP "
        "ports (80 and 443 by default), across inline ingress, SecurityGroupRule and "
        "SecurityGroupIngressRule (Security Hub EC2.18, EC2.19, EC2.13, EC2.14; Checkov CKV_AWS_24, "
        "CKV_AWS_25).",
        INGRESS_TYPES,
        security_group_ingress,
        enforcement_level=common.MANDATORY,
        config={
            "allowedPublicPorts": {
                "type": "array",
                "items": {"type": "integer", "minimum": 0, "maximum": 65535},
                "default": [80, 443],
                "description": "TCP ports that may be open to the whole internet (for a public load "
                "balancer).",
            }
        },
    ),
]
