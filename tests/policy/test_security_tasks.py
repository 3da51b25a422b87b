"""Task and service rules: ecs-no-host-namespaces, ecs-distinct-task-roles, ecs-efs-transit-encryption,
ecs-no-public-ip, ecs-platform-version. Known-good resource, one change per test."""

from __future__ import annotations

import json

import pytest
import security_tasks
from conftest import ACCOUNT

TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
TASK_SET = "aws:ecs/taskSet:TaskSet"
AWSX_SERVICE = "awsx:ecs:FargateService"
AWSX_TASK = "awsx:ecs:FargateTaskDefinition"

HOST, ROLES, EFS, PUBLIC_IP, PLATFORM = security_tasks.POLICIES


@pytest.mark.parametrize("policy", [HOST, ROLES, EFS], ids=lambda p: p.name)
def test_task_rules_pass_known_good(run, good, policy):
    assert run.resource(policy, TASK, good.task_definition()) == []


@pytest.mark.parametrize("policy", [PUBLIC_IP, PLATFORM], ids=lambda p: p.name)
def test_service_rules_pass_known_good(run, good, policy):
    assert run.resource(policy, SERVICE, good.service()) == []
    assert run.resource(policy, AWSX_SERVICE, good.awsx_fargate_service()) == []


# --- ecs-no-host-namespaces ------------------------------------------------------------------------------

HOST_MESSAGES = {
    "networkMode": "ECS task definition 'web' must not use the host network (networkMode is host); set "
    'networkMode to "awsvpc" (the only mode Fargate supports).',
    "pidMode": "ECS task definition 'web' must not share the host's process namespace (pidMode is host); "
    'remove pidMode or set it to "task".',
    "ipcMode": "ECS task definition 'web' must not share the host's IPC namespace (ipcMode is host); remove "
    'ipcMode or set it to "task" or "none".',
}


@pytest.mark.parametrize("field", list(HOST_MESSAGES))
def test_host_namespace_fields_fail(run, good, field):
    props = good.task_definition(**{field: "host"})
    assert run.resource(HOST, TASK, props) == [HOST_MESSAGES[field]]


def test_host_task_pid_mode_passes(run, good):
    assert run.resource(HOST, TASK, good.task_definition(pidMode="task", ipcMode="none")) == []


def test_host_fields_missing_pass(run, good):
    props = good.task_definition()
    del props["networkMode"]
    assert run.resource(HOST, TASK, props) == []


def test_host_pid_mode_inside_a_container_is_not_read(run, good):
    # Checkov's CKV_AWS_335 reads pidMode from container definitions; AWS defines it on the task only.
    props = good.task_definition(containers=[good.container(pidMode="host")])
    assert run.resource(HOST, TASK, props) == []


def test_host_awsx_service_reads_task_definition_args(run, good):
    props = good.awsx_fargate_service()
    props["taskDefinitionArgs"]["pidMode"] = "host"
    assert run.resource(HOST, AWSX_SERVICE, props) == [
        HOST_MESSAGES["pidMode"].replace("ECS task definition", "Fargate service")
    ]


def test_host_awsx_task_definition_alias(run, good):
    props = {"cpu": "256", "memory": "512", "networkMode": "host", "containers": {}}
    assert run.resource(HOST, AWSX_TASK, props) == [
        HOST_MESSAGES["networkMode"].replace("ECS task definition", "Fargate task definition")
    ]


# --- ecs-distinct-task-roles ------------------------------------------------------------------------------

ROLES_MSG = (
    "ECS task definition 'web' must use different roles for executionRoleArn and taskRoleArn; give the ECS "
    "agent its own execution role (image pull, logs, secrets) and the application a task role with only the "
    "permissions it needs."
)


def test_roles_same_arn_fails(run, good):
    same = f"arn:aws:iam::{ACCOUNT}:role/web"
    assert run.resource(ROLES, TASK, good.task_definition(executionRoleArn=same, taskRoleArn=same)) == [
        ROLES_MSG
    ]


@pytest.mark.parametrize("missing", ["executionRoleArn", "taskRoleArn"])
def test_roles_one_missing_passes(run, good, missing):
    props = good.task_definition()
    del props[missing]
    assert run.resource(ROLES, TASK, props) == []


def test_roles_covers_only_the_aws_task_definition(run, good):
    assert ROLES.types == frozenset({TASK})  # type: ignore[attr-defined]


# --- ecs-efs-transit-encryption ---------------------------------------------------------------------------


def efs_volume(**efs):
    return {"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-0123", **efs}}


def efs_message(kind="ECS task definition"):
    return (
        f"{kind} 'web' EFS volume 'data' must use transit encryption; set "
        'efsVolumeConfiguration.transitEncryption to "ENABLED".'
    )


