"""The rules of the house (DESIGN.md §3), read from the source: which folder may import which, and no cycles.

Module-level imports only (imports inside functions are the lazy loads `ops` uses to keep `--help` fast);
`if TYPE_CHECKING:` blocks count too, so a cycle cannot hide behind one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROGRAM_PACKAGES = ("config", "components", "ops")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    nodes: list[ast.stmt] = list(tree.body)
    while nodes:
        node = nodes.pop()
        if isinstance(node, ast.If):  # `if TYPE_CHECKING:` and friends
            nodes.extend(node.body + node.orelse)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _graph(package: str) -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in (ROOT / package).rglob("*.py")}
    return {
        name: {m for m in _top_level_imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt]
            if nxt not in state and (found := visit(nxt, [*trail, nxt])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


MAX_LINES = 450
"""Files stay under ~450 lines, named for what they hold (tests may run longer)."""


@pytest.mark.parametrize("package", ["config", "components", "policy", "ops"])
def test_every_module_is_under_the_size_limit(package: str) -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / package).rglob("*.py")
        if "venv" not in path.parts
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


@pytest.mark.parametrize("package", ["config", "components"])  # ops: tests/ops/test_ops_layout.py, stricter
def test_no_import_cycles(package: str) -> None:
    graph = _graph(package)
    # Importing a package runs its __init__, which may re-export its modules: that edge is not a cycle.
    without_init = {m: {d for d in deps if d != package} for m, deps in graph.items()}
    assert _cycle(without_init) is None


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("config", ("components", "ops", "policy", "pulumi_aws", "pulumi_awsx")),
        ("components", ("ops", "policy")),
        ("policy", PROGRAM_PACKAGES),
    ],
)
def test_folders_import_only_downwards(package: str, forbidden: tuple[str, ...]) -> None:
    offending = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / package).rglob("*.py")
        if "venv" not in path.parts
        for name in _top_level_imports(path)
        if name.split(".")[0] in forbidden
    }
    assert sorted(offending) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
