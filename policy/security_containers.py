"""Security rules over the containers of ECS task definitions: read-only root filesystem, non-root user, not
privileged, capabilities dropped, logging configured.

Each rule parses ``containerDefinitions`` (a JSON string on ``aws:ecs/taskDefinition``; the ``container`` /
``containers`` inputs of the awsx FargateTaskDefinition and FargateService components) with
``common.container_definitions`` and reports once per offending container, naming it. Like the cost and
reliability rules, the awsx components are covered too: under mocks their child task definitions are not
registered, so the component's inputs are all there is to check (in a real preview the child is visible as
well and a finding shows on both).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import common
import type_tokens
from common import Config, Report, Resource, violation

TASKS = (
    type_tokens.TASK_DEFINITION + type_tokens.AWSX_FARGATE_TASK_DEFINITION + type_tokens.AWSX_FARGATE_SERVICE
)


def task_level(resource: Resource) -> Mapping[str, Any] | None:
    """The mapping that holds a task's own fields (networkMode, volumes, runtimePlatform, ...): the inputs,
    or an awsx FargateService's ``taskDefinitionArgs`` (None when the service uses an existing task)."""
    if resource.type in type_tokens.AWSX_FARGATE_SERVICE:
        args = common.get(resource.props, "taskDefinitionArgs")
        return args if isinstance(args, Mapping) else None
    return resource.props


def _containers(resource: Resource) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for index, container in enumerate(common.container_definitions(resource.props)):
        yield common.container_name(container, index), container


def _per_container(check: Callable[[Resource, str, Mapping[str, Any], Config, Report], None]):
    def run(resource: Resource, config: Config, report: Report) -> None:
        for cname, container in _containers(resource):
            check(resource, cname, container, config, report)

    return run


def readonly_root_filesystem(
    resource: Resource, cname: str, container: Mapping[str, Any], config: Config, report: Report
) -> None:
    if common.as_bool(common.get(container, "readonlyRootFilesystem")) is not True:
        report(
            violation(
                resource,
                f"container '{cname}'",
                "have a read-only root filesystem",
                "set readonlyRootFilesystem to true and mount a volume for each path it writes (e.g. /tmp)",
            )
        )


ROOT_USERS = frozenset({"root", "0"})


def non_root_user(resource: Resource, config: Config, report: Report) -> None:
    family = common.get(task_level(resource), "runtimePlatform", "operatingSystemFamily")
    if isinstance(family, str) and family.upper().startswith("WINDOWS"):
        return  # ECS.20 covers Linux containers; `user` is not supported on Windows
    for cname, container in _containers(resource):
        user = common.get(container, "user")
        if not isinstance(user, str) or not user.strip():
            state = "user is unset and most images default to root"
        elif user.strip().split(":", 1)[0].strip().lower() in ROOT_USERS:
            state = "user is root"
        else:
            continue
        report(
            violation(
                resource,
                f"container '{cname}'",
                f"run as a non-root user ({state})",
                'set user to a non-root UID, optionally with a GID (e.g. "1000:1000")',
            )
        )


def not_privileged(
    resource: Resource, cname: str, container: Mapping[str, Any], config: Config, report: Report
) -> None:
    # AWS's key is `privileged` (Checkov's CKV_AWS_334 reads `privilege`, which AWS does not define).
    if common.as_bool(common.get(container, "privileged")) is True:
        report(
            violation(
                resource,
                f"container '{cname}'",
                "not be privileged",
                "remove privileged: true (Fargate rejects it) and grant only the capabilities it needs",
            )
        )


def _capability(name: Any) -> str | None:
    if not isinstance(name, str):
        return None
    upper = name.strip().upper()
    return upper.removeprefix("CAP_")


def capabilities_dropped(
    resource: Resource, cname: str, container: Mapping[str, Any], config: Config, report: Report
) -> None:
    capabilities = common.get(container, "linuxParameters", "capabilities")
    drop = {_capability(c) for c in common.as_list(common.get(capabilities, "drop"))}
    if "ALL" not in drop:
        report(
            violation(
                resource,
                f"container '{cname}'",
                "drop all Linux capabilities",
                'set linuxParameters.capabilities.drop to ["ALL"] and add back only what it needs',
            )
        )
    allowed = {_capability(c) for c in common.as_list(config.raw("allowedAdd"))}
    added = [_capability(c) for c in common.as_list(common.get(capabilities, "add"))]
    forbidden = sorted({c for c in added if c and c not in allowed})
    if forbidden:
        allowed_text = ", ".join(sorted(c for c in allowed if c)) or "none"
        report(
            violation(
                resource,
                f"container '{cname}'",
                f"not add the capabilities {', '.join(forbidden)}",
                f"remove them from linuxParameters.capabilities.add (allowed: {allowed_text}; "
                "configure allowedAdd to allow more)",
            )
        )


def container_logging(
    resource: Resource, cname: str, container: Mapping[str, Any], config: Config, report: Report
) -> None:
    driver = common.get(container, "logConfiguration", "logDriver")
    if not isinstance(driver, str) or not driver:
        report(
            violation(
                resource,
                f"container '{cname}'",
                "have a log configuration",
                "set logConfiguration with a logDriver (e.g. awslogs with awslogs-group, awslogs-region and "
                "awslogs-stream-prefix)",
            )
        )


POLICIES = [
    common.resource_policy(
        "ecs-readonly-root-filesystem",
        "Checks that every container of an ECS task definition has a read-only root filesystem; a missing "
        "setting fails (Security Hub ECS.5, Checkov CKV_AWS_336).",
        TASKS,
        _per_container(readonly_root_filesystem),
        enforcement_level=common.ADVISORY,
    ),
    common.resource_policy(
        "ecs-non-root-user",
        "Checks that every Linux container of an ECS task definition runs as a non-root user: user unset, "
        '"root", "0" or "0:<gid>" fail (Security Hub ECS.20).',
        TASKS,
        non_root_user,
        enforcement_level=common.ADVISORY,
    ),
    common.resource_policy(
        "ecs-not-privileged",
        "Checks that no container of an ECS task definition is privileged (the `privileged` key; "
        "Security Hub ECS.4, Checkov CKV_AWS_334).",
        TASKS,
        _per_container(not_privileged),
        enforcement_level=common.MANDATORY,
    ),
    common.resource_policy(
        "ecs-capabilities-dropped",
        "Checks that every container of an ECS task definition drops ALL Linux capabilities and adds back "
        "only allowed ones (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, DAC_READ_SEARCH, ... are not).",
        TASKS,
        _per_container(capabilities_dropped),
        enforcement_level=common.ADVISORY,
        config={
            "allowedAdd": common.string_list(
                ["NET_BIND_SERVICE"],
                "Capabilities a container may add after dropping ALL (the Kubernetes "
                "'restricted' profile allows only NET_BIND_SERVICE; Fargate itself accepts only SYS_PTRACE).",
            )
        },
    ),
    common.resource_policy(
        "ecs-container-logging",
        "Checks that every container of an ECS task definition has a log configuration (Security Hub ECS.9).",
        TASKS,
        _per_container(container_logging),
        enforcement_level=common.ADVISORY,
    ),
]
