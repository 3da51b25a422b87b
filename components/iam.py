"""IAM for one service: an execution role (used by ECS to start the task) and a distinct task role (used
by the application), each with one inline policy listing exactly the ARNs it needs.

- execution role: pull from the service's ECR repositories, write to its log group, read exactly its SSM
  parameters and Secrets Manager secrets, decrypt with the customer-managed KMS keys of those secrets (the
  AWS-managed `aws/ssm` key needs no grant);
- task role: the permissions the service's config lists (S3 buckets, DynamoDB tables, SQS queues, SSM
  parameter paths), plus the ECS Exec channel when exec is enabled.
Both trust `ecs-tasks.amazonaws.com` only for tasks of this account (`aws:SourceAccount`). Inline policies
only (`aws.iam.RolePolicy`), never mixed with managed-policy attachments on one role.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
import pulumi_aws as aws

from components.naming import IAM_ROLE_LOGICAL_NAME_LIMIT, bounded_name

PolicyDocument = dict[str, Any]

# The ssmmessages channel actions have no resource-level permissions: AWS requires "*".
EXEC_CHANNEL_ACTIONS = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)


def trust_policy(account_id: str) -> PolicyDocument:
    """Only ECS tasks of this account may assume the role (confused-deputy guard)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole",
                # aws:SourceAccount only: ECS documents aws:SourceArn for task roles, and an execution role
                # that fails to be assumed stops every task from starting.
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        ],
    }


def statement(
    sid: str, action: str | list[str], resource: str | list[str], condition: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One Allow statement (a single action or resource stays a string, as written)."""
    out: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        out["Condition"] = condition
    return out


def execution_policy(
    *,
    log_group_arns: Sequence[str],
    ecr_repository_arns: Sequence[str] = (),
    ssm_parameter_arns: Sequence[str] = (),
    secret_arns: Sequence[str] = (),
    kms_key_arns: Sequence[str] = (),
) -> PolicyDocument:
    """What ECS needs to start this service's tasks, and nothing else."""
    statements = [
        statement(
            "WriteLogs",
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            sorted(f"{arn}:log-stream:*" for arn in set(log_group_arns)),
        )
    ]
    if ecr_repository_arns:
        statements += [
            # GetAuthorizationToken is account-wide: it supports no resource restriction.
            statement("EcrLogin", "ecr:GetAuthorizationToken", "*"),
            statement(
                "PullImages",
                ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                sorted(set(ecr_repository_arns)),
            ),
        ]
    for sid, action, arns in (
        ("ReadParameters", "ssm:GetParameters", ssm_parameter_arns),
        ("ReadSecrets", "secretsmanager:GetSecretValue", secret_arns),
        ("DecryptSecrets", "kms:Decrypt", kms_key_arns),
    ):
        if arns:
            statements.append(statement(sid, action, sorted(set(arns))))
    return {"Version": "2012-10-17", "Statement": statements}


Access = Literal["read", "readWrite"]


@dataclass(frozen=True)
class TaskPermissions:
    """Application permissions, each resource → read | readWrite.

    s3: bucket ARNs, optionally with a key prefix (`arn:aws:s3:::bucket/uploads`); dynamodb: table ARNs;
    sqs: queue ARNs (read: receive/delete; readWrite: also send); ssm: parameter paths (`/app/prod`) or
    parameter ARNs (the path and everything below it).
    """

    s3: Mapping[str, Access] = field(default_factory=dict)
    dynamodb: Mapping[str, Access] = field(default_factory=dict)
    sqs: Mapping[str, Access] = field(default_factory=dict)
    ssm: Mapping[str, Access] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.s3 or self.dynamodb or self.sqs or self.ssm)


def _s3_parts(arn: str) -> tuple[str, str]:
    """`arn:aws:s3:::bucket/prefix` → (`arn:aws:s3:::bucket`, `prefix`)."""
    bucket_arn, _, prefix = arn.partition("/")
    return bucket_arn, prefix.strip("/")


def _ssm_path_arn(path_or_arn: str, *, region: str, account_id: str, partition: str) -> str:
    if path_or_arn.startswith("arn:"):
        return path_or_arn.rstrip("/")
    return f"arn:{partition}:ssm:{region}:{account_id}:parameter/{path_or_arn.strip('/')}"


