"""Component program: a FargateService using every feature, and a plain internal one."""

from typing import Any

import pulumi

from components import containers as cdefs
from components.cluster import CapacityShare
from components.iam import TaskPermissions
from components.images import BuildImage, ImageUri
from components.secrets import (
    ComposedSecret,
    GeneratedSecret,
    Placeholder,
    SecretsManagerRef,
    SsmParameterRef,
    StackSecret,
    StoredRef,
)
from components.service import FargateService
from components.service_args import (
    AutoscalingArgs,
    ContainerArgs,
    DeploymentArgs,
    DiscoveryArgs,
    FargateServiceArgs,
    RoutingArgs,
)
from components.storage import EfsAccessPoint, EfsVolume

STACK_SECRET = "stack@secret/value-0123456789"
SECRET_ARN = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/db-Ab12Cd"
KMS = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
COMMON: dict[str, Any] = dict(
    cluster_arn="arn:aws:ecs:eu-west-2:123456789012:cluster/main",
    cluster_name="main",
    vpc_id="vpc-0123456789abcdef0",
    subnet_ids=["subnet-0000000000000000a", "subnet-0000000000000000b"],
    subnet_count=2,
    region="eu-west-2",
    account_id="123456789012",
)

FargateService(
    "api",
    FargateServiceArgs(
        **COMMON,
        containers=[
            ContainerArgs(
                name="api",
                image=BuildImage(context="./app", keep=30),
                port=8000,
                cpu=768,
                memory=1536,
                command=["uvicorn", "app:main"],
                environment={"LOG_LEVEL": "info"},
                secrets={
                    "DATABASE_URL": StoredRef("DATABASE_URL"),
                    "API_TOKEN": StoredRef("apiToken"),
                    "TOKEN_URL": StoredRef("TOKEN_URL"),
                    "SENTRY": SsmParameterRef("/app/api/sentry-dsn"),
                    "DB_USER": SecretsManagerRef(SECRET_ARN, json_key="username", kms_key_arn=KMS),
                },
                depends_on={"db": "HEALTHY", "migrate": "SUCCESS"},
                user="1000:1000",
                scratch_paths=["/tmp"],
                mounts=[cdefs.MountPoint("data", "/data"), cdefs.MountPoint("cache", "/cache")],
            ),
            ContainerArgs(
                name="db",
                image=ImageUri("123456789012.dkr.ecr.eu-west-2.amazonaws.com/mirror/postgres:15-alpine"),
                port=5432,
                cpu=256,
                memory=512,
                secrets={"POSTGRES_PASSWORD": StoredRef("dbPassword")},
                health_check=cdefs.HealthCheck(["CMD-SHELL", "pg_isready"], start_period=30),
                user="70:70",
                mounts=[cdefs.MountPoint("static", "/static", read_only=True)],
            ),
            ContainerArgs(
                name="migrate", image=ImageUri("busybox:1.36"), essential=False, cpu=0, command=["true"]
            ),
        ],
        cpu=1024,
        memory=2048,
        security_group_ids=["sg-0123456789abcdef0", "sg-0aaaaaaaaaaaaaaaa"],
        family="app-test-api",
        log_group_name="/ecs/app-test/api",
        log_retention_days=30,
        parameter_prefix="/app/test/api",
        capacity=(CapacityShare("FARGATE", weight=1, base=1), CapacityShare("FARGATE_SPOT", weight=2)),
        architecture="arm64",
        desired_count=2,
        retain_logs=True,
        stored_secrets={
            "dbPassword": GeneratedSecret(length=24),
            "apiToken": StackSecret(pulumi.Output.secret(STACK_SECRET)),
            "DATABASE_URL": ComposedSecret(
                "postgresql://app:${dbPassword|urlencode}@localhost:5432/app",
                {"${dbPassword|urlencode}": Placeholder("dbPassword", url_encode=True)},
            ),
            "TOKEN_URL": ComposedSecret(
                "https://u:${apiToken|urlencode}@h/${apiToken}",
                {
                    "${apiToken|urlencode}": Placeholder("apiToken", url_encode=True),
                    "${apiToken}": Placeholder("apiToken"),
                },
            ),
        },
        efs_volumes=[
            EfsVolume("data", access_point=EfsAccessPoint(path="/data", uid=1000, gid=1000)),
            EfsVolume(
                "static",
                file_system_id="fs-0a1b2c3d4e5f67890",
                root_directory="/static",
                security_group_id="sg-0bbbbbbbbbbbbbbbb",
            ),
        ],
        scratch_volumes=["cache"],
        ephemeral_storage_gib=30,
        routing=RoutingArgs(
            target_group_arn="arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/api/abc",
            target_group_arn_suffix="targetgroup/api/abc",
            load_balancer_arn_suffix="app/edge/def",
        ),
        discovery=DiscoveryArgs(namespace_id="ns-0123", namespace_name="dev.local", name="api"),
        autoscaling=AutoscalingArgs(
            min_capacity=2, max_capacity=6, cpu_target=60, memory_target=70, requests_per_target=500
        ),
        deployment=DeploymentArgs(
            minimum_healthy_percent=50, maximum_percent=200, health_check_grace_period=45
        ),
        enable_execute_command=True,
        exec_log_group_arn="arn:aws:logs:eu-west-2:123456789012:log-group:exec",
        task_permissions=TaskPermissions(sqs={"arn:aws:sqs:eu-west-2:123456789012:jobs": "read"}),
        image_tag="0123456789abcdef0123456789abcdef01234567",
        tags={"Team": "platform"},
    ),
)

FargateService(
    "worker",
    FargateServiceArgs(
        **COMMON,
        containers=[
            ContainerArgs(name="worker", image=ImageUri("python:3.12-slim"), command=["python", "-m", "w"])
        ],
        cpu=256,
        memory=512,
        security_group_ids=["sg-0fedcba9876543210"],
        family="app-test-worker",
        log_group_name="/ecs/app-test/worker",
        log_retention_days=7,
        parameter_prefix="/app/test/worker",
    ),
)
