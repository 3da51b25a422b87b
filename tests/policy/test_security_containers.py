"""Container rules: ecs-readonly-root-filesystem, ecs-non-root-user, ecs-not-privileged,
ecs-capabilities-dropped, ecs-container-logging. Known-good task definition, one change per test."""

from __future__ import annotations

import pytest
import security_containers

TASK = "aws:ecs/taskDefinition:TaskDefinition"
AWSX_SERVICE = "awsx:ecs:FargateService"
AWSX_TASK = "awsx:ecs:FargateTaskDefinition"

READONLY, NON_ROOT, PRIVILEGED, CAPABILITIES, LOGGING = security_containers.POLICIES

HEAD = "ECS task definition 'web' container 'web'"
READONLY_MSG = (
    "must have a read-only root filesystem; set readonlyRootFilesystem to true and mount a volume for each "
    "path it writes (e.g. /tmp)."
)
NON_ROOT_FIX = 'set user to a non-root UID, optionally with a GID (e.g. "1000:1000").'
PRIVILEGED_MSG = (
    "must not be privileged; remove privileged: true (Fargate rejects it) and grant only the capabilities it "
    "needs."
)
DROP_MSG = (
    'must drop all Linux capabilities; set linuxParameters.capabilities.drop to ["ALL"] and add back only '
    "what it needs."
)
LOGGING_MSG = (
    "must have a log configuration; set logConfiguration with a logDriver (e.g. awslogs with awslogs-group, "
    "awslogs-region and awslogs-stream-prefix)."
)


def with_container(good, **overrides):
    return good.task_definition(containers=[good.container(**overrides)])


def without(good, key):
    container = good.container()
    del container[key]
    return good.task_definition(containers=[container])


def awsx_props(token, good, **overrides):
    """The same single container as an awsx component input (containers map keyed by name)."""
    container = {k: v for k, v in good.container(**overrides).items() if k != "name"}
    if token == AWSX_TASK:
        return {"cpu": "256", "memory": "512", "containers": {"web": container}}
    return good.awsx_fargate_service(
        taskDefinitionArgs={"cpu": "512", "memory": "1024", "containers": {"web": container}}
    )


AWSX_KINDS = [(AWSX_TASK, "Fargate task definition"), (AWSX_SERVICE, "Fargate service")]


@pytest.mark.parametrize("policy", security_containers.POLICIES, ids=lambda p: p.name)
def test_known_good_passes(run, good, policy):
    assert run.resource(policy, TASK, good.task_definition()) == []


# --- ecs-readonly-root-filesystem ------------------------------------------------------------------------


def test_readonly_false_fails(run, good):
    props = with_container(good, readonlyRootFilesystem=False)
    assert run.resource(READONLY, TASK, props) == [f"{HEAD} {READONLY_MSG}"]


def test_readonly_missing_fails(run, good):
    assert run.resource(READONLY, TASK, without(good, "readonlyRootFilesystem")) == [f"{HEAD} {READONLY_MSG}"]


def test_readonly_names_each_offending_container(run, good):
    props = good.task_definition(
        containers=[good.container(), good.container(name="sidecar", readonlyRootFilesystem=False)]
    )
    assert run.resource(READONLY, TASK, props) == [
        f"ECS task definition 'web' container 'sidecar' {READONLY_MSG}"
    ]


@pytest.mark.parametrize(("token", "kind"), AWSX_KINDS)
def test_readonly_awsx_aliases(run, good, token, kind):
    props = awsx_props(token, good, readonlyRootFilesystem=False)
    assert run.resource(READONLY, token, props) == [f"{kind} 'web' container 'web' {READONLY_MSG}"]


# --- ecs-non-root-user ------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["root", "0", "0:0", "root:root", "0:1000", " ROOT "])
def test_non_root_rejects_root(run, good, user):
    assert run.resource(NON_ROOT, TASK, with_container(good, user=user)) == [
        f"{HEAD} must run as a non-root user (user is root); {NON_ROOT_FIX}"
    ]


@pytest.mark.parametrize("user", ["1000", "1000:1000", "app", "app:app", "65534"])
def test_non_root_accepts_other_users(run, good, user):
    assert run.resource(NON_ROOT, TASK, with_container(good, user=user)) == []


def test_non_root_missing_user_fails(run, good):
    assert run.resource(NON_ROOT, TASK, without(good, "user")) == [
        f"{HEAD} must run as a non-root user (user is unset and most images default to root); {NON_ROOT_FIX}"
    ]


def test_non_root_skips_windows_tasks(run, good):
    props = good.task_definition(
        containers=[good.container(user=None)],
        runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE", "cpuArchitecture": "X86_64"},
    )
    assert run.resource(NON_ROOT, TASK, props) == []


@pytest.mark.parametrize(("token", "kind"), AWSX_KINDS)
def test_non_root_awsx_aliases(run, good, token, kind):
    assert run.resource(NON_ROOT, token, awsx_props(token, good, user="0")) == [
        f"{kind} 'web' container 'web' must run as a non-root user (user is root); {NON_ROOT_FIX}"
    ]


# --- ecs-not-privileged -----------------------------------------------------------------------------------