@dataclass(frozen=True)
class EfsAccess:
    """Mounting one EFS file system through an access point (IAM authorization)."""

    file_system_arn: str
    access_point_arn: str | None
    read_only: bool = False


def task_policy(
    permissions: TaskPermissions,
    *,
    efs: Sequence[EfsAccess] = (),
    region: str,
    account_id: str,
    partition: str = "aws",
    exec_enabled: bool = False,
    exec_log_group_arn: str | None = None,
) -> PolicyDocument | None:
    """The application's permissions; None when it needs none (AWS rejects an empty policy)."""
    p = permissions
    statements: list[dict[str, Any]] = []

    def add(
        sid: str, actions: list[str], resources: list[str], condition: dict[str, Any] | None = None
    ) -> None:
        if resources:
            statements.append(statement(sid, sorted(set(actions)), sorted(set(resources)), condition))

    whole_buckets = sorted({_s3_parts(a)[0] for a in p.s3 if not _s3_parts(a)[1]})
    add("ListBuckets", ["s3:GetBucketLocation", "s3:ListBucket"], whole_buckets)
    for index, (bucket_arn, prefix) in enumerate(sorted({_s3_parts(a) for a in p.s3 if _s3_parts(a)[1]})):
        add(
            f"ListPrefix{index}",
            ["s3:ListBucket"],
            [bucket_arn],
            {"StringLike": {"s3:prefix": [prefix, f"{prefix}/*"]}},
        )
    objects = {arn: f"{arn.rstrip('/')}/*" for arn in p.s3}
    add("ReadObjects", ["s3:GetObject"], list(objects.values()))
    add(
        "WriteObjects",
        ["s3:DeleteObject", "s3:PutObject"],
        [objects[a] for a, access in p.s3.items() if access == "readWrite"],
    )

    tables = sorted(p.dynamodb)
    add(
        "ReadTables",
        [
            "dynamodb:BatchGetItem",
            "dynamodb:DescribeTable",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
        ],
        tables + [f"{arn}/index/*" for arn in tables],
    )
    add(
        "WriteTables",
        ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
        [a for a, access in p.dynamodb.items() if access == "readWrite"],
    )
    add(
        "ConsumeQueues",
        ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
        list(p.sqs),
    )
    add("SendToQueues", ["sqs:SendMessage"], [a for a, access in p.sqs.items() if access == "readWrite"])

    ssm = {
        path: _ssm_path_arn(path, region=region, account_id=account_id, partition=partition) for path in p.ssm
    }
    add(
        "ReadParameterPaths",
        ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
        [r for arn in ssm.values() for r in (arn, f"{arn}/*")],
    )
    add(
        "WriteParameterPaths",
        ["ssm:DeleteParameter", "ssm:PutParameter"],
        [r for path, arn in ssm.items() if p.ssm[path] == "readWrite" for r in (arn, f"{arn}/*")],
    )
    for index, access in enumerate(efs):
        actions = ["elasticfilesystem:ClientMount"] + (
            [] if access.read_only else ["elasticfilesystem:ClientWrite"]
        )
        condition = (
            {"StringEquals": {"elasticfilesystem:AccessPointArn": access.access_point_arn}}
            if access.access_point_arn
            else None
        )
        statements.append(statement(f"MountEfs{index}", actions, access.file_system_arn, condition))
    if exec_enabled:
        statements.append(statement("ExecChannel", list(EXEC_CHANNEL_ACTIONS), "*"))
        if exec_log_group_arn:
            statements += [
                statement(
                    "ExecSessionLogs",
                    ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                    [f"{exec_log_group_arn}:log-stream:*"],
                ),
                # The exec agent looks its log group up; DescribeLogGroups is authorized on the account's
                # log-group ARNs, so it need not be granted on "*".
                statement(
                    "ExecFindLogGroup",
                    "logs:DescribeLogGroups",
                    f"arn:{partition}:logs:{region}:{account_id}:log-group:*",
                ),
            ]
    if not statements:
        return None
    return {"Version": "2012-10-17", "Statement": statements}


@dataclass(frozen=True)
class EfsMountAccess:
    """EfsAccess with Pulumi inputs (the file system may be created in the same run)."""

    file_system_arn: pulumi.Input[str]
    access_point_arn: pulumi.Input[str] | None
    read_only: bool = False


