"""The Pulumi project the stack commands work on: Pulumi.yaml, the Pulumi.<stack>.yaml files, the policy pack
and its config per stack, which stacks are protected, and the names of review stacks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ops.pack_config import PackConfigChoice, choose_pack_config, stack_file_environment
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

    def policy_choice(self, stack: str) -> PackConfigChoice:
        """The pack config of `stack` (ops.pack_config): `policy/config/<stack>.json`, else its
        environment's file; review stacks (`pr-N`) without a file of their own take dev's choice, as they run
        dev's config."""
        source = stack
        if is_review_stack(stack) and not (self.policy_dir / "config" / f"{stack}.json").is_file():
            source = REVIEW_SOURCE_STACK
        environment = stack_file_environment(self.root / f"Pulumi.{source}.yaml", PROJECT_NAMESPACE)
        choice = choose_pack_config(
            self.policy_dir, source, environment, root=self.root, namespace=PROJECT_NAMESPACE
        )
        if source != stack:
            return replace(choice, reason=f"review stack {stack} runs {source}'s config; {choice.reason}")
        return choice

    def policy_config(self, stack: str) -> Path | None:
        """The pack config file of `stack` (see policy_choice), None for the policies' defaults."""
        return self.policy_choice(stack).path

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
        text = stack_file.read_bytes().decode("utf-8", "replace")  # a broken file is the CLI's to report
        return any(pattern.match(line) for line in text.splitlines())


def is_review_stack(stack: str) -> bool:
    return re.fullmatch(r"pr-\d+", stack) is not None


def review_stack_name(pr: int) -> str:
    return f"pr-{pr}"
