"""Component program: a web firewall with every rule kind and logs, and one with only managed groups."""

from components.waf import WebFirewall, WebFirewallArgs

ALB = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/edge-alb/0123456789abcdef"
WebFirewall(
    "edge",
    WebFirewallArgs(
        load_balancer_arn=ALB,
        metric_prefix="components-test-waf",
        # Given out of priority order: the rules come out sorted by priority, never by position.
        managed_rule_groups={"AWSManagedRulesKnownBadInputsRuleSet": 40, "AWSManagedRulesCommonRuleSet": 30},
        rate_limit_per_ip=2000,
        blocked_countries=["KP", "RU"],
        logging=True,
        log_group_name="aws-waf-logs-components-test",
        log_retention_days=14,
        retain_logs=True,
        tags={"Project": "fargate-platform"},
    ),
)
WebFirewall(
    "plain",
    WebFirewallArgs(
        load_balancer_arn=ALB.replace("edge-alb", "plain-alb"),
        metric_prefix="plain-waf",
        managed_rule_groups={"AWSManagedRulesSQLiRuleSet": 60},
    ),
)
