"""`python -m ops` and the `fargate-platform` console script from any directory inside the project.

Both run in a subprocess without PYTHONPATH, from subdirectories of the repository: they find `ops` through
the editable install of the README's set-up command, and the project by walking up to its Pulumi.yaml."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ops.automation.project import Project
from ops.project_root import PACKAGE_PROJECT, default_project_root, find_project_root

ROOT = Path(__file__).resolve().parents[2]
CONSOLE_SCRIPT = Path(sys.executable).parent / "fargate-platform"


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["NO_COLOR"] = "1"
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("subdirectory", ["docs", "tests", "tests/ops/offline"])
def test_python_m_ops_plan_works_from_a_subdirectory(subdirectory: str) -> None:
    result = _run([sys.executable, "-m", "ops", "plan", "--stack", "dev"], ROOT / subdirectory)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("Plan of fargate-platform/dev (eu-west-2): ")


def test_the_console_script_runs_the_same_cli_from_a_subdirectory() -> None:
    assert CONSOLE_SCRIPT.is_file(), (
        f"{CONSOLE_SCRIPT} is missing: install the project with the README set-up command "
        "(python3 -m venv venv && ./venv/bin/pip install -r requirements-dev.txt)"
    )
    result = _run([str(CONSOLE_SCRIPT), "plan", "--stack", "dev"], ROOT / "tests")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("Plan of fargate-platform/dev (eu-west-2): ")
    missing = _run([str(CONSOLE_SCRIPT), "plan", "--stack", "nope"], ROOT / "docs")
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: stack 'nope' not found: no Pulumi.nope.yaml in ")


def test_project_dir_still_wins_from_outside_the_project(tmp_path: Path) -> None:
    result = _run(
        [sys.executable, "-m", "ops", "plan", "--stack", "dev", "--project-dir", str(ROOT)], tmp_path
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("Plan of fargate-platform/dev")


def test_the_nearest_pulumi_yaml_upwards_is_the_project(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: outer\n")
    inner = tmp_path / "apps" / "inner"
    (inner / "src" / "deep").mkdir(parents=True)
    (inner / "Pulumi.yaml").write_text("name: inner\n")
    assert find_project_root(inner / "src" / "deep") == inner
    assert find_project_root(tmp_path / "apps") == tmp_path
    assert find_project_root(Path("/")) in (None, Path("/"))


def test_outside_any_project_the_package_project_is_used(tmp_path: Path) -> None:
    assert find_project_root(tmp_path) is None
    assert default_project_root(tmp_path) == PACKAGE_PROJECT == ROOT


def test_the_stack_commands_find_the_project_from_a_subdirectory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "docs")
    assert Project().root == ROOT
