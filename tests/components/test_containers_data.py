"""containers.py: container definitions as data (RegisterTaskDefinition's shape) and their guard clauses."""

from __future__ import annotations

import pytest
from botocore.session import get_session
from botocore.validate import ParamValidator

from components.containers import (
    ContainerSpec,
    HealthCheck,
    LogSettings,
    MountPoint,
    Tmpfs,
    check_container_specs,
    container_definition,
    container_definitions,
)

LOGS = LogSettings(group="/ecs/app/api", region="eu-west-2", stream_prefix="ecs")


def test_full_definition_has_aws_field_names_and_hardening() -> None:
    spec = ContainerSpec(
        name="api",
        image="app:1.0",
        port=8000,
        cpu=512,
        memory=1024,
        command=["serve"],
        entry_point=["/entry"],
        working_directory="/app",
        environment={"B": "2", "A": "1"},
        secrets={"TOKEN": "arn:aws:ssm:eu-west-2:123456789012:parameter/app/token"},
        health_check=HealthCheck(["CMD", "true"], interval=10, timeout=3, retries=2, start_period=5),
        depends_on={"db": "HEALTHY"},
        user="1000:1000",
        drop_capabilities=["AUDIT_WRITE", "CHOWN"],
        mount_points=[MountPoint("data", "/data", read_only=True)],
        stop_timeout=20,
    )
    assert container_definition(spec, LOGS) == {
        "name": "api",
        "image": "app:1.0",
        "essential": True,
        "readonlyRootFilesystem": True,
        "privileged": False,
        "linuxParameters": {
            "capabilities": {"drop": ["AUDIT_WRITE", "CHOWN"], "add": []},
            "initProcessEnabled": False,
        },
        "portMappings": [{"containerPort": 8000, "hostPort": 8000, "protocol": "tcp", "name": "api"}],
        "environment": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
        "secrets": [{"name": "TOKEN", "valueFrom": "arn:aws:ssm:eu-west-2:123456789012:parameter/app/token"}],
        "mountPoints": [{"sourceVolume": "data", "containerPath": "/data", "readOnly": True}],
        "volumesFrom": [],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": "/ecs/app/api",
                "awslogs-region": "eu-west-2",
                "awslogs-stream-prefix": "ecs",
            },
        },
        "cpu": 512,
        "memory": 1024,
        "user": "1000:1000",
        "command": ["serve"],
        "entryPoint": ["/entry"],
        "workingDirectory": "/app",
        "stopTimeout": 20,
        "healthCheck": {
            "command": ["CMD", "true"],
            "interval": 10,
            "timeout": 3,
            "retries": 2,
            "startPeriod": 5,
        },
        "dependsOn": [{"containerName": "db", "condition": "HEALTHY"}],
    }


def test_minimal_definition_drops_all_capabilities_and_omits_optional_fields() -> None:
    definition = container_definition(ContainerSpec(name="w", image="busybox:1.36"), LOGS)
    assert definition["linuxParameters"]["capabilities"] == {"drop": ["ALL"], "add": []}
    assert definition["portMappings"] == []
    for absent in ("cpu", "memory", "user", "command", "entryPoint", "healthCheck", "dependsOn"):
        assert absent not in definition, absent


def test_tmpfs_mounts_are_linux_parameters() -> None:
    spec = ContainerSpec(name="w", image="busybox:1.36", tmpfs=[Tmpfs("/tmp", 64, ["nosuid", "nodev"])])
    assert container_definition(spec, LOGS)["linuxParameters"] == {
        "capabilities": {"drop": ["ALL"], "add": []},
        "initProcessEnabled": False,
        "tmpfs": [{"containerPath": "/tmp", "size": 64, "mountOptions": ["nosuid", "nodev"]}],
    }


def test_dependencies_come_first() -> None:
    specs = [
        ContainerSpec(name="app", image="a:1", depends_on={"db": "HEALTHY", "init": "SUCCESS"}),
        ContainerSpec(name="init", image="i:1", essential=False, depends_on={"db": "START"}),
        ContainerSpec(name="db", image="d:1", health_check=HealthCheck(["CMD", "ok"])),
    ]
    assert [d["name"] for d in container_definitions(specs, LOGS)] == ["db", "init", "app"]


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        ([], "A task needs at least one container."),
        (
            [ContainerSpec(name="a", image="x:1"), ContainerSpec(name="a", image="y:1")],
            "Container names must be unique in a task; duplicated: a.",
        ),
        (
            [ContainerSpec(name="a", image="x:1", essential=False)],
            "At least one container of a task must be essential.",
        ),
        (
            [ContainerSpec(name="a", image="x:1", depends_on={"b": "START"})],
            "Container `a` depends on `b`, which is not a container of this task (containers: a).",
        ),
        (
            [ContainerSpec(name="a", image="x:1", depends_on={"a": "START"})],
            "Container `a` cannot depend on itself.",
        ),
        (
            [
                ContainerSpec(name="a", image="x:1", depends_on={"b": "HEALTHY"}),
                ContainerSpec(name="b", image="y:1"),
            ],
            "Container `a` waits for `b` to be HEALTHY, but `b` has no health check: give it one, or use "
            "START.",
        ),
        (
            [ContainerSpec(name="a", image="x:1", add_capabilities=["NET_BIND_SERVICE"])],
            "Container `a` adds capabilities NET_BIND_SERVICE, but Fargate only allows adding SYS_PTRACE: "
            "keep a Docker default capability by not dropping it instead.",
        ),
        (
            [
                ContainerSpec(
                    name="a", image="x:1", tmpfs=[Tmpfs("/d", 8)], mount_points=[MountPoint("v", "/d")]
                )
            ],
            "Container `a` mounts /d more than once: keep one mount per path.",
        ),
        (
            [ContainerSpec(name="a", image="x:1", environment={"K": "v"}, secrets={"K": "arn"})],
            "Container `a` sets K both as environment and as a secret: keep only the secret.",
        ),
    ],
)
def test_guard_clauses(specs: list[ContainerSpec], message: str) -> None:
    with pytest.raises(ValueError) as err:
        check_container_specs(specs)
    assert str(err.value) == message


def test_dependency_cycle_is_rejected() -> None:
    specs = [
        ContainerSpec(name="a", image="x:1", depends_on={"b": "START"}),
        ContainerSpec(name="b", image="y:1", depends_on={"a": "START"}),
    ]
    with pytest.raises(
        ValueError, match=r"^Container dependencies form a cycle through `a`: break the cycle\.$"
    ):
        container_definitions(specs, LOGS)


def test_definitions_validate_against_the_ecs_api_model() -> None:
    specs = [
        ContainerSpec(
            name="app",
            image="a:1",
            port=80,
            cpu=256,
            memory=512,
            depends_on={"db": "HEALTHY"},
            secrets={"P": "arn:aws:ssm:eu-west-2:123456789012:parameter/p"},
            add_capabilities=["SYS_PTRACE"],
            tmpfs=[Tmpfs("/tmp", 16, ["nosuid"])],
        ),
        ContainerSpec(name="db", image="d:1", health_check=HealthCheck(["CMD-SHELL", "pg_isready"])),
    ]
    shape = get_session().get_service_model("ecs").operation_model("RegisterTaskDefinition").input_shape
    params = {"family": "f", "containerDefinitions": container_definitions(specs, LOGS)}
    report = ParamValidator().validate(params, shape)
    assert not report.has_errors(), report.generate_report()