def test_efs_enabled_passes(run, good):
    props = good.task_definition(volumes=[efs_volume(transitEncryption="ENABLED")])
    assert run.resource(EFS, TASK, props) == []


def test_efs_disabled_fails(run, good):
    props = good.task_definition(volumes=[efs_volume(transitEncryption="DISABLED")])
    assert run.resource(EFS, TASK, props) == [efs_message()]


def test_efs_missing_setting_fails(run, good):
    assert run.resource(EFS, TASK, good.task_definition(volumes=[efs_volume()])) == [efs_message()]


def test_efs_non_efs_volumes_ignored(run, good):
    props = good.task_definition(volumes=[{"name": "tmp"}, {"name": "scratch", "host": {}}])
    assert run.resource(EFS, TASK, props) == []


def test_efs_awsx_service_alias(run, good):
    props = good.awsx_fargate_service()
    props["taskDefinitionArgs"]["volumes"] = [efs_volume()]
    assert run.resource(EFS, AWSX_SERVICE, props) == [efs_message("Fargate service")]


# --- ecs-no-public-ip -------------------------------------------------------------------------------------


def public_ip_message(kind="ECS service"):
    return (
        f"{kind} 'web' must not assign public IP addresses to its tasks; set "
        "networkConfiguration.assignPublicIp to false and run the tasks in private subnets (reach the "
        "internet through a NAT gateway or VPC endpoints)."
    )


def with_public_ip(props, value=True):
    props["networkConfiguration"]["assignPublicIp"] = value
    return props


def test_public_ip_fails(run, good):
    assert run.resource(PUBLIC_IP, SERVICE, with_public_ip(good.service())) == [public_ip_message()]


def test_public_ip_string_true_fails(run, good):
    assert run.resource(PUBLIC_IP, SERVICE, with_public_ip(good.service(), "true")) == [public_ip_message()]


def test_public_ip_missing_network_configuration_passes(run, good):
    props = good.service()
    del props["networkConfiguration"]
    assert run.resource(PUBLIC_IP, SERVICE, props) == []


def test_public_ip_config_allows(run, good):
    props = with_public_ip(good.service())
    assert run.resource(PUBLIC_IP, SERVICE, props, config={"allowPublicIp": True}) == []


@pytest.mark.parametrize(("token", "kind"), [(TASK_SET, "ECS task set"), (AWSX_SERVICE, "Fargate service")])
def test_public_ip_task_sets_and_awsx(run, good, token, kind):
    props = with_public_ip(good.awsx_fargate_service() if token == AWSX_SERVICE else good.service())
    assert run.resource(PUBLIC_IP, token, props) == [public_ip_message(kind)]


# --- ecs-platform-version ---------------------------------------------------------------------------------


def platform_message(minimum="1.4.0", kind="ECS service"):
    return (
        f"{kind} 'web' must run on Fargate platform version LATEST or {minimum} or later; set "
        'platformVersion to "LATEST" (or remove it).'
    )


@pytest.mark.parametrize("version", ["1.3.0", "1.2.0", "latest-ish", ""])
def test_platform_old_or_invalid_fails(run, good, version):
    assert run.resource(PLATFORM, SERVICE, good.service(platformVersion=version)) == [platform_message()]


@pytest.mark.parametrize("version", ["LATEST", "latest", "1.4.0", "1.10.0", "2.0.0"])
def test_platform_current_passes(run, good, version):
    assert run.resource(PLATFORM, SERVICE, good.service(platformVersion=version)) == []


def test_platform_missing_means_latest(run, good):
    props = good.service()
    del props["platformVersion"]
    assert run.resource(PLATFORM, SERVICE, props) == []


def test_platform_ec2_services_skipped(run, good):
    assert run.resource(PLATFORM, SERVICE, good.service(launchType="EC2", platformVersion="1.3.0")) == []


def test_platform_config_minimum(run, good):
    props = good.service(platformVersion="1.4.0")
    assert run.resource(PLATFORM, SERVICE, props, config={"minimumVersion": "1.5.0"}) == [
        platform_message("1.5.0")
    ]


@pytest.mark.parametrize(("token", "kind"), [(TASK_SET, "ECS task set"), (AWSX_SERVICE, "Fargate service")])
def test_platform_task_sets_and_awsx(run, good, token, kind):
    assert run.resource(PLATFORM, token, good.service(platformVersion="1.3.0")) == [
        platform_message(kind=kind)
    ]


def test_rules_read_container_definitions_json_only_where_needed(run, good):
    # Task-level rules do not parse containerDefinitions: a malformed document does not matter to them.
    props = good.task_definition(containerDefinitions=json.dumps({"not": "a list"})[:-3])
    for policy in (HOST, ROLES, EFS):
        assert run.resource(policy, TASK, props) == []
