"""Safe-release rules (releases_*.py): each test starts from a known-good resource (conftest ``good``) and
changes one thing, asserting the exact message; unknown values during preview are left to the SDK (a
resource rule raises UnknownValueError, which the SDK reports as "can't run during preview") or skipped (the
stack rule)."""

from __future__ import annotations

import pytest
import releases_deployments as deployments
import releases_notifications as notifications
from common import UNKNOWN_STRING as UNKNOWN
from known_good import TARGET_GROUP_ARN
from pulumi_policy.proxy import UnknownValueError

SERVICE = "aws:ecs/service:Service"
AWSX_SERVICE = "awsx:ecs:FargateService"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"

# --- ecs-deployment-alarms -----------------------------------------------------------------------------

ALARMS_FIX = (
    "set alarms {enable: true, rollback: true, alarmNames: [<the service's error and latency alarms>]}"
)


def test_deployment_alarms_with_rollback_pass(run, good):
    assert run.resource(deployments.ECS_DEPLOYMENT_ALARMS, SERVICE, good.service()) == []


def test_deployment_alarms_missing(run, good):
    props = good.service()
    del props["alarms"]
    assert run.resource(deployments.ECS_DEPLOYMENT_ALARMS, SERVICE, props) == [
        f"ECS service 'web' deployment alarms must be enabled with rollback on at least one alarm; "
        f"{ALARMS_FIX}."
    ]


def test_deployment_alarms_without_rollback(run, good):
    props = good.service(alarms={"alarmNames": ["web-5xx"], "enable": True, "rollback": False})
    assert run.resource(deployments.ECS_DEPLOYMENT_ALARMS, SERVICE, props) == [
        "ECS service 'web' deployment alarms must be enabled with rollback on at least one alarm; "
        f"{ALARMS_FIX} (rollback missing)."
    ]


def test_deployment_alarms_without_alarm_names(run, good):
    props = good.service(alarms={"alarmNames": [], "enable": True, "rollback": True})
    assert run.resource(deployments.ECS_DEPLOYMENT_ALARMS, SERVICE, props) == [
        "ECS service 'web' deployment alarms must be enabled with rollback on at least one alarm; "
        f"{ALARMS_FIX} (alarmNames missing)."
    ]


def test_deployment_alarms_disabled(run, good):
    props = good.service(alarms={"alarmNames": ["web-5xx"], "enable": False, "rollback": True})
    assert run.resource(deployments.ECS_DEPLOYMENT_ALARMS, SERVICE, props) == [
        "ECS service 'web' deployment alarms must be enabled with rollback on at least one alarm; "
        f"{ALARMS_FIX} (enable missing)."
    ]


def test_deployment_alarms_names_unknown_during_preview_count(run, good):
    # Alarm names computed from the alarms created in the same update: the list is known, its items not.
    props = good.service(alarms={"alarmNames": [UNKNOWN], "enable": True, "rollback": True})
    assert run.resource(deployments.ECS_DEPLOYMENT_ALARMS, SERVICE, props) == []


def test_deployment_alarms_unknown_are_left_to_the_sdk(run, good):
    with pytest.raises(UnknownValueError):
        run.resource(deployments.ECS_DEPLOYMENT_ALARMS, SERVICE, good.service(alarms=UNKNOWN))


def test_deployment_alarms_not_applicable_to_code_deploy(run, good):
    props = good.service(deploymentController={"type": "CODE_DEPLOY"}, alarms=None)
    assert run.resource(deployments.ECS_DEPLOYMENT_ALARMS, SERVICE, props) == []


def test_deployment_alarms_cover_awsx_service(run, good):
    assert run.resource(deployments.ECS_DEPLOYMENT_ALARMS, AWSX_SERVICE, good.awsx_fargate_service()) == [
        f"Fargate service 'web' deployment alarms must be enabled with rollback on at least one alarm; "
        f"{ALARMS_FIX}."
    ]


# --- ecs-deployment-strategy ---------------------------------------------------------------------------

