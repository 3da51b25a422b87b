"""Security rules through the real pack over the analyzer protocol (started as the CLI starts it, configured
with policy/config/<stack>.json): the IAM stack rule links roles as the offline runner sends them (plain
dependencies, auto-named values, no property dependencies), and an unknown task definition during preview
gives the SDK's advisory "can't run" diagnostic instead of a verdict."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from common import UNKNOWN_STRING as UNKNOWN
from known_good import ACCOUNT, REGION, policy_document, trust_policy

from ops.offline.analyzer import PackResource, PolicyPackRunner, load_policy_config

PACK = Path(__file__).resolve().parents[2] / "policy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
TRUST = trust_policy()


@pytest.fixture(scope="module")
def prod() -> Iterator[PolicyPackRunner]:
    with PolicyPackRunner(
        PACK, project="fargate-platform", stack="prod", stack_config={"aws:region": REGION}
    ) as runner:
        runner.configure(load_policy_config(PACK / "config" / "prod.json"))
        yield runner


def res(type_token: str, name: str, props: dict[str, Any], deps: tuple[str, ...] = ()) -> PackResource:
    urn = f"urn:pulumi:prod::fargate-platform::{type_token}::{name}"
    return PackResource(type_token, name, urn, props, dependencies=deps)


def test_iam_stack_rule_over_grpc(prod: PolicyPackRunner) -> None:
    exec_role = res("aws:iam/role:Role", "web-exec", {"assumeRolePolicy": TRUST})
    task_role = res("aws:iam/role:Role", "web-task", {"assumeRolePolicy": TRUST})
    ecr_login = {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
    everything = {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::uploads/*"}
    resources = [
        exec_role,
        task_role,
        res(
            ROLE_POLICY,
            "web-exec",
            {"role": "web-exec-1a2b3c4", "policy": policy_document(ecr_login)},
            (exec_role.urn,),
        ),
        res(
            ROLE_POLICY,
            "web-task",
            {"role": UNKNOWN, "policy": policy_document(everything)},
            (task_role.urn,),
        ),
        res(
            "aws:ecs/taskDefinition:TaskDefinition",
            "web",
            {
                "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/web-exec-1a2b3c4",
                "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/web-task-5d6e7f8",
            },
            deps=(exec_role.urn, task_role.urn),
        ),
    ]
    found = [d for d in prod.analyze_stack(resources) if d.policy_name == "iam-task-role-no-wildcards"]
    assert [(d.enforcement_level, d.urn) for d in found] == [("mandatory", resources[3].urn)]
    assert found[0].message.endswith(
        "IAM role policy 'web-task' statement 0 must not allow every action of a service (s3:*); list the "
        "individual actions the task needs (ECS task role 'web-task' uses it)."
    )


def test_unknown_task_definition_during_preview_is_advisory(prod: PolicyPackRunner) -> None:
    task = res(
        "aws:ecs/taskDefinition:TaskDefinition",
        "web",
        {"family": "web", "containerDefinitions": UNKNOWN, "networkMode": "awsvpc", "pidMode": "host"},
    )
    diagnostics = {d.policy_name: d for d in prod.analyze(task)}
    # Container rules cannot run yet: one advisory each, no verdict.
    for name in ("ecs-no-plaintext-secrets", "ecs-not-privileged", "ecs-readonly-root-filesystem"):
        assert diagnostics[name].enforcement_level == "advisory", name
        assert "during preview" in diagnostics[name].message, name
    # Task-level rules do not read the containers and still decide.
    assert diagnostics["ecs-no-host-namespaces"].enforcement_level == "mandatory"
    assert "pidMode is host" in diagnostics["ecs-no-host-namespaces"].message
