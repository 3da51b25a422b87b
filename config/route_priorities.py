"""Listener-rule priorities of the routes: explicit or derived from a service's name (never its position),
and the rules across routes (unique priorities, an order wherever two routes may match one request)."""

from __future__ import annotations

import fnmatch
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

from config.errors import Issue

if TYPE_CHECKING:
    from config.load_balancer import RouteConfig


DERIVED_PRIORITIES = range(1000, 49000)
"""Where priorities derived from names fall (49000-50000 stay free for rules the platform adds itself)."""


TEST_RULE_PRIORITIES = range(49000, 50000)
"""Without a test listener, the header-matched test rules of traffic-shifting services sit here, after every
route (50000 is the catch-all production rule of a default route whose traffic ECS shifts)."""


def test_rule_priority(service: str) -> int:
    """The header-matched test rule's priority: from the service's name, like derived_priority."""
    return TEST_RULE_PRIORITIES.start + zlib.crc32(service.encode()) % len(TEST_RULE_PRIORITIES)


def derived_priority(service: str) -> int:
    """A listener-rule priority that depends only on the service's name.

    Never the service's position: remove or reorder a routed service and a positional priority moves to
    another rule in place (SetRulePriorities) while the removed rule still holds it, since Pulumi deletes
    removed resources at the end of an update (pulumi/pulumi#9979): the update fails with PriorityInUse."""
    return DERIVED_PRIORITIES.start + zlib.crc32(service.encode()) % len(DERIVED_PRIORITIES)


def route_priorities(routes: Mapping[str, RouteConfig]) -> dict[str, int]:
    """Listener-rule priority of every non-default route: explicit, else derived from the service's name."""
    return {
        name: route.priority if route.priority is not None else derived_priority(name)
        for name, route in routes.items()
        if not route.default
    }


def routes_overlap(a: RouteConfig, b: RouteConfig) -> bool:
    """True when one request could match both rules (a rule without paths accepts any path, one without hosts
    any host). Patterns are compared as globs both ways, which catches `/api/*` against `/api/v2/*`."""

    def overlap(left: list[str], right: list[str], fold: bool) -> bool:
        if not left or not right:
            return True
        norm = (lambda v: v.lower()) if fold else (lambda v: v)
        return any(
            fnmatch.fnmatchcase(norm(x), norm(y)) or fnmatch.fnmatchcase(norm(y), norm(x))
            for x in left
            for y in right
        )

    return overlap(a.path_patterns, b.path_patterns, False) and overlap(
        a.host_patterns, b.host_patterns, True
    )


def _ordered(a: RouteConfig, b: RouteConfig) -> bool:
    """True when the config itself orders two rules: both priorities explicit, or one explicit below every
    derived priority (it then wins against any name)."""
    explicit = [r.priority for r in (a, b) if r.priority is not None]
    return len(explicit) == 2 or any(p < DERIVED_PRIORITIES.start for p in explicit)


def check_route_priorities(routes: Mapping[str, RouteConfig]) -> list[Issue]:
    """Rules across the routes of all services (paths relative to `services`): priorities unique, and an
    order set wherever two routes may match the same request."""
    issues: list[Issue] = []
    rules = {name: route for name, route in routes.items() if not route.default}
    priorities = route_priorities(rules)
    owner: dict[int, str] = {}
    for name, route in rules.items():
        priority = priorities[name]
        if priority in owner:
            if route.priority is not None:
                message = f"{priority} is already used by service {owner[priority]}; pick another priority"
                issues.append(((name, "route", "priority"), message))
            else:
                message = (
                    f"the priority derived from its name ({priority}) is service {owner[priority]}'s too; "
                    "set route.priority on one of them"
                )
                issues.append(((name, "route"), message))
        owner.setdefault(priority, name)
    names = list(rules)
    for i, later in enumerate(names):
        for earlier in names[:i]:
            a, b = rules[earlier], rules[later]
            if not _ordered(a, b) and routes_overlap(a, b):
                message = (
                    f"may match the same requests as service {earlier}'s route, and a priority derived from "
                    "a name sets no order between them; set route.priority on both (lower wins)"
                )
                issues.append(((later, "route"), message))
                break
    return issues
