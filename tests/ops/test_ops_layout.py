"""The layout of ops/: two programs in two folders, no import cycles (imports inside functions count too),
light command modules. File sizes: tests/test_layout.py."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPS = ROOT / "ops"


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(OPS.rglob("*.py")):
        if "__pycache__" in path.parts or "pack_boot" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, modules: set[str]) -> set[str]:
    """ops modules imported anywhere in the file (module level or inside functions)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module in modules:
                out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules)
    return out


def test_ops_has_the_two_programs_and_the_one_entry_point() -> None:
    modules = _modules()
    assert {"ops.cli", "ops.offline.commands", "ops.automation.parsers"} <= set(modules)
    top_level = sorted(p.name for p in OPS.glob("*.py"))
    assert top_level == ["__init__.py", "__main__.py", "cli.py", "pack_config.py", "project_root.py"]


def test_no_import_cycles_between_ops_modules() -> None:
    modules = _modules()
    graph = {name: _imports(path, set(modules)) - {name} for name, path in modules.items()}
    cycles: list[list[str]] = []

    def visit(name: str, stack: list[str]) -> None:
        if name in stack:
            cycles.append([*stack[stack.index(name) :], name])
            return
        for dep in sorted(graph[name]):
            visit(dep, [*stack, name])

    for name in graph:
        visit(name, [])
    assert cycles == []


def test_offline_and_automation_do_not_import_each_other() -> None:
    modules = _modules()
    for name, path in modules.items():
        imported = _imports(path, set(modules))
        if name.startswith("ops.offline"):
            assert not [m for m in imported if m.startswith("ops.automation")], name
        if name.startswith("ops.automation"):
            assert not [m for m in imported if m.startswith("ops.offline")], name


def test_help_loads_neither_pulumi_nor_grpc() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from ops.cli import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pulumi', 'grpc', 'yaml', 'google'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "[]"
