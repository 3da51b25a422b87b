"""Which policy pack config a stack runs with, for the offline check and the stack commands alike.

A stack's own `policy/config/<stack>.json` first; without one, the file of the stack's environment
(`<project>:environment`: `policy/config/dev.json`, `staging.json`, `prod.json`), so a new stack `qa` with
`environment: dev` is checked like dev instead of silently with the pack's prod-like defaults; with neither,
the policies' defaults, said so. The choice carries its reason, which the commands print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class PackConfigChoice:
    path: Path | None  # the --policy-pack-config file, None for the policies' defaults
    source: str  # "option" (given on the command line) | "stack" | "environment" | "none"
    reason: str  # why, for people: "stack dev", "environment staging", "no policy/config/qa.json, and …"

    def describe(self, root: Path) -> str:
        """`policy/config/dev.json (environment dev)`, or `none (…)`."""
        return f"{display_path(self.path, root) if self.path else 'none'} ({self.reason})"


def display_path(path: Path, root: Path) -> str:
    """`path` relative to the project when inside it (policy/config/dev.json), else as given."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def choose_pack_config(
    pack_dir: Path, stack: str, environment: str | None, *, root: Path, namespace: str
) -> PackConfigChoice:
    """The stack's own config file, else its environment's, else none (see the module docstring)."""
    config_dir = pack_dir / "config"
    own = config_dir / f"{stack}.json"
    if own.is_file():
        return PackConfigChoice(own, "stack", f"stack {stack}")
    no_own = f"no {display_path(own, root)}"
    if environment is None:
        return PackConfigChoice(None, "none", f"{no_own}, and the stack sets no {namespace}:environment")
    if _PLAIN_NAME.fullmatch(environment) is None:
        return PackConfigChoice(None, "none", f"{no_own}, and {namespace}:environment is not a name")
    by_environment = config_dir / f"{environment}.json"
    if by_environment.is_file():
        return PackConfigChoice(by_environment, "environment", f"environment {environment}")
    shown = display_path(by_environment, root)
    return PackConfigChoice(None, "none", f"{no_own}, and no {shown} for environment {environment}")


def stack_file_environment(stack_file: Path, namespace: str) -> str | None:
    """`<namespace>:environment` of a Pulumi.<stack>.yaml, None when unset or unreadable (the Pulumi CLI
    reports a broken stack file itself)."""
    import yaml

    try:
        document = yaml.safe_load(stack_file.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None
    config = document.get("config") if isinstance(document, dict) else None
    if not isinstance(config, dict):
        return None
    value = config.get(f"{namespace}:environment", config.get("environment"))
    return value if isinstance(value, str) else None
