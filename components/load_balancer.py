"""LoadBalancer: one shared Application Load Balancer, its listeners and the routing table.

- with a certificate: HTTPS on 443 with a TLS 1.3 policy, and HTTP on 80 answering 301 to HTTPS;
  without one: HTTP on 80;
- the routing listener's default action answers a fixed 404, unless a route is the default (forward);
- one `ip` target group per routed service (Fargate tasks register by IP) with its health check and
  deregistration delay, and one listener rule per non-default route (path/host patterns, priority);
- a route that shifts traffic (blueGreen, canary, linear) gets everything ECS needs to move it: an alternate
  target group, a production rule (for the default route a catch-all `/*` rule at the lowest priority, since
  ECS shifts traffic on a rule, not on a listener's default action) and a test rule forwarding to the
  alternate group, on the test listener when there is one, else on the routing listener behind a header.
Target groups live here, not in FargateService, because the listener's default action must name the
default route's target group when the listener is created; services receive their target group's ARN.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.naming import ALB_LOGICAL_NAME_LIMIT, bounded_name

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
    certificate_arn: str | None = None
    ssl_policy: str = TLS13_POLICY
    idle_timeout: int = 60
    deletion_protection: bool = False
    access_logs_bucket: str | None = None
    access_logs_prefix: str | None = None
    drop_invalid_header_fields: bool = True
    desync_mitigation_mode: str = "defensive"
    test_listener_port: int | None = None
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


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
    if args.test_listener_port in (80, 443):
        raise ValueError("test_listener_port must not be a production listener's port (80, 443).")
    if args.access_logs_prefix and not args.access_logs_bucket:
        raise ValueError("access_logs_prefix needs access_logs_bucket.")


def _conditions(route: Route) -> list[aws.lb.ListenerRuleConditionArgs]:
    """The rule conditions of a route (a catch-all `/*` for the default route)."""
    if route.default:
        paths: Sequence[str] = ["/*"]
    else:
        paths = route.path_patterns
    conditions = []
    if paths:
        conditions.append(
            aws.lb.ListenerRuleConditionArgs(
                path_pattern=aws.lb.ListenerRuleConditionPathPatternArgs(values=list(paths))
            )
        )
    if route.host_patterns:
        conditions.append(
            aws.lb.ListenerRuleConditionArgs(
                host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(values=list(route.host_patterns))
            )
        )
    return conditions


def _forward(target_group: aws.lb.TargetGroup) -> list[aws.lb.ListenerRuleActionArgs]:
    return [aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=target_group.arn)]


class LoadBalancer(pulumi.ComponentResource):
    """One shared ALB with its listeners, target groups and listener rules."""

    load_balancer: aws.lb.LoadBalancer
    dns_name: pulumi.Output[str]
    arn_suffix: pulumi.Output[str]
    url: pulumi.Output[str]
    https_listener: aws.lb.Listener | None
    http_listener: aws.lb.Listener
    routing_listener: aws.lb.Listener
    test_listener: aws.lb.Listener | None
    target_groups: dict[str, aws.lb.TargetGroup]
    alternate_target_groups: dict[str, aws.lb.TargetGroup]
    rules: dict[str, aws.lb.ListenerRule]
    test_rules: dict[str, aws.lb.ListenerRule]

    def __init__(self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        check_load_balancer_args(args)  # before anything is registered
        super().__init__("fargate-platform:index:LoadBalancer", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        logical = bounded_name(f"{name}-alb", ALB_LOGICAL_NAME_LIMIT)
        self.load_balancer = aws.lb.LoadBalancer(
            logical,
            # AWS rejects load balancer names that begin with "internal-" (a stack named "internal…"):
            # such an ALB gets a generated name instead of one derived from its logical name.
            name_prefix=INTERNAL_NAME_PREFIX if logical.lower().startswith("internal-") else None,
            load_balancer_type="application",
            internal=False,
            subnets=args.subnet_ids,
            security_groups=[args.security_group_id],
            idle_timeout=args.idle_timeout,
            drop_invalid_header_fields=args.drop_invalid_header_fields,
            desync_mitigation_mode=args.desync_mitigation_mode,
            enable_deletion_protection=args.deletion_protection,
            access_logs=(
                aws.lb.LoadBalancerAccessLogsArgs(
                    bucket=args.access_logs_bucket, prefix=args.access_logs_prefix, enabled=True
                )
                if args.access_logs_bucket
                else None
            ),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.deletion_protection),
        )
        self.dns_name = self.load_balancer.dns_name
        self.arn_suffix = self.load_balancer.arn_suffix
        scheme = "https" if args.certificate_arn else "http"
        self.url = self.load_balancer.dns_name.apply(lambda dns: f"{scheme}://{dns}")

        self.target_groups = {
            route.service: self._target_group(f"{name}-{route.service}-tg", route, args, tags)
            for route in args.routes
        }
        # The alternate ("green") group of a route that shifts traffic: ECS registers the new revision's tasks
        # in whichever group is idle, so both groups carry the same health check.
        self.alternate_target_groups = {
            route.service: self._target_group(f"{name}-{route.service}-tg2", route, args, tags)
            for route in args.routes
            if route.shifts_traffic
        }

        default_route = next((r for r in args.routes if r.default), None)
        if default_route is not None and not default_route.shifts_traffic:
            default_action = aws.lb.ListenerDefaultActionArgs(
                type="forward", target_group_arn=self.target_groups[default_route.service].arn
            )
        else:
            # No default route, or one whose traffic ECS shifts on its catch-all rule.
            default_action = aws.lb.ListenerDefaultActionArgs(
                type="fixed-response",
                fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
                    content_type="text/plain", message_body="Not found", status_code="404"
                ),
            )

        self.https_listener = None
        if args.certificate_arn:
            self.https_listener = self._listener(f"{name}-https", 443, [default_action], args, tags)
            self.http_listener = aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=self.load_balancer.arn,
                port=80,
                protocol="HTTP",
                default_actions=[
                    aws.lb.ListenerDefaultActionArgs(
                        type="redirect",
                        redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                            protocol="HTTPS", port="443", status_code="HTTP_301"
                        ),
                    )
                ],
                tags=tags,
                opts=child,
            )
            self.routing_listener = self.https_listener
        else:
            self.http_listener = self._listener(f"{name}-http", 80, [default_action], args, tags)
            self.routing_listener = self.http_listener

        self.test_listener = None
        if args.test_listener_port is not None and self.alternate_target_groups:
            not_found = aws.lb.ListenerDefaultActionArgs(
                type="fixed-response",
                fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
                    content_type="text/plain", message_body="Not found", status_code="404"
                ),
            )
            self.test_listener = self._listener(
                f"{name}-test", args.test_listener_port, [not_found], args, tags
            )

        self.rules = {}
        self.test_rules = {}
        for route in args.routes:
            if route.default and not route.shifts_traffic:
                continue
            self.rules[route.service] = aws.lb.ListenerRule(
                f"{name}-{route.service}-rule",
                listener_arn=self.routing_listener.arn,
                priority=CATCH_ALL_PRIORITY if route.default else route.priority,
                actions=_forward(self.target_groups[route.service]),
                conditions=_conditions(route),
                tags=tags,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    # ECS owns the forward action of a rule whose traffic it shifts: it rewrites it to
                    # weighted target groups on every deployment (terraform-provider-aws #43905; ignoring
                    # only the weights is unreliable in pulumi-aws, #5771/#5798): an update must not reset
                    # it. The alternate group is on the test rule, so this action never needs to change.
                    ignore_changes=["actions"] if route.shifts_traffic else None,
                ),
            )
            if route.shifts_traffic:
                self.test_rules[route.service] = self._test_rule(name, route, tags)

        self.register_outputs(
            {
                "dnsName": self.dns_name,
                "url": self.url,
                "targetGroupArns": {k: v.arn for k, v in self.target_groups.items()},
                "alternateTargetGroupArns": {k: v.arn for k, v in self.alternate_target_groups.items()},
            }
        )

    def _target_group(
        self, logical: str, route: Route, args: LoadBalancerArgs, tags: Mapping[str, pulumi.Input[str]]
    ) -> aws.lb.TargetGroup:
        check = route.health_check
        return aws.lb.TargetGroup(
            bounded_name(logical, ALB_LOGICAL_NAME_LIMIT),
            target_type="ip",
            vpc_id=args.vpc_id,
            port=route.port,
            protocol="HTTP",
            deregistration_delay=route.deregistration_delay,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True,
                path=check.path,
                matcher=check.matcher,
                protocol="HTTP",
                port="traffic-port",
                interval=check.interval,
                timeout=check.timeout,
                healthy_threshold=check.healthy_threshold,
                unhealthy_threshold=check.unhealthy_threshold,
            ),
            tags={**tags, "Service": route.service},
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _listener(
        self,
        logical: str,
        port: int,
        default_actions: list[aws.lb.ListenerDefaultActionArgs],
        args: LoadBalancerArgs,
        tags: Mapping[str, pulumi.Input[str]],
    ) -> aws.lb.Listener:
        """A listener on `port`: HTTPS with the certificate and TLS policy when there is one, else HTTP."""
        https = args.certificate_arn is not None
        return aws.lb.Listener(
            logical,
            load_balancer_arn=self.load_balancer.arn,
            port=port,
            protocol="HTTPS" if https else "HTTP",
            ssl_policy=args.ssl_policy if https else None,
            certificate_arn=args.certificate_arn,
            default_actions=default_actions,
            tags=dict(tags),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _test_rule(
        self, name: str, route: Route, tags: Mapping[str, pulumi.Input[str]]
    ) -> aws.lb.ListenerRule:
        """The rule ECS sends test traffic through: on the test listener with the production rule's
        conditions, else on the routing listener for requests carrying the test header. It forwards to the
        alternate group, which ECS requires to be on the production or the test rule (AWS: "Migrating from a
        CodeDeploy blue/green to an Amazon ECS blue/green service deployment")."""
        if self.test_listener is not None:
            listener, conditions = self.test_listener, _conditions(route)
            priority = CATCH_ALL_PRIORITY if route.default else route.priority
        else:
            listener = self.routing_listener
            header = aws.lb.ListenerRuleConditionHttpHeaderArgs(
                http_header_name=TEST_HEADER, values=[route.service]
            )
            conditions = [aws.lb.ListenerRuleConditionArgs(http_header=header)]
            priority = route.test_priority
        return aws.lb.ListenerRule(
            f"{name}-{route.service}-test",
            listener_arn=listener.arn,
            priority=priority,
            actions=_forward(self.alternate_target_groups[route.service]),
            conditions=conditions,
            tags=dict(tags),
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["actions"]),
        )

    def target_dependencies(self, service: str) -> list[pulumi.Resource]:
        """What a service's ECS Service must wait for: its target groups must be attached to a listener."""
        if service not in self.target_groups:
            raise KeyError(
                f"No route for service `{service}`; routes: {', '.join(sorted(self.target_groups))}."
            )
        deps: list[pulumi.Resource] = [self.routing_listener, self.http_listener]
        if service in self.rules:
            deps.append(self.rules[service])
        if service in self.test_rules:
            deps.append(self.test_rules[service])
        return deps
