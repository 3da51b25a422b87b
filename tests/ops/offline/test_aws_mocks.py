"""ops/offline/aws_mocks.py: the outputs and invoke results the offline run gives a program are AWS-shaped."""

from __future__ import annotations

import json
from typing import Any

from pulumi.runtime.mocks import MockResourceArgs

from ops.offline.aws_mocks import AwsMocks

MOCKS = AwsMocks("eu-west-2")


def outputs(
    typ: str, name: str, inputs: dict[str, Any] | None = None, *, custom: bool = True
) -> tuple[str, dict]:
    args = MockResourceArgs(typ=typ, name=name, inputs=inputs or {}, custom=custom)
    return MOCKS.outputs_for(args, f"urn:pulumi:dev::p::{typ}::{name}")


def test_task_definition_family_revision_and_arn() -> None:
    ident, out = outputs("aws:ecs/taskDefinition:TaskDefinition", "api-task", {"family": "api"})
    assert ident == "api"
    assert (out["family"], out["revision"]) == ("api", 1)
    assert out["arn"] == "arn:aws:ecs:eu-west-2:123456789012:task-definition/api:1"
    assert out["arnWithoutRevision"] == "arn:aws:ecs:eu-west-2:123456789012:task-definition/api"


def test_load_balancer_and_target_group_shapes() -> None:
    _, lb = outputs("aws:lb/loadBalancer:LoadBalancer", "alb", {"loadBalancerType": "application"})
    name = lb["name"]
    assert name.startswith("alb-") and len(name) == 11
    assert lb["arnSuffix"].startswith(f"app/{name}/") and len(lb["arnSuffix"].rsplit("/", 1)[1]) == 16
    assert lb["arn"] == f"arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/{lb['arnSuffix']}"
    assert lb["dnsName"].startswith(f"{name}-") and lb["dnsName"].endswith(".eu-west-2.elb.amazonaws.com")
    assert lb["zoneId"] == "ZHURV8PSTC4K8"
    _, alias = outputs("aws:alb/loadBalancer:LoadBalancer", "alb", {"internal": True})
    assert alias["dnsName"].startswith("internal-alb-")
    _, tg = outputs("aws:lb/targetGroup:TargetGroup", "api-tg", {"name": "api"})
    assert tg["arnSuffix"].startswith("targetgroup/api/")
    assert tg["arn"] == f"arn:aws:elasticloadbalancing:eu-west-2:123456789012:{tg['arnSuffix']}"
    _, listener = outputs("aws:lb/listener:Listener", "http", {"loadBalancerArn": lb["arn"]})
    assert listener["arn"].startswith(lb["arn"].replace(":loadbalancer/", ":listener/") + "/")


def test_named_resources() -> None:
    _, cluster = outputs("aws:ecs/cluster:Cluster", "main", {"name": "platform"})
    assert cluster == {"name": "platform", "arn": "arn:aws:ecs:eu-west-2:123456789012:cluster/platform"}
    _, logs = outputs(
        "aws:cloudwatch/logGroup:LogGroup", "api-logs", {"name": "/ecs/api", "retentionInDays": 7}
    )
    assert logs["arn"] == "arn:aws:logs:eu-west-2:123456789012:log-group:/ecs/api"
    assert logs["retentionInDays"] == 7  # inputs are echoed
    _, param = outputs("aws:ssm/parameter:Parameter", "p", {"name": "/app/dev/db"})
    assert param["arn"] == "arn:aws:ssm:eu-west-2:123456789012:parameter/app/dev/db"
    _, role = outputs("aws:iam/role:Role", "exec", {})
    assert role["arn"] == f"arn:aws:iam::123456789012:role/{role['name']}"
    ident, ns = outputs(
        "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "ns", {"name": "dev.local"}
    )
    assert ident.startswith("ns-") and ns["hostedZone"].startswith("Z")
    _, sg = outputs("aws:ec2/securityGroup:SecurityGroup", "sg")
    assert sg["arn"].startswith("arn:aws:ec2:eu-west-2:123456789012:security-group/sg-")


