"""LoadBalancer: ALB settings, listeners (HTTPS + redirect, or HTTP), target groups, rules, name limits."""

from __future__ import annotations

import pytest
from program_support import component_plan, minimal_platform, of_type, one, run_platform

from components.load_balancer import TLS13_POLICY
from components.naming import ALB_LOGICAL_NAME_LIMIT
from ops.offline.recording import Plan

LB_COMPONENT = "fargate-platform:index:LoadBalancer"
ALB = "aws:lb/loadBalancer:LoadBalancer"
TG = "aws:lb/targetGroup:TargetGroup"
LISTENER = "aws:lb/listener:Listener"
RULE = "aws:lb/listenerRule:ListenerRule"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return component_plan("load_balancer")


def tg_arn_names(arn: str) -> str:
    """The target group's logical name inside a (mock) ARN `…:targetgroup/<logical>-<suffix>/<id>`."""
    return arn.split("targetgroup/")[1].split("/")[0].rsplit("-", 1)[0]


def test_children_are_parented_and_named_after_the_component(plan: Plan) -> None:
    for component in of_type(plan, LB_COMPONENT):
        for child in (r for r in plan.resources if r.parent == component.urn):
            assert child.name.startswith(component.name[:19]), child.urn


def test_alb_settings(plan: Plan) -> None:
    alb = one(plan, ALB, "edge-alb")
    assert alb.parent == one(plan, LB_COMPONENT, "edge").urn, alb.urn
    expected = {
        "loadBalancerType": "application",
        "internal": False,
        "dropInvalidHeaderFields": True,
        "desyncMitigationMode": "defensive",
        "idleTimeout": 120,
        "enableDeletionProtection": True,
        "accessLogs": {"bucket": "alb-logs-bucket", "prefix": "edge", "enabled": True},
        "securityGroups": ["sg-0123456789abcdef0"],
        "subnets": ["subnet-0000000000000000a", "subnet-0000000000000000b"],
    }
    assert {k: alb.inputs.get(k) for k in expected} == expected, alb.urn
    assert alb.protect, f"{alb.urn}: deletion protection must also protect the resource"
    plain = one(plan, ALB, "plain-alb")
    assert plain.inputs["enableDeletionProtection"] is False and not plain.protect, plain.urn
    assert "accessLogs" not in plain.inputs, plain.urn


def test_https_listener_with_tls13_and_http_redirect(plan: Plan) -> None:
    https = one(plan, LISTENER, "edge-https")
    assert (https.inputs["port"], https.inputs["protocol"]) == (443, "HTTPS"), https.urn
    assert https.inputs["sslPolicy"] == TLS13_POLICY, https.urn
    assert https.inputs["certificateArn"].startswith("arn:aws:acm:eu-west-2:123456789012:certificate/"), (
        https.urn
    )
    [action] = https.inputs["defaultActions"]
    assert action["type"] == "forward" and tg_arn_names(action["targetGroupArn"]) == "edge-web-tg", https.urn
    http = one(plan, LISTENER, "edge-http")
    assert http.inputs["defaultActions"] == [
        {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
    ], http.urn


def test_http_only_listener_answers_404_without_a_default_route(plan: Plan) -> None:
    assert [r.name for r in of_type(plan, LISTENER) if r.name.startswith("plain-")] == ["plain-http"]
    http = one(plan, LISTENER, "plain-http")
    assert (http.inputs["port"], http.inputs["protocol"]) == (80, "HTTP"), http.urn
    assert http.inputs["defaultActions"] == [
        {
            "type": "fixed-response",
            "fixedResponse": {"contentType": "text/plain", "messageBody": "Not found", "statusCode": "404"},
        }
    ], http.urn


def test_ip_target_groups_with_health_checks(plan: Plan) -> None:
    api = one(plan, TG, "edge-api-tg")
    assert api.inputs["targetType"] == "ip" and api.inputs["port"] == 8000, api.urn
    assert api.inputs["healthCheck"] == {
        "enabled": True,
        "path": "/health",
        "matcher": "200",
        "protocol": "HTTP",
        "port": "traffic-port",
        "interval": 30,
        "timeout": 5,
        "healthyThreshold": 2,
        "unhealthyThreshold": 3,
    }, api.urn
    assert one(plan, TG, "edge-admin-tg").inputs["deregistrationDelay"] == 10
    assert all(tg.inputs["targetType"] == "ip" for tg in of_type(plan, TG))


def test_listener_rules_route_to_their_target_groups_on_the_https_listener(plan: Plan) -> None:
    https = one(plan, LISTENER, "edge-https")
    rules = {r.name: r for r in of_type(plan, RULE) if r.parent == one(plan, LB_COMPONENT, "edge").urn}
    assert sorted(rules) == ["edge-admin-rule", "edge-api-rule"]
    api, admin = rules["edge-api-rule"], rules["edge-admin-rule"]
    assert api.inputs["conditions"] == [{"pathPattern": {"values": ["/api/*"]}}], api.urn
    assert admin.inputs["conditions"] == [{"hostHeader": {"values": ["admin.example.com"]}}], admin.urn
    assert (api.inputs["priority"], admin.inputs["priority"]) == (100, 5)
    for rule, tg in ((api, "edge-api-tg"), (admin, "edge-admin-tg")):
        assert https.urn in rule.depends_on, rule.urn
        [action] = rule.inputs["actions"]
        assert action["type"] == "forward" and tg_arn_names(action["targetGroupArn"]) == tg, rule.urn


def test_logical_names_fit_the_32_character_aws_limit(plan: Plan) -> None:
    for resource in of_type(plan, ALB) + of_type(plan, TG):
        assert len(resource.name) <= ALB_LOGICAL_NAME_LIMIT, (
            f"{resource.urn}: {len(resource.name)} characters"
        )
    long_tg = [tg for tg in of_type(plan, TG) if tg.inputs["tags"]["Service"] == "twenty-char-service1"]
    assert [tg.name for tg in long_tg] == ["review-stack-123456-3ec7"]


def test_alb_of_a_stack_named_internal_gets_a_name_aws_accepts() -> None:
    # "internal-alb-xxxxxxx" would be rejected: ALB names must not begin with "internal-".
    plan = run_platform(minimal_platform(), stack="internal-tools")
    alb = one(plan, ALB, "internal-tools-alb")
    assert alb.inputs.get("namePrefix") == "alb-", alb.urn
    assert "name" not in alb.inputs, alb.urn


def test_other_albs_keep_their_derived_names(plan: Plan) -> None:
    for alb in of_type(plan, ALB):
        assert "namePrefix" not in alb.inputs, alb.urn
