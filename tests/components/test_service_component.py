"""FargateService: every child of a full-featured service and of a plain one (programs/service.py)."""

from __future__ import annotations

import json

import pytest
from program_support import (
    ECS_SERVICE,
    TASK_DEFINITION,
    component_plan,
    container_definitions,
    descendants,
    of_type,
    one,
    policy_document,
    statements_by_sid,
)

from ops.offline.recording import Plan

SERVICE = "fargate-platform:index:FargateService"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
PARAMETER = "aws:ssm/parameter:Parameter"
PASSWORD = "random:index/randomPassword:RandomPassword"
DISCOVERY = "aws:servicediscovery/service:Service"
TARGET = "aws:appautoscaling/target:Target"
POLICY = "aws:appautoscaling/policy:Policy"
FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
ACCESS_POINT = "aws:efs/accessPoint:AccessPoint"
REPOSITORY = "aws:ecr/repository:Repository"
IMAGE = "awsx:ecr:Image"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
STACK_SECRET = "stack@secret/value-0123456789"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return component_plan("service")


def test_children_are_named_after_the_service_and_parented_to_it(plan: Plan) -> None:
    for component in of_type(plan, SERVICE):
        kids = descendants(plan, component)
        assert kids, component.urn
        for kid in kids:
            assert kid.name.startswith(f"{component.name}-"), kid.urn
    api = one(plan, SERVICE, "api")
    direct = {r.name for r in plan.resources if r.parent == api.urn}
    assert {
        "api-logs",
        "api-task",
        "api-service",
        "api-iam",
        "api-discovery",
        "api-scaling",
        "api-repo",
    } <= direct


def test_log_group_has_retention_and_is_retained_when_asked(plan: Plan) -> None:
    api = one(plan, LOG_GROUP, "api-logs")
    assert api.inputs["name"] == "/ecs/app-test/api" and api.inputs["retentionInDays"] == 30, api.urn
    assert (api.retain_on_delete, api.protect) == (True, False), f"{api.urn} must be retained, not protected"
    worker = one(plan, LOG_GROUP, "worker-logs")
    assert worker.inputs["retentionInDays"] == 7 and not worker.retain_on_delete, worker.urn


def test_task_definition(plan: Plan) -> None:
    task = one(plan, TASK_DEFINITION, "api-task")
    expected = {
        "family": "app-test-api",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "1024",
        "memory": "2048",
        "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        "ephemeralStorage": {"sizeInGib": 30},
        # Issue 9: replaced revisions stay ACTIVE, so a rollback to the previous release can use them.
        "skipDestroy": True,
    }
    assert {k: task.inputs[k] for k in expected} == expected, task.urn
    assert task.inputs["executionRoleArn"] != task.inputs["taskRoleArn"], task.urn
    assert task.inputs["executionRoleArn"].split("/")[-1].startswith("api-iam-exec-"), task.urn
    assert task.inputs["taskRoleArn"].split("/")[-1].startswith("api-iam-task-"), task.urn
    volumes = {v["name"]: v for v in task.inputs["volumes"]}
    assert volumes["data"]["efsVolumeConfiguration"]["transitEncryption"] == "ENABLED", task.urn
    assert volumes["data"]["efsVolumeConfiguration"]["authorizationConfig"]["iam"] == "ENABLED", task.urn
    assert volumes["data"]["efsVolumeConfiguration"]["authorizationConfig"]["accessPointId"].startswith(
        "fsap-"
    )
    assert "rootDirectory" not in volumes["data"]["efsVolumeConfiguration"], task.urn
    assert volumes["static"]["efsVolumeConfiguration"] == {
        "fileSystemId": "fs-0a1b2c3d4e5f67890",
        "rootDirectory": "/static",
        "transitEncryption": "ENABLED",
        "authorizationConfig": {"iam": "ENABLED"},
    }, task.urn
    assert volumes["cache"] == {"name": "cache"}, task.urn


