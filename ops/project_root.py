"""Where the Pulumi project is: the nearest directory with a Pulumi.yaml from the current directory up, as the
Pulumi CLI finds it. So `python -m ops …` and the `fargate-platform` console script work from any directory
inside the project (docs/, tests/, …). Shared by the offline commands and the stack commands."""

from __future__ import annotations

from pathlib import Path

PROJECT_FILE = "Pulumi.yaml"
# The repository this package was loaded from (an editable install or a checkout).
PACKAGE_PROJECT = Path(__file__).resolve().parents[1]


def find_project_root(start: Path | None = None) -> Path | None:
    """The nearest directory from `start` (default: the current directory) upwards that has a Pulumi.yaml."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / PROJECT_FILE).is_file():
            return directory
    return None


def default_project_root(start: Path | None = None) -> Path:
    """`find_project_root`, else the project this package belongs to (run from outside any project)."""
    return find_project_root(start) or PACKAGE_PROJECT
