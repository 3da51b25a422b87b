"""Safe releases on the recorded dev and prod plans: deployment strategies and what ECS needs to shift traffic
(alternate target groups, production and test rules, the infrastructure role), deployment alarms, the alarms'
metric math, the alert topic, its subscriptions and the deployment-events rule, and the dashboard.

The ECS services' inputs are checked against botocore's CreateService model (deployment configuration, alarms,
load balancers) after the few renames pulumi-aws makes."""

from __future__ import annotations

import itertools
import json
from typing import Any

import botocore.session
from botocore.validate import ParamValidator
from program_support import MINIMAL_SERVICE, minimal_platform, of_type, one, policy_document, run_platform

from components.dashboard import DashboardService, dashboard_body
from ops.offline.recording import Plan, RecordedResource

ECS_SERVICE = "aws:ecs/service:Service"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
RULE = "aws:lb/listenerRule:ListenerRule"
TG = "aws:lb/targetGroup:TargetGroup"
CREATE_SERVICE = botocore.session.get_session().get_service_model("ecs").operation_model("CreateService")


def create_service_params(service: RecordedResource) -> dict[str, Any]:
    """The release-related inputs of a recorded ECS service as CreateService parameters: pulumi-aws passes
    minutes as strings and keeps `alarms` beside the deployment configuration, where the API nests it."""
    d = dict(service.inputs.get("deploymentConfiguration", {}))
    for key in ("bakeTimeInMinutes",):
        if key in d:
            d[key] = int(d[key])
    if "canaryConfiguration" in d:
        c = d["canaryConfiguration"]
        d["canaryConfiguration"] = {**c, "canaryBakeTimeInMinutes": int(c["canaryBakeTimeInMinutes"])}
    if "linearConfiguration" in d:
        c = d["linearConfiguration"]
        d["linearConfiguration"] = {**c, "stepBakeTimeInMinutes": int(c["stepBakeTimeInMinutes"])}
    if "alarms" in service.inputs:
        d["alarms"] = service.inputs["alarms"]
    d["deploymentCircuitBreaker"] = service.inputs["deploymentCircuitBreaker"]
    d["maximumPercent"] = service.inputs["deploymentMaximumPercent"]
    d["minimumHealthyPercent"] = service.inputs["deploymentMinimumHealthyPercent"]
    params: dict[str, Any] = {"serviceName": service.name, "deploymentConfiguration": d}
    if "loadBalancers" in service.inputs:
        params["loadBalancers"] = service.inputs["loadBalancers"]
    return params


def test_every_ecs_service_passes_the_create_service_model(dev_plan: Plan, prod_plan: Plan) -> None:
    for plan in (dev_plan, prod_plan):
        for service in of_type(plan, ECS_SERVICE):
            report = ParamValidator().validate(create_service_params(service), CREATE_SERVICE.input_shape)
            assert not report.has_errors(), f"{service.urn}: {report.generate_report()}"


def test_prod_routed_services_deploy_by_canary_with_alarm_rollback(prod_plan: Plan) -> None:
    backend = one(prod_plan, ECS_SERVICE, "backend-service")
    assert backend.inputs["deploymentConfiguration"] == {
        "strategy": "CANARY",
        "bakeTimeInMinutes": "0",
        "canaryConfiguration": {"canaryPercent": 10, "canaryBakeTimeInMinutes": "5"},
    }
    assert backend.inputs["alarms"] == {
        "alarmNames": [
            "fargate-platform-prod-backend-5xx-rate",
            "fargate-platform-prod-backend-p95-latency",
            "fargate-platform-prod-backend-unhealthy-hosts",
        ],
        "enable": True,
        "rollback": True,
    }
    (lb,) = backend.inputs["loadBalancers"]
    advanced = lb["advancedConfiguration"]
    primary, alternate = one(prod_plan, TG, "prod-backend-tg"), one(prod_plan, TG, "prod-backend-tg2")
    assert lb["targetGroupArn"] == primary.output_ids[-1]
    assert advanced["alternateTargetGroupArn"] == alternate.output_ids[-1]
    assert advanced["productionListenerRule"] == one(prod_plan, RULE, "prod-backend-rule").output_ids[-1]
    assert advanced["testListenerRule"] == one(prod_plan, RULE, "prod-backend-test").output_ids[-1]
    assert advanced["roleArn"] == one(prod_plan, "aws:iam/role:Role", "prod-ecs-infra").output_ids[-1]
    # Both groups check health the same way: ECS registers the new revision in whichever is idle.
    assert alternate.inputs["healthCheck"] == primary.inputs["healthCheck"]


