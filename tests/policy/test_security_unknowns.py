"""Preview tolerance of the security rules: an unknown value in a property a rule does not read never changes
its result; an unknown value it needs raises UnknownValueError, which the SDK turns into one advisory
"can't run policy ... during preview" (never a false violation). Also the pack-wide conventions of the
security modules (names, descriptions, config schemas with defaults, one policy per name)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import common
import pytest
import security
import type_tokens
from common import UNKNOWN_STRING as UNKNOWN
from pulumi_policy import StackValidationPolicy
from pulumi_policy.proxy import UnknownValueError

UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2"

TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"

BY_NAME = {p.name: p for p in security.POLICIES}


def _task(good, **container):
    return good.task_definition(containers=[good.container(**container)])


def _listener_http(good):
    return good.redirect_listener(defaultActions=[{"type": "forward", "targetGroupArn": "arn:tg"}])


def _public_ingress(good):
    block = {
        "protocol": "tcp",
        "fromPort": 22,
        "toPort": 22,
        "cidrBlocks": ["0.0.0.0/0"],
        "securityGroups": UNKNOWN,
    }
    return good.security_group(ingress=[block])


Builder = Callable[[Any], dict[str, Any]]
# policy name -> (type token, known-good builder, non-compliant builder, properties the rule does not read)
CASES: dict[str, tuple[str, Builder, Builder, tuple[str, ...]]] = {
    "ecs-no-plaintext-secrets": (
        TASK,
        lambda g: g.task_definition(),
        lambda g: _task(g, environment=[{"name": "DB_PASSWORD", "value": "x"}]),
        ("family", "executionRoleArn", "taskRoleArn"),
    ),
    "ecs-secrets-from-managed-stores": (
        TASK,
        lambda g: g.task_definition(),
        lambda g: _task(g, secrets=[{"name": "X", "valueFrom": "plain"}]),
        ("family", "executionRoleArn"),
    ),
    "ssm-secret-parameters-secure": (
        "aws:ssm/parameter:Parameter",
        lambda g: g.ssm_parameter(),
        lambda g: g.ssm_parameter(type="String"),
        ("keyId", "tier"),
    ),
    "ecs-readonly-root-filesystem": (
        TASK,
        lambda g: g.task_definition(),
        lambda g: _task(g, readonlyRootFilesystem=False),
        ("family", "taskRoleArn"),
    ),
    "ecs-non-root-user": (
        TASK,
        lambda g: g.task_definition(),
        lambda g: _task(g, user="0"),
        ("family", "cpu"),
    ),
    "ecs-not-privileged": (
        TASK,
        lambda g: g.task_definition(),
        lambda g: _task(g, privileged=True),
        ("family", "taskRoleArn"),
    ),
    "ecs-capabilities-dropped": (
        TASK,
        lambda g: g.task_definition(),
        lambda g: _task(g, linuxParameters={}),
        ("family", "executionRoleArn"),
    ),
    "ecs-container-logging": (
        TASK,
        lambda g: g.task_definition(),
        lambda g: _task(g, logConfiguration=None),
        ("family", "executionRoleArn"),
    ),
    "ecs-no-host-namespaces": (
        TASK,
        lambda g: g.task_definition(),
        lambda g: g.task_definition(pidMode="host"),
        ("containerDefinitions", "executionRoleArn", "taskRoleArn"),
    ),
    "ecs-distinct-task-roles": (
        TASK,
        lambda g: g.task_definition(),
        lambda g: g.task_definition(taskRoleArn="arn:aws:iam::123456789012:role/web-execution"),
        ("containerDefinitions", "family"),
    ),
    "ecs-efs-transit-encryption": (
        TASK,
        lambda g: g.task_definition(),
        lambda g: g.task_definition(
            volumes=[{"name": "d", "efsVolumeConfiguration": {"fileSystemId": UNKNOWN}}]
        ),
        ("containerDefinitions", "executionRoleArn"),
    ),
    "ecs-no-public-ip": (
        SERVICE,
        lambda g: g.service(),
        lambda g: g.service(networkConfiguration={"subnets": UNKNOWN_ARRAY, "assignPublicIp": True}),
        ("taskDefinition", "cluster", "loadBalancers"),
    ),
    "ecs-platform-version": (
        SERVICE,
        lambda g: g.service(),
        lambda g: g.service(platformVersion="1.3.0"),
        ("taskDefinition", "cluster", "networkConfiguration"),
    ),
    "alb-https-redirect": (
        type_tokens.LISTENER[1],
        lambda g: g.redirect_listener(),
        _listener_http,
        ("loadBalancerArn", "certificateArn"),
    ),
    "alb-tls-policy": (
        type_tokens.LISTENER[0],
        lambda g: g.https_listener(),
        lambda g: g.https_listener(sslPolicy="ELBSecurityPolicy-2016-08"),
        ("loadBalancerArn", "certificateArn", "defaultActions"),
    ),
    "alb-drop-invalid-headers": (
        type_tokens.LOAD_BALANCER[0],
        lambda g: g.load_balancer(),
        lambda g: g.load_balancer(dropInvalidHeaderFields=False),
        ("subnets", "securityGroups", "accessLogs"),
    ),
    "alb-desync-mitigation": (
        type_tokens.LOAD_BALANCER[1],
        lambda g: g.load_balancer(),
        lambda g: g.load_balancer(desyncMitigationMode="monitor"),
        ("subnets", "securityGroups"),
    ),
    "alb-deletion-protection": (
        type_tokens.LOAD_BALANCER[0],
        lambda g: g.load_balancer(),
        lambda g: g.load_balancer(enableDeletionProtection=False),
        ("subnets", "accessLogs"),
    ),
    "alb-access-logs": (
        type_tokens.LOAD_BALANCER[0],
        lambda g: g.load_balancer(),
        lambda g: g.load_balancer(accessLogs={"enabled": False, "bucket": UNKNOWN}),
        ("subnets", "securityGroups"),
    ),
    "security-group-ingress": (
        "aws:ec2/securityGroup:SecurityGroup",
        lambda g: g.security_group(),
        _public_ingress,
        ("vpcId", "egress", "name"),
    ),
    "ecr-immutable-scanned": (
        "aws:ecr/repository:Repository",
        lambda g: g.ecr_repository(),
        lambda g: g.ecr_repository(imageTagMutability="MUTABLE"),
        ("name", "encryptionConfigurations"),
    ),
    "efs-encrypted": (
        "aws:efs/fileSystem:FileSystem",
        lambda g: g.efs_file_system(),
        lambda g: g.efs_file_system(encrypted=False),
        ("kmsKeyId", "performanceMode"),
    ),
}


def with_unknowns(props: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {**props, **dict.fromkeys(keys, UNKNOWN)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unknown_unrelated_properties_do_not_change_results(run, good, name):
    policy = BY_NAME[name]
    type_token, known_good, bad, unrelated = CASES[name]
    assert run.resource(policy, type_token, with_unknowns(known_good(good), unrelated)) == []
    expected = run.resource(policy, type_token, bad(good))
    assert expected, f"{name}: the non-compliant case must fail"
    assert run.resource(policy, type_token, with_unknowns(bad(good), unrelated)) == expected


def test_every_resource_rule_has_an_unknown_case():
    resource_rules = {p.name for p in security.POLICIES if not isinstance(p, StackValidationPolicy)}
    assert resource_rules == set(CASES)


@pytest.mark.parametrize(
    "name",
    [
        "ecs-no-plaintext-secrets",
        "ecs-secrets-from-managed-stores",
        "ecs-readonly-root-filesystem",
        "ecs-non-root-user",
        "ecs-not-privileged",
        "ecs-capabilities-dropped",
        "ecs-container-logging",
    ],
)
def test_container_rules_raise_on_unknown_container_definitions(run, good, name):
    # During preview a containerDefinitions string that embeds an output is unknown as a whole: the rule
    # raises and the SDK reports "can't run ... during preview" (advisory), never a violation.
    with pytest.raises(UnknownValueError):
        run.resource(BY_NAME[name], TASK, good.task_definition(containerDefinitions=UNKNOWN))


def test_stack_rule_ignores_unknowns_it_does_not_need(run):
    trust = json.dumps(
        {
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "*"}
            ]
        }
    )
    role = run.res(
        "aws:iam/role:Role",
        "task",
        {"name": "task", "arn": UNKNOWN, "assumeRolePolicy": trust, "description": UNKNOWN, "tags": UNKNOWN},
    )
    policy = json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    role_policy = run.res(
        "aws:iam/rolePolicy:RolePolicy", "p", {"role": "task", "policy": policy, "name": UNKNOWN}
    )
    task = run.res(TASK, "web", {"family": UNKNOWN, "containerDefinitions": UNKNOWN, "taskRoleArn": UNKNOWN})
    reported = run.stack(BY_NAME["iam-task-role-no-wildcards"], [role, role_policy, task])
    assert [m.split(" must ")[0] for m, _ in reported] == ["IAM role policy 'p' statement 0"] * 2


@pytest.mark.parametrize("policy", security.POLICIES, ids=lambda p: p.name)
def test_conventions(policy):
    assert policy.description.startswith("Checks that ")
    assert policy.enforcement_level in (common.ADVISORY, common.MANDATORY)
    schema = policy.config_schema
    if schema is not None:
        for key, prop in schema.properties.items():
            assert "default" in prop and "description" in prop, key


def test_names_are_unique_and_cover_the_catalogue():
    names = [p.name for p in security.POLICIES]
    assert len(names) == len(set(names))
    assert set(names) == {
        "ecs-no-plaintext-secrets", "ecs-secrets-from-managed-stores", "ssm-secret-parameters-secure",
        "ecs-no-public-ip", "ecs-readonly-root-filesystem", "ecs-non-root-user", "ecs-not-privileged",
        "ecs-no-host-namespaces", "ecs-capabilities-dropped", "ecs-container-logging", "ecs-platform-version",
        "ecs-distinct-task-roles", "iam-task-role-no-wildcards", "alb-https-redirect", "alb-tls-policy",
        "alb-drop-invalid-headers", "alb-desync-mitigation", "alb-deletion-protection", "alb-access-logs",
        "security-group-ingress", "ecr-immutable-scanned", "efs-encrypted", "ecs-efs-transit-encryption",
    }  # fmt: skip


MANDATORY = {
    "ecs-no-plaintext-secrets", "ecs-secrets-from-managed-stores", "ssm-secret-parameters-secure",
    "ecs-not-privileged", "ecs-no-host-namespaces", "ecs-no-public-ip", "iam-task-role-no-wildcards",
    "security-group-ingress", "efs-encrypted",
}  # fmt: skip


@pytest.mark.parametrize("policy", security.POLICIES, ids=lambda p: p.name)
def test_default_enforcement_levels(policy):
    expected = common.MANDATORY if policy.name in MANDATORY else common.ADVISORY
    assert policy.enforcement_level == expected
