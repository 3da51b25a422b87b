"""WebFirewall: an AWS WAF web ACL on the stack's Application Load Balancer.

- a REGIONAL web ACL whose default action allows, with one rule per AWS managed rule group (the group's own
  actions apply: `override_action none`), a rate-based rule blocking an IP address above its limit per
  5 minutes, and a geo-match rule blocking the listed countries; CloudWatch metrics and sampled requests on
  every rule and on the ACL;
- its association with the ALB;
- with logging, a CloudWatch log group (retained on delete when asked, never protected: docs/resources.md)
  and the web ACL's logging configuration writing to it, Authorization and Cookie headers redacted.

Day 2: the rules are inline on the web ACL, so adding or removing a group is one in-place UpdateWebACL with
the whole rule list (terraform-provider-aws internal/service/wafv2/web_acl.go: `rule` is an updatable set;
only `name`, `name_prefix` and `scope` are ForceNew). Priorities are fixed per rule name, never positions:
the platform's rules take 0 and 1, each managed group the priority its name maps to (config/waf.py), so a
change touches only the rule that changed and keeps the evaluation order of the others. The separate
`wafv2.WebAclRule` resource the SDK suggests for independent rules is not needed: the limitations it names
(deletion order of referenced IP sets and rule groups, rule order in diffs) concern rules this component does
not write (no IP sets or own rule groups; the provider compares rules as a set).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

GEO_PRIORITY = 0
RATE_PRIORITY = 1
"""The platform's own rules, evaluated before every managed group (whose priorities start at 10)."""

GEO_RULE = "blocked-countries"
RATE_RULE = "rate-limit-per-ip"
RATE_WINDOW_SECONDS = 300  # the API's default evaluation window (pulumi_aws: "Defaults to `300`")

LOG_GROUP_PREFIX = "aws-waf-logs-"
"""AWS WAF delivers logs only to a destination so named (pulumi_aws/wafv2/web_acl_logging_configuration.py:
"log group, or bucket name **must** be prefixed with `aws-waf-logs-`")."""

REDACTED_HEADERS = ("authorization", "cookie")
"""Kept out of the logs: credentials and session cookies. Lower case, as the API returns header names
(terraform-provider-aws web_acl_logging_configuration.go), so the next read shows no diff."""

METRIC_NAME_RE = re.compile(r"^[\w#:.\-/]{1,200}\Z")
"""botocore wafv2 `MetricName`: 1 to 255 of `[\\w#:.\\-/]`; 200 leaves room for `-<rule name>` suffixes."""


@dataclass
class WebFirewallArgs:
    load_balancer_arn: pulumi.Input[str]
    metric_prefix: str  # the ACL's metric name; each rule's is `<prefix>-<rule name>`
    managed_rule_groups: Mapping[str, int] = field(default_factory=dict)  # AWS group name → rule priority
    rate_limit_per_ip: int | None = None  # requests per 5 minutes per IP address; None: no rate rule
    blocked_countries: Sequence[str] = ()  # ISO 3166-1 alpha-2 codes
    logging: bool = False
    log_group_name: str = ""  # must start with aws-waf-logs- when logging
    log_retention_days: int = 30
    retain_logs: bool = False
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


def check_web_firewall_args(args: WebFirewallArgs) -> None:
    """Guard clauses: raise ValueError before anything is registered."""
    if not args.managed_rule_groups and args.rate_limit_per_ip is None and not args.blocked_countries:
        raise ValueError(
            "Either `managed_rule_groups`, `rate_limit_per_ip` or `blocked_countries` must be provided."
        )
    if not METRIC_NAME_RE.match(args.metric_prefix):
        raise ValueError(
            f"`metric_prefix` must be 1 to 200 letters, digits or _ # : . - /, got {args.metric_prefix!r}."
        )
    reserved = {GEO_PRIORITY, RATE_PRIORITY}
    priorities = list(args.managed_rule_groups.values())
    if len(set(priorities)) != len(priorities) or reserved & set(priorities):
        raise ValueError(
            "`managed_rule_groups` priorities must be unique and not 0 or 1 (the platform's own rules)."
        )
    if args.logging and not args.log_group_name.startswith(LOG_GROUP_PREFIX):
        raise ValueError(
            f"`log_group_name` must start with `{LOG_GROUP_PREFIX}` (AWS WAF logs only to destinations so "
            f"named), got {args.log_group_name!r}."
        )


def _visibility(metric_name: str) -> aws.wafv2.WebAclRuleVisibilityConfigArgs:
    return aws.wafv2.WebAclRuleVisibilityConfigArgs(
        cloudwatch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True
    )


def _block() -> aws.wafv2.WebAclRuleActionArgs:
    return aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs())