def test_privileged_fails(run, good):
    assert run.resource(PRIVILEGED, TASK, with_container(good, privileged=True)) == [
        f"{HEAD} {PRIVILEGED_MSG}"
    ]


def test_privileged_missing_passes(run, good):
    assert run.resource(PRIVILEGED, TASK, without(good, "privileged")) == []


def test_privileged_reads_the_aws_key_not_checkovs(run, good):
    # Checkov's CKV_AWS_334 reads `privilege`; AWS's key is `privileged` (a `privilege` key does nothing).
    container = good.container(privilege=True)
    del container["privileged"]
    assert run.resource(PRIVILEGED, TASK, good.task_definition(containers=[container])) == []


@pytest.mark.parametrize(("token", "kind"), AWSX_KINDS)
def test_privileged_awsx_aliases(run, good, token, kind):
    assert run.resource(PRIVILEGED, token, awsx_props(token, good, privileged=True)) == [
        f"{kind} 'web' container 'web' {PRIVILEGED_MSG}"
    ]


# --- ecs-capabilities-dropped ----------------------------------------------------------------------------


def caps(drop=None, add=None):
    capabilities = {}
    if drop is not None:
        capabilities["drop"] = drop
    if add is not None:
        capabilities["add"] = add
    return {"capabilities": capabilities}


def test_capabilities_missing_linux_parameters_fails(run, good):
    assert run.resource(CAPABILITIES, TASK, without(good, "linuxParameters")) == [f"{HEAD} {DROP_MSG}"]


def test_capabilities_drop_partial_fails(run, good):
    props = with_container(good, linuxParameters=caps(drop=["NET_RAW", "MKNOD"]))
    assert run.resource(CAPABILITIES, TASK, props) == [f"{HEAD} {DROP_MSG}"]


def test_capabilities_dangerous_adds_fail(run, good):
    props = with_container(good, linuxParameters=caps(drop=["ALL"], add=["SYS_ADMIN", "NET_ADMIN"]))
    assert run.resource(CAPABILITIES, TASK, props) == [
        f"{HEAD} must not add the capabilities NET_ADMIN, SYS_ADMIN; remove them from "
        "linuxParameters.capabilities.add (allowed: NET_BIND_SERVICE; configure allowedAdd to allow more)."
    ]


def test_capabilities_both_findings(run, good):
    props = with_container(good, linuxParameters=caps(add=["CAP_SYS_PTRACE"]))
    assert run.resource(CAPABILITIES, TASK, props) == [
        f"{HEAD} {DROP_MSG}",
        f"{HEAD} must not add the capabilities SYS_PTRACE; remove them from linuxParameters.capabilities.add "
        "(allowed: NET_BIND_SERVICE; configure allowedAdd to allow more).",
    ]


def test_capabilities_default_allowed_add_passes(run, good):
    props = with_container(good, linuxParameters=caps(drop=["ALL"], add=["NET_BIND_SERVICE"]))
    assert run.resource(CAPABILITIES, TASK, props) == []


def test_capabilities_config_allowed_add(run, good):
    props = with_container(good, linuxParameters=caps(drop=["ALL"], add=["SYS_PTRACE"]))
    assert run.resource(CAPABILITIES, TASK, props, config={"allowedAdd": ["SYS_PTRACE"]}) == []
    props = with_container(good, linuxParameters=caps(drop=["ALL"], add=["NET_BIND_SERVICE"]))
    assert run.resource(CAPABILITIES, TASK, props, config={"allowedAdd": []}) == [
        f"{HEAD} must not add the capabilities NET_BIND_SERVICE; remove them from "
        "linuxParameters.capabilities.add (allowed: none; configure allowedAdd to allow more)."
    ]


@pytest.mark.parametrize(("token", "kind"), AWSX_KINDS)
def test_capabilities_awsx_aliases(run, good, token, kind):
    assert run.resource(CAPABILITIES, token, awsx_props(token, good, linuxParameters={})) == [
        f"{kind} 'web' container 'web' {DROP_MSG}"
    ]


# --- ecs-container-logging -------------------------------------------------------------------------------


def test_logging_missing_fails(run, good):
    assert run.resource(LOGGING, TASK, without(good, "logConfiguration")) == [f"{HEAD} {LOGGING_MSG}"]


def test_logging_without_driver_fails(run, good):
    props = with_container(good, logConfiguration={"options": {"awslogs-group": "/ecs/web"}})
    assert run.resource(LOGGING, TASK, props) == [f"{HEAD} {LOGGING_MSG}"]


def test_logging_other_driver_passes(run, good):
    props = with_container(good, logConfiguration={"logDriver": "awsfirelens"})
    assert run.resource(LOGGING, TASK, props) == []


@pytest.mark.parametrize(("token", "kind"), AWSX_KINDS)
def test_logging_awsx_aliases(run, good, token, kind):
    assert run.resource(LOGGING, token, awsx_props(token, good, logConfiguration=None)) == [
        f"{kind} 'web' container 'web' {LOGGING_MSG}"
    ]


def test_rules_ignore_other_resource_types(run, good):
    for policy in security_containers.POLICIES:
        assert run.resource(policy, "aws:ecs/service:Service", good.service()) == []