def test_container_definitions(plan: Plan) -> None:
    task = one(plan, TASK_DEFINITION, "api-task")
    defs = {d["name"]: d for d in container_definitions(task)}
    assert list(defs) == ["db", "migrate", "api"], task.urn
    api = defs["api"]
    assert api["dependsOn"] == [
        {"containerName": "db", "condition": "HEALTHY"},
        {"containerName": "migrate", "condition": "SUCCESS"},
    ], task.urn
    assert api["image"].startswith("123456789012.dkr.ecr.eu-west-2.amazonaws.com/api-repo-"), task.urn
    assert {s["name"]: s["valueFrom"] for s in api["secrets"]} == {
        "API_TOKEN": "arn:aws:ssm:eu-west-2:123456789012:parameter/app/test/api/apiToken",
        "DATABASE_URL": "arn:aws:ssm:eu-west-2:123456789012:parameter/app/test/api/DATABASE_URL",
        "TOKEN_URL": "arn:aws:ssm:eu-west-2:123456789012:parameter/app/test/api/TOKEN_URL",
        "SENTRY": "arn:aws:ssm:eu-west-2:123456789012:parameter/app/api/sentry-dsn",
        "DB_USER": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/db-Ab12Cd:username::",
    }, task.urn
    assert api["environment"] == [{"name": "LOG_LEVEL", "value": "info"}], task.urn
    assert (api["cpu"], api["memory"], api["user"]) == (768, 1536, "1000:1000"), task.urn
    assert defs["db"]["secrets"] == [
        {
            "name": "POSTGRES_PASSWORD",
            "valueFrom": "arn:aws:ssm:eu-west-2:123456789012:parameter/app/test/api/dbPassword",
        }
    ], task.urn
    assert defs["db"]["healthCheck"]["startPeriod"] == 30, task.urn
    assert defs["migrate"]["essential"] is False, task.urn
    mounts = {m["containerPath"]: m for m in api["mountPoints"]}
    assert mounts["/data"]["sourceVolume"] == "data" and mounts["/cache"]["sourceVolume"] == "cache", task.urn
    assert mounts["/tmp"]["sourceVolume"] == "api-scratch-0", task.urn
    # ECS Exec on a read-only root filesystem: the agent's paths get scratch volumes.
    assert {"/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm"} <= set(mounts), task.urn
    volume_names = {v["name"] for v in task.inputs["volumes"]}
    for definition in defs.values():
        assert definition["readonlyRootFilesystem"] is True and definition["privileged"] is False, task.urn
        assert definition["logConfiguration"]["options"]["awslogs-group"] == "/ecs/app-test/api", task.urn
        for mount in definition["mountPoints"]:
            assert mount["sourceVolume"] in volume_names, f"{task.urn}: {mount} has no volume"


def test_ecs_service(plan: Plan) -> None:
    service = one(plan, ECS_SERVICE, "api-service")
    expected = {
        "cluster": "arn:aws:ecs:eu-west-2:123456789012:cluster/main",
        "desiredCount": 2,
        "platformVersion": "LATEST",
        "capacityProviderStrategies": [
            {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 2, "base": 0},
        ],
        "networkConfiguration": {
            "subnets": ["subnet-0000000000000000a", "subnet-0000000000000000b"],
            "securityGroups": ["sg-0123456789abcdef0", "sg-0aaaaaaaaaaaaaaaa"],
            "assignPublicIp": False,
        },
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        "deploymentMinimumHealthyPercent": 50,
        "deploymentMaximumPercent": 200,
        "healthCheckGracePeriodSeconds": 45,
        "enableExecuteCommand": True,
        "loadBalancers": [
            {
                "targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/api/abc",
                "containerName": "api",
                "containerPort": 8000,
            }
        ],
        "propagateTags": "SERVICE",
        # Defect 1 of issue 9: without it the provider rejects any later capacity strategy change.
        "forceNewDeployment": True,
    }
    assert {k: service.inputs.get(k) for k in expected} == expected, service.urn
    assert "launchType" not in service.inputs, service.urn
    assert (
        service.inputs["taskDefinition"]
        == "arn:aws:ecs:eu-west-2:123456789012:task-definition/app-test-api:1"
    )
    assert service.inputs["serviceRegistries"]["registryArn"].startswith(
        "arn:aws:servicediscovery:eu-west-2:123456789012:service/srv-"
    ), service.urn


