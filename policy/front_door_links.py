"""How the front-door rules find the load balancer (or listener) another resource points at.

A Route 53 record, a WAF association, a listener or a listener certificate names its load balancer by value:
an ARN (``…:loadbalancer/app/<name>/<id>``, ``…:listener/app/<name>/<lb id>/<id>``) or a DNS name
(``[dualstack.][internal-]<name>-<digits>.<region>.elb.amazonaws.com``). Under mocks (``ops check``) these are
outputs known in the recorded plan; the name in them is matched against the target's ``name`` input, its
logical name or Pulumi's auto-name ``<logical>-<7 hex>`` (as ``pricing_rollout.find_target_group`` links
services to target groups). During a real preview the value is unknown: the resource is then linked by the
engine's dependencies (``Resource.dependencies`` holds the property dependencies too), which also serve when
the value names nothing in the stack.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from common import Resource, as_list, as_str, get, known_or_none

AUTONAME = re.compile(r"^(?P<base>.+)-[0-9a-f]{7}$")
_LB_ARN = re.compile(r":(?:loadbalancer|listener|listener-rule)/(?:app|net|gwy)/(?P<name>[^/]+)/")
_ELB_DNS = re.compile(
    r"^(?:dualstack\.)?(?:internal-)?(?P<name>.+)-\d+\.[a-z0-9-]+\.elb\.amazonaws\.com\.?$", re.IGNORECASE
)

NameOf = Callable[[str], str | None]


def names_of(resource: Resource) -> set[str]:
    """What a resource may be called in an ARN or DNS name: its logical name and its ``name`` input."""
    names = {resource.name}
    explicit = known_or_none(lambda: as_str(get(resource.props, "name")))
    if explicit:
        names.add(explicit)
    return names


def called(name: str, resource: Resource) -> bool:
    """Whether ``name`` (from an ARN or DNS name) is the resource's name or Pulumi's auto-name of it."""
    names = {n.lower() for n in names_of(resource)}
    auto = AUTONAME.match(name)
    return name.lower() in names or (auto is not None and auto.group("base").lower() in names)


def load_balancer_in_arn(arn: str) -> str | None:
    match = _LB_ARN.search(arn)
    return match.group("name") if match else None


def load_balancer_in_dns(dns: str) -> str | None:
    match = _ELB_DNS.match(dns.strip())
    return match.group("name") if match else None


def by_value(values: Sequence[Any], targets: Sequence[Resource], name_of: NameOf) -> list[Resource]:
    """The targets the known string values name (unknown or other values are skipped)."""
    found: list[Resource] = []
    for value in values:
        name = name_of(value) if isinstance(value, str) else None
        if name is None:
            continue
        found.extend(t for t in targets if called(name, t) and t not in found)
    return found


def by_dependency(resource: Resource, targets: Sequence[Resource]) -> list[Resource]:
    return [t for t in targets if t.urn and t.urn in resource.dependencies]


def linked(resource: Resource, values: Sequence[Any], targets: Sequence[Resource], name_of: NameOf):
    """The targets ``resource`` points at: those its values name, else those it depends on."""
    return by_value(values, targets, name_of) or by_dependency(resource, targets)


def read_values(resource: Resource, key: str) -> list[Any]:
    """The value (or list of values) of ``key``; [] when it is unknown (preview) or unset."""

    def read() -> list[Any]:
        raw = get(resource.props, key)
        return as_list(raw) if not isinstance(raw, str) else [raw]

    return known_or_none(read) or []


def record_targets(record: Resource, load_balancers: Sequence[Resource]) -> list[Resource]:
    """The load balancers a Route 53 record points at: by the DNS name of each alias (or of a CNAME's
    records), else by its dependencies."""
    values = [known_or_none(lambda a=a: get(a, "name")) for a in read_values(record, "aliases")]
    values += read_values(record, "records")
    return linked(record, values, load_balancers, load_balancer_in_dns)


def arn_targets(resource: Resource, key: str, load_balancers: Sequence[Resource]) -> list[Resource]:
    """The load balancers the ARN in ``key`` names (a listener's loadBalancerArn, an association's
    resourceArn, a listener certificate's listenerArn), else those the resource depends on."""
    return linked(resource, read_values(resource, key), load_balancers, load_balancer_in_arn)


def domain_of(record: Resource) -> str:
    """The record's name as a domain ("app.example.com"), or "record '<logical>'" when it is unknown."""
    name = known_or_none(lambda: as_str(get(record.props, "name")))
    return name.rstrip(".") if name else f"record '{record.name}'"
