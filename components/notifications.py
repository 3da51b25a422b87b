"""Notifications: one encrypted SNS topic per stack, its subscriptions, and an EventBridge rule that sends the
stack's failed ECS deployments (a rollback starts with one) to it.

The topic is encrypted with a customer-managed KMS key (rotated yearly): CloudWatch alarms and EventBridge
cannot publish to a topic encrypted with the AWS-managed `alias/aws/sns` key, whose policy they cannot be
granted ("Amazon SNS: encryption at rest", AWS SNS developer guide, the note on AWS-managed keys), so the
key's policy lets both services use it. The topic policy lets CloudWatch alarms of this account and the
stack's EventBridge rule publish. ECS deployment events: source `aws.ecs`, detail-type "ECS Deployment State
Change", eventName SERVICE_DEPLOYMENT_FAILED ("Amazon ECS service deployment state change events", AWS ECS
developer guide; a rollback is reported as the failure that caused it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

DEPLOYMENT_EVENTS = ("SERVICE_DEPLOYMENT_FAILED",)


def deployment_event_pattern(service_arn_prefix: str) -> dict[str, Any]:
    """The EventBridge pattern of the stack's failed deployments (services of its cluster)."""
    return {
        "source": ["aws.ecs"],
        "detail-type": ["ECS Deployment State Change"],
        "detail": {"eventName": list(DEPLOYMENT_EVENTS)},
        "resources": [{"prefix": service_arn_prefix}],
    }


def key_policy(account_id: str, partition: str) -> dict[str, Any]:
    publishers = ["cloudwatch.amazonaws.com", "events.amazonaws.com"]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                # The account administers the key through IAM (AWS's default key policy statement).
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "AlarmsAndEventsEncrypt",
                "Effect": "Allow",
                "Principal": {"Service": publishers},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
            },
        ],
    }


def topic_policy(
    topic_arn: str, account_id: str, rule_arn: str, partition: str, region: str
) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AlarmsPublish",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {
                    "ArnLike": {"aws:SourceArn": f"arn:{partition}:cloudwatch:{region}:{account_id}:alarm:*"},
                    "StringEquals": {"aws:SourceAccount": account_id},
                },
            },
            {
                "Sid": "DeploymentEventsPublish",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
            },
        ],
    }


@dataclass
class NotificationsArgs:
    account_id: pulumi.Input[str]
    region: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    partition: str = "aws"
    email: Sequence[str] = ()
    https: Sequence[str] = ()
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


class Notifications(pulumi.ComponentResource):
    """The stack's topic with its key, subscriptions, policy and the deployment-events rule."""

    key: aws.kms.Key
    topic: aws.sns.Topic
    subscriptions: list[aws.sns.TopicSubscription]
    deployment_rule: aws.cloudwatch.EventRule

    def __init__(
        self, name: str, args: NotificationsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("fargate-platform:index:Notifications", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        self.key = aws.kms.Key(
            f"{name}-alerts-key",
            description="Encrypts the stack's alert topic (CloudWatch alarms and ECS deployment events)",
            enable_key_rotation=True,
            policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account: json.dumps(key_policy(account, args.partition))
            ),
            tags=tags,
            opts=child,
        )
        self.topic = aws.sns.Topic(f"{name}-alerts", kms_master_key_id=self.key.arn, tags=tags, opts=child)
        self.subscriptions = [
            aws.sns.TopicSubscription(
                f"{name}-alerts-{protocol}-{i}",
                topic=self.topic.arn,
                protocol=protocol,
                endpoint=endpoint,
                opts=child,
            )
            for protocol, endpoints in (("email", args.email), ("https", args.https))
            for i, endpoint in enumerate(endpoints)
        ]
        prefix = pulumi.Output.all(args.region, args.account_id, args.cluster_name).apply(
            lambda v: f"arn:{args.partition}:ecs:{v[0]}:{v[1]}:service/{v[2]}/"
        )
        self.deployment_rule = aws.cloudwatch.EventRule(
            f"{name}-deployments",
            description="Failed ECS deployments of the stack's services",
            event_pattern=prefix.apply(lambda p: json.dumps(deployment_event_pattern(p))),
            tags=tags,
            opts=child,
        )
        self.topic_policy = aws.sns.TopicPolicy(
            f"{name}-alerts",
            arn=self.topic.arn,
            policy=pulumi.Output.all(
                self.topic.arn, args.account_id, self.deployment_rule.arn, args.region
            ).apply(lambda v: json.dumps(topic_policy(v[0], v[1], v[2], args.partition, v[3]))),
            opts=child,
        )
        self.deployment_target = aws.cloudwatch.EventTarget(
            f"{name}-deployments",
            rule=self.deployment_rule.name,
            arn=self.topic.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.topic_policy]),
        )
        self.register_outputs({"topicArn": self.topic.arn})