STRATEGY_FIX = (
    "set deploymentConfiguration.strategy to CANARY (canaryConfiguration), LINEAR (linearConfiguration) or "
    "BLUE_GREEN with bakeTimeInMinutes, and give each load balancer an advancedConfiguration "
    "(alternateTargetGroupArn, productionListenerRule, roleArn)"
)


def test_strategy_canary_with_advanced_configuration_passes(run, good):
    assert run.resource(deployments.ECS_DEPLOYMENT_STRATEGY, SERVICE, good.service()) == []


@pytest.mark.parametrize("strategy", ["LINEAR", "BLUE_GREEN"])
def test_strategy_other_traffic_shifting_strategies_pass(run, good, strategy):
    props = good.service(deploymentConfiguration={"strategy": strategy, "bakeTimeInMinutes": "5"})
    assert run.resource(deployments.ECS_DEPLOYMENT_STRATEGY, SERVICE, props) == []


def test_strategy_unset_is_rolling(run, good):
    props = good.service()
    del props["deploymentConfiguration"]
    assert run.resource(deployments.ECS_DEPLOYMENT_STRATEGY, SERVICE, props) == [
        "ECS service 'web' deployment strategy ROLLING (unset) must shift traffic (CANARY, LINEAR or "
        f"BLUE_GREEN) behind a load balancer; {STRATEGY_FIX}."
    ]


def test_strategy_rolling(run, good):
    props = good.service(deploymentConfiguration={"strategy": "ROLLING"})
    assert run.resource(deployments.ECS_DEPLOYMENT_STRATEGY, SERVICE, props) == [
        "ECS service 'web' deployment strategy ROLLING must shift traffic (CANARY, LINEAR or BLUE_GREEN) "
        f"behind a load balancer; {STRATEGY_FIX}."
    ]


def test_strategy_rolling_allowed_where_not_required(run, good):
    props = good.service(deploymentConfiguration={"strategy": "ROLLING"})
    config = {"requireTrafficShifting": False}
    assert run.resource(deployments.ECS_DEPLOYMENT_STRATEGY, SERVICE, props, config=config) == []


def test_strategy_rolling_without_load_balancer_passes(run, good):
    props = good.service(deploymentConfiguration=None, loadBalancers=None)
    assert run.resource(deployments.ECS_DEPLOYMENT_STRATEGY, SERVICE, props) == []


def test_strategy_canary_without_advanced_configuration(run, good):
    props = good.service()
    del props["loadBalancers"][0]["advancedConfiguration"]
    assert run.resource(deployments.ECS_DEPLOYMENT_STRATEGY, SERVICE, props) == [
        "ECS service 'web' loadBalancers[0].advancedConfiguration must set alternateTargetGroupArn, "
        "productionListenerRule, roleArn for a CANARY deployment; add alternateTargetGroupArn and "
        "productionListenerRule and roleArn (the green target group, the production listener rule and the "
        "role ECS uses to shift traffic)."
    ]


def test_strategy_canary_without_role(run, good):
    props = good.service()
    del props["loadBalancers"][0]["advancedConfiguration"]["roleArn"]
    assert run.resource(deployments.ECS_DEPLOYMENT_STRATEGY, SERVICE, props) == [
        "ECS service 'web' loadBalancers[0].advancedConfiguration must set alternateTargetGroupArn, "
        "productionListenerRule, roleArn for a CANARY deployment; add roleArn (the green target group, the "
        "production listener rule and the role ECS uses to shift traffic)."
    ]


def test_strategy_unknown_is_left_to_the_sdk(run, good):
    props = good.service(deploymentConfiguration={"strategy": UNKNOWN})
    with pytest.raises(UnknownValueError):
        run.resource(deployments.ECS_DEPLOYMENT_STRATEGY, SERVICE, props)


def test_strategy_unknown_target_group_arns_still_checked(run, good):
    props = good.service()
    props["loadBalancers"][0]["targetGroupArn"] = UNKNOWN
    props["loadBalancers"][0]["advancedConfiguration"]["alternateTargetGroupArn"] = UNKNOWN
    assert run.resource(deployments.ECS_DEPLOYMENT_STRATEGY, SERVICE, props) == []


