"""The Pulumi project the stack commands work on: Pulumi.yaml, the Pulumi.<stack>.yaml files, the policy pack
and its config per stack, which stacks are protected, and the names of review stacks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ops.project_root import default_project_root

PROJECT_NAMESPACE = "fargate-platform"
REVIEW_SOURCE_STACK = "dev"


@dataclass(frozen=True)
class Project:
    """The Pulumi project the commands work on: Pulumi.yaml, Pulumi.<stack>.yaml and the policy pack."""

    root: Path = field(default_factory=default_project_root)  # the nearest Pulumi.yaml from the cwd up

    @property
    def policy_dir(self) -> Path:
        return self.root / "policy"

    def policy_config(self, stack: str) -> Path | None:
        """`policy/config/<stack>.json`; review stacks (`pr-N`) use dev's, as they run dev's config."""
        for candidate in (stack, REVIEW_SOURCE_STACK if is_review_stack(stack) else None):
            if candidate is not None:
                path = self.policy_dir / "config" / f"{candidate}.json"
                if path.is_file():
                    return path
        return None

    def policy_arguments(self, stack: str) -> dict[str, list[str]]:
        """`policy_packs` and `policy_pack_configs` for preview/up (a config only when its file exists)."""
        arguments: dict[str, list[str]] = {"policy_packs": [str(self.policy_dir)]}
        config = self.policy_config(stack)
        if config is not None:
            arguments["policy_pack_configs"] = [str(config)]
        return arguments

    def stack_files(self) -> list[str]:
        """Stacks that have a Pulumi.<stack>.yaml here."""
        return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in self.root.glob("Pulumi.*.yaml"))

    def is_protected(self, stack: str) -> bool:
        """prod, or any stack whose Pulumi.<stack>.yaml declares `fargate-platform:environment: prod`."""
        if stack == "prod":
            return True
        stack_file = self.root / f"Pulumi.{stack}.yaml"
        if not stack_file.is_file():
            return False
        pattern = re.compile(rf"^\s*{re.escape(PROJECT_NAMESPACE)}:environment:\s*['\"]?prod['\"]?\s*(#.*)?$")
        return any(pattern.match(line) for line in stack_file.read_text(encoding="utf-8").splitlines())


def is_review_stack(stack: str) -> bool:
    return re.fullmatch(r"pr-\d+", stack) is not None


def review_stack_name(pr: int) -> str:
    return f"pr-{pr}"
