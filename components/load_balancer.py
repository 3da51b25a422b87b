"""LoadBalancer: one shared Application Load Balancer, its listeners and the routing table.

- with a certificate: HTTPS on 443 with a TLS 1.3 policy, and HTTP on 80 answering 301 to HTTPS;
  without one: HTTP on 80;
- the routing listener's default action answers a fixed 404, unless a route is the default (forward);
- one `ip` target group per routed service (Fargate tasks register by IP) with its health check and
  deregistration delay, and one listener rule per non-default route (path/host patterns, priority).
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
    if args.access_logs_prefix and not args.access_logs_bucket:
        raise ValueError("access_logs_prefix needs access_logs_bucket.")


class LoadBalancer(pulumi.ComponentResource):
    """One shared ALB with its listeners, target groups and listener rules."""

    load_balancer: aws.lb.LoadBalancer
    dns_name: pulumi.Output[str]
    arn_suffix: pulumi.Output[str]
    url: pulumi.Output[str]
    https_listener: aws.lb.Listener | None
    http_listener: aws.lb.Listener
    routing_listener: aws.lb.Listener
    target_groups: dict[str, aws.lb.TargetGroup]
    rules: dict[str, aws.lb.ListenerRule]

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
            route.service: aws.lb.TargetGroup(
                bounded_name(f"{name}-{route.service}-tg", ALB_LOGICAL_NAME_LIMIT),
                target_type="ip",
                vpc_id=args.vpc_id,
                port=route.port,
                protocol="HTTP",
                deregistration_delay=route.deregistration_delay,
                health_check=aws.lb.TargetGroupHealthCheckArgs(
                    enabled=True,
                    path=route.health_check.path,
                    matcher=route.health_check.matcher,
                    protocol="HTTP",
                    port="traffic-port",
                    interval=route.health_check.interval,
                    timeout=route.health_check.timeout,
                    healthy_threshold=route.health_check.healthy_threshold,
                    unhealthy_threshold=route.health_check.unhealthy_threshold,
                ),
                tags={**tags, "Service": route.service},
                opts=child,
            )
            for route in args.routes
        }

        default_route = next((r for r in args.routes if r.default), None)
        if default_route is not None:
            default_action = aws.lb.ListenerDefaultActionArgs(
                type="forward", target_group_arn=self.target_groups[default_route.service].arn
            )
        else:
            default_action = aws.lb.ListenerDefaultActionArgs(
                type="fixed-response",
                fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
                    content_type="text/plain", message_body="Not found", status_code="404"
                ),
            )

        self.https_listener = None
        if args.certificate_arn:
            self.https_listener = aws.lb.Listener(
                f"{name}-https",
                load_balancer_arn=self.load_balancer.arn,
                port=443,
                protocol="HTTPS",
                ssl_policy=args.ssl_policy,
                certificate_arn=args.certificate_arn,
                default_actions=[default_action],
                tags=tags,
                opts=child,
            )
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
            self.http_listener = aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=self.load_balancer.arn,
                port=80,
                protocol="HTTP",
                default_actions=[default_action],
                tags=tags,
                opts=child,
            )
            self.routing_listener = self.http_listener

        self.rules = {}
        for route in args.routes:
            if route.default:
                continue
            conditions = []
            if route.path_patterns:
                conditions.append(
                    aws.lb.ListenerRuleConditionArgs(
                        path_pattern=aws.lb.ListenerRuleConditionPathPatternArgs(
                            values=list(route.path_patterns)
                        )
                    )
                )
            if route.host_patterns:
                conditions.append(
                    aws.lb.ListenerRuleConditionArgs(
                        host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(
                            values=list(route.host_patterns)
                        )
                    )
                )
            self.rules[route.service] = aws.lb.ListenerRule(
                f"{name}-{route.service}-rule",
                listener_arn=self.routing_listener.arn,
                priority=route.priority,
                actions=[
                    aws.lb.ListenerRuleActionArgs(
                        type="forward", target_group_arn=self.target_groups[route.service].arn
                    )
                ],
                conditions=conditions,
                tags=tags,
                opts=child,
            )

        self.register_outputs(
            {
                "dnsName": self.dns_name,
                "url": self.url,
                "targetGroupArns": {k: v.arn for k, v in self.target_groups.items()},
            }
        )

    def target_dependencies(self, service: str) -> list[pulumi.Resource]:
        """What a service's ECS Service must wait for: its target group must be attached to a listener."""
        if service not in self.target_groups:
            raise KeyError(
                f"No route for service `{service}`; routes: {', '.join(sorted(self.target_groups))}."
            )
        deps: list[pulumi.Resource] = [self.routing_listener, self.http_listener]
        if service in self.rules:
            deps.append(self.rules[service])
        return deps
