"""Fixed physical names across the repository's stacks (issue 9, defect 5): no two stacks may claim one."""

from __future__ import annotations

import functools
from pathlib import Path

from program_support import PROGRAM, PROJECT, ROOT, example_config, stack_plan

from ops.offline.physical_names import name_clashes, physical_names
from ops.offline.project import load_stack
from ops.offline.recorded_plan import Plan, RecordedResource
from ops.offline.recording import run_program

STACK_FILES = sorted(ROOT.glob("Pulumi.*.yaml"))
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@functools.cache
def example_plan(path: Path) -> Plan:
    """An example deployed as a stack named after its file."""
    return run_program(PROGRAM, project=PROJECT, stack=path.stem, config=example_config(path))


def dev_as(stack: str) -> Plan:
    """dev's config deployed under another stack name."""
    sc = load_stack(ROOT, "dev")
    return run_program(
        sc.program, project=sc.project, stack=stack, config=sc.config, secret_keys=sc.secret_keys
    )


def test_the_repository_stacks_and_examples_claim_distinct_names() -> None:
    plans = {f.name.split(".")[1]: stack_plan(f.name.split(".")[1]) for f in STACK_FILES}
    plans.update({f"examples/{p.name}": example_plan(p) for p in EXAMPLES})
    assert len(plans) == len(STACK_FILES) + len(EXAMPLES) >= 7
    assert all(physical_names(p) for p in plans.values()), "every stack fixes some names"
    assert name_clashes(plans) == []


def test_stacks_whose_names_sanitise_alike_no_longer_collide() -> None:
    """`dev.1` and `dev_1` were both `dev-1`: same log groups, SSM paths and task families."""
    plans = {"dev.1": dev_as("dev.1"), "dev_1": dev_as("dev_1")}
    assert name_clashes(plans) == []
    groups = sorted(n.name for p in plans.values() for n in physical_names(p) if n.kind == "log group")
    assert groups == [
        "/ecs/fargate-platform-dev-1-9f32/backend",
        "/ecs/fargate-platform-dev-1-9f32/frontend",
        "/ecs/fargate-platform-dev-1-ea54/backend",
        "/ecs/fargate-platform-dev-1-ea54/frontend",
    ]


def resource(type_: str, logical: str, **inputs: object) -> RecordedResource:
    return RecordedResource(
        type_, logical, f"urn:{logical}", "", dict(inputs), (), True, False, False, (), ""
    )


def test_a_clash_names_the_resource_the_stacks_and_the_fix() -> None:
    log = resource("aws:cloudwatch/logGroup:LogGroup", "logs", name="/ecs/app/api")
    family = resource("aws:ecs/taskDefinition:TaskDefinition", "task", family="app-api")
    auto = resource("aws:iam/role:Role", "role")  # auto-named: never a clash
    ns = resource(
        "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "ns", name="app.local", vpc="vpc-1"
    )
    other_vpc = resource(
        "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "ns", name="app.local", vpc="vpc-2"
    )
    plans = {
        "a": Plan("p", "a", [log, family, auto, ns], {}, region="eu-west-2"),
        "b": Plan("p", "b", [log, auto, other_vpc], {}, region="eu-west-2"),
        "c": Plan("p", "c", [family, family], {}, region="us-east-1"),
    }
    assert name_clashes(plans) == [
        "log group /ecs/app/api (eu-west-2): stacks a, b would all create it in one account; rename a stack "
        "or deploy them to different accounts",
        "task family app-api (us-east-1): stack c creates it 2 times",
    ]
