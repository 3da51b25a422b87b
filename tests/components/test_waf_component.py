"""WebFirewall: the web ACL's rules (statements, actions, priorities, metrics), its association with the ALB,
the log group and logging configuration, guard clauses, and the inputs checked against botocore's wafv2 model.

pulumi-aws spells the WAF API's fields in camelCase (`cloudwatchMetricsEnabled` for CloudWatchMetricsEnabled,
tags as a map); `api_params` renames them and fails on any field it does not know, so a new input cannot slip
past the check (as tests/test_task_definitions_aws_model.py does for task definitions)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.session import get_session
from botocore.validate import ParamValidator
from program_support import component_plan, of_type, one

from components.waf import WebFirewallArgs, check_web_firewall_args
from ops.offline.recording import Plan, RecordedResource

COMPONENT = "fargate-platform:index:WebFirewall"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ALB = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/edge-alb/0123456789abcdef"

WAFV2 = get_session().get_service_model("wafv2")


@pytest.fixture(scope="module")
def plan() -> Plan:
    return component_plan("waf")


def visibility(metric: str) -> dict[str, Any]:
    return {"metricName": metric, "sampledRequestsEnabled": True, "cloudwatchMetricsEnabled": True}


def test_children_are_parented_and_named_after_the_component(plan: Plan) -> None:
    edge = one(plan, COMPONENT, "edge")
    children = sorted((r.type, r.name) for r in plan.resources if r.parent == edge.urn)
    assert children == [
        (LOG_GROUP, "edge-logs"),
        (WEB_ACL, "edge-acl"),
        (ASSOCIATION, "edge-association"),
        (LOGGING, "edge-logging"),
    ]
    plain = one(plan, COMPONENT, "plain")
    assert sorted(r.name for r in plan.resources if r.parent == plain.urn) == [
        "plain-acl",
        "plain-association",
    ]


def test_web_acl_rules_in_priority_order(plan: Plan) -> None:
    acl = one(plan, WEB_ACL, "edge-acl")
    assert (acl.inputs["scope"], acl.inputs["defaultAction"]) == ("REGIONAL", {"allow": {}}), acl.urn
    assert "name" not in acl.inputs, f"{acl.urn}: the provider names the web ACL (name is ForceNew)"
    assert acl.inputs["visibilityConfig"] == visibility("components-test-waf"), acl.urn
    assert acl.inputs["tags"] == {"Project": "fargate-platform"}, acl.urn
    assert acl.inputs["rules"] == [
        {
            "name": "blocked-countries",
            "priority": 0,
            "statement": {"geoMatchStatement": {"countryCodes": ["KP", "RU"]}},
            "action": {"block": {}},
            "visibilityConfig": visibility("components-test-waf-blocked-countries"),
        },
        {
            "name": "rate-limit-per-ip",
            "priority": 1,
            "statement": {
                "rateBasedStatement": {"limit": 2000, "aggregateKeyType": "IP", "evaluationWindowSec": 300}
            },
            "action": {"block": {}},
            "visibilityConfig": visibility("components-test-waf-rate-limit-per-ip"),
        },
        {
            "name": "AWSManagedRulesCommonRuleSet",
            "priority": 30,
            "statement": {
                "managedRuleGroupStatement": {"name": "AWSManagedRulesCommonRuleSet", "vendorName": "AWS"}
            },
            "overrideAction": {"none": {}},
            "visibilityConfig": visibility("components-test-waf-AWSManagedRulesCommonRuleSet"),
        },
        {
            "name": "AWSManagedRulesKnownBadInputsRuleSet",
            "priority": 40,
            "statement": {
                "managedRuleGroupStatement": {
                    "name": "AWSManagedRulesKnownBadInputsRuleSet",
                    "vendorName": "AWS",
                }
            },
            "overrideAction": {"none": {}},
            "visibilityConfig": visibility("components-test-waf-AWSManagedRulesKnownBadInputsRuleSet"),
        },
    ], acl.urn


def test_only_the_rules_asked_for(plan: Plan) -> None:
    acl = one(plan, WEB_ACL, "plain-acl")
    assert [(r["name"], r["priority"]) for r in acl.inputs["rules"]] == [("AWSManagedRulesSQLiRuleSet", 60)]
    assert of_type(plan, LOG_GROUP, one(plan, COMPONENT, "plain")) == []
    assert of_type(plan, LOGGING, one(plan, COMPONENT, "plain")) == []


def web_acl_arn(plan: Plan, component: str) -> str:
    return one(plan, ASSOCIATION, f"{component}-association").inputs["webAclArn"]


def test_association_joins_the_alb_and_the_web_acl(plan: Plan) -> None:
    association = one(plan, ASSOCIATION, "edge-association")
    assert association.inputs["resourceArn"] == ALB, association.urn
    arn = web_acl_arn(plan, "edge")
    assert arn.startswith("arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/edge-acl-"), association.urn
    assert one(plan, WEB_ACL, "edge-acl").urn in association.depends_on, association.urn
    plain = one(plan, ASSOCIATION, "plain-association")
    assert plain.inputs["resourceArn"] == ALB.replace("edge-alb", "plain-alb"), plain.urn


def test_log_group_is_retained_and_never_protected(plan: Plan) -> None:
    logs = one(plan, LOG_GROUP, "edge-logs")
    assert logs.inputs == {
        "name": "aws-waf-logs-components-test",
        "retentionInDays": 14,
        "tags": {"Project": "fargate-platform"},
    }, logs.urn
    assert (logs.retain_on_delete, logs.protect) == (True, False), logs.urn


def test_logging_configuration_writes_to_the_log_group(plan: Plan) -> None:
    logging = one(plan, LOGGING, "edge-logging")
    assert logging.inputs == {
        "resourceArn": web_acl_arn(plan, "edge"),
        # The log group's ARN without `:*`, as AWS WAF requires.
        "logDestinationConfigs": [
            "arn:aws:logs:eu-west-2:123456789012:log-group:aws-waf-logs-components-test"
        ],
        "redactedFields": [{"singleHeader": {"name": "authorization"}}, {"singleHeader": {"name": "cookie"}}],
    }, logging.urn
    assert one(plan, LOG_GROUP, "edge-logs").urn in logging.depends_on, logging.urn


# ------------------------------------------------------------------------------ guard clauses


def args(**overrides: Any) -> WebFirewallArgs:
    values: dict[str, Any] = {
        "load_balancer_arn": ALB,
        "metric_prefix": "waf",
        "managed_rule_groups": {"AWSManagedRulesCommonRuleSet": 30},
    }
    return WebFirewallArgs(**(values | overrides))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"logging": True, "log_group_name": "/waf/edge"},
            "`log_group_name` must start with `aws-waf-logs-` (AWS WAF logs only to destinations so named), "
            "got '/waf/edge'.",
        ),
        (
            {"managed_rule_groups": {}},
            "Either `managed_rule_groups`, `rate_limit_per_ip` or `blocked_countries` must be provided.",
        ),
        (
            {"metric_prefix": "waf metrics"},
            "`metric_prefix` must be 1 to 200 letters, digits or _ # : . - /, got 'waf metrics'.",
        ),
        (
            {"managed_rule_groups": {"AWSManagedRulesCommonRuleSet": 1}},
            "`managed_rule_groups` priorities must be unique and not 0 or 1 (the platform's own rules).",
        ),
    ],
)
def test_guard_clauses(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as exc:
        check_web_firewall_args(args(**overrides))
    assert str(exc.value) == message


def test_valid_args_pass_the_guards() -> None:
    check_web_firewall_args(args(logging=True, log_group_name="aws-waf-logs-edge"))
    check_web_firewall_args(args(managed_rule_groups={}, rate_limit_per_ip=100))


# ------------------------------------------------------------------------------ the WAF API model

API_NAMES = {
    "name": "Name",
    "scope": "Scope",
    "description": "Description",
    "defaultAction": "DefaultAction",
    "allow": "Allow",
    "block": "Block",
    "count": "Count",
    "rules": "Rules",
    "priority": "Priority",
    "statement": "Statement",
    "action": "Action",
    "overrideAction": "OverrideAction",
    "none": "None",
    "visibilityConfig": "VisibilityConfig",
    "sampledRequestsEnabled": "SampledRequestsEnabled",
    "cloudwatchMetricsEnabled": "CloudWatchMetricsEnabled",
    "metricName": "MetricName",
    "geoMatchStatement": "GeoMatchStatement",
    "countryCodes": "CountryCodes",
    "rateBasedStatement": "RateBasedStatement",
    "limit": "Limit",
    "aggregateKeyType": "AggregateKeyType",
    "evaluationWindowSec": "EvaluationWindowSec",
    "managedRuleGroupStatement": "ManagedRuleGroupStatement",
    "vendorName": "VendorName",
    "resourceArn": "ResourceArn",
    "webAclArn": "WebACLArn",
    "logDestinationConfigs": "LogDestinationConfigs",
    "redactedFields": "RedactedFields",
    "singleHeader": "SingleHeader",
}
"""pulumi-aws input name → the WAF API's, at any depth."""