# --- ecs-rollout-time (stack) ----------------------------------------------------------------------------


def rollout_stack(run, good, service_props, target_group_props=None):
    group = run.res(TARGET_GROUP, "web-tg", target_group_props or good.target_group())
    return [group, run.res(SERVICE, "web", service_props)]


def test_rollout_within_the_limit_passes(run, good):
    # 30 s draining + 10 s x 2 checks + canary bake 5 + final bake 5 = 10.83 minutes
    assert run.stack(deployments.ECS_ROLLOUT_TIME, rollout_stack(run, good, good.service())) == []


def test_rollout_over_the_limit_names_the_parts(run, good):
    resources = rollout_stack(run, good, good.service())
    assert run.stack(deployments.ECS_ROLLOUT_TIME, resources, config={"maxMinutes": 10}) == [
        (
            "ECS service 'web' estimated rollout 10.83 minutes (CANARY) must be at most 10 minutes; "
            "shorten its parts (canary bake (canaryBakeTimeInMinutes 5) 5 min + final bake "
            "(bakeTimeInMinutes 5) 5 min + deregistration delay 30 s 0.5 min + time to healthy (interval "
            "10 s x healthyThreshold 2) 0.33 min) or raise maxMinutes of ecs-rollout-time.",
            resources[1].urn,
        )
    ]


