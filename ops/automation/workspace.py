"""Stacks through the Automation API: a LocalWorkspace on the project directory, a stack selected (or
created), config copied between stacks (review stacks) and image tags pinned for a deployment.

Everything here talks to `pulumi.automation` through one object, the *automation module*: the real
`pulumi.automation` by default, or a test double with the same names (`LocalWorkspace`, `Stack`,
`ConfigValue` and the error classes). Nothing imports `pulumi.automation` at module import time, so
`python -m ops --help` stays fast and `require_pulumi_cli` can explain a missing CLI before the SDK is
touched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ops.automation.errors import OpsError
from ops.automation.project import PROJECT_NAMESPACE, Project


@dataclass
class StackHandle:
    """A selected stack, the automation module it came from (for its error classes) and the project."""

    auto: Any
    stack: Any
    name: str
    project: Project

    @property
    def workspace(self) -> Any:
        return self.stack.workspace


def open_stack(auto: Any, name: str, project: Project, *, create: bool = False) -> StackHandle:
    """A LocalWorkspace on the project directory and the stack `name` selected (or created)."""
    workspace = auto.LocalWorkspace(work_dir=str(project.root))
    stack = auto.Stack.create_or_select(name, workspace) if create else auto.Stack.select(name, workspace)
    return StackHandle(auto=auto, stack=stack, name=name, project=project)


def copy_config(handle: StackHandle, source_stack: str) -> list[str]:
    """Copy every config value of `source_stack` into the handle's stack (secrets stay secrets).

    Structured values arrive from `pulumi config --json` as JSON text and are stored the same way;
    `Config.require_object` reads both forms alike. Returns the copied keys.
    """
    config = handle.workspace.get_all_config(source_stack)
    if not config:
        raise OpsError(
            f"error: stack '{source_stack}' has no config to copy into '{handle.name}'. "
            f"Check `pulumi config --stack {source_stack}` and Pulumi.{source_stack}.yaml."
        )
    handle.stack.set_all_config(config)
    return sorted(config)


def _path_segment(name: str) -> str:
    return f".{name}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name) else f"[{json.dumps(name)}]"


def pin_image_tags(handle: StackHandle, tag: str) -> list[str]:
    """Set `services.<name>.image.tag` to `tag` for every service whose image is an ECR `repository`.

    Used by CI to deploy the images it built for a commit (tagged with the commit SHA). Services whose
    image is a full URI or a `build:` directory are left alone. Returns the service names updated.
    """
    key = f"{PROJECT_NAMESPACE}:services"
    config = handle.stack.get_all_config()
    if key not in config:
        raise OpsError(f"error: stack '{handle.name}' has no {key} config; nothing to tag with {tag}.")
    try:
        services = json.loads(config[key].value)
    except (TypeError, ValueError) as exc:
        raise OpsError(f"error: {key} of stack '{handle.name}' is not a JSON object: {exc}") from exc
    if not isinstance(services, dict):
        raise OpsError(f"error: {key} of stack '{handle.name}' must be a mapping of service names.")
    updated: list[str] = []
    for service, spec in services.items():
        image = spec.get("image") if isinstance(spec, dict) else None
        if isinstance(image, dict) and "repository" in image:
            path = f"{key}{_path_segment(service)}.image.tag"
            handle.stack.set_config(path, handle.auto.ConfigValue(value=tag), path=True)
            updated.append(service)
    return updated
