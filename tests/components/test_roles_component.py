"""IAM: trust policy, exact execution and task policies (pure builders and recorded RolePolicies)."""

from __future__ import annotations

import json

import pytest
from program_support import component_plan, of_type, one, policy_document, statements_by_sid

from components.iam import EfsAccess, TaskPermissions, execution_policy, task_policy, trust_policy
from ops.offline.recording import Plan

ROLES = "fargate-platform:index:ServiceRoles"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ACCOUNT = "123456789012"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return component_plan("roles")


def test_trust_policy_is_ecs_tasks_of_this_account_only() -> None:
    assert trust_policy(ACCOUNT) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            }
        ],
    }


def test_execution_policy_lists_exactly_the_given_arns() -> None:
    doc = execution_policy(
        log_group_arns=["arn:aws:logs:eu-west-2:1:log-group:/ecs/a"],
        ecr_repository_arns=["arn:aws:ecr:eu-west-2:1:repository/a"],
        ssm_parameter_arns=["arn:aws:ssm:eu-west-2:1:parameter/a/p"],
        secret_arns=["arn:aws:secretsmanager:eu-west-2:1:secret:s-Ab12Cd"],
        kms_key_arns=["arn:aws:kms:eu-west-2:1:key/k"],
    )
    assert doc["Statement"] == [
        {
            "Sid": "WriteLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": ["arn:aws:logs:eu-west-2:1:log-group:/ecs/a:log-stream:*"],
        },
        {"Sid": "EcrLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {
            "Sid": "PullImages",
            "Effect": "Allow",
            "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "Resource": ["arn:aws:ecr:eu-west-2:1:repository/a"],
        },
        {
            "Sid": "ReadParameters",
            "Effect": "Allow",
            "Action": "ssm:GetParameters",
            "Resource": ["arn:aws:ssm:eu-west-2:1:parameter/a/p"],
        },
        {
            "Sid": "ReadSecrets",
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": ["arn:aws:secretsmanager:eu-west-2:1:secret:s-Ab12Cd"],
        },
        {
            "Sid": "DecryptSecrets",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": ["arn:aws:kms:eu-west-2:1:key/k"],
        },
    ]


def test_execution_policy_without_ecr_secrets_or_keys_only_writes_logs() -> None:
    doc = execution_policy(log_group_arns=["arn:aws:logs:eu-west-2:1:log-group:g"])
    assert [s["Sid"] for s in doc["Statement"]] == ["WriteLogs"]


def test_task_policy_scopes_each_permission() -> None:
    doc = task_policy(
        TaskPermissions(
            s3={"arn:aws:s3:::uploads": "readWrite", "arn:aws:s3:::reports/monthly": "read"},
            dynamodb={"arn:aws:dynamodb:eu-west-2:1:table/t": "readWrite"},
            sqs={"arn:aws:sqs:eu-west-2:1:q": "read"},
            ssm={"/app/prod/": "readWrite"},
        ),
        efs=[EfsAccess("arn:fs", "arn:ap", read_only=True)],
        region="eu-west-2",
        account_id="1",
    )
    assert doc is not None
    by_sid = statements_by_sid(doc)
    assert by_sid["ListBuckets"]["Resource"] == ["arn:aws:s3:::uploads"]
    assert by_sid["ListPrefix0"] == {
        "Sid": "ListPrefix0",
        "Effect": "Allow",
        "Action": ["s3:ListBucket"],
        "Resource": ["arn:aws:s3:::reports"],
        "Condition": {"StringLike": {"s3:prefix": ["monthly", "monthly/*"]}},
    }
    assert by_sid["ReadObjects"]["Resource"] == ["arn:aws:s3:::reports/monthly/*", "arn:aws:s3:::uploads/*"]
    assert by_sid["WriteObjects"]["Resource"] == ["arn:aws:s3:::uploads/*"]
    assert by_sid["ReadTables"]["Resource"] == [
        "arn:aws:dynamodb:eu-west-2:1:table/t",
        "arn:aws:dynamodb:eu-west-2:1:table/t/index/*",
    ]
    assert by_sid["WriteTables"]["Resource"] == ["arn:aws:dynamodb:eu-west-2:1:table/t"]
    assert by_sid["ConsumeQueues"]["Resource"] == ["arn:aws:sqs:eu-west-2:1:q"]
    assert "SendToQueues" not in by_sid
    assert by_sid["ReadParameterPaths"]["Resource"] == [
        "arn:aws:ssm:eu-west-2:1:parameter/app/prod",
        "arn:aws:ssm:eu-west-2:1:parameter/app/prod/*",
    ]
    assert by_sid["WriteParameterPaths"]["Action"] == ["ssm:DeleteParameter", "ssm:PutParameter"]
    assert by_sid["MountEfs0"] == {
        "Sid": "MountEfs0",
        "Effect": "Allow",
        "Action": ["elasticfilesystem:ClientMount"],
        "Resource": "arn:fs",
        "Condition": {"StringEquals": {"elasticfilesystem:AccessPointArn": "arn:ap"}},
    }
    assert "ExecChannel" not in by_sid
    for statement in doc["Statement"]:
        assert statement["Resource"] != "*" and "*" not in statement["Action"], statement["Sid"]