PULUMI_ONLY = {"region", "tagsAll"}


def api_params(value: Any, urn: str, path: str = "") -> Any:
    """A recorded input value with the API's field names; tags become [{Key, Value}]."""
    if isinstance(value, list):
        return [api_params(v, urn, f"{path}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        where = f"{path}.{key}" if path else key
        if key == "tags" and path == "":
            if item:  # the provider sends no Tags when there are none (the API rejects an empty list)
                out["Tags"] = [{"Key": k, "Value": v} for k, v in item.items()]
        elif key in API_NAMES:
            out[API_NAMES[key]] = api_params(item, urn, where)
        elif not (path == "" and key in PULUMI_ONLY):
            raise AssertionError(f"{urn}: input {where} has no known WAF API mapping")
    return out


def create_web_acl_params(acl: RecordedResource, physical_name: str) -> dict[str, Any]:
    """CreateWebACL parameters; Name is the one the provider chose (the ARN's `webacl/<name>/<id>`)."""
    return {"Name": physical_name, **api_params(acl.inputs, acl.urn)}


def shape(operation: str) -> Any:
    return WAFV2.operation_model(operation).input_shape


def assert_valid(params: dict[str, Any], operation: str, urn: str) -> None:
    report = ParamValidator().validate(params, shape(operation))
    assert not report.has_errors(), f"{urn}:\n{report.generate_report()}"


@pytest.mark.parametrize("component", ["edge", "plain"])
def test_web_acls_are_valid_create_web_acl_input(plan: Plan, component: str) -> None:
    acl = one(plan, WEB_ACL, f"{component}-acl")
    name = web_acl_arn(plan, component).split("/webacl/")[1].split("/")[0]
    assert_valid(create_web_acl_params(acl, name), "CreateWebACL", acl.urn)


def test_association_and_logging_are_valid_api_input(plan: Plan) -> None:
    for association in of_type(plan, ASSOCIATION):
        assert_valid(api_params(association.inputs, association.urn), "AssociateWebACL", association.urn)
    logging = one(plan, LOGGING, "edge-logging")
    params = {"LoggingConfiguration": api_params(logging.inputs, logging.urn)}
    assert_valid(params, "PutLoggingConfiguration", logging.urn)


def test_the_mapping_fails_on_unknown_fields_and_the_model_rejects_what_aws_would() -> None:
    unknown = re.escape("urn:t: input rules[0].captchaConfig has no known WAF API mapping")
    with pytest.raises(AssertionError, match=unknown):
        api_params({"rules": [{"captchaConfig": {}}]}, "urn:t")
    good = {
        "Name": "acl",
        "Scope": "REGIONAL",
        "DefaultAction": {"Allow": {}},
        "VisibilityConfig": {
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": "m",
        },
    }
    assert not ParamValidator().validate(good, shape("CreateWebACL")).has_errors()
    wrong_case = good | {"VisibilityConfig": {**good["VisibilityConfig"], "CloudwatchMetricsEnabled": True}}
    assert ParamValidator().validate(wrong_case, shape("CreateWebACL")).has_errors()
    too_low = good | {
        "Rules": [
            {
                "Name": "r",
                "Priority": 1,
                "Statement": {"RateBasedStatement": {"Limit": 5, "AggregateKeyType": "IP"}},
                "Action": {"Block": {}},
                "VisibilityConfig": good["VisibilityConfig"],
            }
        ]
    }
    assert "Limit" in ParamValidator().validate(too_low, shape("CreateWebACL")).generate_report()
