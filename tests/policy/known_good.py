"""Known-good resource inputs (engine names, camelCase) that pass every rule of the pack, one builder per
resource: start from one and change one thing per test (``Good().task_definition(cpu="512")``). Plain data,
no pytest and no SDK: the policy tests (through conftest's ``good`` fixture), the pack's end-to-end tests and
benchmarks/analyzer_speed.py build their resources from it."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from typing import Any

# The SDK's sentinel for an unknown string (what a preview sends for a value computed from an output).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

PROJECT, STACK = "fargate-platform", "dev"
ACCOUNT, REGION = "123456789012", "eu-west-2"
DIGEST = "sha256:" + "ab" * 32
TARGET_GROUP_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/web/0123456789abcdef"
GREEN_TARGET_GROUP_ARN = (
    f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/web-green/0123456789abcdef"
)
LISTENER_RULE_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener-rule/app/web/1/2/3"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
LOAD_BALANCER_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web/1"
LOAD_BALANCER_DNS = f"web-1234567890.{REGION}.elb.amazonaws.com"
LOAD_BALANCER_ZONE = "ZHURV8PSTC4K8"  # ELB's hosted zone in eu-west-2
CERTIFICATE_ARN = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/abc"
WEB_ACL_ARN = f"arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/webacl/web/0123abcd-45ef-6789-abcd-0123456789ab"
WAF_LOG_GROUP_ARN = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:aws-waf-logs-web"


def urn_of(type_token: str, name: str, parent_type: str = "") -> str:
    qualified = f"{parent_type}${type_token}" if parent_type else type_token
    return f"urn:pulumi:{STACK}::{PROJECT}::{qualified}::{name}"


class Good:
    """Known-good inputs, one builder per resource; keyword arguments replace top-level keys."""

    @staticmethod
    def _with(base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
        result = copy.deepcopy(base)
        result.update(overrides)
        return result

    @staticmethod
    def unknown_except(props: Mapping[str, Any], *keep: str) -> dict[str, Any]:
        """``props`` with every top-level value except ``keep`` unknown, as a preview presents outputs."""
        return {k: (copy.deepcopy(v) if k in keep else UNKNOWN) for k, v in props.items()}

    def container(self, **overrides: Any) -> dict[str, Any]:
        return self._with(
            {
                "name": "web",
                "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/web:1.4.2",
                "essential": True,
                "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
                "readonlyRootFilesystem": True,
                "user": "1000:1000",
                "privileged": False,
                "linuxParameters": {"capabilities": {"drop": ["ALL"]}},
                "environment": [{"name": "LOG_LEVEL", "value": "info"}],
                "secrets": [
                    {
                        "name": "DATABASE_PASSWORD",
                        "valueFrom": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/web/dev/database-password",
                    }
                ],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/ecs/web",
                        "awslogs-region": REGION,
                        "awslogs-stream-prefix": "web",
                    },
                },
            },
            overrides,
        )

    def task_definition(self, *, containers: Sequence[Mapping[str, Any]] | None = None, **overrides: Any):
        """An aws:ecs/taskDefinition:TaskDefinition; ``containers`` become the JSON containerDefinitions."""
        defs = list(containers) if containers is not None else [self.container()]
        return self._with(
            {
                "family": "web",
                "cpu": "256",
                "memory": "512",
                "networkMode": "awsvpc",
                "requiresCompatibilities": ["FARGATE"],
                "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/web-execution",
                "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/web-task",
                "runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"},
                "containerDefinitions": json.dumps(defs),
            },
            overrides,
        )

    def service(self, **overrides: Any) -> dict[str, Any]:
        """An aws:ecs/service:Service on a Spot-weighted strategy, 2 tasks in 2 private subnets, deployed by
        CANARY (10% for 5 minutes, then 5 minutes' bake) with a rollback alarm."""
        return self._with(
            {
                "name": "web",
                "cluster": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/main",
                "taskDefinition": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/web:1",
                "desiredCount": 2,
                "platformVersion": "LATEST",
                "capacityProviderStrategies": [
                    {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
                    {"capacityProvider": "FARGATE_SPOT", "weight": 3},
                ],
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
                "deploymentConfiguration": {
                    "strategy": "CANARY",
                    "bakeTimeInMinutes": "5",
                    "canaryConfiguration": {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": "5"},
                },
                "alarms": {"alarmNames": ["web-5xx"], "enable": True, "rollback": True},
                "healthCheckGracePeriodSeconds": 30,
                "networkConfiguration": {
                    "subnets": ["subnet-0a1", "subnet-0b2"],
                    "securityGroups": ["sg-0123"],
                    "assignPublicIp": False,
                },
                "loadBalancers": [
                    {
                        "targetGroupArn": TARGET_GROUP_ARN,
                        "containerName": "web",
                        "containerPort": 8080,
                        "advancedConfiguration": {
                            "alternateTargetGroupArn": GREEN_TARGET_GROUP_ARN,
                            "productionListenerRule": LISTENER_RULE_ARN,
                            "roleArn": f"arn:aws:iam::{ACCOUNT}:role/web-ecs-infrastructure",
                        },
                    }
                ],
            },
            overrides,
        )

    def awsx_fargate_service(self, **overrides: Any) -> dict[str, Any]:
        """An awsx:ecs:FargateService whose task is described inline (taskDefinitionArgs)."""
        return self._with(
            {
                "cluster": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/main",
                "desiredCount": 2,
                "capacityProviderStrategies": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
                "networkConfiguration": {"subnets": ["subnet-0a1", "subnet-0b2"], "assignPublicIp": False},
                "taskDefinitionArgs": {
                    "cpu": "512",
                    "memory": "1024",
                    "containers": {"web": {k: v for k, v in self.container().items() if k != "name"}},
                },
            },
            overrides,
        )

    def cluster(self, **overrides: Any) -> dict[str, Any]:
        return self._with(
            {"name": "main", "settings": [{"name": "containerInsights", "value": "enabled"}]}, overrides
        )

    def cluster_capacity_providers(self, **overrides: Any) -> dict[str, Any]:
        return self._with(
            {
                "clusterName": "main",
                "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
                "defaultCapacityProviderStrategies": [
                    {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
                    {"capacityProvider": "FARGATE_SPOT", "weight": 3},
                ],
            },
            overrides,
        )

    def log_group(self, **overrides: Any) -> dict[str, Any]:
        return self._with({"name": "/ecs/web", "retentionInDays": 14}, overrides)

    def target_group(self, **overrides: Any) -> dict[str, Any]:
        """The service's target group ('web': the name in TARGET_GROUP_ARN): 30 s draining, healthy after
        2 checks 10 s apart."""
        return self._with(
            {
                "name": "web",
                "port": 8080,
                "protocol": "HTTP",
                "targetType": "ip",
                "vpcId": "vpc-0123",
                "deregistrationDelay": 30,
                "healthCheck": {
                    "enabled": True,
                    "path": "/health",
                    "protocol": "HTTP",
                    "matcher": "200-399",
                    "interval": 10,
                    "healthyThreshold": 2,
                },
            },
            overrides,
        )

    def autoscaling_target(self, **overrides: Any) -> dict[str, Any]:
        return self._with(
            {
                "serviceNamespace": "ecs",
                "scalableDimension": "ecs:service:DesiredCount",
                "resourceId": "service/main/web",
                "minCapacity": 2,
                "maxCapacity": 6,
            },
            overrides,
        )

    def load_balancer(self, **overrides: Any) -> dict[str, Any]:
        """An internet-facing ALB with the hardening the security rules ask for in prod."""
        return self._with(
            {
                "name": "web",
                "loadBalancerType": "application",
                "internal": False,
                "subnets": ["subnet-0p1", "subnet-0p2"],
                "securityGroups": ["sg-0alb"],
                "dropInvalidHeaderFields": True,
                "desyncMitigationMode": "defensive",
                "enableDeletionProtection": True,
                "accessLogs": {"bucket": "alb-logs-123456789012", "enabled": True},
            },
            overrides,
        )

    def https_listener(self, **overrides: Any) -> dict[str, Any]:
        return self._with(
            {
                "loadBalancerArn": LOAD_BALANCER_ARN,
                "port": 443,
                "protocol": "HTTPS",
                "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "certificateArn": CERTIFICATE_ARN,
                "defaultActions": [
                    {
                        "type": "fixed-response",
                        "fixedResponse": {"contentType": "text/plain", "statusCode": "404"},
                    }
                ],
            },
            overrides,
        )

    def redirect_listener(self, **overrides: Any) -> dict[str, Any]:
        return self._with(
            {
                "loadBalancerArn": LOAD_BALANCER_ARN,
                "port": 80,
                "protocol": "HTTP",
                "defaultActions": [
                    {
                        "type": "redirect",
                        "redirect": {"port": "443", "protocol": "HTTPS", "statusCode": "HTTP_301"},
                    }
                ],
            },
            overrides,
        )

    def certificate(self, **overrides: Any) -> dict[str, Any]:
        """An aws:acm/certificate:Certificate for the domain, DNS-validated."""
        return self._with(
            {"domainName": "app.example.com", "subjectAlternativeNames": [], "validationMethod": "DNS"},
            overrides,
        )

    def alias_record(self, **overrides: Any) -> dict[str, Any]:
        """An aws:route53/record:Record: the domain, an alias of the ALB ('web')."""
        return self._with(
            {
                "zoneId": "Z0123456789EXAMPLE",
                "name": "app.example.com",
                "type": "A",
                "aliases": [
                    {"name": LOAD_BALANCER_DNS, "zoneId": LOAD_BALANCER_ZONE, "evaluateTargetHealth": True}
                ],
            },
            overrides,
        )

    def web_acl(self, **overrides: Any) -> dict[str, Any]:
        """An aws:wafv2/webAcl:WebAcl: the common rule set, a per-IP rate limit, a geo block (3 rules)."""

        def visibility(name: str) -> dict[str, Any]:
            return {"cloudwatchMetricsEnabled": True, "metricName": name, "sampledRequestsEnabled": True}

        return self._with(
            {
                "name": "web",
                "scope": "REGIONAL",
                "defaultAction": {"allow": {}},
                "rules": [
                    {
                        "name": "common",
                        "priority": 0,
                        "statement": {
                            "managedRuleGroupStatement": {
                                "vendorName": "AWS",
                                "name": "AWSManagedRulesCommonRuleSet",
                            }
                        },
                        "overrideAction": {"none": {}},
                        "visibilityConfig": visibility("common"),
                    },
                    {
                        "name": "rate",
                        "priority": 1,
                        "statement": {"rateBasedStatement": {"limit": 2000, "aggregateKeyType": "IP"}},
                        "action": {"block": {}},
                        "visibilityConfig": visibility("rate"),
                    },
                    {
                        "name": "geo",
                        "priority": 2,
                        "statement": {"geoMatchStatement": {"countryCodes": ["KP"]}},
                        "action": {"block": {}},
                        "visibilityConfig": visibility("geo"),
                    },
                ],
                "visibilityConfig": visibility("web"),
            },
            overrides,
        )

    def web_acl_association(self, **overrides: Any) -> dict[str, Any]:
        return self._with({"resourceArn": LOAD_BALANCER_ARN, "webAclArn": WEB_ACL_ARN}, overrides)

    def waf_logging_configuration(self, **overrides: Any) -> dict[str, Any]:
        return self._with(
            {"resourceArn": WEB_ACL_ARN, "logDestinationConfigs": [WAF_LOG_GROUP_ARN]}, overrides
        )

    def security_group(self, **overrides: Any) -> dict[str, Any]:
        return self._with(
            {
                "vpcId": "vpc-0123",
                "description": "web tasks",
                "ingress": [
                    {"protocol": "tcp", "fromPort": 8080, "toPort": 8080, "securityGroups": ["sg-0alb"]}
                ],
                "egress": [{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}],
            },
            overrides,
        )

    def awsx_vpc(self, **overrides: Any) -> dict[str, Any]:
        return self._with(
            {"cidrBlock": "10.0.0.0/16", "numberOfAvailabilityZones": 2, "natGateways": {"strategy": "None"}},
            overrides,
        )

    def nat_gateway(self, **overrides: Any) -> dict[str, Any]:
        return self._with({"subnetId": "subnet-0p1", "allocationId": "eipalloc-01"}, overrides)

    def ecr_repository(self, **overrides: Any) -> dict[str, Any]:
        return self._with(
            {
                "name": "web",
                "imageTagMutability": "IMMUTABLE",
                "imageScanningConfiguration": {"scanOnPush": True},
            },
            overrides,
        )

    def efs_file_system(self, **overrides: Any) -> dict[str, Any]:
        return self._with({"encrypted": True}, overrides)

    def metric_alarm(self, **overrides: Any) -> dict[str, Any]:
        """An aws:cloudwatch/metricAlarm:MetricAlarm on the ALB's target 5xx count (one standard-resolution
        metric) that notifies the alerts topic on ALARM and OK."""
        return self._with(
            {
                "name": "web-5xx",
                "namespace": "AWS/ApplicationELB",
                "metricName": "HTTPCode_Target_5XX_Count",
                "statistic": "Sum",
                "period": 60,
                "evaluationPeriods": 3,
                "datapointsToAlarm": 2,
                "threshold": 5,
                "comparisonOperator": "GreaterThanThreshold",
                "dimensions": {"TargetGroup": "targetgroup/web/0123456789abcdef"},
                "alarmActions": [TOPIC_ARN],
                "okActions": [TOPIC_ARN],
            },
            overrides,
        )

    def sns_topic(self, **overrides: Any) -> dict[str, Any]:
        """An aws:sns/topic:Topic encrypted with a customer-managed key."""
        return self._with({"name": "alerts", "kmsMasterKeyId": KEY_ARN}, overrides)

    def dashboard(self, **overrides: Any) -> dict[str, Any]:
        body = {"widgets": [{"type": "metric", "properties": {"metrics": [["AWS/ECS", "CPUUtilization"]]}}]}
        return self._with({"dashboardName": "web", "dashboardBody": json.dumps(body)}, overrides)

    def ssm_parameter(self, **overrides: Any) -> dict[str, Any]:
        return self._with(
            {"name": "/web/dev/database-password", "type": "SecureString", "value": "generated"}, overrides
        )


def policy_document(*statements: Mapping[str, Any]) -> str:
    """An IAM policy document (JSON text, as the engine sends it) with these statements."""
    return json.dumps({"Version": "2012-10-17", "Statement": [dict(s) for s in statements]})


def trust_policy(service: str = "ecs-tasks.amazonaws.com") -> str:
    """The assume-role policy that lets ``service`` assume a role."""
    return policy_document({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})