def test_task_policy_is_absent_without_permissions() -> None:
    assert task_policy(TaskPermissions(), region="eu-west-2", account_id="1") is None


def test_roles_are_distinct_children_with_inline_policies_only(plan: Plan) -> None:
    for component in of_type(plan, ROLES):
        roles = of_type(plan, ROLE, parent=component)
        assert sorted(r.name for r in roles) == [f"{component.name}-exec", f"{component.name}-task"], (
            component.urn
        )
        for role in roles:
            assert "managedPolicyArns" not in role.inputs and "inlinePolicies" not in role.inputs, role.urn
            assert json.loads(role.inputs["assumeRolePolicy"]) == trust_policy(ACCOUNT), role.urn
    assert not [r for r in plan.resources if r.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment"]


def test_each_policy_is_attached_to_its_own_role(plan: Plan) -> None:
    for name in ("api-iam-exec", "api-iam-task", "bare-iam-exec"):
        policy = one(plan, ROLE_POLICY, name)
        role = one(plan, ROLE, name)
        assert role.urn in policy.depends_on and policy.inputs["role"].startswith(f"{name}-"), policy.urn


def test_recorded_execution_policy_reads_exactly_its_secrets(plan: Plan) -> None:
    by_sid = statements_by_sid(policy_document(one(plan, ROLE_POLICY, "api-iam-exec")))
    assert by_sid["ReadParameters"]["Resource"] == [
        "arn:aws:ssm:eu-west-2:123456789012:parameter/app/api/dbPassword"
    ]
    assert by_sid["ReadSecrets"]["Resource"] == [
        "arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/db-Ab12Cd"
    ]
    assert by_sid["DecryptSecrets"]["Resource"] == [
        "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
    ]


def test_exec_adds_the_session_channel_to_the_task_role_only(plan: Plan) -> None:
    task = statements_by_sid(policy_document(one(plan, ROLE_POLICY, "api-iam-task")))
    assert task["ExecChannel"]["Action"] == [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    ]
    assert task["ExecSessionLogs"]["Resource"] == [
        "arn:aws:logs:eu-west-2:123456789012:log-group:exec:log-stream:*"
    ]
    assert task["ExecFindLogGroup"]["Resource"] == "arn:aws:logs:eu-west-2:123456789012:log-group:*"
    wildcards = [s["Sid"] for s in task.values() if s["Resource"] == "*"]
    assert wildcards == ["ExecChannel"], "only the ssmmessages channel actions may use Resource *"
    execution = policy_document(one(plan, ROLE_POLICY, "api-iam-exec"))
    assert not any("ssmmessages" in json.dumps(s) for s in execution["Statement"])


def test_a_role_without_permissions_gets_no_policy(plan: Plan) -> None:
    assert [p.name for p in of_type(plan, ROLE_POLICY, parent=one(plan, ROLES, "bare-iam"))] == [
        "bare-iam-exec"
    ]
