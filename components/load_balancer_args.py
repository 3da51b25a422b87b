"""The typed arguments of the LoadBalancer component (components/load_balancer.py) and the checks made on them
before anything is registered: routes, their health checks, and an existing listener to attach to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

TLS13_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
INTERNAL_NAME_PREFIX = "alb-"  # the physical-name prefix of an ALB whose logical name begins with "internal-"
MAX_CONDITION_VALUES = 5  # ALB: at most 5 match values per rule across its conditions
CATCH_ALL_PRIORITY = 50000
"""The lowest rule priority: the default route's production rule when ECS shifts its traffic."""
TEST_HEADER = "X-Release-Test"
"""Without a test listener, a test rule matches this header (value: the service's name)."""


@dataclass(frozen=True)
class TargetHealthCheck:
    path: str = "/"
    matcher: str = "200-399"
    interval: int = 30
    timeout: int = 5
    healthy_threshold: int = 2
    unhealthy_threshold: int = 3


@dataclass(frozen=True)
class Route:
    """How the load balancer reaches one service."""

    service: str
    port: int
    health_check: TargetHealthCheck = TargetHealthCheck()
    path_patterns: Sequence[str] = ()
    host_patterns: Sequence[str] = ()
    priority: int | None = None
    default: bool = False
    deregistration_delay: int = 30
    shifts_traffic: bool = False  # blueGreen, canary or linear: ECS moves traffic between two target groups
    test_priority: int | None = None  # the test rule's priority (shifting routes)


@dataclass
class LoadBalancerArgs:
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    security_group_id: pulumi.Input[str]
    routes: Sequence[Route] = ()
    https: bool = False  # HTTPS on 443 with certificate_arn, and HTTP on 80 redirecting to it
    certificate_arn: pulumi.Input[str] | None = None
    ssl_policy: str = TLS13_POLICY
    ip_address_type: str = "ipv4"
    idle_timeout: int = 60
    deletion_protection: bool = False
    access_logs_bucket: str | None = None
    access_logs_prefix: str | None = None
    drop_invalid_header_fields: bool = True
    desync_mitigation_mode: str = "defensive"
    test_listener_port: int | None = None
    existing: ExistingListener | None = None  # attach to this listener instead of creating an ALB
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ExistingListener:
    """A listener of an ALB the stack does not own: only target groups and rules are added to it (and, with
    a certificate, a ListenerCertificate)."""

    listener_arn: str
    https: bool = True

    @property
    def load_balancer_arn(self) -> str:
        head, tail = self.listener_arn.split(":listener/", 1)
        return f"{head}:loadbalancer/{'/'.join(tail.split('/')[:3])}"

    @property
    def arn_suffix(self) -> str:
        return "/".join(self.listener_arn.split(":listener/", 1)[1].split("/")[:3])


def check_load_balancer_args(args: LoadBalancerArgs) -> None:
    """Guard clauses; raise ValueError naming the route or argument and the fix."""
    defaults = [r.service for r in args.routes if r.default]
    if len(defaults) > 1:
        raise ValueError(f"Only one route can be the default; got {', '.join(defaults)}.")
    services = [r.service for r in args.routes]
    duplicated = sorted({s for s in services if services.count(s) > 1})
    if duplicated:
        raise ValueError(f"Each service can have only one route; duplicated: {', '.join(duplicated)}.")
    explicit = [r.priority for r in args.routes if r.priority is not None and not r.default]
    if len(explicit) != len(set(explicit)):
        raise ValueError("Listener rule priorities must be unique.")
    for route in args.routes:
        if route.default:
            continue
        if not route.path_patterns and not route.host_patterns:
            raise ValueError(
                f"Route of `{route.service}` needs path_patterns or host_patterns, or default=True."
            )
        if len(route.path_patterns) + len(route.host_patterns) > MAX_CONDITION_VALUES:
            raise ValueError(
                f"Route of `{route.service}` has more than {MAX_CONDITION_VALUES} path and host patterns: "
                "ALB rules accept at most 5."
            )
        if route.priority is None:
            # Never a position: a rule whose priority moves in place onto one a removed rule still holds
            # fails with PriorityInUse, since Pulumi deletes removed resources last (pulumi/pulumi#9979).
            raise ValueError(
                f"Route of `{route.service}` needs a priority (1..50000) that stays the same from one update "
                "to the next, or default=True."
            )
        if not 1 <= route.priority <= 50000:
            raise ValueError(f"Route of `{route.service}`: priority must be 1..50000, got {route.priority}.")
    for route in args.routes:
        if route.shifts_traffic and route.test_priority is None:
            raise ValueError(f"Route of `{route.service}` shifts traffic, so it needs a test_priority.")
    if args.https and args.certificate_arn is None:
        raise ValueError("https needs certificate_arn (the listener's certificate).")
    if args.existing is not None:
        if any(r.default for r in args.routes):
            raise ValueError(
                "A route on an existing listener cannot be the default: its default action is not ours."
            )
        if args.test_listener_port is not None:
            raise ValueError("test_listener_port needs an ALB of the stack, not an existing listener.")
    if args.test_listener_port in (80, 443):
        raise ValueError("test_listener_port must not be a production listener's port (80, 443).")
    if args.access_logs_prefix and not args.access_logs_bucket:
        raise ValueError("access_logs_prefix needs access_logs_bucket.")
