"""Helpers for the program tests: run the real program (or a small component program) under mocks with
ops.offline.recording, and query the recorded plan. Assertions use plain recorded data, never values in
`apply`."""

from __future__ import annotations

import functools
import json
import urllib.parse
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from botocore.session import get_session
from botocore.validate import ParamValidator

from ops.offline.project import load_stack
from ops.offline.recording import Plan, RecordedResource, run_program

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = ROOT / "__main__.py"
COMPONENT_PROGRAMS = ROOT / "tests" / "components" / "programs"
PROJECT = "fargate-platform"

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
ECS_SERVICE = "aws:ecs/service:Service"


@functools.cache
def stack_plan(stack: str) -> Plan:
    """The recorded plan of `Pulumi.<stack>.yaml` (cached: tests only read it)."""
    sc = load_stack(ROOT, stack)
    return run_program(
        sc.program, project=sc.project, stack=sc.stack, config=sc.config, secret_keys=sc.secret_keys
    )


def config_strings(values: Mapping[str, Any]) -> dict[str, str]:
    """Config values as the CLI hands them to a program: strings, structured values JSON-encoded."""
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}


def example_config(path: Path) -> dict[str, str]:
    """The `config:` block of an examples/*.yaml file (same format as a Pulumi.<stack>.yaml)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return config_strings(document["config"])


def run_platform(
    top: Mapping[str, Any],
    *,
    stack: str = "test",
    region: str = "eu-west-2",
    stack_secrets: Mapping[str, str] | None = None,
) -> Plan:
    """Run __main__.py with the given top-level `fargate-platform:*` values (and stack secrets)."""
    config = {f"{PROJECT}:{k}": v for k, v in top.items()}
    config["aws:region"] = region
    secrets = {f"{PROJECT}:{k}": v for k, v in (stack_secrets or {}).items()}
    config.update(secrets)
    return run_program(
        PROGRAM, project=PROJECT, stack=stack, config=config_strings(config), secret_keys=sorted(secrets)
    )


@functools.cache
def component_plan(program: str) -> Plan:
    """The recorded plan of tests/components/programs/<program>.py (cached)."""
    return run_program(
        COMPONENT_PROGRAMS / f"{program}.py",
        project="components",
        stack="test",
        config={"aws:region": "eu-west-2"},
    )


def one(plan: Plan, type_: str, name: str) -> RecordedResource:
    found = [r for r in plan.resources if r.type == type_ and r.name == name]
    names = sorted(r.name for r in plan.resources if r.type == type_)
    assert len(found) == 1, f"expected one {type_} named {name}; found {len(found)} (names: {names})"
    return found[0]


def of_type(plan: Plan, type_: str, parent: RecordedResource | None = None) -> list[RecordedResource]:
    return [r for r in plan.resources if r.type == type_ and (parent is None or r.parent == parent.urn)]


def descendants(plan: Plan, root: RecordedResource) -> list[RecordedResource]:
    out: list[RecordedResource] = []
    frontier = [root.urn]
    while frontier:
        urn = frontier.pop()
        kids = [r for r in plan.resources if r.parent == urn]
        out += kids
        frontier += [k.urn for k in kids]
    return out


def container_definitions(task_definition: RecordedResource) -> list[dict[str, Any]]:
    raw = task_definition.inputs["containerDefinitions"]
    assert isinstance(raw, str), f"{task_definition.urn}: containerDefinitions must be a JSON string"
    return json.loads(raw)


def policy_document(resource: RecordedResource, key: str = "policy") -> dict[str, Any]:
    return json.loads(resource.inputs[key])


def statements_by_sid(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {s.get("Sid", str(i)): s for i, s in enumerate(document["Statement"])}


def walk_strings(value: Any, path: str = "") -> Iterable[tuple[str, str]]:
    """Every string leaf of an input value with its dotted path (JSON strings are walked parsed too)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk_strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk_strings(v, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


def is_secret_path(resource: RecordedResource, path: str) -> bool:
    return any(path == p or path.startswith((f"{p}.", f"{p}[")) for p in resource.secret_paths)


def recorded_secret_values(plan: Plan, extra: Iterable[str] = ()) -> set[str]:
    """Every value recorded as a Pulumi secret (plus `extra`), and their URL-encoded forms."""
    values: set[str] = set(extra)
    for resource in plan.resources:
        for path, value in walk_strings(resource.inputs):
            if is_secret_path(resource, path):
                values.add(value)
    return values | {urllib.parse.quote(v, safe="") for v in values}


def plaintext_leaks(plan: Plan, values: Iterable[str], min_length: int = 8) -> list[str]:
    """`<urn> <path>` of every plaintext input that contains one of `values` (short values ignored)."""
    needles = {v for v in values if len(v) >= min_length}
    return [
        f"{resource.urn} {path}"
        for resource in plan.resources
        for path, text in walk_strings(resource.inputs)
        if not is_secret_path(resource, path) and any(v in text for v in needles)
    ]


MINIMAL_SERVICE: dict[str, Any] = {
    "image": "nginx:1.27.2",
    "port": 8080,
    "route": {"default": True},
    "healthCheck": {"path": "/healthz"},
}


def minimal_platform(**overrides: Any) -> dict[str, Any]:
    """A small valid dev platform; keyword arguments replace top-level keys."""
    top: dict[str, Any] = {
        "environment": "dev",
        "network": {"natGateways": "none", "taskSubnets": "public"},
        "services": {"web": dict(MINIMAL_SERVICE)},
    }
    top.update(overrides)
    return top


# ------------------------------------------------------------------------------ the ECS API model

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


TASK_DEFINITION_SHAPE = (
    get_session().get_service_model("ecs").operation_model("RegisterTaskDefinition").input_shape
)


def assert_task_definitions_valid(plan: Plan) -> int:
    tasks = of_type(plan, TASK_DEFINITION)
    for task in tasks:
        params = register_params(task)
        report = ParamValidator().validate(params, TASK_DEFINITION_SHAPE)
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
