"""The force-new table (ops/offline/diff_force_new.py) for what watches and releases the services: alarms,
the dashboard, the alert topic with its key, subscriptions and policy, the deployment-events rule, and the
managed-policy attachment of the ECS infrastructure role. Same sources and conventions as that module."""

from __future__ import annotations

from ops.offline.diff_force_new_types import TF_AWS, TypeRules

ALERT_TYPES: dict[str, TypeRules] = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": TypeRules(
        # alarm_name (Pulumi: name) is ForceNew; PutMetricAlarm overwrites every other setting in place.
        source=TF_AWS + "cloudwatch/metric_alarm.go",
        force_new=("name",),
        updatable=(
            "actionsEnabled",
            "alarmActions",
            "alarmDescription",
            "comparisonOperator",
            "datapointsToAlarm",
            "dimensions",
            "evaluationPeriods",
            "extendedStatistic",
            "insufficientDataActions",
            "metricName",
            "metricQueries",
            "namespace",
            "okActions",
            "period",
            "statistic",
            "tags",
            "threshold",
            "treatMissingData",
        ),
    ),
    "aws:cloudwatch/dashboard:Dashboard": TypeRules(
        source=TF_AWS + "cloudwatch/dashboard.go",
        force_new=("dashboardName",),
        updatable=("dashboardBody",),
    ),
    "aws:kms/key:Key": TypeRules(
        source=TF_AWS + "kms/key.go",
        force_new=("customerMasterKeySpec", "customKeyStoreId", "keyUsage", "multiRegion", "xksKeyId"),
        updatable=(
            "bypassPolicyLockoutSafetyCheck",
            "deletionWindowInDays",
            "description",
            "enableKeyRotation",
            "isEnabled",
            "policy",
            "rotationPeriodInDays",
            "tags",
        ),
    ),
    "aws:sns/topic:Topic": TypeRules(
        source=TF_AWS + "sns/topic.go",
        force_new=("fifoTopic", "name", "namePrefix"),
        updatable=("deliveryPolicy", "displayName", "kmsMasterKeyId", "policy", "tags", "tracingConfig"),
    ),
    "aws:sns/topicSubscription:TopicSubscription": TypeRules(
        source=TF_AWS + "sns/topic_subscription.go",
        force_new=("confirmationTimeoutInMinutes", "endpoint", "endpointAutoConfirms", "protocol", "topic"),
        updatable=(
            "deliveryPolicy",
            "filterPolicy",
            "filterPolicyScope",
            "rawMessageDelivery",
            "redrivePolicy",
        ),
    ),
    "aws:sns/topicPolicy:TopicPolicy": TypeRules(
        source=TF_AWS + "sns/topic_policy.go",
        force_new=("arn",),
        updatable=("policy",),
    ),
    "aws:cloudwatch/eventRule:EventRule": TypeRules(
        source=TF_AWS + "events/rule.go",
        force_new=("eventBusName", "name", "namePrefix"),
        updatable=("description", "eventPattern", "roleArn", "scheduleExpression", "state", "tags"),
    ),
    "aws:cloudwatch/eventTarget:EventTarget": TypeRules(
        source=TF_AWS + "events/target.go",
        force_new=("eventBusName", "rule", "targetId"),
        updatable=("arn", "input", "inputPath", "inputTransformer", "roleArn"),
    ),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": TypeRules(
        source=TF_AWS + "iam/role_policy_attachment.go (no Update: both arguments are ForceNew)",
        force_new=("policyArn", "role"),
        updatable=(),
    ),
}
