"""iam-task-role-no-wildcards (a stack policy): a known-good stack (execution role, task role, task
definition, scoped policies) and one change per test."""

from __future__ import annotations

import json
from typing import Any

import pytest
import security_iam
from common import UNKNOWN_STRING as UNKNOWN
from known_good import ACCOUNT, REGION, policy_document, trust_policy

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
TASK = "aws:ecs/taskDefinition:TaskDefinition"

(RULE,) = security_iam.POLICIES

BUCKET = "arn:aws:s3:::web-uploads/*"
EXEC_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"


def allow(action: Any, resource: Any = BUCKET, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def role_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


class Stack:
    """A known-good stack; tests replace single documents or links before calling ``resources``."""

    def __init__(self, run) -> None:
        self.run = run
        self.task_doc = policy_document(
            allow(["s3:GetObject", "s3:PutObject"]), allow(list(security_iam.ECS_EXEC_ACTIONS), "*")
        )
        self.exec_doc = policy_document(
            allow("ecr:GetAuthorizationToken", "*"),
            allow(
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/web:*",
            ),
        )
        self.task_role_props: dict[str, Any] = {
            "name": "web-task",
            "arn": role_arn("web-task"),
            "assumeRolePolicy": trust_policy(),
        }
        self.exec_role_props: dict[str, Any] = {
            "name": "web-execution",
            "arn": role_arn("web-execution"),
            "assumeRolePolicy": trust_policy(),
        }
        self.task_definition_props: dict[str, Any] = {
            "family": "web",
            "executionRoleArn": role_arn("web-execution"),
            "taskRoleArn": role_arn("web-task"),
        }
        self.extra: list[Any] = []

    def resources(self) -> list[Any]:
        res = self.run.res
        task_role = res(ROLE, "web-task", self.task_role_props)
        exec_role = res(ROLE, "web-execution", self.exec_role_props)
        self.task_role, self.exec_role = task_role, exec_role
        return [
            task_role,
            exec_role,
            res(
                ROLE_POLICY,
                "web-task-policy",
                {"role": "web-task", "policy": self.task_doc},
                deps=[task_role],
            ),
            res(
                ROLE_POLICY,
                "web-exec-policy",
                {"role": "web-execution", "policy": self.exec_doc},
                deps=[exec_role],
            ),
            res(TASK, "web", self.task_definition_props, deps=[task_role, exec_role]),
            *[build(task_role, exec_role) for build in self.extra],
        ]

    def check(self, config: dict[str, Any] | None = None) -> list[tuple[str, str | None]]:
        return self.run.stack(RULE, self.resources(), config=config)


def urn(type_token: str, name: str) -> str:
    return f"urn:pulumi:dev::fargate-platform::{type_token}::{name}"


TASK_POLICY_URN = urn(ROLE_POLICY, "web-task-policy")
EXEC_POLICY_URN = urn(ROLE_POLICY, "web-exec-policy")


@pytest.fixture
def stack(run) -> Stack:
    return Stack(run)


def test_known_good_stack_passes(stack):
    assert stack.check() == []


def test_star_action_fails(stack):
    # Action "*" on Resource "*" is reported once, as the admin grant it is.
    stack.task_doc = policy_document(allow("*", "*"))
    assert stack.check() == [
        (
            "IAM role policy 'web-task-policy' statement 0 must not allow every action (\"*\"); list only "
            "the "
            "actions the task needs (ECS task role 'web-task' uses it).",
            TASK_POLICY_URN,
        )
    ]


def test_service_wildcard_action_fails(stack):
    stack.task_doc = policy_document(allow(["s3:*", "dynamodb:GetItem", "SQS:*"], BUCKET, Sid="Data"))
    assert stack.check() == [
        (
            "IAM role policy 'web-task-policy' statement 'Data' must not allow every action of a service "
            "(SQS:*, s3:*); list the individual actions the task needs (ECS task role 'web-task' uses it).",
            TASK_POLICY_URN,
        )
    ]


def test_star_resource_fails(stack):
    stack.task_doc = policy_document(allow("s3:GetObject", "*"))
    assert stack.check() == [
        (
            "IAM role policy 'web-task-policy' statement 0 must not allow s3:GetObject on every resource "
            '("*"); scope Resource to the ARNs the task uses (actions AWS grants only on "*" can be listed '
            "in allowedWildcardResourceActions) (ECS task role 'web-task' uses it).",
            TASK_POLICY_URN,
        )
    ]


def test_ecr_authorization_on_star_only_for_execution_roles(stack):
    stack.task_doc = policy_document(allow("ecr:GetAuthorizationToken", "*"))
    assert [m for m, _ in stack.check()] == [
        "IAM role policy 'web-task-policy' statement 0 must not allow ecr:GetAuthorizationToken on every "
        'resource ("*"); scope Resource to the ARNs the task uses (actions AWS grants only on "*" can be '
        "listed in allowedWildcardResourceActions) (ECS task role 'web-task' uses it)."
    ]


def test_execution_role_other_actions_on_star_fail(stack):
    stack.exec_doc = policy_document(allow(["ecr:GetAuthorizationToken", "logs:CreateLogStream"], "*"))
    assert stack.check() == [
        (
            "IAM role policy 'web-exec-policy' statement 0 must not allow logs:CreateLogStream on every "
            'resource ("*"); scope Resource to the ARNs the task uses (actions AWS grants only on "*" can '
            "be listed in allowedWildcardResourceActions) (ECS execution role 'web-execution' uses it).",
            EXEC_POLICY_URN,
        )
    ]


def test_execution_role_found_by_property_dependency_when_arns_unknown(stack, run):
    # During preview the role ARNs are unknown: the engine's property dependencies still link them.
    stack.task_definition_props.update(executionRoleArn=UNKNOWN, taskRoleArn=UNKNOWN)
    resources = stack.resources()
    task_def = run.res(
        TASK,
        "web",
        stack.task_definition_props,
        property_deps={"executionRoleArn": [stack.exec_role], "taskRoleArn": [stack.task_role]},
    )
    assert run.stack(RULE, [*resources[:4], task_def]) == []


def test_unreferenced_role_is_a_task_role(stack):
    # Without a task definition naming it, a role is a task role unless AmazonECSTaskExecutionRolePolicy is
    # attached: ecr:GetAuthorizationToken on "*" is then not allowed.
    stack.task_definition_props.update(executionRoleArn=UNKNOWN, taskRoleArn=UNKNOWN)
    assert [m for m, _ in stack.check()] == [
        "IAM role policy 'web-exec-policy' statement 0 must not allow ecr:GetAuthorizationToken on every "
        'resource ("*"); scope Resource to the ARNs the task uses (actions AWS grants only on "*" can be '
        "listed in allowedWildcardResourceActions) (ECS task role 'web-execution' uses it)."
    ]


def test_unreferenced_role_with_execution_policy_is_an_execution_role(stack, run):
    stack.task_definition_props.update(executionRoleArn=UNKNOWN, taskRoleArn=UNKNOWN)
    stack.extra.append(
        lambda task, execution: run.res(
            ATTACHMENT, "web-exec-managed", {"role": "web-execution", "policyArn": EXEC_POLICY_ARN}
        )
    )
    assert stack.check() == []


def test_inline_policies_on_the_role(stack):
    stack.task_role_props["inlinePolicies"] = [
        {"name": "data", "policy": policy_document(allow("dynamodb:*", "*"))}
    ]
    task_role_urn = urn(ROLE, "web-task")
    assert stack.check() == [
        (
            "IAM role 'web-task' inline policy 'data' statement 0 must not allow every action of a service "
            "(dynamodb:*); list the individual actions the task needs (ECS task role 'web-task' uses it).",
            task_role_urn,
        ),
        (
            "IAM role 'web-task' inline policy 'data' statement 0 must not allow dynamodb:* on every "
            "resource "
            '("*"); scope Resource to the ARNs the task uses (actions AWS grants only on "*" can be listed '
            "in allowedWildcardResourceActions) (ECS task role 'web-task' uses it).",
            task_role_urn,
        ),
    ]


def test_customer_managed_policy_attached(stack, run):
    arn = f"arn:aws:iam::{ACCOUNT}:policy/web-data"
    policy = run.res(POLICY, "web-data", {"arn": arn, "policy": policy_document(allow("s3:*"))})
    stack.extra.append(lambda task, execution: policy)
    stack.extra.append(
        lambda task, execution: run.res(ATTACHMENT, "web-data-attach", {"role": "web-task", "policyArn": arn})
    )
    assert stack.check() == [
        (
            "IAM policy 'web-data' statement 0 must not allow every action of a service (s3:*); list the "
            "individual actions the task needs (ECS task role 'web-task' uses it).",
            urn(POLICY, "web-data"),
        )
    ]


def test_customer_managed_policy_linked_by_dependencies_when_unknown(stack, run):
    policy = run.res(POLICY, "web-data", {"arn": UNKNOWN, "policy": policy_document(allow("*"))})
    stack.extra.append(lambda task, execution: policy)
    stack.extra.append(
        lambda task, execution: run.res(
            ATTACHMENT, "web-data-attach", {"role": UNKNOWN, "policyArn": UNKNOWN}, deps=[task, policy]
        )
    )
    assert [u for _, u in stack.check()] == [urn(POLICY, "web-data")]


def test_admin_managed_policy_attached(stack, run):
    stack.extra.append(
        lambda task, execution: run.res(
            ATTACHMENT,
            "web-admin",
            {"role": "web-task", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
        )
    )
    assert stack.check() == [
        (
            "IAM role policy attachment 'web-admin' must not attach the AWS managed policy "
            "AdministratorAccess "
            "to ECS task role 'web-task'; attach a policy that lists only the actions and resources the task "
            "needs.",
            urn(ATTACHMENT, "web-admin"),
        )
    ]


def test_managed_policy_arns_on_the_role(stack):
    stack.task_role_props["managedPolicyArns"] = ["arn:aws:iam::aws:policy/AmazonS3FullAccess"]
    assert stack.check() == [
        (
            "IAM role 'web-task' managedPolicyArns must not attach the AWS managed policy "
            "AmazonS3FullAccess to "
            "ECS task role 'web-task'; attach a policy that lists only the actions and resources the task "
            "needs.",
            urn(ROLE, "web-task"),
        )
    ]


def test_roles_not_assumed_by_ecs_tasks_are_ignored(stack):
    stack.task_role_props["assumeRolePolicy"] = trust_policy("lambda.amazonaws.com")
    stack.task_doc = policy_document(allow("*", "*"))
    assert stack.check() == []


def test_not_action_and_not_resource_fail(stack):
    stack.task_doc = policy_document({"Effect": "Allow", "NotAction": "iam:*", "NotResource": BUCKET})
    assert [m for m, _ in stack.check()] == [
        "IAM role policy 'web-task-policy' statement 0 must not use NotAction with Allow; list the allowed "
        "actions in Action instead (ECS task role 'web-task' uses it).",
        "IAM role policy 'web-task-policy' statement 0 must not use NotResource with Allow; list the "
        "resources "
        "in Resource instead (ECS task role 'web-task' uses it).",
    ]


def test_deny_statements_are_ignored(stack):
    stack.task_doc = policy_document(
        allow("s3:GetObject"), {"Effect": "Deny", "Action": "*", "Resource": "*"}
    )
    assert stack.check() == []


def test_single_statement_object(stack):
    stack.task_doc = json.dumps({"Version": "2012-10-17", "Statement": allow("kms:*")})
    assert [m for m, _ in stack.check()] == [
        "IAM role policy 'web-task-policy' statement 0 must not allow every action of a service (kms:*); "
        "list "
        "the individual actions the task needs (ECS task role 'web-task' uses it)."
    ]


def test_config_allowed_wildcard_resource_actions(stack):
    stack.task_doc = policy_document(allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*"))
    assert len(stack.check()) == 1
    config = {"allowedWildcardResourceActions": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]}
    assert stack.check(config) == []


def test_config_replacing_the_defaults_removes_ecs_exec(stack):
    assert [m for m, _ in stack.check({"allowedWildcardResourceActions": []})] == [
        "IAM role policy 'web-task-policy' statement 1 must not allow "
        + ", ".join(security_iam.ECS_EXEC_ACTIONS)
        + ' on every resource ("*"); scope Resource to the ARNs the task uses (actions AWS grants only on '
        "\"*\" can be listed in allowedWildcardResourceActions) (ECS task role 'web-task' uses it)."
    ]


def test_role_policy_without_document_passes(stack):
    stack.task_doc = None
    assert stack.check() == []


def test_unknown_document_is_skipped(stack):
    stack.task_doc = UNKNOWN
    assert stack.check() == []


def test_role_policy_linked_by_dependency_when_role_name_unknown(stack, run):
    resources = stack.resources()
    bad = run.res(
        ROLE_POLICY,
        "late",
        {"role": UNKNOWN, "policy": policy_document(allow("*", BUCKET))},
        deps=[stack.task_role],
    )
    assert run.stack(RULE, [*resources, bad]) == [
        (
            "IAM role policy 'late' statement 0 must not allow every action (\"*\"); list only the actions "
            "the "
            "task needs (ECS task role 'web-task' uses it).",
            urn(ROLE_POLICY, "late"),
        )
    ]


def test_role_shared_as_execution_and_task_role_is_a_task_role(stack):
    stack.task_definition_props["taskRoleArn"] = role_arn("web-execution")
    assert [m for m, _ in stack.check()] == [
        "IAM role policy 'web-exec-policy' statement 0 must not allow ecr:GetAuthorizationToken on every "
        'resource ("*"); scope Resource to the ARNs the task uses (actions AWS grants only on "*" can be '
        "listed in allowedWildcardResourceActions) (ECS task role 'web-execution' uses it)."
    ]


def test_roles_linked_by_pulumi_auto_names(run):
    # Program mocks record inputs: roles carry no name or ARN yet, while the task definition and the role
    # policies already hold the auto-named values "<logical name>-<7 hex>". The execution role is still
    # recognised, so its ecr:GetAuthorizationToken on "*" passes and the task role's does not.
    exec_role = run.res(ROLE, "web-exec", {"assumeRolePolicy": trust_policy()})
    task_role = run.res(ROLE, "web-task", {"assumeRolePolicy": trust_policy()})
    ecr_login = policy_document(allow("ecr:GetAuthorizationToken", "*"))
    resources = [
        exec_role,
        task_role,
        run.res(ROLE_POLICY, "web-exec", {"role": "web-exec-37a26a3", "policy": ecr_login}),
        run.res(ROLE_POLICY, "web-task", {"role": "web-task-d0c713a", "policy": ecr_login}),
        run.res(
            TASK,
            "web",
            {"executionRoleArn": role_arn("web-exec-37a26a3"), "taskRoleArn": role_arn("web-task-d0c713a")},
            deps=[exec_role, task_role],
        ),
    ]
    assert run.stack(RULE, resources) == [
        (
            "IAM role policy 'web-task' statement 0 must not allow ecr:GetAuthorizationToken on every "
            "resource "
            '("*"); scope Resource to the ARNs the task uses (actions AWS grants only on "*" can be listed '
            "in "
            "allowedWildcardResourceActions) (ECS task role 'web-task' uses it).",
            urn(ROLE_POLICY, "web-task"),
        )
    ]


def test_unknown_managed_policy_arn_elements_are_skipped(stack):
    stack.task_role_props["managedPolicyArns"] = [UNKNOWN, "arn:aws:iam::aws:policy/PowerUserAccess"]
    assert [m for m, _ in stack.check()] == [
        "IAM role 'web-task' managedPolicyArns must not attach the AWS managed policy PowerUserAccess to ECS "
        "task role 'web-task'; attach a policy that lists only the actions and resources the task needs."
    ]


def test_config_denied_pattern(stack):
    stack.task_role_props["managedPolicyArns"] = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert stack.check() == []
    assert len(stack.check({"deniedManagedPolicyPattern": "ReadOnly"})) == 1


def test_invalid_denied_pattern_names_the_key(stack):
    with pytest.raises(
        ValueError, match="deniedManagedPolicyPattern '\\(' is not a valid regular expression"
    ):
        stack.check({"deniedManagedPolicyPattern": "("})
