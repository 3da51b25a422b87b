"""Component program: ServiceRoles with every permission kind, and a bare one."""

from components.iam import EfsMountAccess, ServiceRoles, ServiceRolesArgs, TaskPermissions

LOGS = "arn:aws:logs:eu-west-2:123456789012:log-group:/ecs/app/api"
ServiceRoles(
    "api-iam",
    ServiceRolesArgs(
        account_id="123456789012",
        region="eu-west-2",
        log_group_arn=LOGS,
        ecr_repository_arns=["arn:aws:ecr:eu-west-2:123456789012:repository/api"],
        ssm_parameter_arns=["arn:aws:ssm:eu-west-2:123456789012:parameter/app/api/dbPassword"],
        secret_arns=["arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/db-Ab12Cd"],
        kms_key_arns=["arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"],
        task_permissions=TaskPermissions(
            s3={"arn:aws:s3:::uploads": "readWrite", "arn:aws:s3:::reports/monthly": "read"},
            dynamodb={"arn:aws:dynamodb:eu-west-2:123456789012:table/orders": "read"},
            sqs={"arn:aws:sqs:eu-west-2:123456789012:jobs": "readWrite"},
            ssm={"/app/api": "read"},
        ),
        efs=[
            EfsMountAccess(
                "arn:aws:elasticfilesystem:eu-west-2:123456789012:file-system/fs-0a1b2c3d",
                "arn:aws:elasticfilesystem:eu-west-2:123456789012:access-point/fsap-0a1b2c3d",
            )
        ],
        enable_execute_command=True,
        exec_log_group_arn="arn:aws:logs:eu-west-2:123456789012:log-group:exec",
    ),
)
ServiceRoles("bare-iam", ServiceRolesArgs(account_id="123456789012", region="eu-west-2", log_group_arn=LOGS))
