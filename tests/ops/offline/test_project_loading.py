"""ops/offline/project.py: Pulumi.yaml + Pulumi.<stack>.yaml loaded as the CLI would hand them to the
program."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ops.offline.project import ProjectError, StackConfig, list_stacks, load_stack, secret_placeholder

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "check_app"


def test_fixture_dev_stack() -> None:
    cfg = load_stack(FIXTURE, "dev")
    assert isinstance(cfg, StackConfig)
    assert (cfg.project, cfg.stack, cfg.region) == ("check-fixture", "dev", "eu-west-2")
    assert cfg.program == FIXTURE / "__main__.py"
    placeholder = secret_placeholder("check-fixture:dbPassword", "AAABAJx4bZ1bYQ2h0bXl3Zm9vYmFyYmF6cXV4")
    assert cfg.config == {
        "aws:region": "eu-west-2",  # the stack wins over Pulumi.yaml's value
        "check-fixture:retentionDays": "7",  # Pulumi.yaml default, as a string
        "check-fixture:leakSecret": "false",
        "check-fixture:failWith": "",
        "check-fixture:environment": json.dumps({"LOG_LEVEL": "info", "WORKERS": 2}),
        "check-fixture:dbPassword": placeholder,
    }
    assert cfg.secret_keys == ("check-fixture:dbPassword",)
    assert placeholder.startswith("offline-secret-") and "AAAB" not in placeholder


def test_project_value_applies_when_the_stack_has_none() -> None:
    assert load_stack(FIXTURE, "leaky").config["aws:region"] == "us-east-1"


def test_list_stacks() -> None:
    assert list_stacks(FIXTURE) == ["advisory", "badconfig", "badyaml", "broken", "dev", "leaky", "slow"]


def test_missing_stack_lists_the_stacks_that_exist() -> None:
    with pytest.raises(ProjectError) as info:
        load_stack(FIXTURE, "staging")
    assert str(info.value) == (
        f"stack 'staging' not found: no Pulumi.staging.yaml in {FIXTURE}; "
        "stacks: advisory, badconfig, badyaml, broken, dev, leaky, slow"
    )


def test_bad_yaml_names_file_and_line() -> None:
    with pytest.raises(ProjectError, match=r"^Pulumi\.badyaml\.yaml:4: invalid YAML: "):
        load_stack(FIXTURE, "badyaml")


def write_project(tmp_path: Path, project: str, stack: str, stack_text: str) -> Path:
    (tmp_path / "Pulumi.yaml").write_text(project)
    (tmp_path / f"Pulumi.{stack}.yaml").write_text(stack_text)
    (tmp_path / "__main__.py").write_text("")
    return tmp_path


PROJECT = """\
name: demo
runtime: python
config:
  port:
    type: integer
    default: 8000
  owner:
    type: string
    description: required, no default
  tags:
    description: structured, no type
    default: {team: platform}
"""


def test_nested_secure_values_make_the_whole_key_secret(tmp_path: Path) -> None:
    stack = "config:\n  demo:owner: me\n  demo:tags:\n    team: a\n    token:\n      secure: v1:abc\n"
    cfg = load_stack(write_project(tmp_path, PROJECT, "dev", stack), "dev")
    token = secret_placeholder("demo:tags", "v1:abc")
    assert json.loads(cfg.config["demo:tags"]) == {"team": "a", "token": token}
    assert cfg.secret_keys == ("demo:tags",)
    assert cfg.config["demo:port"] == "8000" and cfg.region == "us-east-1"


def test_required_project_key_missing(tmp_path: Path) -> None:
    with pytest.raises(ProjectError) as info:
        load_stack(write_project(tmp_path, PROJECT, "dev", "config: {}\n"), "dev")
    assert str(info.value) == (
        "Pulumi.dev.yaml: missing required config 'demo:owner'; set it in the stack file"
    )


def test_wrong_types_as_the_cli_sees_them(tmp_path: Path) -> None:
    stack = "config:\n  demo:owner: {name: me}\n  demo:port: eighty\n  demo:prot: 80\n"
    with pytest.raises(ProjectError) as info:
        load_stack(write_project(tmp_path, PROJECT, "dev", stack), "dev")
    assert str(info.value).splitlines() == [
        "Pulumi.dev.yaml: config 'demo:port' must be of type integer (declared in Pulumi.yaml), "
        'got "eighty"',
        "Pulumi.dev.yaml: config 'demo:owner' must be of type string (declared in Pulumi.yaml), "
        'got {"name": "me"}',
    ]


def test_scalars_are_checked_as_text_like_the_cli(tmp_path: Path) -> None:
    # The CLI reads "8000" as an integer and 8000 as a string; undeclared keys are not errors.
    stack = 'config:\n  demo:owner: 8000\n  demo:port: "8000"\n  demo:undeclared: 1\n'
    cfg = load_stack(write_project(tmp_path, PROJECT, "dev", stack), "dev")
    assert (cfg.config["demo:owner"], cfg.config["demo:port"], cfg.config["demo:undeclared"]) == (
        "8000",
        "8000",
        "1",
    )


def test_declared_secret_must_be_encrypted(tmp_path: Path) -> None:
    project = PROJECT + "  apiKey:\n    type: string\n    secret: true\n    default: none\n"
    with pytest.raises(ProjectError) as info:
        load_stack(
            write_project(tmp_path, project, "dev", "config:\n  demo:owner: me\n  demo:apiKey: k\n"), "dev"
        )
    assert str(info.value) == (
        "Pulumi.dev.yaml: config 'demo:apiKey' must be encrypted as it is declared secret in Pulumi.yaml; "
        "set it with `pulumi config set --secret`"
    )
    stack = "config:\n  demo:owner: me\n  demo:apiKey:\n    secure: v1:abc\n"
    assert load_stack(write_project(tmp_path, project, "dev", stack), "dev").secret_keys == ("demo:apiKey",)


def test_other_namespace_must_use_value_not_default(tmp_path: Path) -> None:
    project = "name: demo\nconfig:\n  aws:region:\n    default: eu-west-2\n"
    with pytest.raises(ProjectError, match=r"'aws:region' is not namespaced by the project .* use `value:`"):
        load_stack(write_project(tmp_path, project, "dev", "config: {}\n"), "dev")


def test_no_project_file(tmp_path: Path) -> None:
    with pytest.raises(
        ProjectError, match=r"no Pulumi\.yaml; run from the project directory or pass --project-dir"
    ):
        load_stack(tmp_path, "dev")


def test_main_option_points_at_the_program(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__main__.py").write_text("")
    write_project(tmp_path, "name: demo\nmain: app/\n", "dev", "")
    assert load_stack(tmp_path, "dev").program == tmp_path / "app" / "__main__.py"
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nmain: missing/\n")
    with pytest.raises(ProjectError, match=r"the program .*missing.* does not exist; check `main:`"):
        load_stack(tmp_path, "dev")
