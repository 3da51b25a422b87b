"""Security rules over ECS task-level settings and services: host namespaces, distinct execution/task roles,
EFS transit encryption, public IPs and the Fargate platform version.

awsx components are covered as in security_containers.py (task fields of an awsx FargateService are read from
its ``taskDefinitionArgs``), except by ecs-distinct-task-roles: awsx takes role objects, not ARNs, and
creates distinct execution and task roles itself.

``networkMode``, ``pidMode`` and ``ipcMode`` are TASK definition fields in the ECS API; Checkov's CKV_AWS_335
looks for ``pidMode`` inside container definitions, where AWS never puts it. This module reads them on the
task definition only.
"""

from __future__ import annotations

import re

import common
import type_tokens
from common import Config, Report, Resource, violation
from security_containers import TASKS, task_level

SERVICES_AND_TASK_SETS = type_tokens.SERVICE + type_tokens.TASK_SET + type_tokens.AWSX_FARGATE_SERVICE

_HOST_FIELDS = (
    ("networkMode", "use the host network", 'set networkMode to "awsvpc" (the only mode Fargate supports)'),
    ("pidMode", "share the host's process namespace", 'remove pidMode or set it to "task"'),
    ("ipcMode", "share the host's IPC namespace", 'remove ipcMode or set it to "task" or "none"'),
)


def no_host_namespaces(resource: Resource, config: Config, report: Report) -> None:
    task = task_level(resource)
    for field, requirement, fix in _HOST_FIELDS:
        value = common.get(task, field)
        if isinstance(value, str) and value.lower() == "host":
            report(violation(resource, "", f"not {requirement} ({field} is host)", fix))


def distinct_task_roles(resource: Resource, config: Config, report: Report) -> None:
    execution = common.get(resource.props, "executionRoleArn")
    task = common.get(resource.props, "taskRoleArn")
    if isinstance(execution, str) and execution and execution == task:
        report(
            violation(
                resource,
                "",
                "use different roles for executionRoleArn and taskRoleArn",
                "give the ECS agent its own execution role (image pull, logs, secrets) and the application a "
                "task role with only the permissions it needs",
            )
        )


def efs_transit_encryption(resource: Resource, config: Config, report: Report) -> None:
    for index, volume in enumerate(common.as_list(common.get(task_level(resource), "volumes"))):
        efs = common.get(volume, "efsVolumeConfiguration")
        if efs is None:
            continue
        name = common.get(volume, "name") or f"#{index}"
        if str(common.get(efs, "transitEncryption") or "DISABLED").upper() != "ENABLED":
            report(
                violation(
                    resource,
                    f"EFS volume '{name}'",
                    "use transit encryption",
                    'set efsVolumeConfiguration.transitEncryption to "ENABLED"',
                )
            )


def no_public_ip(resource: Resource, config: Config, report: Report) -> None:
    if config.get_bool("allowPublicIp"):
        return
    if common.as_bool(common.get(resource.props, "networkConfiguration", "assignPublicIp")) is True:
        report(
            violation(
                resource,
                "",
                "not assign public IP addresses to its tasks",
                "set networkConfiguration.assignPublicIp to false and run the tasks in private subnets "
                "(reach the internet through a NAT gateway or VPC endpoints)",
            )
        )


_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def _version(text: str) -> tuple[int, int, int] | None:
    match = _VERSION.match(text.strip())
    if match is None:
        return None
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def platform_version(resource: Resource, config: Config, report: Report) -> None:
    launch_type = common.get(resource.props, "launchType")
    if isinstance(launch_type, str) and launch_type.upper() in ("EC2", "EXTERNAL"):
        return  # platform versions apply to Fargate only
    version = common.get(resource.props, "platformVersion")
    if version is None or (isinstance(version, str) and version.upper() == "LATEST"):
        return  # unset means LATEST
    minimum_text = config.get_str("minimumVersion") or "1.4.0"
    minimum = _version(minimum_text) or (1, 4, 0)
    parsed = _version(version) if isinstance(version, str) else None
    if parsed is None or parsed < minimum:
        report(
            violation(
                resource,
                "",
                f"run on Fargate platform version LATEST or {minimum_text} or later",
                'set platformVersion to "LATEST" (or remove it)',
            )
        )


POLICIES = [
    common.resource_policy(
        "ecs-no-host-namespaces",
        "Checks that ECS task definitions do not use the host's network, process or IPC namespace "
        "(task-level networkMode, pidMode, ipcMode; Security Hub ECS.17, ECS.3, Checkov CKV_AWS_335).",
        TASKS,
        no_host_namespaces,
        enforcement_level=common.MANDATORY,
    ),
    common.resource_policy(
        "ecs-distinct-task-roles",
        "Checks that an ECS task definition's execution role and task role are different roles "
        "(Checkov CKV_AWS_249).",
        type_tokens.TASK_DEFINITION,
        distinct_task_roles,
        enforcement_level=common.ADVISORY,
    ),
    common.resource_policy(
        "ecs-efs-transit-encryption",
        "Checks that EFS volumes of ECS task definitions use transit encryption (Security Hub ECS.18, "
        "Checkov CKV_AWS_97).",
        TASKS,
        efs_transit_encryption,
        enforcement_level=common.ADVISORY,
    ),
    common.resource_policy(
        "ecs-no-public-ip",
        "Checks that ECS services and task sets do not assign public IP addresses to their tasks "
        "(Security Hub ECS.2, ECS.16, Checkov CKV_AWS_333).",
        SERVICES_AND_TASK_SETS,
        no_public_ip,
        enforcement_level=common.MANDATORY,
        config={
            "allowPublicIp": common.flag(
                False,
                "Allow public IPs on tasks (e.g. a dev stack without NAT gateways whose tasks "
                "pull images over the internet).",
            )
        },
    ),
    common.resource_policy(
        "ecs-platform-version",
        "Checks that Fargate services and task sets run platform version LATEST (also when unset) or at "
        "least the minimum version (Security Hub ECS.10, Checkov CKV_AWS_332).",
        SERVICES_AND_TASK_SETS,
        platform_version,
        enforcement_level=common.ADVISORY,
        config={
            "minimumVersion": {
                "type": "string",
                "pattern": r"^\d+\.\d+\.\d+$",
                "default": "1.4.0",
                "description": "Lowest accepted platform version (Linux Fargate; Windows tasks use 1.0.0).",
            }
        },
    ),
]