def test_prod_worker_rolls_and_rolls_back_on_cpu_and_memory(prod_plan: Plan) -> None:
    worker = one(prod_plan, ECS_SERVICE, "worker-service")
    assert worker.inputs["deploymentConfiguration"] == {"strategy": "ROLLING"}
    assert worker.inputs["alarms"]["alarmNames"] == [
        "fargate-platform-prod-worker-cpu",
        "fargate-platform-prod-worker-memory",
    ]


def test_dev_rolls_fast_without_waiting_on_alarms(dev_plan: Plan) -> None:
    for service in of_type(dev_plan, ECS_SERVICE):
        assert service.inputs["deploymentConfiguration"] == {"strategy": "ROLLING"}, service.urn
        assert "alarms" not in service.inputs, service.urn
    assert of_type(dev_plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment") == []
    assert [tg.name for tg in of_type(dev_plan, TG)] == ["dev-backend-tg", "dev-frontend-tg"]


def test_the_default_route_shifts_on_a_catch_all_rule(prod_plan: Plan) -> None:
    rule = one(prod_plan, RULE, "prod-frontend-rule")
    assert rule.inputs["priority"] == 50000
    assert rule.inputs["conditions"] == [{"pathPattern": {"values": ["/*"]}}]
    assert rule.ignore_changes == ("actions",)  # ECS rewrites the weights on every deployment
    https = one(prod_plan, "aws:lb/listener:Listener", "prod-https")
    assert https.inputs["defaultActions"][0]["type"] == "fixed-response"
    test = one(prod_plan, RULE, "prod-frontend-test")
    assert test.inputs["conditions"] == [
        {"httpHeader": {"httpHeaderName": "X-Release-Test", "values": ["frontend"]}}
    ]
    assert test.inputs["actions"] == [
        {"type": "forward", "targetGroupArn": one(prod_plan, TG, "prod-frontend-tg2").output_ids[-1]}
    ]
    assert 49000 <= test.inputs["priority"] < 50000


def test_the_infrastructure_role_trusts_ecs_and_carries_only_the_managed_policy(prod_plan: Plan) -> None:
    role = one(prod_plan, "aws:iam/role:Role", "prod-ecs-infra")
    assert policy_document(role, "assumeRolePolicy")["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]
    (attachment,) = of_type(prod_plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment.inputs == {
        "policyArn": "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers",
        "role": role.output_ids[0],
    }
    assert not [p for p in of_type(prod_plan, "aws:iam/rolePolicy:RolePolicy") if p.parent == role.urn]


def test_the_error_rate_alarm_sums_both_target_groups(prod_plan: Plan) -> None:
    alarm = one(prod_plan, ALARM, "prod-backend-alarms-5xx-rate")
    assert alarm.inputs["name"] == "fargate-platform-prod-backend-5xx-rate"
    assert alarm.inputs["threshold"] == 1
    assert (alarm.inputs["evaluationPeriods"], alarm.inputs["datapointsToAlarm"]) == (3, 2)
    queries = {q["id"]: q for q in alarm.inputs["metricQueries"]}
    assert queries["rate"]["expression"] == "100 * (FILL(e0, 0) + FILL(e1, 0)) / (FILL(r0, 0) + FILL(r1, 0))"
    assert queries["rate"]["returnData"] is True
    groups = [queries[i]["metric"]["dimensions"]["TargetGroup"] for i in ("e0", "e1")]
    tgs = [one(prod_plan, TG, n).inputs for n in ("prod-backend-tg", "prod-backend-tg2")]
    assert len(set(groups)) == 2 and len(tgs) == 2
    assert {queries[i]["metric"]["metricName"] for i in ("e0", "e1")} == {"HTTPCode_Target_5XX_Count"}
    assert {queries[i]["metric"]["metricName"] for i in ("r0", "r1")} == {"RequestCount"}
    topic = one(prod_plan, "aws:sns/topic:Topic", "prod-alerts")
    assert alarm.inputs["alarmActions"] == alarm.inputs["okActions"] == [topic.output_ids[-1]]


def test_alarm_kinds_per_environment(dev_plan: Plan, prod_plan: Plan) -> None:
    def kinds(plan: Plan, service: str) -> list[str]:
        prefix = f"fargate-platform-{plan.stack}-{service}-"
        return sorted(
            a.inputs["name"].removeprefix(prefix) for a in of_type(plan, ALARM) if service in a.name
        )

    # Dev has no Container Insights, so no running-task alarm; prod has it for every service.
    assert kinds(dev_plan, "backend") == ["5xx-rate", "cpu", "memory", "p95-latency", "unhealthy-hosts"]
    assert kinds(prod_plan, "worker") == ["cpu", "memory", "running-tasks"]
    running = one(prod_plan, ALARM, "prod-worker-alarms-running-tasks")
    queries = {q["id"]: q for q in running.inputs["metricQueries"]}
    assert queries["missing"]["expression"] == "desired - running"
    assert queries["running"]["metric"]["namespace"] == "ECS/ContainerInsights"
    assert (running.inputs["evaluationPeriods"], running.inputs["datapointsToAlarm"]) == (5, 5)
    dev_rate = one(dev_plan, ALARM, "dev-backend-alarms-5xx-rate")
    assert dev_rate.inputs["threshold"] == 5  # dev's looser default


def test_the_alert_topic_is_encrypted_and_reaches_its_subscribers(prod_plan: Plan) -> None:
    key = one(prod_plan, "aws:kms/key:Key", "prod-alerts-key")
    assert key.inputs["enableKeyRotation"] is True
    grants = {s["Sid"]: s for s in policy_document(key)["Statement"]}
    assert grants["AlarmsAndEventsEncrypt"]["Principal"] == {
        "Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    }
    topic = one(prod_plan, "aws:sns/topic:Topic", "prod-alerts")
    assert topic.inputs["kmsMasterKeyId"] == key.output_ids[-1]
    (subscription,) = of_type(prod_plan, "aws:sns/topicSubscription:TopicSubscription")
    assert (subscription.inputs["protocol"], subscription.inputs["endpoint"]) == (
        "email",
        "platform-oncall@example.com",
    )
    rule = one(prod_plan, "aws:cloudwatch/eventRule:EventRule", "prod-deployments")
    pattern = json.loads(rule.inputs["eventPattern"])
    assert pattern["detail-type"] == ["ECS Deployment State Change"]
    assert pattern["detail"] == {"eventName": ["SERVICE_DEPLOYMENT_FAILED"]}
    cluster = one(prod_plan, "aws:ecs/cluster:Cluster", "prod-cluster").output_ids[0].split("/")[-1]
    assert pattern["resources"] == [{"prefix": f"arn:aws:ecs:eu-west-2:123456789012:service/{cluster}/"}]
    statements = {
        s["Sid"]: s
        for s in policy_document(one(prod_plan, "aws:sns/topicPolicy:TopicPolicy", "prod-alerts"))[
            "Statement"
        ]
    }
    assert statements["DeploymentEventsPublish"]["Condition"] == {
        "ArnEquals": {"aws:SourceArn": rule.output_ids[-1]}
    }


def test_the_dashboard_body_is_what_the_stack_records(prod_plan: Plan) -> None:
    dashboard = one(prod_plan, "aws:cloudwatch/dashboard:Dashboard", "prod-dashboard")
    assert dashboard.inputs["dashboardName"] == "fargate-platform-prod"
    titles = [w["properties"]["title"] for w in json.loads(dashboard.inputs["dashboardBody"])["widgets"]]
    assert titles == [
        "ALB requests",
        "ALB 5xx",
        "ALB p95 response time",
        "backend: CPU and memory %",
        "backend: tasks",
        "backend: requests and 5xx",
        "backend: p95 latency",
        "frontend: CPU and memory %",
        "frontend: tasks",
        "frontend: requests and 5xx",
        "frontend: p95 latency",
        "worker: CPU and memory %",
        "worker: tasks",
    ]


def test_dashboard_body_as_data() -> None:
    body = dashboard_body(
        region="eu-west-2",
        cluster="c",
        load_balancer="app/alb/1",
        services=[
            DashboardService("api", "api-svc", ("targetgroup/a/1", "targetgroup/b/2")),
            DashboardService("job", "job-svc"),
        ],
        container_insights=False,
    )
    widgets = body["widgets"]
    assert [w["properties"]["title"] for w in widgets] == [
        "ALB requests",
        "ALB 5xx",
        "ALB p95 response time",
        "api: CPU and memory %",
        "api: requests and 5xx",
        "api: p95 latency",
        "job: CPU and memory %",
    ]
    requests = widgets[4]["properties"]["metrics"]
    assert requests[0] == [
        "AWS/ApplicationELB",
        "RequestCount",
        "LoadBalancer",
        "app/alb/1",
        "TargetGroup",
        "targetgroup/a/1",
        {"label": "requests"},
    ]
    assert len(requests) == 4  # requests and 5xx for each of the two groups
    cpu = widgets[3]["properties"]["metrics"][0]
    assert cpu == ["AWS/ECS", "CPUUtilization", "ClusterName", "c", "ServiceName", "api-svc"]
    # Every widget fits the 24-unit grid, and no two overlap on a row.
    for w in widgets:
        assert w["x"] >= 0 and w["x"] + w["width"] <= 24, w
    rows: dict[int, list[tuple[int, int]]] = {}
    for w in widgets:
        rows.setdefault(w["y"], []).append((w["x"], w["x"] + w["width"]))
    for spans in rows.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), spans


GATE = "arn:aws:lambda:eu-west-2:123456789012:function:release-gate"
SMOKE = "arn:aws:lambda:eu-west-2:123456789012:function:smoke-test"


def _hooked_plan() -> Plan:
    """blueGreen with two hook functions and a test listener; a second service deploys linearly."""
    web = {
        **MINIMAL_SERVICE,
        "deployment": {
            "strategy": "blueGreen",
            "hooks": {"preScaleUp": GATE, "postTestTrafficShift": SMOKE, "postProductionTrafficShift": SMOKE},
        },
    }
    api = {
        **MINIMAL_SERVICE,
        "port": 8000,
        "route": {"pathPatterns": ["/api/*"]},
        "deployment": {"strategy": "linear", "linear": {"stepPercent": 20, "stepBakeTime": 1}},
    }
    top = minimal_platform(
        loadBalancer={"testListenerPort": 8443, "testListenerCidrs": ["203.0.113.0/24"]},
        services={"web": web, "api": api},
    )
    return run_platform(top, stack="hooks")


def test_hooks_get_one_lifecycle_hook_per_function_and_a_role_that_invokes_only_them() -> None:
    plan = _hooked_plan()
    web = one(plan, ECS_SERVICE, "web-service")
    role = one(plan, "aws:iam/role:Role", "hooks-web-hooks")
    config = web.inputs["deploymentConfiguration"]
    assert (config["strategy"], config["bakeTimeInMinutes"]) == ("BLUE_GREEN", "5")
    assert config["lifecycleHooks"] == [
        {"hookTargetArn": GATE, "roleArn": role.output_ids[-1], "lifecycleStages": ["PRE_SCALE_UP"]},
        {
            "hookTargetArn": SMOKE,
            "roleArn": role.output_ids[-1],
            "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"],
        },
    ]
    assert policy_document(role, "assumeRolePolicy")["Statement"][0]["Principal"] == {
        "Service": "ecs.amazonaws.com"
    }
    policy = one(plan, "aws:iam/rolePolicy:RolePolicy", "hooks-web-hooks")
    assert policy_document(policy)["Statement"] == [
        {
            "Sid": "InvokeHooks",
            "Effect": "Allow",
            "Action": "lambda:InvokeFunction",
            "Resource": [GATE, SMOKE],
        }
    ]
    # The service waits for the role's policy: ECS invokes the first hook as soon as the deployment starts.
    assert policy.urn in web.depends_on
    api = one(plan, ECS_SERVICE, "api-service")
    assert api.inputs["deploymentConfiguration"] == {
        "strategy": "LINEAR",
        "bakeTimeInMinutes": "0",
        "linearConfiguration": {"stepPercent": 20, "stepBakeTimeInMinutes": "1"},
    }
    assert not [r for r in of_type(plan, "aws:iam/role:Role") if r.name == "hooks-api-hooks"]
    for service in (web, api):
        report = ParamValidator().validate(create_service_params(service), CREATE_SERVICE.input_shape)
        assert not report.has_errors(), f"{service.urn}: {report.generate_report()}"


def test_a_test_listener_carries_the_test_rules_and_admits_only_its_cidrs() -> None:
    plan = _hooked_plan()
    listener = one(plan, "aws:lb/listener:Listener", "hooks-test")
    assert (listener.inputs["port"], listener.inputs["protocol"]) == (8443, "HTTP")
    assert listener.inputs["defaultActions"][0]["type"] == "fixed-response"
    rules = {r.name: r for r in of_type(plan, RULE)}
    api_test, api_rule = rules["hooks-api-test"], rules["hooks-api-rule"]
    assert api_test.inputs["listenerArn"] == listener.output_ids[-1]
    assert api_test.inputs["priority"] == api_rule.inputs["priority"]  # production's priority, mirrored
    assert api_test.inputs["conditions"] == api_rule.inputs["conditions"]
    assert rules["hooks-web-test"].inputs["priority"] == 50000  # the default route's catch-all
    ingress = [
        r
        for r in of_type(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if r.inputs.get("fromPort") == 8443
    ]
    assert [(r.name, r.inputs["cidrIpv4"]) for r in ingress] == [
        ("hooks-alb-in-test-203-0-113-0-24", "203.0.113.0/24")
    ]
