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

import pulumi
import pulumi_aws as aws

from components.load_balancer_args import (
    CATCH_ALL_PRIORITY,
    INTERNAL_NAME_PREFIX,
    TEST_HEADER,
    TLS13_POLICY,
    ExistingListener,
    LoadBalancerArgs,
    Route,
    TargetHealthCheck,
    check_load_balancer_args,
)
from components.naming import ALB_LOGICAL_NAME_LIMIT, bounded_name

__all__ = [
    "TLS13_POLICY",
    "ExistingListener",
    "LoadBalancer",
    "LoadBalancerArgs",
    "Route",
    "TargetHealthCheck",
    "check_load_balancer_args",
]


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


def _not_found() -> aws.lb.ListenerDefaultActionArgs:
    return aws.lb.ListenerDefaultActionArgs(
        type="fixed-response",
        fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
            content_type="text/plain", message_body="Not found", status_code="404"
        ),
    )


def _forward(target_group: aws.lb.TargetGroup) -> list[aws.lb.ListenerRuleActionArgs]:
    return [aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=target_group.arn)]


class LoadBalancer(pulumi.ComponentResource):
    """One shared ALB with its listeners, target groups and listener rules."""

    load_balancer: aws.lb.LoadBalancer | None  # None on an existing listener
    dns_name: pulumi.Output[str]
    zone_id: pulumi.Output[str]
    arn_suffix: pulumi.Input[str]
    url: pulumi.Output[str]
    https_listener: aws.lb.Listener | None
    http_listener: aws.lb.Listener | None
    routing_listener_arn: pulumi.Output[str]
    listeners: list[pulumi.Resource]  # what a rule's target must wait for
    listener_certificate: aws.lb.ListenerCertificate | None
    test_listener: aws.lb.Listener | None
    target_groups: dict[str, aws.lb.TargetGroup]
    alternate_target_groups: dict[str, aws.lb.TargetGroup]
    rules: dict[str, aws.lb.ListenerRule]
    test_rules: dict[str, aws.lb.ListenerRule]

    def __init__(self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        check_load_balancer_args(args)  # before anything is registered
        super().__init__("fargate-platform:index:LoadBalancer", name, None, opts)
        tags = dict(args.tags)
        self.load_balancer = None
        self.https_listener = None
        self.http_listener = None
        self.test_listener = None
        self.listener_certificate = None
        self.listeners = []
        if args.existing is not None:
            self._attach(name, args.existing, args)
        else:
            self._create_alb(name, args, tags)

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

        if args.existing is None:
            self._create_listeners(name, args, tags)

        self.rules = {}
        self.test_rules = {}
        for route in args.routes:
            if route.default and not route.shifts_traffic:
                continue
            self.rules[route.service] = aws.lb.ListenerRule(
                f"{name}-{route.service}-rule",
                listener_arn=self.routing_listener_arn,
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

    def _create_alb(self, name: str, args: LoadBalancerArgs, tags: dict[str, pulumi.Input[str]]) -> None:
        """The stack's own ALB."""
        logical = bounded_name(f"{name}-alb", ALB_LOGICAL_NAME_LIMIT)
        load_balancer = aws.lb.LoadBalancer(
            logical,
            # AWS rejects load balancer names that begin with "internal-" (a stack named "internal…"):
            # such an ALB gets a generated name instead of one derived from its logical name.
            name_prefix=INTERNAL_NAME_PREFIX if logical.lower().startswith("internal-") else None,
            load_balancer_type="application",
            ip_address_type=args.ip_address_type,
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
        self.load_balancer = load_balancer
        self.dns_name = load_balancer.dns_name
        self.zone_id = load_balancer.zone_id
        self.arn_suffix = load_balancer.arn_suffix
        scheme = "https" if args.https else "http"
        self.url = load_balancer.dns_name.apply(lambda dns: f"{scheme}://{dns}")

    def _create_listeners(
        self, name: str, args: LoadBalancerArgs, tags: dict[str, pulumi.Input[str]]
    ) -> None:
        """HTTPS on 443 and HTTP on 80 redirecting to it (or HTTP alone), and the optional test listener."""
        load_balancer = self.load_balancer
        assert load_balancer is not None
        child = pulumi.ResourceOptions(parent=self)
        default_route = next((r for r in args.routes if r.default), None)
        if default_route is not None and not default_route.shifts_traffic:
            default_action = aws.lb.ListenerDefaultActionArgs(
                type="forward", target_group_arn=self.target_groups[default_route.service].arn
            )
        else:
            default_action = _not_found()  # no default route, or one ECS shifts on its catch-all rule

        if args.https:
            self.https_listener = self._listener(f"{name}-https", 443, [default_action], args, tags)
            self.http_listener = aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=load_balancer.arn,
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
            routing = self.https_listener
        else:
            self.http_listener = self._listener(f"{name}-http", 80, [default_action], args, tags)
            routing = self.http_listener

        if args.test_listener_port is not None and self.alternate_target_groups:
            self.test_listener = self._listener(
                f"{name}-test", args.test_listener_port, [_not_found()], args, tags
            )

        self.routing_listener_arn = routing.arn
        self.listeners = [routing, self.http_listener] if routing is not self.http_listener else [routing]

    def _attach(self, name: str, existing: ExistingListener, args: LoadBalancerArgs) -> None:
        """An existing listener: its ALB is looked up (DNS name and zone for alias records), and a
        certificate of the stack is added to it (ListenerCertificate) rather than replacing its own."""
        found = aws.lb.get_load_balancer_output(
            arn=existing.load_balancer_arn, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        self.dns_name = found.dns_name
        self.zone_id = found.zone_id
        self.arn_suffix = existing.arn_suffix
        scheme = "https" if existing.https else "http"
        self.url = found.dns_name.apply(lambda dns: f"{scheme}://{dns}")
        self.routing_listener_arn = pulumi.Output.from_input(existing.listener_arn)
        if args.certificate_arn is not None:
            self.listener_certificate = aws.lb.ListenerCertificate(
                f"{name}-certificate",
                listener_arn=existing.listener_arn,
                certificate_arn=args.certificate_arn,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.listeners = [self.listener_certificate]

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
        https = args.https
        assert self.load_balancer is not None
        return aws.lb.Listener(
            logical,
            load_balancer_arn=self.load_balancer.arn,
            port=port,
            protocol="HTTPS" if https else "HTTP",
            ssl_policy=args.ssl_policy if https else None,
            certificate_arn=args.certificate_arn if https else None,
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
            listener_arn, conditions = self.test_listener.arn, _conditions(route)
            priority = CATCH_ALL_PRIORITY if route.default else route.priority
        else:
            listener_arn = self.routing_listener_arn
            header = aws.lb.ListenerRuleConditionHttpHeaderArgs(
                http_header_name=TEST_HEADER, values=[route.service]
            )
            conditions = [aws.lb.ListenerRuleConditionArgs(http_header=header)]
            priority = route.test_priority
        return aws.lb.ListenerRule(
            f"{name}-{route.service}-test",
            listener_arn=listener_arn,
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
        deps: list[pulumi.Resource] = list(self.listeners)
        if service in self.rules:
            deps.append(self.rules[service])
        if service in self.test_rules:
            deps.append(self.test_rules[service])
        return deps
