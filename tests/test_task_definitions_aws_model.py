"""Every recorded task definition, as RegisterTaskDefinition parameters, passes botocore's ECS model.

pulumi-aws spells a few fields differently from the ECS API (`ephemeralStorage.sizeInGib` vs `sizeInGiB`,
tags as a map vs a list of {key, value}); program_support.register_params maps them and fails on any
field it does not know, so a new input cannot slip past the check.
"""

from __future__ import annotations

import pytest
from botocore.validate import ParamValidator
from program_support import (
    PROGRAM,
    PROJECT,
    ROOT,
    TASK_DEFINITION,
    TASK_DEFINITION_SHAPE,
    assert_task_definitions_valid,
    component_plan,
    example_config,
    register_params,
    stack_plan,
)

from ops.offline.recording import RecordedResource, run_program


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
    assert ParamValidator().validate(bad, TASK_DEFINITION_SHAPE).has_errors()
    wrong_case = {"family": "f", "containerDefinitions": [], "ephemeralStorage": {"sizeInGib": 30}}
    assert ParamValidator().validate(wrong_case, TASK_DEFINITION_SHAPE).has_errors()


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_task_definitions_are_valid(stack: str) -> None:
    assert assert_task_definitions_valid(stack_plan(stack)) >= 2


@pytest.mark.parametrize("example", sorted(p.name for p in (ROOT / "examples").glob("*.yaml")))
def test_example_task_definitions_are_valid(example: str) -> None:
    plan = run_program(
        PROGRAM, project=PROJECT, stack="example", config=example_config(ROOT / "examples" / example)
    )
    assert assert_task_definitions_valid(plan) >= 1


def test_full_featured_service_task_definition_is_valid() -> None:
    # EFS with access point, an existing file system, scratch volumes, three containers, ephemeral storage.
    assert assert_task_definitions_valid(component_plan("service")) == 2
