"""Every recorded task definition, as RegisterTaskDefinition parameters, passes botocore's ECS model.

pulumi-aws spells a few fields differently from the ECS API (`ephemeralStorage.sizeInGib` vs `sizeInGiB`,
tags as a map vs a list of {key, value}); the conversion below maps them and fails on any field it does not
know, so a new input cannot slip past the check.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.session import get_session
from botocore.validate import ParamValidator
from program_support import (
    PROGRAM,
    PROJECT,
    ROOT,
    TASK_DEFINITION,
    component_plan,
    example_config,
    of_type,
    stack_plan,
)

from ops.recording import Plan, RecordedResource, run_program

_SAME = {
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "runtimePlatform",
    "pidMode",
    "ipcMode",
    "volumes",
    "placementConstraints",
    "proxyConfiguration",
}
_PULUMI_ONLY = {"skipDestroy", "trackLatest", "region", "tagsAll"}


def register_params(task: RecordedResource) -> dict[str, Any]:
    """RegisterTaskDefinition parameters from a recorded aws:ecs/taskDefinition:TaskDefinition's inputs."""
    params: dict[str, Any] = {}
    for key, value in task.inputs.items():
        if key in _SAME:
            params[key] = value
        elif key == "containerDefinitions":
            params[key] = json.loads(value)
        elif key == "ephemeralStorage":
            params[key] = {"sizeInGiB": value["sizeInGib"]}
        elif key == "tags":
            params[key] = [{"key": k, "value": v} for k, v in value.items()]
        elif key not in _PULUMI_ONLY:
            raise AssertionError(f"{task.urn}: input {key} has no known RegisterTaskDefinition mapping")
    return params


SHAPE = get_session().get_service_model("ecs").operation_model("RegisterTaskDefinition").input_shape


def assert_valid(plan: Plan) -> int:
    tasks = of_type(plan, TASK_DEFINITION)
    for task in tasks:
        params = register_params(task)
        report = ParamValidator().validate(params, SHAPE)
        assert not report.has_errors(), f"{task.urn}:\n{report.generate_report()}"
        for definition in params["containerDefinitions"]:
            for mapping in definition.get("portMappings", []):
                # awsvpc: the host port must equal the container port (or be omitted).
                assert mapping.get("hostPort", mapping["containerPort"]) == mapping["containerPort"], task.urn
            add = definition.get("linuxParameters", {}).get("capabilities", {}).get("add", [])
            assert set(add) <= {"SYS_PTRACE"}, (
                f"{task.urn}: Fargate only accepts adding SYS_PTRACE, got {add}"
            )
        volumes = {v["name"] for v in params.get("volumes", [])}
        for definition in params["containerDefinitions"]:
            for mount in definition.get("mountPoints", []):
                assert mount["sourceVolume"] in volumes, (
                    f"{task.urn}: {mount['sourceVolume']} is not a volume"
                )
        cpu = sum(d.get("cpu", 0) for d in params["containerDefinitions"])
        memory = sum(d.get("memory", 0) for d in params["containerDefinitions"])
        assert cpu <= int(params["cpu"]) and memory <= int(params["memory"]), task.urn
    return len(tasks)


def test_conversion_renames_pulumi_spellings() -> None:
    task = RecordedResource(
        type=TASK_DEFINITION,
        name="t",
        urn="urn:t",
        parent="",
        inputs={
            "family": "f",
            "containerDefinitions": "[]",
            "ephemeralStorage": {"sizeInGib": 30},
            "tags": {"a": "b"},
            "skipDestroy": False,
        },
        secret_paths=(),
        custom=True,
        protect=False,
        retain_on_delete=False,
        depends_on=(),
        provider="",
    )
    assert register_params(task) == {
        "family": "f",
        "containerDefinitions": [],
        "ephemeralStorage": {"sizeInGiB": 30},
        "tags": [{"key": "a", "value": "b"}],
    }


def test_the_model_rejects_what_aws_would() -> None:
    bad = {"family": "f", "containerDefinitions": [{"name": "a", "image": "x", "portMapping": []}]}
    assert ParamValidator().validate(bad, SHAPE).has_errors()
    wrong_case = {"family": "f", "containerDefinitions": [], "ephemeralStorage": {"sizeInGib": 30}}
    assert ParamValidator().validate(wrong_case, SHAPE).has_errors()


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_task_definitions_are_valid(stack: str) -> None:
    assert assert_valid(stack_plan(stack)) >= 2


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT / "examples").glob("*.yaml")))
def test_example_task_definitions_are_valid(example: str) -> None:
    plan = run_program(
        PROGRAM, project=PROJECT, stack="example", config=example_config(ROOT / "examples" / example)
    )
    assert assert_valid(plan) >= 1


def test_full_featured_service_task_definition_is_valid() -> None:
    # EFS with access point, an existing file system, scratch volumes, three containers, ephemeral storage.
    assert assert_valid(component_plan("service")) == 2