def test_plain_service_has_no_routing_discovery_or_scaling(plan: Plan) -> None:
    service = one(plan, ECS_SERVICE, "worker-service")
    for absent in ("loadBalancers", "serviceRegistries", "healthCheckGracePeriodSeconds"):
        assert absent not in service.inputs, f"{service.urn}: {absent}"
    worker = one(plan, SERVICE, "worker")
    types = {r.type for r in descendants(plan, worker)}
    assert not types & {DISCOVERY, TARGET, POLICY, PARAMETER, FILE_SYSTEM, REPOSITORY}, types
    assert [p.name for p in of_type(plan, ROLE_POLICY) if p.name.startswith("worker-")] == ["worker-iam-exec"]


def test_discovery_service(plan: Plan) -> None:
    discovery = one(plan, DISCOVERY, "api-discovery")
    assert discovery.inputs["name"] == "api", discovery.urn
    assert discovery.inputs["dnsConfig"] == {
        "namespaceId": "ns-0123",
        "routingPolicy": "MULTIVALUE",
        "dnsRecords": [{"ttl": 10, "type": "A"}],
    }, discovery.urn
    # Defect 4 of issue 9: ECS reports task health to Cloud Map only with this block, and it cannot be added
    # to an existing service later without a replacement.
    assert discovery.inputs["healthCheckCustomConfig"] == {"failureThreshold": 1}, discovery.urn
    # Its name is fixed, so a replacement created before the old one is deleted fails (ServiceAlreadyExists).
    assert discovery.delete_before_replace, discovery.urn
    assert plan.messages == (), "the deprecated Args class would warn on every run"


def test_autoscaling_target_and_policies(plan: Plan) -> None:
    target = one(plan, TARGET, "api-scaling")
    assert (target.inputs["minCapacity"], target.inputs["maxCapacity"]) == (2, 6), target.urn
    assert target.inputs["resourceId"].startswith("service/main/api-service-"), target.urn
    assert target.inputs["scalableDimension"] == "ecs:service:DesiredCount", target.urn
    policies = {p.name: p.inputs["targetTrackingScalingPolicyConfiguration"] for p in of_type(plan, POLICY)}
    assert policies == {
        "api-cpu-scaling": {
            "targetValue": 60,
            "scaleInCooldown": 300,
            "scaleOutCooldown": 60,
            "predefinedMetricSpecification": {"predefinedMetricType": "ECSServiceAverageCPUUtilization"},
        },
        "api-memory-scaling": {
            "targetValue": 70,
            "scaleInCooldown": 300,
            "scaleOutCooldown": 60,
            "predefinedMetricSpecification": {"predefinedMetricType": "ECSServiceAverageMemoryUtilization"},
        },
        "api-requests-scaling": {
            "targetValue": 500,
            "scaleInCooldown": 300,
            "scaleOutCooldown": 60,
            "predefinedMetricSpecification": {
                "predefinedMetricType": "ALBRequestCountPerTarget",
                "resourceLabel": "app/edge/def/targetgroup/api/abc",
            },
        },
    }
    for policy in of_type(plan, POLICY):
        assert policy.inputs["policyType"] == "TargetTrackingScaling", policy.urn
        assert target.urn in policy.depends_on, policy.urn


