"""ECR repositories the stack creates (`image: {repository, create: true}`) on recorded plans: the repository
(immutable tags, scan on push, AES-256, retained, never force-deleted), its lifecycle policy keeping `keep`
images, the task definition pulling `<repository URL>:<tag>` from that repository (an input dependency, no
lookup), the execution role's pull grant on exactly its ARN, and the `repositories` output CI pushes to.

Inputs are checked against botocore's ECR CreateRepository and PutLifecyclePolicy models."""

from __future__ import annotations

import functools
import json

import botocore.session
from botocore.validate import ParamValidator
from program_support import (
    MINIMAL_SERVICE,
    container_definitions,
    minimal_platform,
    of_type,
    one,
    run_platform,
)

from ops.offline.recording import Plan

REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
_ECR = botocore.session.get_session().get_service_model("ecr")
URL = "123456789012.dkr.ecr.eu-west-2.amazonaws.com"


@functools.cache
def registry_plan() -> Plan:
    web = {
        **MINIMAL_SERVICE,
        "image": {"repository": "team/web", "tag": "0a1b2c3", "create": True, "keep": 12},
    }
    worker = {"image": {"repository": "team/web", "tag": "0a1b2c3", "create": True, "keep": 12}}
    existing = {"image": {"repository": "legacy", "tag": "1.0.0"}}
    return run_platform(
        minimal_platform(services={"web": web, "worker": worker, "old": existing}), stack="reg"
    )


def test_one_repository_per_name_with_the_secure_settings() -> None:
    plan = registry_plan()
    (repo,) = of_type(plan, REPOSITORY)
    assert repo.name == "reg-team-web"
    assert repo.inputs["name"] == "team/web"
    assert repo.inputs["imageTagMutability"] == "IMMUTABLE"
    assert repo.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo.inputs["encryptionConfigurations"] == [{"encryptionType": "AES256"}]
    assert repo.inputs["forceDelete"] is False
    assert repo.retain_on_delete and not repo.protect
    params = {
        "repositoryName": repo.inputs["name"],
        "imageTagMutability": repo.inputs["imageTagMutability"],
        "imageScanningConfiguration": repo.inputs["imageScanningConfiguration"],
        "encryptionConfiguration": repo.inputs["encryptionConfigurations"][0],
    }
    ParamValidator().validate(params, _ECR.operation_model("CreateRepository").input_shape)


def test_lifecycle_policy_keeps_the_configured_number_of_images() -> None:
    plan = registry_plan()
    policy = one(plan, LIFECYCLE, "reg-team-web-lifecycle")
    assert policy.inputs["repository"] == "team/web"
    assert json.loads(policy.inputs["policy"])["rules"] == [
        {
            "rulePriority": 1,
            "description": "Keep the newest 12 images",
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 12},
            "action": {"type": "expire"},
        }
    ]
    ParamValidator().validate(
        {"repositoryName": "team/web", "lifecyclePolicyText": policy.inputs["policy"]},
        _ECR.operation_model("PutLifecyclePolicy").input_shape,
    )


def test_tasks_pull_from_the_created_repository_and_depend_on_it() -> None:
    plan = registry_plan()
    (repo,) = of_type(plan, REPOSITORY)
    for service in ("web", "worker"):
        task = one(plan, "aws:ecs/taskDefinition:TaskDefinition", f"{service}-task")
        assert container_definitions(task)[0]["image"] == f"{URL}/team/web:0a1b2c3"
        assert repo.urn in task.depends_on
    old = one(plan, "aws:ecs/taskDefinition:TaskDefinition", "old-task")
    assert container_definitions(old)[0]["image"] == f"{URL}/legacy:1.0.0"
    assert repo.urn not in old.depends_on


def test_execution_role_may_pull_only_from_its_repository() -> None:
    policy = one(registry_plan(), "aws:iam/rolePolicy:RolePolicy", "web-iam-exec")
    (pull,) = [s for s in json.loads(policy.inputs["policy"])["Statement"] if s["Sid"] == "PullImages"]
    assert pull["Resource"] == ["arn:aws:ecr:eu-west-2:123456789012:repository/team/web"]


def test_repository_urls_are_a_stack_output() -> None:
    assert registry_plan().outputs["repositories"] == {"team/web": f"{URL}/team/web"}


def test_no_repository_without_create() -> None:
    plan = run_platform(
        minimal_platform(services={"old": {"image": {"repository": "legacy", "tag": "1.0.0"}}})
    )
    assert of_type(plan, REPOSITORY) == []
    assert "repositories" not in plan.outputs
