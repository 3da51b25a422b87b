"""`python -m ops plan`: load the stack, run the program under mocks, summarise the recorded plan.

The JSON document (`plan --json FILE`, and the `plan` member of `check --json`) is documented in
the README (Offline check). Secret values are shown as "[secret]" (as Pulumi shows them); their paths
are listed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from ops.offline.project import StackConfig, load_stack
from ops.offline.recording import Plan, RecordedResource, run_program

FORMAT_VERSION = 1
SECRET_MASK = "[secret]"


def record(project_dir: Path, stack: str) -> tuple[StackConfig, Plan]:
    """Load `Pulumi.yaml` + `Pulumi.<stack>.yaml` and run the program (ProjectError / ProgramError)."""
    stack_config = load_stack(project_dir, stack)
    return stack_config, run_program(stack_config.program, **stack_config.program_args())


def _mask(value: Any, path: str, secret: frozenset[str]) -> Any:
    """A copy of `value` with the values at `secret` paths masked (paths as the recording builds them)."""
    if path in secret:
        return SECRET_MASK
    if isinstance(value, dict):
        return {k: _mask(v, f"{path}.{k}" if path else str(k), secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v, f"{path}[{i}]", secret) for i, v in enumerate(value)]
    return value


def resource_document(resource: RecordedResource) -> dict[str, Any]:
    inputs = (
        _mask(resource.inputs, "", frozenset(resource.secret_paths))
        if resource.secret_paths
        else resource.inputs
    )
    return {
        "urn": resource.urn,
        "type": resource.type,
        "name": resource.name,
        "parent": resource.parent,
        "custom": resource.custom,
        "protect": resource.protect,
        "retainOnDelete": resource.retain_on_delete,
        "deleteBeforeReplace": resource.delete_before_replace,
        "replaceOnChanges": list(resource.replace_on_changes),
        "ignoreChanges": list(resource.ignore_changes),
        "aliases": list(resource.aliases),
        "dependsOn": list(resource.depends_on),
        "provider": resource.provider,
        "inputs": inputs,
        "secretPaths": list(resource.secret_paths),
    }


def plan_document(stack_config: StackConfig, plan: Plan) -> dict[str, Any]:
    """The documented JSON form of a plan."""
    by_type = Counter(r.type for r in plan.resources)
    secret_outputs = set(plan.secret_outputs)
    return {
        "formatVersion": FORMAT_VERSION,
        "kind": "plan",
        "project": plan.project,
        "stack": plan.stack,
        "region": plan.region,
        "program": stack_config.program.relative_to(stack_config.project_dir).as_posix()
        if stack_config.program.is_relative_to(stack_config.project_dir)
        else str(stack_config.program),
        "secretConfigKeys": list(stack_config.secret_keys),
        "summary": {
            "resources": len(plan.resources),
            "custom": sum(1 for r in plan.resources if r.custom),
            "components": sum(1 for r in plan.resources if not r.custom),
            "byType": dict(sorted(by_type.items())),
        },
        "resources": [resource_document(r) for r in plan.resources],
        "outputs": {k: (SECRET_MASK if k in secret_outputs else v) for k, v in plan.outputs.items()},
        "secretOutputs": list(plan.secret_outputs),
        "messages": list(plan.messages),
    }
