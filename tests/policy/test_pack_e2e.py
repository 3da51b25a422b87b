"""The real pack in policy/, started as the CLI starts it and driven over the analyzer gRPC protocol, with the
per-stack config files policy/config/dev.json and prod.json (never importing policy/__main__.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import budget
import cost
import front_door
import pytest
import releases
import reliability
import security

from ops.offline.analyzer import (
    Diagnostic,
    PackResource,
    PolicyPackRunner,
    effective_config,
    load_policy_config,
)

ACCOUNT, REGION = "123456789012", "eu-west-2"
Good = Any  # the `good` fixture of tests/policy/conftest.py (known-good resource inputs)
PACK = Path(__file__).resolve().parents[2] / "policy"
ALL_POLICIES = (
    cost.POLICIES
    + security.POLICIES
    + reliability.POLICIES
    + releases.POLICIES
    + front_door.POLICIES
    + budget.POLICIES
)
HOURS = 730
WAF_ACL, WAF_RULE, WAF_MILLION = 5.00, 1.00, 0.60  # AWS WAF, every region (docs/pricing.md)
# eu-west-2 unit prices from reference/pricing.md
ALB_HOUR, LCU_HOUR, IPV4_HOUR = 0.02646, 0.0084, 0.005
X86_VCPU, X86_GB = 0.04656, 0.00511
LOG_GB, LOG_STORED = 0.5985, 0.0315
METRIC = 0.30
ALARM_METRIC = 0.10


def started(stack: str) -> Iterator[PolicyPackRunner]:
    with PolicyPackRunner(
        PACK, project="fargate-platform", stack=stack, stack_config={"aws:region": REGION}
    ) as r:
        r.configure(load_policy_config(PACK / "config" / f"{stack}.json"))
        yield r


@pytest.fixture(scope="module")
def dev() -> Iterator[PolicyPackRunner]:
    yield from started("dev")


@pytest.fixture(scope="module")
def prod() -> Iterator[PolicyPackRunner]:
    yield from started("prod")


def resource(type_token: str, name: str, props: dict[str, Any]) -> PackResource:
    return PackResource(type_token, name, f"urn:pulumi:dev::fargate-platform::{type_token}::{name}", props)


def levels(diagnostics: list[Diagnostic]) -> list[tuple[str, str, str]]:
    return sorted((d.policy_name, d.enforcement_level, d.urn) for d in diagnostics)


def good_stack(good: Good, retention_days: int) -> list[PackResource]:
    return [
        resource("aws:ecs/cluster:Cluster", "main", good.cluster()),
        resource("aws:ecs/taskDefinition:TaskDefinition", "web-task", good.task_definition()),
        resource("aws:ecs/service:Service", "web", good.service()),
        resource(
            "aws:cloudwatch/logGroup:LogGroup", "web-logs", good.log_group(retentionInDays=retention_days)
        ),
        resource("aws:lb/targetGroup:TargetGroup", "web-tg", good.target_group()),
        resource("aws:ec2/securityGroup:SecurityGroup", "web-sg", good.security_group()),
        resource("aws:lb/loadBalancer:LoadBalancer", "alb", good.load_balancer()),
        resource("aws:lb/listener:Listener", "https", good.https_listener()),
        resource("aws:lb/listener:Listener", "http", good.redirect_listener()),
        resource("aws:ssm/parameter:Parameter", "web-db", good.ssm_parameter()),
        resource("aws:cloudwatch/metricAlarm:MetricAlarm", "web-5xx", good.metric_alarm()),
        resource("aws:sns/topic:Topic", "alerts", good.sns_topic()),
        resource("aws:acm/certificate:Certificate", "cert", good.certificate()),
        resource("aws:route53/record:Record", "www", good.alias_record()),
        resource("aws:wafv2/webAcl:WebAcl", "web-acl", good.web_acl()),
        resource("aws:wafv2/webAclAssociation:WebAclAssociation", "web-acl-alb", good.web_acl_association()),
        resource(
            "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
            "web-acl-logs",
            good.waf_logging_configuration(),
        ),
    ]


# ---------------------------------------------------------------------------------------------------------
# GetAnalyzerInfo and the config files
# ---------------------------------------------------------------------------------------------------------


def test_analyzer_info_lists_every_policy_with_its_level_and_schema(dev: PolicyPackRunner) -> None:
    infos = {p.name: p for p in dev.info()}

    assert dev.pack_name == "fargate-platform"
    assert dev.pack_version == "0.1.0"  # PulumiPolicy.yaml's, as the CLI reports it (the SDK says 0.0.1)
    assert sorted(infos) == sorted(p.name for p in ALL_POLICIES)
    for policy in ALL_POLICIES:
        info = infos[policy.name]
        assert info.description == policy.description
        assert policy.enforcement_level is not None
        assert info.enforcement_level == policy.enforcement_level.value, policy.name
        properties = policy.config_schema.properties if policy.config_schema else {}
        assert info.config_schema.get("properties", {}) == json.loads(json.dumps(properties)), policy.name
    assert infos["monthly-cost-budget"].policy_type == "stack"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_config_files_validate_against_the_schemas(dev: PolicyPackRunner, stack: str) -> None:
    config = load_policy_config(PACK / "config" / f"{stack}.json")
    merged = effective_config(dev.info(), config)

    assert set(merged) == {p.name for p in ALL_POLICIES}
    for name, value in config.items():
        level = value if isinstance(value, str) else value.get("enforcementLevel")
        if level is not None:
            assert merged[name]["enforcementLevel"] == level, name


def test_the_budget_of_each_stack_is_configured(dev: PolicyPackRunner, prod: PolicyPackRunner) -> None:
    assert dev.effective_config["monthly-cost-budget"]["enforcementLevel"] == "mandatory"
    assert dev.effective_config["monthly-cost-budget"]["properties"]["maxMonthlyUsd"] == 50
    assert prod.effective_config["monthly-cost-budget"]["properties"]["maxMonthlyUsd"] == 400
    assert prod.effective_config["monthly-cost-budget"]["properties"]["albLcus"] == 1.0  # schema default


# ---------------------------------------------------------------------------------------------------------
# Analyze: known-good and known-bad resources, with the levels the config files set
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_known_good_resources_pass_in_both_stacks(
    dev: PolicyPackRunner, prod: PolicyPackRunner, good: Good, stack: str
) -> None:
    runner, retention = (dev, 14) if stack == "dev" else (prod, 30)  # dev: 1-14 days, prod: 30-400
    assert runner.analyze_many(good_stack(good, retention)) == []


def test_invalid_fargate_size_is_mandatory_everywhere(
    dev: PolicyPackRunner, prod: PolicyPackRunner, good: Good
) -> None:
    bad = resource("aws:ecs/taskDefinition:TaskDefinition", "web-task", good.task_definition(memory="4096"))

    for runner in (dev, prod):
        found = [d for d in runner.analyze(bad) if d.policy_name == "fargate-task-size"]
        assert levels(found) == [("fargate-task-size", "mandatory", bad.urn)]
        assert "'web-task'" in found[0].message and " must " in found[0].message


def test_log_retention_window_differs_per_stack(
    dev: PolicyPackRunner, prod: PolicyPackRunner, good: Good
) -> None:
    month = resource("aws:cloudwatch/logGroup:LogGroup", "logs", good.log_group(retentionInDays=30))
    week = resource("aws:cloudwatch/logGroup:LogGroup", "logs", good.log_group(retentionInDays=7))

    assert levels(dev.analyze(month)) == [("log-group-retention", "mandatory", month.urn)]  # dev max 14
    assert dev.analyze(week) == []
    assert levels(prod.analyze(week)) == [("log-group-retention", "mandatory", week.urn)]  # prod min 30
    assert prod.analyze(month) == []


def test_public_ip_is_advisory_in_dev_and_mandatory_in_prod(
    dev: PolicyPackRunner, prod: PolicyPackRunner, good: Good
) -> None:
    props = good.service()
    props["networkConfiguration"]["assignPublicIp"] = True
    public = resource("aws:ecs/service:Service", "web", props)

    assert levels(dev.analyze(public)) == [("ecs-no-public-ip", "advisory", public.urn)]
    assert levels(prod.analyze(public)) == [("ecs-no-public-ip", "mandatory", public.urn)]


def test_single_task_service_fails_only_in_prod(
    dev: PolicyPackRunner, prod: PolicyPackRunner, good: Good
) -> None:
    single = resource("aws:ecs/service:Service", "web", good.service(desiredCount=1))

    assert dev.analyze(single) == [] and dev.analyze_stack([single]) == []
    assert prod.analyze(single) == []  # a stack policy: it sees the autoscaling targets
    assert levels(prod.analyze_stack([single])) == [("ecs-service-min-tasks", "mandatory", single.urn)]


def test_plaintext_secret_is_mandatory_and_names_the_variable(dev: PolicyPackRunner, good: Good) -> None:
    leaky = good.container(environment=[{"name": "DATABASE_PASSWORD", "value": "hunter2hunter2"}], secrets=[])
    task = resource(
        "aws:ecs/taskDefinition:TaskDefinition", "web-task", good.task_definition(containers=[leaky])
    )

    found = [d for d in dev.analyze(task) if d.policy_name == "ecs-no-plaintext-secrets"]
    assert [d.enforcement_level for d in found] == ["mandatory"]
    assert "DATABASE_PASSWORD" in found[0].message
    assert "hunter2hunter2" not in found[0].message


# ---------------------------------------------------------------------------------------------------------
# AnalyzeStack: the budget
# ---------------------------------------------------------------------------------------------------------


def money(value: float) -> str:
    return f"${value:,.2f}"


def test_budget_passes_for_the_good_stack_in_prod(prod: PolicyPackRunner, good: Good) -> None:
    assert prod.analyze_stack(good_stack(good, 30)) == []


def test_budget_is_a_mandatory_stack_diagnostic_in_dev(dev: PolicyPackRunner, good: Good) -> None:
    # The known-good stack: an ALB (2 AZs, 1 LCU assumed), one 0.25 vCPU / 0.5 GB service with 2 tasks
    # (base 1 on demand, the other by weight 1:3 -> 0.25 on demand, 0.75 Spot), one log group (1 GB, 14 days),
    # Container Insights on one cluster with one service (15 + 15 metrics assumed), one alarm on one metric,
    # and the CANARY deployments' green tasks: 2 tasks for 0.5 min draining + 10 s x 2 checks + 5 + 5 min
    # bake = 10.83 min, 20 deploys a month, at the service's blended task-hour; a web ACL with 3 rules
    # in front of the ALB (1 million requests assumed). Region from aws:region.
    task_hour = 0.25 * X86_VCPU + 0.5 * X86_GB
    blended = (1.25 * task_hour + 0.75 * task_hour * 0.3) / 2
    rollout_minutes = 30 / 60 + 10 * 2 / 60 + 5 + 5
    items = {
        "alb ALB hours": HOURS * ALB_HOUR,
        "alb ALB public IPv4 addresses (2 AZs)": HOURS * 2 * IPV4_HOUR,
        "alb ALB LCUs (assumed 1 LCU)": HOURS * LCU_HOUR,
        "web Fargate on-demand x86 (0.25 vCPU, 0.5 GB)": HOURS * 1.25 * task_hour,
        "web Fargate Spot x86 (0.25 vCPU, 0.5 GB, 70% off)": HOURS * 0.75 * task_hour * 0.3,
        "web-logs log ingestion (assumed 1 GB)": LOG_GB,
        "web-logs log storage (14 days retained)": LOG_STORED * 14 / 30,
        "main Container Insights (classic): 15 metrics per cluster + 15 per service x 1 (assumed)": 30
        * METRIC,
        "web-5xx CloudWatch alarm, standard resolution (1 metric(s); free tier ignored)": ALARM_METRIC,
        "web CANARY deployments: green tasks for 10.83 min x 20 deploys (assumed)": 2
        * rollout_minutes
        / 60
        * 20
        * blended,
        "web-acl WAF web ACL": WAF_ACL,
        "web-acl WAF rules (3; a rule group counts as one)": 3 * WAF_RULE,
        "web-acl WAF requests (assumed 1 million per load balancer x 1)": WAF_MILLION,
    }
    total = sum(items.values())
    largest = sorted(items.items(), key=lambda kv: kv[1], reverse=True)[:3]
    budget_usd = 20
    dev_budget = {**load_policy_config(PACK / "config" / "dev.json")}
    dev_budget["monthly-cost-budget"] = {"enforcementLevel": "mandatory", "maxMonthlyUsd": budget_usd}
    dev.configure(dev_budget)
    try:
        diagnostics = dev.analyze_stack(good_stack(good, 14))
    finally:
        dev.configure(load_policy_config(PACK / "config" / "dev.json"))

    assert diagnostics == [
        Diagnostic(
            policy_name="monthly-cost-budget",
            policy_pack_name="fargate-platform",
            description=budget.DESCRIPTION,
            message=(
                f"Stack 'dev' estimated monthly cost {money(total)} (eu-west-2)"
                " must not exceed the budget of "
                f"{money(budget_usd)}; reduce the largest items ("
                + ", ".join(f"{name} {money(value)}" for name, value in largest)
                + ") or raise maxMonthlyUsd of monthly-cost-budget in the stack's policy config."
            ),
            enforcement_level="mandatory",
            urn="",
        )
    ]


def test_budget_over_dev_limit_with_a_big_on_demand_service(dev: PolicyPackRunner, good: Good) -> None:
    big_task = good.task_definition(family="big", cpu="1024", memory="2048")
    big_service = good.service(
        name="big",
        taskDefinition=f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/big:1",
        capacityProviderStrategies=[{"capacityProvider": "FARGATE", "weight": 1}],
        deploymentConfiguration={"strategy": "ROLLING"},  # no green tasks: only the service's own are priced
    )
    resources = [
        resource("aws:ecs/taskDefinition:TaskDefinition", "big-task", big_task),
        resource("aws:ecs/service:Service", "big", big_service),
    ]

    (diagnostic,) = dev.analyze_stack(resources)
    total = HOURS * 2 * (X86_VCPU + 2 * X86_GB)
    assert diagnostic.policy_name == "monthly-cost-budget"
    assert diagnostic.enforcement_level == "mandatory"
    assert diagnostic.message.startswith(
        f"Stack 'dev' estimated monthly cost {money(total)} (eu-west-2)"
        " must not exceed the budget of $50.00; "
    )