def test_secrets_become_secure_string_parameters(plan: Plan) -> None:
    params = {p.name: p for p in of_type(plan, PARAMETER)}
    assert sorted(params) == ["api-DATABASE_URL", "api-TOKEN_URL", "api-apiToken", "api-dbPassword"]
    for param in params.values():
        assert param.inputs["type"] == "SecureString", param.urn
        assert "value" in param.secret_paths, f"{param.urn}: the value must be a Pulumi secret"
    assert params["api-apiToken"].inputs["value"] == STACK_SECRET
    assert params["api-TOKEN_URL"].inputs["value"] == (
        "https://u:stack%40secret%2Fvalue-0123456789@h/stack@secret/value-0123456789"
    )
    password = one(plan, PASSWORD, "api-dbPassword")
    assert password.inputs["length"] == 24, password.urn
    generated = params["api-dbPassword"].inputs["value"]
    assert len(generated) == 24
    assert params["api-DATABASE_URL"].inputs["value"] == f"postgresql://app:{generated}@localhost:5432/app"
    assert params["api-dbPassword"].inputs["name"] == "/app/test/api/dbPassword"


def test_execution_role_reads_exactly_its_secrets_and_images(plan: Plan) -> None:
    by_sid = statements_by_sid(policy_document(one(plan, ROLE_POLICY, "api-iam-exec")))
    assert by_sid["ReadParameters"]["Resource"] == [
        "arn:aws:ssm:eu-west-2:123456789012:parameter/app/api/sentry-dsn",
        "arn:aws:ssm:eu-west-2:123456789012:parameter/app/test/api/DATABASE_URL",
        "arn:aws:ssm:eu-west-2:123456789012:parameter/app/test/api/TOKEN_URL",
        "arn:aws:ssm:eu-west-2:123456789012:parameter/app/test/api/apiToken",
        "arn:aws:ssm:eu-west-2:123456789012:parameter/app/test/api/dbPassword",
    ]
    assert by_sid["ReadSecrets"]["Resource"] == [
        "arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/db-Ab12Cd"
    ]
    assert by_sid["DecryptSecrets"]["Resource"] == [
        "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
    ]
    pulled = by_sid["PullImages"]["Resource"]
    assert (
        pulled[0] == "arn:aws:ecr:eu-west-2:123456789012:repository/api-repo-" + pulled[0].rsplit("-", 1)[-1]
    )
    assert pulled[1:] == ["arn:aws:ecr:eu-west-2:123456789012:repository/mirror/postgres"]
    by_task_sid = statements_by_sid(policy_document(one(plan, ROLE_POLICY, "api-iam-task")))
    assert by_task_sid["MountEfs0"]["Action"] == [
        "elasticfilesystem:ClientMount",
        "elasticfilesystem:ClientWrite",
    ]
    assert by_task_sid["MountEfs1"]["Action"] == ["elasticfilesystem:ClientMount"]  # only mounted read-only
    assert by_task_sid["MountEfs1"]["Resource"] == (
        "arn:aws:elasticfilesystem:eu-west-2:123456789012:file-system/fs-0a1b2c3d4e5f67890"
    )


def test_an_existing_file_system_admits_the_tasks_before_the_service_starts(plan: Plan) -> None:
    """Defect 3 of issue 9: nothing let the tasks reach an existing file system, so mounts timed out."""
    rule = one(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "api-static-nfs-from-tasks")
    assert {k: rule.inputs[k] for k in ("securityGroupId", "referencedSecurityGroupId", "fromPort")} == {
        "securityGroupId": "sg-0bbbbbbbbbbbbbbbb",
        "referencedSecurityGroupId": "sg-0123456789abcdef0",
        "fromPort": 2049,
    }, rule.urn
    assert (rule.inputs["toPort"], rule.inputs["ipProtocol"]) == (2049, "tcp"), rule.urn
    assert rule.urn in one(plan, ECS_SERVICE, "api-service").depends_on