def web_acl_rules(args: WebFirewallArgs) -> list[aws.wafv2.WebAclRuleArgs]:
    """The web ACL's rules in priority order (the order AWS WAF evaluates them)."""
    rules: list[tuple[int, aws.wafv2.WebAclRuleArgs]] = []
    if args.blocked_countries:
        statement = aws.wafv2.WebAclRuleStatementArgs(
            geo_match_statement=aws.wafv2.WebAclRuleStatementGeoMatchStatementArgs(
                country_codes=list(args.blocked_countries)
            )
        )
        rules.append((GEO_PRIORITY, _rule(GEO_RULE, GEO_PRIORITY, statement, args, action=_block())))
    if args.rate_limit_per_ip is not None:
        statement = aws.wafv2.WebAclRuleStatementArgs(
            rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(
                limit=args.rate_limit_per_ip,
                aggregate_key_type="IP",
                evaluation_window_sec=RATE_WINDOW_SECONDS,
            )
        )
        rules.append((RATE_PRIORITY, _rule(RATE_RULE, RATE_PRIORITY, statement, args, action=_block())))
    for group, priority in args.managed_rule_groups.items():
        statement = aws.wafv2.WebAclRuleStatementArgs(
            managed_rule_group_statement=aws.wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs(
                name=group, vendor_name="AWS"
            )
        )
        # `override_action none`: the group's rules act as AWS wrote them (block); `count` would only watch.
        # A rule group statement takes an override action, never an action (pulumi_aws: "Used only for rule
        # statements that reference a rule group").
        none = aws.wafv2.WebAclRuleOverrideActionArgs(none=aws.wafv2.WebAclRuleOverrideActionNoneArgs())
        rules.append((priority, _rule(group, priority, statement, args, override=none)))
    return [rule for _, rule in sorted(rules, key=lambda item: item[0])]


def _rule(
    name: str,
    priority: int,
    statement: aws.wafv2.WebAclRuleStatementArgs,
    args: WebFirewallArgs,
    *,
    action: aws.wafv2.WebAclRuleActionArgs | None = None,
    override: aws.wafv2.WebAclRuleOverrideActionArgs | None = None,
) -> aws.wafv2.WebAclRuleArgs:
    return aws.wafv2.WebAclRuleArgs(
        name=name,
        priority=priority,
        statement=statement,
        action=action,
        override_action=override,
        visibility_config=_visibility(f"{args.metric_prefix}-{name}"),
    )


class WebFirewall(pulumi.ComponentResource):
    """A WAF web ACL on one ALB, with optional request logs (see the module docstring)."""

    web_acl: aws.wafv2.WebAcl
    association: aws.wafv2.WebAclAssociation
    log_group: aws.cloudwatch.LogGroup | None
    logging_configuration: aws.wafv2.WebAclLoggingConfiguration | None
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: WebFirewallArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        check_web_firewall_args(args)  # before anything is registered
        super().__init__("fargate-platform:index:WebFirewall", name, None, opts)
        tags = dict(args.tags)

        # Unnamed: the provider names it (`name` is ForceNew, so a replacement must not reuse the name).
        self.web_acl = aws.wafv2.WebAcl(
            f"{name}-acl",
            scope="REGIONAL",  # an ALB; CLOUDFRONT would need us-east-1
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=web_acl_rules(args),
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, metric_name=args.metric_prefix, sampled_requests_enabled=True
            ),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.arn = self.web_acl.arn

        self.association = aws.wafv2.WebAclAssociation(
            f"{name}-association",
            resource_arn=args.load_balancer_arn,
            web_acl_arn=self.web_acl.arn,
            opts=pulumi.ResourceOptions(
                parent=self,
                # Both inputs are ForceNew, and deleting an association disassociates whatever web ACL the ALB
                # has (DisassociateWebACL takes only the resource ARN: web_acl_association.go): created
                # before the old one is deleted, the new association would be undone by that delete.
                delete_before_replace=True,
            ),
        )

        self.log_group = None
        self.logging_configuration = None
        if args.logging:
            self.log_group = aws.cloudwatch.LogGroup(
                f"{name}-logs",
                name=args.log_group_name,
                retention_in_days=args.log_retention_days,
                tags=tags,
                # Retained, never protected (docs/resources.md, Stateful resources).
                opts=pulumi.ResourceOptions(parent=self, retain_on_delete=args.retain_logs),
            )
            self.logging_configuration = aws.wafv2.WebAclLoggingConfiguration(
                f"{name}-logging",
                resource_arn=self.web_acl.arn,
                # AWS WAF wants the log group's ARN without the `:*` the Logs API appends; pulumi_aws's
                # LogGroup.arn has it removed ("Any `:*` suffix added by the API ... is removed for greater
                # compatibility with other AWS services that do not accept the suffix").
                log_destination_configs=[self.log_group.arn],
                redacted_fields=[
                    aws.wafv2.WebAclLoggingConfigurationRedactedFieldArgs(
                        single_header=aws.wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs(
                            name=header
                        )
                    )
                    for header in REDACTED_HEADERS
                ],
                opts=pulumi.ResourceOptions(parent=self),
            )

        outputs: dict[str, pulumi.Input[str]] = {"webAclArn": self.web_acl.arn}
        if self.log_group is not None:
            outputs["logGroupName"] = self.log_group.name
        self.register_outputs(outputs)