@dataclass
class ServiceRolesArgs:
    account_id: pulumi.Input[str]
    region: pulumi.Input[str]
    log_group_arn: pulumi.Input[str]
    ecr_repository_arns: Sequence[pulumi.Input[str]] = ()
    ssm_parameter_arns: Sequence[pulumi.Input[str]] = ()
    secret_arns: Sequence[pulumi.Input[str]] = ()
    kms_key_arns: Sequence[pulumi.Input[str]] = ()
    task_permissions: TaskPermissions = field(default_factory=TaskPermissions)
    efs: Sequence[EfsMountAccess] = ()
    enable_execute_command: bool = False
    exec_log_group_arn: pulumi.Input[str] | None = None
    partition: str = "aws"
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


def _json(document: pulumi.Output[Any]) -> pulumi.Output[str]:
    return document.apply(lambda d: json.dumps(d, sort_keys=True))


class ServiceRoles(pulumi.ComponentResource):
    """The execution role and the task role of one service."""

    execution_role: aws.iam.Role
    task_role: aws.iam.Role
    execution_policy: aws.iam.RolePolicy
    task_policy: aws.iam.RolePolicy | None

    def __init__(self, name: str, args: ServiceRolesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fargate-platform:index:ServiceRoles", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        trust = _json(pulumi.Output.from_input(args.account_id).apply(trust_policy))

        self.execution_role = aws.iam.Role(
            bounded_name(f"{name}-exec", IAM_ROLE_LOGICAL_NAME_LIMIT),
            assume_role_policy=trust,
            description=f"ECS execution role of {name}: image pull, logs, its own secrets",
            tags=tags,
            opts=child,
        )
        self.task_role = aws.iam.Role(
            bounded_name(f"{name}-task", IAM_ROLE_LOGICAL_NAME_LIMIT),
            assume_role_policy=trust,
            description=f"ECS task role of {name}: the application's own permissions",
            tags=tags,
            opts=child,
        )

        execution_document = pulumi.Output.all(
            log=args.log_group_arn,
            ecr=pulumi.Output.all(*args.ecr_repository_arns),
            ssm=pulumi.Output.all(*args.ssm_parameter_arns),
            secrets=pulumi.Output.all(*args.secret_arns),
            kms=pulumi.Output.all(*args.kms_key_arns),
        ).apply(
            lambda v: execution_policy(
                log_group_arns=[v["log"]],
                ecr_repository_arns=v["ecr"],
                ssm_parameter_arns=v["ssm"],
                secret_arns=v["secrets"],
                kms_key_arns=v["kms"],
            )
        )
        self.execution_policy = aws.iam.RolePolicy(
            f"{name}-exec", role=self.execution_role.id, policy=_json(execution_document), opts=child
        )

        # Whether a task policy exists is decided from plain values, never from Outputs.
        self.task_policy = None
        if not args.task_permissions.is_empty() or args.enable_execute_command or args.efs:
            task_document = pulumi.Output.all(
                region=args.region,
                account=args.account_id,
                exec_log=args.exec_log_group_arn,
                efs=pulumi.Output.all(
                    *(pulumi.Output.all(e.file_system_arn, e.access_point_arn) for e in args.efs)
                ),
            ).apply(
                lambda v: task_policy(
                    args.task_permissions,
                    efs=[
                        EfsAccess(fs_arn, ap_arn, e.read_only)
                        for (fs_arn, ap_arn), e in zip(v["efs"], args.efs, strict=True)
                    ],
                    region=v["region"],
                    account_id=v["account"],
                    partition=args.partition,
                    exec_enabled=args.enable_execute_command,
                    exec_log_group_arn=v["exec_log"],
                )
            )
            self.task_policy = aws.iam.RolePolicy(
                f"{name}-task", role=self.task_role.id, policy=_json(task_document), opts=child
            )

        self.register_outputs(
            {"executionRoleArn": self.execution_role.arn, "taskRoleArn": self.task_role.arn}
        )

    def policies(self) -> list[aws.iam.RolePolicy]:
        """The inline policies of both roles: what a task needs in place before it starts."""
        return [self.execution_policy, *([self.task_policy] if self.task_policy is not None else [])]
