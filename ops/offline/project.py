"""Load a Pulumi project and one stack's config the way the Pulumi CLI does, without the CLI.

`Pulumi.yaml` gives the project name, the program (`main:`, default the project directory's `__main__.py`)
and the `config:` block (each key's `default`, or `value` for keys of other namespaces such as `aws:region`).
`Pulumi.<stack>.yaml` gives the stack's values, which win. Keys without a namespace belong to the project.
Values are handed to the program as the CLI hands them: strings, structured values JSON-encoded.

`secure:` values cannot be decrypted offline (no passphrase, no service): each becomes an opaque placeholder
that the program receives as a secret, so code paths that handle secrets run, and a placeholder that shows up
in a plain resource input points at a leak.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ops.offline.stack_files import ProjectError, read_yaml

__all__ = ["ProjectError", "StackConfig", "list_stacks", "load_stack", "secret_placeholder"]

SECRET_PLACEHOLDER_PREFIX = "offline-secret-"
DEFAULT_REGION = "us-east-1"
_PROJECT_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")  # what the Pulumi CLI accepts as a project name
# Top-level keys of a Pulumi.<stack>.yaml (everything else a stack sets goes under `config:`).
STACK_FILE_KEYS = frozenset({"config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt"})


def _matches_type(value: Any, declared: str) -> bool:
    """The CLI's check of a stack value against a declared type: it sees a scalar as its text, a structured
    value as data (so `"8000"` is an integer and `"true"` a boolean). Unknown type names are not checked."""
    if declared == "array":
        return isinstance(value, list)
    if declared not in ("string", "integer", "boolean"):
        return True
    if isinstance(value, dict | list):
        return False
    text = _to_config_string(value)
    if declared == "integer":
        return re.fullmatch(r"[+-]?\d+", text) is not None
    if declared == "boolean":
        return text in ("true", "false")
    return True


@dataclass(frozen=True)
class StackConfig:
    project: str
    stack: str
    project_dir: Path
    program: Path  # the program file run_program runs
    stack_file: Path
    config: dict[str, str]  # full keys → string values (structured values JSON-encoded)
    secret_keys: tuple[str, ...]  # keys whose values came from `secure:` (placeholders)

    @property
    def region(self) -> str:
        return self.config.get("aws:region") or DEFAULT_REGION

    def program_args(self) -> dict[str, Any]:
        """The keyword arguments of ``ops.offline.recording.run_program`` for this stack (but the program)."""
        return {
            "project": self.project,
            "stack": self.stack,
            "config": self.config,
            "secret_keys": self.secret_keys,
        }


def secret_placeholder(key: str, ciphertext: str) -> str:
    """The opaque value a `secure:` config value becomes offline (stable per key and ciphertext)."""
    digest = hashlib.sha256(f"{key}\0{ciphertext}".encode()).hexdigest()[:12]
    return f"{SECRET_PLACEHOLDER_PREFIX}{digest}"


def list_stacks(project_dir: Path) -> list[str]:
    """Stack names that have a `Pulumi.<stack>.yaml` next to `Pulumi.yaml`."""
    names = []
    for path in Path(project_dir).glob("Pulumi.*.yaml"):
        name = path.name[len("Pulumi.") : -len(".yaml")]
        if name:
            names.append(name)
    return sorted(names)


def _full_key(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _to_config_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def _replace_secure(value: Any, key: str) -> tuple[Any, bool]:
    """Swap `{secure: <ciphertext>}` (at any depth) for placeholders; True when any was found."""
    if isinstance(value, dict):
        if set(value) == {"secure"} and isinstance(value["secure"], str):
            return secret_placeholder(key, value["secure"]), True
        found = False
        out = {}
        for k, v in value.items():
            out[k], inner = _replace_secure(v, key)
            found = found or inner
        return out, found
    if isinstance(value, list):
        items = [_replace_secure(v, key) for v in value]
        return [v for v, _ in items], any(f for _, f in items)
    return value, False


def _project_declarations(
    block: Any, project: str
) -> tuple[dict[str, Any], dict[str, str], set[str], set[str]]:
    """From Pulumi.yaml's `config:` block: values/defaults, declared types, required keys and keys declared
    `secret: true`. As the CLI: a project key declared without a default must be set by each stack; a key of
    another namespace (`aws:region`) takes `value:`, never `default:`. (The CLI does not reject stack keys
    the block does not declare, and neither do we.)"""
    if block is None:
        return {}, {}, set(), set()
    if not isinstance(block, dict):
        raise ProjectError("Pulumi.yaml: `config` must be a mapping of key → declaration")
    defaults: dict[str, Any] = {}
    types: dict[str, str] = {}
    required: set[str] = set()
    secret: set[str] = set()
    declaration_keys = {"type", "description", "default", "value", "secret", "items"}
    for key, decl in block.items():
        full = _full_key(str(key), project)
        own = full.split(":", 1)[0] == project
        if isinstance(decl, dict) and decl and set(decl) <= declaration_keys:
            if not own and "default" in decl:
                raise ProjectError(
                    f"Pulumi.yaml: config key {key!r} is not namespaced by the project and should not define "
                    "a default value; use `value:` instead of `default:`"
                )
            if "default" in decl:  # the CLI prefers `default` when both are given
                defaults[full] = decl["default"]
            elif "value" in decl:
                defaults[full] = decl["value"]
            elif own:
                required.add(full)
            if isinstance(decl.get("type"), str):
                types[full] = decl["type"]
            if decl.get("secret") is True:
                secret.add(full)
        else:
            defaults[full] = decl  # short form `key: value`
    return defaults, types, required, secret


def _bare(key: str) -> str:
    return key.split(":", 1)[1]


def _stray_config_keys(doc: dict[str, Any], project: str, declared: set[str], file_name: str) -> list[str]:
    """Config keys written at the top of a stack file instead of under `config:` (a key with a namespace,
    a key Pulumi.yaml declares, or `environment: dev` — a stack file's own `environment` lists ESC
    environments, never a plain word)."""
    stray = []
    for key, value in doc.items():
        if key in STACK_FILE_KEYS and not (key == "environment" and isinstance(value, str | int | float)):
            continue
        full = _full_key(key, project)
        if ":" in key or full in declared:
            stray.append(full)
    if not stray:
        return []
    if len(stray) == 1:
        return [
            f"{file_name}: {stray[0]}: config keys belong under `config:`; move it under a top-level "
            "`config:` line, indented"
        ]
    named = ", ".join(stray[:3]) + (f" and {len(stray) - 3} more" if len(stray) > 3 else "")
    return [
        f"{file_name}: {named}: config keys belong under `config:`; move them under a top-level `config:` "
        "line, indented"
    ]


def _missing_required(missing: list[str], undeclared: set[str], file_name: str) -> list[str]:
    """A problem per missing required key; a stack key that looks like a typo of it is named instead."""
    problems = []
    unknown = sorted(k for k in undeclared if ":" in k)
    for key in missing:
        namespace = key.split(":", 1)[0]
        candidates = [k for k in unknown if k.split(":", 1)[0] == namespace]
        close = difflib.get_close_matches(_bare(key), [_bare(k) for k in candidates], n=1, cutoff=0.6)
        if close:
            typo = f"{namespace}:{close[0]}"
            unknown.remove(typo)
            problems.append(f"{file_name}: {typo}: unknown key; did you mean {_bare(key)}?")
        else:
            problems.append(f"{file_name}: missing required config {key!r}; set it in the stack file")
    return problems


def load_stack(project_dir: Path, stack: str) -> StackConfig:
    """Project + stack config as the CLI would pass it to the program. Raises ProjectError."""
    project_dir = Path(project_dir).resolve()
    project_file = project_dir / "Pulumi.yaml"
    if not project_file.is_file():
        raise ProjectError(
            f"{project_dir}: no Pulumi.yaml; run from the project directory or pass --project-dir"
        )
    project_doc = read_yaml(project_file)
    if not isinstance(project_doc, dict) or not isinstance(project_doc.get("name"), str):
        raise ProjectError("Pulumi.yaml: `name` (the project name) is required")
    project = project_doc["name"]
    if _PROJECT_NAME.fullmatch(project) is None:
        raise ProjectError(
            f"Pulumi.yaml: project name {project!r} is not valid; use letters, digits, hyphens (-), "
            "underscores (_) and periods (.)"
        )

    main = project_doc.get("main")
    program = project_dir / str(main) if main else project_dir
    if program.is_dir():
        program = program / "__main__.py"
    if not program.is_file():
        raise ProjectError(f"Pulumi.yaml: the program {program} does not exist; check `main:`")

    config_dir = project_dir / str(project_doc.get("stackConfigDir") or ".")
    stack_file = config_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        stacks = list_stacks(config_dir)
        known = ", ".join(stacks) if stacks else "none"
        raise ProjectError(
            f"stack {stack!r} not found: no {stack_file.name} in {config_dir}; stacks: {known}"
        )
    stack_doc = read_yaml(stack_file)
    if stack_doc is None:
        stack_doc = {}
    if not isinstance(stack_doc, dict):
        raise ProjectError(f"{stack_file.name}: expected a mapping with a `config:` key")
    stack_values = stack_doc.get("config") or {}
    if not isinstance(stack_values, dict):
        raise ProjectError(f"{stack_file.name}: `config` must be a mapping of key → value")

    defaults, types, required, declared_secret = _project_declarations(project_doc.get("config"), project)
    declared = set(defaults) | set(types) | required | declared_secret
    stray = _stray_config_keys(stack_doc, project, declared, stack_file.name)
    if stray:
        raise ProjectError("\n".join(stray))
    stack_values_full = {_full_key(str(k), project) for k in stack_values}
    values: dict[str, Any] = dict(defaults)
    secret_keys: list[str] = []
    for key, value in stack_values.items():
        full = _full_key(str(key), project)
        plain, is_secret = _replace_secure(value, full)
        values[full] = plain
        if is_secret:
            secret_keys.append(full)

    missing = sorted(required - set(values))
    problems = _missing_required(missing, stack_values_full - declared, stack_file.name)
    for key in sorted(declared_secret - set(secret_keys)):
        if key in stack_values_full:
            problems.append(
                f"{stack_file.name}: config {key!r} must be encrypted as it is declared secret in "
                "Pulumi.yaml; set it with `pulumi config set --secret`"
            )
    for key, declared_type in types.items():
        if key not in values or key in secret_keys:
            continue
        if not _matches_type(values[key], declared_type):
            problems.append(
                f"{stack_file.name}: config {key!r} must be of type {declared_type} (declared in "
                f"Pulumi.yaml), got {json.dumps(values[key])}"
            )
    if problems:
        raise ProjectError("\n".join(problems))

    return StackConfig(
        project=project,
        stack=stack,
        project_dir=project_dir,
        program=program,
        stack_file=stack_file,
        config={k: _to_config_string(v) for k, v in values.items()},
        secret_keys=tuple(secret_keys),
    )
