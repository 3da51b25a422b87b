"""The GitHub Actions workflows: valid against GitHub's workflow schema, and saying what they must.

The schema is the one `check-jsonschema` vendors (`vendor.github-workflows`); the files are parsed with
its own YAML 1.2 loader, so `on:` stays a key (YAML 1.1 loaders turn it into `True`).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from check_jsonschema.builtin_schemas import get_builtin_schema
from check_jsonschema.parsers import ParserSet
from jsonschema.validators import validator_for

from ops.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = ("ci.yml", "preview.yml", "deploy.yml")
SETUP = "python3 -m venv venv && ./venv/bin/pip install -r requirements-dev.txt"
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$")


def load(name: str) -> dict[str, Any]:
    return ParserSet().parse_file(WORKFLOWS / name, "yaml")


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]


def runs(workflow: dict[str, Any], job: str) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow, job))


def uses(workflow: dict[str, Any], job: str) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(workflow, job) if "uses" in step]


def validator() -> Any:
    schema = get_builtin_schema("vendor.github-workflows")
    return validator_for(schema)(schema)


@pytest.mark.parametrize("name", NAMES)
def test_workflow_is_valid_against_the_github_workflow_schema(name: str) -> None:
    document = load(name)
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(document)
    ]
    assert errors == []


def test_the_schema_check_catches_a_broken_workflow() -> None:
    broken = load("ci.yml")
    del broken["jobs"]["test"]["runs-on"]
    broken["on"] = {"pull_request": {"branchez": ["main"]}}
    assert len(list(validator().iter_errors(broken))) >= 1


@pytest.mark.parametrize("name", NAMES)
def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version(name: str) -> None:
    text = (WORKFLOWS / name).read_text()
    lines = [line for line in text.splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert lines, f"{name} uses no actions?"
    unpinned = [line.strip() for line in lines if not PINNED.match(line)]
    assert unpinned == []


def test_ci_runs_lint_types_tests_and_the_offline_check_for_dev_and_prod() -> None:
    ci = load("ci.yml")
    assert set(ci["on"]) == {"pull_request", "push"}
    assert ci["on"]["push"] == {"branches": ["main"]}
    setup = next(step for step in steps(ci, "test") if "setup-python" in step.get("uses", ""))
    assert setup["with"]["python-version"] == "3.11"
    commands = [step.get("run", "") for step in steps(ci, "test")]
    assert SETUP in commands
    for expected in (
        "./venv/bin/ruff check .",
        "./venv/bin/pyright",
        "./venv/bin/python -m pytest",
        "./venv/bin/python -m ops check --stack dev",
        "./venv/bin/python -m ops check --stack prod",
    ):
        assert expected in commands
    assert commands.index(SETUP) < commands.index("./venv/bin/python -m pytest")
    assert "secrets." not in (WORKFLOWS / "ci.yml").read_text()  # CI needs no credentials


def test_preview_uses_oidc_when_configured_and_posts_the_policy_preview_on_the_pr() -> None:
    preview = load("preview.yml")
    assert set(preview["on"]) == {"pull_request"}
    job = preview["jobs"]["preview"]
    assert "vars.AWS_ROLE_ARN != ''" in job["if"]
    assert preview["permissions"]["id-token"] == "write"
    assert preview["permissions"]["pull-requests"] == "write"
    credentials = next(s for s in job["steps"] if "configure-aws-credentials" in s.get("uses", ""))
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_ROLE_ARN }}"
    commands = runs(preview, "preview")
    assert (
        "pulumi preview --stack dev --policy-pack policy --policy-pack-config policy/config/dev.json"
        in commands
    )
    assert SETUP in commands
    assert 'gh pr comment "$PR" --body-file comment.md' in commands
    assert uses(preview, "preview").index("aws-actions/configure-aws-credentials") < next(
        i for i, s in enumerate(job["steps"]) if "pulumi preview" in s.get("run", "")
    )


def test_deploy_builds_sha_tagged_images_then_dev_on_main_and_prod_on_tags_behind_production() -> None:
    deploy = load("deploy.yml")
    assert deploy["on"]["push"] == {"branches": ["main"], "tags": ["v*"]}
    images = deploy["jobs"]["images"]
    build = next(s for s in images["steps"] if "docker push" in s.get("run", ""))
    assert build["env"]["IMAGE_TAG"] == "${{ github.sha }}"
    assert "${registry}/${name}:${IMAGE_TAG}" in build["run"]

    dev, prod = deploy["jobs"]["dev"], deploy["jobs"]["prod"]
    assert dev["needs"] == "images" and prod["needs"] == "images"
    assert dev["if"] == "${{ github.ref == 'refs/heads/main' }}"
    assert prod["if"] == "${{ startsWith(github.ref, 'refs/tags/v') }}"
    assert prod["environment"] == {"name": "production"}
    up = './venv/bin/python -m ops up --stack {} --yes --image-tag "${{{{ github.sha }}}}"'
    assert up.format("dev") in runs(deploy, "dev")
    assert up.format("prod") in runs(deploy, "prod")
    assert "--stack prod" not in runs(deploy, "dev")


@pytest.mark.parametrize("name", ["ci.yml", "deploy.yml"])
def test_every_ops_command_in_a_workflow_parses_with_the_real_cli(name: str) -> None:
    text = re.sub(r"\$\{\{[^}]*\}\}", "VALUE", (WORKFLOWS / name).read_text())
    lines = [line.strip() for line in text.splitlines()]
    commands = [
        line.removeprefix("run: ") for line in lines if "-m ops " in line and not line.startswith("#")
    ]
    assert commands
    for command in commands:
        argv = shlex.split(command.split("-m ops ", 1)[1])
        parsed = build_parser().parse_args(argv)
        assert callable(parsed.handler)


def test_the_policy_config_the_preview_names_exists() -> None:
    assert (ROOT / "policy" / "config" / "dev.json").is_file()