def test_rollout_default_limit_is_an_hour(run, good):
    props = good.service(deploymentConfiguration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": "60"})
    resources = rollout_stack(run, good, props)
    assert run.stack(deployments.ECS_ROLLOUT_TIME, resources) == [
        (
            "ECS service 'web' estimated rollout 60.83 minutes (BLUE_GREEN) must be at most 60 minutes; "
            "shorten its parts (final bake (bakeTimeInMinutes 60) 60 min + deregistration delay 30 s 0.5 "
            "min + time to healthy (interval 10 s x healthyThreshold 2) 0.33 min) or raise maxMinutes of "
            "ecs-rollout-time.",
            resources[1].urn,
        )
    ]


def test_rollout_uses_aws_defaults_for_an_unset_target_group(run, good):
    group = good.target_group(deregistrationDelay=None, healthCheck={"enabled": True, "path": "/health"})
    resources = rollout_stack(run, good, good.service(deploymentConfiguration=None), group)
    assert run.stack(deployments.ECS_ROLLOUT_TIME, resources, config={"maxMinutes": 5}) == [
        (
            "ECS service 'web' estimated rollout 7.50 minutes (ROLLING) must be at most 5 minutes; shorten "
            "its parts (deregistration delay 300 s (AWS default) 5 min + time to healthy (interval 30 s x "
            "healthyThreshold 5) 2.5 min) or raise maxMinutes of ecs-rollout-time.",
            resources[1].urn,
        )
    ]


def test_rollout_links_the_target_group_by_dependency_when_the_arn_is_unknown(run, good):
    group = run.res(TARGET_GROUP, "web-tg", good.target_group(name=None, deregistrationDelay=600))
    props = good.service()
    props["loadBalancers"][0]["targetGroupArn"] = UNKNOWN
    service = run.res(SERVICE, "web", props, deps=[group])
    (message, urn) = run.stack(deployments.ECS_ROLLOUT_TIME, [group, service], config={"maxMinutes": 15})[0]
    assert urn == service.urn and message.startswith(
        "ECS service 'web' estimated rollout 20.33 minutes (CANARY) must be at most 15 minutes; "
    )


def test_rollout_skips_a_service_whose_inputs_are_unknown(run, good):
    props = good.service(deploymentConfiguration={"strategy": "CANARY", "bakeTimeInMinutes": UNKNOWN})
    resources = rollout_stack(run, good, props)
    assert run.stack(deployments.ECS_ROLLOUT_TIME, resources, config={"maxMinutes": 1}) == []


def test_rollout_not_tripped_by_unknown_unrelated_inputs(run, good):
    props = good.service(taskDefinition=UNKNOWN, cluster=UNKNOWN)
    resources = rollout_stack(run, good, props, good.target_group(vpcId=UNKNOWN))
    assert run.stack(deployments.ECS_ROLLOUT_TIME, resources, config={"maxMinutes": 10})[0][0].startswith(
        "ECS service 'web' estimated rollout 10.83 minutes (CANARY)"
    )


def test_rollout_target_group_arn_matches_the_pulumi_auto_name(run, good):
    group = run.res(TARGET_GROUP, "web", good.target_group(name=None, deregistrationDelay=0))
    props = good.service(deploymentConfiguration=None)
    props["loadBalancers"][0]["targetGroupArn"] = TARGET_GROUP_ARN.replace("/web/", "/web-1a2b3c4/")
    service = run.res(SERVICE, "web", props)
    assert run.stack(deployments.ECS_ROLLOUT_TIME, [group, service], config={"maxMinutes": 0.3}) == [
        (
            "ECS service 'web' estimated rollout 0.33 minutes (ROLLING) must be at most 0.3 minutes; "
            "shorten its parts (time to healthy (interval 10 s x healthyThreshold 2) 0.33 min + "
            "deregistration delay 0 s 0 min) or raise maxMinutes of ecs-rollout-time.",
            service.urn,
        )
    ]


# --- cloudwatch-alarm-actions --------------------------------------------------------------------------


def test_alarm_with_actions_passes(run, good):
    config = {"requireOkActions": True}
    assert (
        run.resource(notifications.CLOUDWATCH_ALARM_ACTIONS, ALARM, good.metric_alarm(), config=config) == []
    )


def test_alarm_without_alarm_actions(run, good):
    props = good.metric_alarm(alarmActions=[])
    assert run.resource(notifications.CLOUDWATCH_ALARM_ACTIONS, ALARM, props, name="web-5xx") == [
        "CloudWatch alarm 'web-5xx' alarmActions must name at least one action; add the SNS topic (or Auto "
        "Scaling / EC2 action) that must hear of the alarm."
    ]


def test_alarm_with_actions_disabled(run, good):
    props = good.metric_alarm(actionsEnabled=False)
    assert run.resource(notifications.CLOUDWATCH_ALARM_ACTIONS, ALARM, props, name="web-5xx") == [
        "CloudWatch alarm 'web-5xx' actionsEnabled false must be true so the alarm acts; remove "
        "actionsEnabled or set it to true."
    ]


def test_alarm_without_ok_actions_passes_by_default(run, good):
    props = good.metric_alarm()
    del props["okActions"]
    assert run.resource(notifications.CLOUDWATCH_ALARM_ACTIONS, ALARM, props) == []


def test_alarm_without_ok_actions_where_required(run, good):
    props = good.metric_alarm()
    del props["okActions"]
    config = {"requireOkActions": True}
    assert run.resource(
        notifications.CLOUDWATCH_ALARM_ACTIONS, ALARM, props, name="web-5xx", config=config
    ) == [
        "CloudWatch alarm 'web-5xx' okActions must name at least one action in this stack; add the SNS topic "
        "that must hear of the recovery (usually the alarmActions topic), or set requireOkActions of "
        "cloudwatch-alarm-actions to false."
    ]


def test_alarm_metric_math_alarm_is_checked_the_same(run, good):
    props = good.metric_alarm(
        metricName=None,
        namespace=None,
        statistic=None,
        metricQueries=[{"id": "e1", "expression": "m1 / m2", "returnData": True}],
        alarmActions=None,
    )
    assert run.resource(notifications.CLOUDWATCH_ALARM_ACTIONS, ALARM, props, name="web-5xx") == [
        "CloudWatch alarm 'web-5xx' alarmActions must name at least one action; add the SNS topic (or Auto "
        "Scaling / EC2 action) that must hear of the alarm."
    ]


def test_alarm_action_arns_unknown_during_preview_count(run, good):
    props = good.metric_alarm(alarmActions=[UNKNOWN], okActions=[UNKNOWN])
    config = {"requireOkActions": True}
    assert run.resource(notifications.CLOUDWATCH_ALARM_ACTIONS, ALARM, props, config=config) == []


def test_alarm_actions_unknown_are_left_to_the_sdk(run, good):
    with pytest.raises(UnknownValueError):
        run.resource(notifications.CLOUDWATCH_ALARM_ACTIONS, ALARM, good.metric_alarm(alarmActions=UNKNOWN))


# --- sns-topic-encryption ------------------------------------------------------------------------------

KEY_POLICY = (
    "a customer-managed KMS key whose key policy lets cloudwatch.amazonaws.com and events.amazonaws.com call "
    "kms:GenerateDataKey* and kms:Decrypt"
)


def test_topic_with_customer_managed_key_passes(run, good):
    assert run.resource(notifications.SNS_TOPIC_ENCRYPTION, TOPIC, good.sns_topic()) == []


def test_topic_unencrypted(run, good):
    props = good.sns_topic()
    del props["kmsMasterKeyId"]
    assert run.resource(notifications.SNS_TOPIC_ENCRYPTION, TOPIC, props, name="alerts") == [
        f"SNS topic 'alerts' kmsMasterKeyId must be set (the topic is unencrypted); set kmsMasterKeyId to "
        f"{KEY_POLICY}."
    ]


def test_topic_empty_key_is_unencrypted(run, good):
    props = good.sns_topic(kmsMasterKeyId="")
    assert run.resource(notifications.SNS_TOPIC_ENCRYPTION, TOPIC, props, name="alerts") == [
        f"SNS topic 'alerts' kmsMasterKeyId must be set (the topic is unencrypted); set kmsMasterKeyId to "
        f"{KEY_POLICY}."
    ]


@pytest.mark.parametrize("key", ["alias/aws/sns", "arn:aws:kms:eu-west-2:123456789012:alias/aws/sns"])
def test_topic_with_the_aws_managed_key(run, good, key):
    props = good.sns_topic(kmsMasterKeyId=key)
    assert run.resource(notifications.SNS_TOPIC_ENCRYPTION, TOPIC, props, name="alerts") == [
        f"SNS topic 'alerts' kmsMasterKeyId {key} must be a customer-managed key (CloudWatch alarms and "
        f"EventBridge cannot publish to a topic encrypted with the AWS-managed key); set kmsMasterKeyId to "
        f"{KEY_POLICY}, or set allowAwsManagedKey of sns-topic-encryption if no AWS service publishes to the "
        "topic."
    ]


def test_topic_with_the_aws_managed_key_where_allowed(run, good):
    props = good.sns_topic(kmsMasterKeyId="alias/aws/sns")
    config = {"allowAwsManagedKey": True}
    assert run.resource(notifications.SNS_TOPIC_ENCRYPTION, TOPIC, props, config=config) == []


def test_topic_with_a_customer_alias_passes(run, good):
    props = good.sns_topic(kmsMasterKeyId="alias/alerts")
    assert run.resource(notifications.SNS_TOPIC_ENCRYPTION, TOPIC, props) == []


def test_topic_key_unknown_during_preview_counts_as_customer_managed(run, good):
    # A key the stack creates in the same update: its id is an output; the AWS-managed alias is a literal.
    props = good.sns_topic(kmsMasterKeyId=UNKNOWN)
    assert run.resource(notifications.SNS_TOPIC_ENCRYPTION, TOPIC, props) == []


def test_topic_not_tripped_by_unknown_unrelated_inputs(run, good):
    props = good.sns_topic(name=UNKNOWN, policy=UNKNOWN)
    assert run.resource(notifications.SNS_TOPIC_ENCRYPTION, TOPIC, props) == []


def test_releases_module_assembles_both_areas():
    import releases

    assert [p.name for p in releases.POLICIES] == [
        "ecs-deployment-alarms",
        "ecs-deployment-strategy",
        "ecs-rollout-time",
        "cloudwatch-alarm-actions",
        "sns-topic-encryption",
    ]
