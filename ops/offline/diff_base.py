"""The two planning runs of `python -m ops diff`: the base stack file's config and the current one, with the
same program code (the working tree's Pulumi.yaml and program).

BASE is a path to a stack file, or a git revision whose `Pulumi.<stack>.yaml` is read with
`git show REV:<path>` (tried when no file of that name exists). The base file is planned from a scratch
project directory holding a copy of Pulumi.yaml (its `main:` pointing at the real program) and the base text
as `Pulumi.<stack>.yaml`, so `load_stack` reads it exactly as it reads the current one; the program still
runs in the project directory. Every problem with the base is a `BaseError` naming the file or revision.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ops.offline.project import ProjectError, StackConfig, load_stack
from ops.offline.recording import Plan, ProgramConfigError, ProgramError, run_program
from ops.offline.stack_files import read_yaml


class BaseError(Exception):
    """The base stack file cannot be read or planned; the message names it (file or revision:path)."""


@dataclass(frozen=True)
class Base:
    label: str  # what the report calls it: "Pulumi.dev.yaml" or "origin/main:Pulumi.dev.yaml"
    kind: str  # "file" | "git"
    text: bytes


def _stack_file_name(project_dir: Path, stack: str) -> Path:
    """The stack file's path relative to the project (Pulumi.yaml's stackConfigDir honoured)."""
    try:
        doc = read_yaml(project_dir / "Pulumi.yaml")
    except ProjectError:
        doc = None
    config_dir = doc.get("stackConfigDir") if isinstance(doc, dict) else None
    return Path(str(config_dir or ".")) / f"Pulumi.{stack}.yaml"


def read_base(project_dir: Path, stack: str, base: str) -> Base:
    """The base stack file's bytes: a file when `base` names one, else `git show base:<stack file>`."""
    as_path = Path(base)
    if not as_path.is_absolute():
        cwd_path = Path.cwd() / as_path
        as_path = cwd_path if cwd_path.exists() else project_dir / as_path
    if as_path.is_dir():
        raise BaseError(f"base {base}: is a directory; pass a stack file or a git revision")
    if as_path.is_file():
        try:
            return Base(base, "file", as_path.read_bytes())
        except OSError as exc:
            raise BaseError(f"base {base}: cannot read: {exc.strerror}") from None
    relative = _stack_file_name(project_dir, stack).as_posix().removeprefix("./")
    label = f"{base}:{relative}"
    if base.startswith("-"):
        raise BaseError(f"base {base}: not a file and not a git revision")
    try:
        toplevel = subprocess.run(
            ["git", "rev-parse", "--show-prefix"],
            cwd=project_dir,
            capture_output=True,
            text=True,
            check=False,
        )
        if toplevel.returncode != 0:
            raise BaseError(f"base {base}: no such file, and {project_dir} is not in a git repository")
        prefix = toplevel.stdout.strip()
        shown = subprocess.run(
            ["git", "show", f"{base}:{prefix}{relative}"], cwd=project_dir, capture_output=True, check=False
        )
    except OSError as exc:
        raise BaseError(f"base {base}: no such file, and git cannot run: {exc.strerror}") from None
    if shown.returncode != 0:
        why = " ".join(shown.stderr.decode(errors="replace").split()) or f"exit {shown.returncode}"
        raise BaseError(
            f"base {label}: no such file, and git cannot show it ({why[:200]}); pass an existing stack file "
            "or a revision that has it (in CI, fetch the base branch first)"
        )
    return Base(label, "git", shown.stdout)


def _scratch_project(project_dir: Path, stack: str, text: bytes, where: Path) -> Path:
    """A project directory whose Pulumi.yaml runs the real program and whose stack file is `text`."""
    import yaml

    doc = read_yaml(project_dir / "Pulumi.yaml")
    if not isinstance(doc, dict):
        raise ProjectError("Pulumi.yaml: `name` (the project name) is required")
    main = doc.get("main")
    program = project_dir / str(main) if main else project_dir
    doc = {**doc, "main": str(program.resolve())}
    doc.pop("stackConfigDir", None)
    (where / "Pulumi.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    (where / f"Pulumi.{stack}.yaml").write_bytes(text)
    return where


def load_base(project_dir: Path, stack: str, base: Base) -> StackConfig:
    """The base's StackConfig, as `load_stack` gives it for the current file (BaseError naming the base)."""
    with tempfile.TemporaryDirectory(prefix="ops-diff-base-") as tmp:
        try:
            scratch = _scratch_project(project_dir, stack, base.text, Path(tmp))
            config = load_stack(scratch, stack)
        except ProjectError as exc:
            lines = str(exc).replace(tmp + "/", "").splitlines() or ["invalid stack file"]
            raise BaseError("\n".join([f"base {base.label}: {lines[0]}", *lines[1:]])) from None
    return StackConfig(
        project=config.project,
        stack=config.stack,
        project_dir=Path(project_dir).resolve(),
        program=config.program,
        stack_file=Path(base.label),
        config=config.config,
        secret_keys=config.secret_keys,
    )


def plan_base(config: StackConfig, label: str) -> Plan:
    try:
        return run_program(config.program, **config.program_args())
    except ProgramConfigError as exc:
        problems = len(exc.problems)
        head = f"base {label}: invalid stack config ({problems} problem{'s' if problems != 1 else ''}):"
        raise BaseError("\n".join([head, *exc.problems])) from None
    except ProgramError as exc:
        where = f" at {exc.location}" if exc.location else ""
        raise BaseError(f"base {label}: the program failed{where}: {exc.message}") from None


@dataclass(frozen=True)
class Planned:
    base: Base
    base_config: StackConfig
    base_plan: Plan
    config: StackConfig
    plan: Plan


def plan_both(
    project_dir: Path, stack: str, base_ref: str, progress: Callable[[str], None] = lambda _line: None
) -> Planned:
    """Plan the base and the current stack file. BaseError for the base; ProjectError / ProgramError
    (as `plan` raises them) for the current file."""
    base = read_base(project_dir, stack, base_ref)
    current = load_stack(project_dir, stack)  # the current file's errors first: they are the likelier ones
    base_config = load_base(project_dir, stack, base)
    progress(f"planning the base ({base.label}) under mocks")
    base_plan = plan_base(base_config, base.label)
    progress(f"planning {current.stack_file.name} under mocks")
    plan = run_program(current.program, **current.program_args())
    return Planned(base, base_config, base_plan, current, plan)
