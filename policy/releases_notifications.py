"""Rules over what tells people a release went wrong: CloudWatch metric alarms that act
(cloudwatch-alarm-actions) and SNS topics encrypted with a KMS key AWS services can publish with
(sns-topic-encryption)."""

from __future__ import annotations

from typing import Any

from common import (
    ADVISORY,
    MANDATORY,
    Config,
    Report,
    Resource,
    as_bool,
    as_list,
    as_str,
    flag,
    get,
    resource_policy,
    violation,
)
from pulumi_policy.proxy import UnknownValueError
from type_tokens import METRIC_ALARM, SNS_TOPIC

# ---------------------------------------------------------------------------------------------------------
# cloudwatch-alarm-actions
# ---------------------------------------------------------------------------------------------------------


def _check_alarm_actions(resource: Resource, config: Config, report: Report) -> None:
    if as_bool(get(resource.props, "actionsEnabled")) is False:  # unset means true
        report(
            violation(
                resource,
                "actionsEnabled false",
                "be true so the alarm acts",
                "remove actionsEnabled or set it to true",
            )
        )
    if not as_list(get(resource.props, "alarmActions")):
        report(
            violation(
                resource,
                "alarmActions",
                "name at least one action",
                "add the SNS topic (or Auto Scaling / EC2 action) that must hear of the alarm",
            )
        )
    if config.get_bool("requireOkActions") and not as_list(get(resource.props, "okActions")):
        report(
            violation(
                resource,
                "okActions",
                "name at least one action in this stack",
                "add the SNS topic that must hear of the recovery (usually the alarmActions topic), or set "
                "requireOkActions of cloudwatch-alarm-actions to false",
            )
        )


CLOUDWATCH_ALARM_ACTIONS = resource_policy(
    "cloudwatch-alarm-actions",
    "Checks that CloudWatch metric alarms act: actions enabled, at least one alarm action, and an OK action "
    "where the stack requires one.",
    METRIC_ALARM,
    _check_alarm_actions,
    enforcement_level=ADVISORY,
    config={
        "requireOkActions": flag(
            False, "Require okActions too, so the people told of an alarm are told of its recovery."
        ),
    },
)


# ---------------------------------------------------------------------------------------------------------
# sns-topic-encryption
#
# CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed key alias/aws/sns: its key
# policy does not let cloudwatch.amazonaws.com call kms:GenerateDataKey* / kms:Decrypt, and an AWS-managed
# key's policy cannot be edited; the alarm history then shows "CloudWatch Alarms does not have authorization
# to access the SNS topic encryption key" and no notification is sent (AWS Knowledge Center, "How do I
# configure a CloudWatch alarm with an encrypted Amazon SNS topic?",
# https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns). The same holds for EventBridge and the
# other AWS event sources: they need a customer-managed key whose policy allows their service principal
# (Amazon SNS Developer Guide, "Key management", "Enable compatibility between event sources from AWS
# services and encrypted topics", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
# ---------------------------------------------------------------------------------------------------------

AWS_MANAGED_SNS_KEY = "alias/aws/sns"


def is_aws_managed_sns_key(key_id: str) -> bool:
    """``alias/aws/sns`` by alias name or alias ARN (a key id or key ARN of the AWS-managed key cannot be
    told apart from a customer-managed one without a lookup)."""
    return key_id == AWS_MANAGED_SNS_KEY or key_id.endswith(":" + AWS_MANAGED_SNS_KEY)


def _key_id(resource: Resource) -> tuple[Any, bool]:
    """The topic's kmsMasterKeyId and whether it is unknown (a key the stack creates, during preview)."""
    try:
        return get(resource.props, "kmsMasterKeyId"), False
    except UnknownValueError:
        return None, True


def _check_topic_encryption(resource: Resource, config: Config, report: Report) -> None:
    raw, unknown = _key_id(resource)
    if unknown:
        return  # computed from a key the stack creates: encrypted, and not the AWS-managed alias (a literal)
    key = (as_str(raw) or "").strip()
    policy = (
        "a customer-managed KMS key whose key policy lets cloudwatch.amazonaws.com and events.amazonaws.com "
        "call kms:GenerateDataKey* and kms:Decrypt"
    )
    if not key:
        report(
            violation(
                resource,
                "kmsMasterKeyId",
                "be set (the topic is unencrypted)",
                f"set kmsMasterKeyId to {policy}",
            )
        )
    elif is_aws_managed_sns_key(key) and not config.get_bool("allowAwsManagedKey"):
        report(
            violation(
                resource,
                f"kmsMasterKeyId {key}",
                "be a customer-managed key (CloudWatch alarms and EventBridge cannot publish to a topic "
                "encrypted with the AWS-managed key)",
                f"set kmsMasterKeyId to {policy}, or set allowAwsManagedKey of sns-topic-encryption if no "
                "AWS service publishes to the topic",
            )
        )


SNS_TOPIC_ENCRYPTION = resource_policy(
    "sns-topic-encryption",
    "Checks that SNS topics are encrypted with a KMS key (kmsMasterKeyId) that CloudWatch alarms and "
    "EventBridge can publish with: a customer-managed key, not the AWS-managed alias/aws/sns.",
    SNS_TOPIC,
    _check_topic_encryption,
    enforcement_level=MANDATORY,
    config={
        "allowAwsManagedKey": flag(
            False,
            "Accept alias/aws/sns (only for topics no AWS service publishes to: CloudWatch alarms and "
            "EventBridge cannot use that key).",
        ),
    },
)


POLICIES = [CLOUDWATCH_ALARM_ACTIONS, SNS_TOPIC_ENCRYPTION]