def test_unlisted_aws_type_gets_an_arn_in_its_service() -> None:
    ident, out = outputs("aws:sqs/queue:Queue", "jobs")
    assert ident.startswith("jobs-")
    assert out["arn"] == f"arn:aws:sqs:eu-west-2:123456789012:queue/{ident}"


def test_random_password_respects_length_and_is_stable() -> None:
    _, first = outputs("random:index/randomPassword:RandomPassword", "db", {"length": 32})
    _, second = outputs("random:index/randomPassword:RandomPassword", "db", {"length": 32})
    assert len(first["result"]) == 32 and first["result"] == second["result"]
    assert first["result"].isalnum()


def test_awsx_components_get_typed_outputs_not_echoed_inputs() -> None:
    _, vpc = outputs(
        "awsx:ec2:Vpc",
        "net",
        {"numberOfAvailabilityZones": 2, "natGateways": {"strategy": "Single"}},
        custom=False,
    )
    assert len(vpc["publicSubnetIds"]) == 2 and len(vpc["privateSubnetIds"]) == 2
    assert vpc["isolatedSubnetIds"] == [] and vpc["natGateways"] == []
    assert "numberOfAvailabilityZones" not in vpc
    _, isolated = outputs("awsx:ec2:Vpc", "iso", {"subnetSpecs": [{"type": "Isolated"}]}, custom=False)
    assert (len(isolated["isolatedSubnetIds"]), isolated["publicSubnetIds"]) == (3, [])
    _, image = outputs(
        "awsx:ecr:Image",
        "img",
        {"repositoryUrl": "123456789012.dkr.ecr.eu-west-2.amazonaws.com/api"},
        custom=False,
    )
    assert image["imageUri"].startswith("123456789012.dkr.ecr.eu-west-2.amazonaws.com/api@sha256:")
    assert outputs("fixture:index:Thing", "t", {"a": 1}, custom=False) == ("", {})


def test_invokes() -> None:
    assert MOCKS.invoke("aws:index/getRegion:getRegion", {})["region"] == "eu-west-2"
    assert MOCKS.invoke("aws:index/getCallerIdentity:getCallerIdentity", {})["accountId"] == "123456789012"
    assert MOCKS.invoke("aws:index/getPartition:getPartition", {})["partition"] == "aws"
    zones = MOCKS.invoke("aws:index/getAvailabilityZones:getAvailabilityZones", {})
    assert zones["names"] == ["eu-west-2a", "eu-west-2b", "eu-west-2c"]
    repo = MOCKS.invoke("aws:ecr/getRepository:getRepository", {"name": "backend"})
    assert repo["repositoryUrl"] == "123456789012.dkr.ecr.eu-west-2.amazonaws.com/backend"
    vpc = MOCKS.invoke("aws:ec2/getVpc:getVpc", {"id": "vpc-0abc"})
    assert (vpc["id"], vpc["cidrBlock"]) == ("vpc-0abc", "10.0.0.0/16")
    subnet = MOCKS.invoke("aws:ec2/getSubnet:getSubnet", {"id": "subnet-1"})
    assert subnet["id"] == "subnet-1" and subnet["availabilityZone"].startswith("eu-west-2")
    assert MOCKS.invoke("aws:unknown/getThing:getThing", {"id": "x"}) == {"id": "x"}


def test_policy_document_invoke_renders_iam_json() -> None:
    result = MOCKS.invoke(
        "aws:iam/getPolicyDocument:getPolicyDocument",
        {
            "statements": [
                {
                    "effect": "Allow",
                    "actions": ["ssm:GetParameters"],
                    "resources": ["arn:a", "arn:b"],
                    "principals": [{"type": "Service", "identifiers": ["ecs-tasks.amazonaws.com"]}],
                    "conditions": [
                        {"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["123456789012"]}
                    ],
                },
            ]
        },
    )
    assert json.loads(result["json"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "ssm:GetParameters",
                "Resource": ["arn:a", "arn:b"],
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
            }
        ],
    }