def test_created_file_system_is_encrypted_retained_and_reachable_only_from_tasks(plan: Plan) -> None:
    fs = one(plan, FILE_SYSTEM, "api-data-fs")
    assert fs.inputs["encrypted"] is True and fs.retain_on_delete and not fs.protect, fs.urn
    targets = of_type(plan, MOUNT_TARGET)
    assert sorted(t.inputs["subnetId"] for t in targets) == [
        "subnet-0000000000000000a",
        "subnet-0000000000000000b",
    ]
    efs_sg = one(plan, "aws:ec2/securityGroup:SecurityGroup", "api-efs")
    rule = one(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "api-efs-from-tasks")
    assert (rule.inputs["fromPort"], rule.inputs["toPort"]) == (2049, 2049), rule.urn
    assert rule.inputs["referencedSecurityGroupId"] == "sg-0123456789abcdef0", rule.urn
    assert efs_sg.urn in rule.depends_on, rule.urn
    for target in targets:
        assert target.inputs["securityGroups"] == [rule.inputs["securityGroupId"]], target.urn
    ap = one(plan, ACCESS_POINT, "api-data-ap")
    assert ap.inputs["posixUser"] == {"uid": 1000, "gid": 1000}, ap.urn
    assert ap.inputs["rootDirectory"] == {
        "path": "/data",
        "creationInfo": {"ownerUid": 1000, "ownerGid": 1000, "permissions": "0750"},
    }, ap.urn
    assert [f.name for f in of_type(plan, FILE_SYSTEM)] == ["api-data-fs"], (
        "an existing file system is not created"
    )


def test_built_image_gets_a_retained_immutable_repository(plan: Plan) -> None:
    repo = one(plan, REPOSITORY, "api-repo")
    assert repo.retain_on_delete and not repo.protect, repo.urn
    assert repo.inputs["imageTagMutability"] == "IMMUTABLE", repo.urn
    assert repo.inputs["imageScanningConfiguration"] == {"scanOnPush": True}, repo.urn
    assert repo.inputs["forceDelete"] is False, repo.urn
    image = one(plan, IMAGE, "api-image")
    assert image.inputs["platform"] == "linux/arm64" and image.inputs["context"] == "./app", image.urn
    assert image.inputs["imageTag"] == "0123456789abcdef0123456789abcdef01234567", image.urn
    assert image.inputs["repositoryUrl"].startswith("123456789012.dkr.ecr.eu-west-2.amazonaws.com/api-repo-")


def test_service_waits_for_the_mount_targets_and_its_scaling_target_for_the_service(plan: Plan) -> None:
    service = one(plan, ECS_SERVICE, "api-service")
    for target in of_type(plan, MOUNT_TARGET):
        assert target.urn in service.depends_on, f"{service.urn} must wait for {target.urn}"
    assert service.urn in one(plan, TARGET, "api-scaling").depends_on


def test_built_image_repository_expires_old_images(plan: Plan) -> None:
    policy = one(plan, "aws:ecr/lifecyclePolicy:LifecyclePolicy", "api-repo-lifecycle")
    assert policy.parent == one(plan, SERVICE, "api").urn, policy.urn
    assert one(plan, REPOSITORY, "api-repo").urn in policy.depends_on, policy.urn
    assert json.loads(policy.inputs["policy"]) == {
        "rules": [
            {
                "rulePriority": 1,
                "description": "Keep the newest 30 images",
                "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30},
                "action": {"type": "expire"},
            }
        ]
    }


def test_service_waits_for_the_inline_policies_of_its_roles(plan: Plan) -> None:
    # The task definition references only the role ARNs; tasks started before the policies exist fail.
    for name, policies in (("api", ["api-iam-exec", "api-iam-task"]), ("worker", ["worker-iam-exec"])):
        service = one(plan, ECS_SERVICE, f"{name}-service")
        for policy in policies:
            urn = one(plan, ROLE_POLICY, policy).urn
            assert urn in service.depends_on, f"{service.urn} must wait for {urn}"


def test_discovery_service_can_be_deleted_with_registered_instances(plan: Plan) -> None:
    assert one(plan, DISCOVERY, "api-discovery").inputs["forceDestroy"] is True
