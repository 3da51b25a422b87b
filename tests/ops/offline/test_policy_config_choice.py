"""The pack config a stack runs with (ops/pack_config.py): its own file, else its environment's, else none;
`ops check` says which and why, in the report and in the JSON document."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ops.cli import main
from ops.pack_config import choose_pack_config, stack_file_environment

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures"


def pack_with(tmp_path: Path, *stacks: str) -> Path:
    config = tmp_path / "policy" / "config"
    config.mkdir(parents=True)
    for stack in stacks:
        (config / f"{stack}.json").write_text("{}\n")
    return tmp_path / "policy"


def test_the_stacks_own_file_wins(tmp_path: Path) -> None:
    pack = pack_with(tmp_path, "qa", "dev")
    choice = choose_pack_config(pack, "qa", "dev", root=tmp_path, namespace="p")
    assert (choice.path, choice.source) == (pack / "config" / "qa.json", "stack")
    assert choice.describe(tmp_path) == "policy/config/qa.json (stack qa)"


def test_without_one_the_environment_picks_the_file(tmp_path: Path) -> None:
    pack = pack_with(tmp_path, "dev", "staging", "prod")
    choice = choose_pack_config(pack, "qa", "staging", root=tmp_path, namespace="p")
    assert (choice.path, choice.source) == (pack / "config" / "staging.json", "environment")
    assert choice.describe(tmp_path) == "policy/config/staging.json (environment staging)"


@pytest.mark.parametrize(
    ("environment", "reason"),
    [
        (None, "no policy/config/qa.json, and the stack sets no p:environment"),
        ("test", "no policy/config/qa.json, and no policy/config/test.json for environment test"),
        ("../../etc/x", "no policy/config/qa.json, and p:environment is not a name"),
        ('{"LOG_LEVEL": "info"}', "no policy/config/qa.json, and p:environment is not a name"),
    ],
)
def test_with_neither_it_says_so(tmp_path: Path, environment: str | None, reason: str) -> None:
    choice = choose_pack_config(pack_with(tmp_path, "dev"), "qa", environment, root=tmp_path, namespace="p")
    assert (choice.path, choice.source, choice.reason) == (None, "none", reason)
    assert choice.describe(tmp_path) == f"none ({reason})"


def test_the_environment_of_a_stack_file(tmp_path: Path) -> None:
    stack_file = tmp_path / "Pulumi.qa.yaml"
    stack_file.write_text("config:\n  p:environment: staging\n")
    assert stack_file_environment(stack_file, "p") == "staging"
    stack_file.write_text("config:\n  environment: prod\n")
    assert stack_file_environment(stack_file, "p") == "prod"
    for broken in (b"config: [", b"\xff\xfe", b"- 1\n", b"config:\n  p:environment: {a: 1}\n"):
        stack_file.write_bytes(broken)
        assert stack_file_environment(stack_file, "p") is None
    assert stack_file_environment(tmp_path / "Pulumi.none.yaml", "p") is None


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real program and pack (policy/ copied, so its files show relative to the project), a stack qa
    with dev's config and no policy/config/qa.json."""
    target = tmp_path_factory.mktemp("project")
    for entry in ROOT.iterdir():
        if entry.name in {"venv", ".git", "tests", "benchmarks", "docs", "policy"}:
            continue
        if entry.name.startswith("Pulumi.") and entry.name != "Pulumi.yaml":
            continue
        (target / entry.name).symlink_to(entry)
    shutil.copytree(ROOT / "policy", target / "policy", ignore=shutil.ignore_patterns("venv", "__pycache__"))
    dev = (ROOT / "Pulumi.dev.yaml").read_text()
    (target / "Pulumi.qa.yaml").write_text(dev)
    staging = dev.replace("fargate-platform:environment: dev", "fargate-platform:environment: staging")
    (target / "Pulumi.stg.yaml").write_text(staging)
    return target


@pytest.mark.parametrize(
    ("stack", "file", "line"),
    [
        ("qa", "dev.json", "Policy config: policy/config/dev.json (environment dev)\n"),
        ("stg", "staging.json", "Policy config: policy/config/staging.json (environment staging)\n"),
    ],
)
def test_check_of_a_stack_without_its_own_file_uses_its_environments(
    capsys: pytest.CaptureFixture[str], project: Path, tmp_path: Path, stack: str, file: str, line: str
) -> None:
    report = tmp_path / "report.json"
    code = main(["check", "--stack", stack, "--project-dir", str(project), "--json", str(report)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), out
    assert out.splitlines(keepends=True)[1] == line
    pack = json.loads(report.read_text())["policyPack"]
    assert pack["configFile"] == str(project / "policy" / "config" / file)
    assert (pack["configSource"], pack["configReason"]) == ("environment", line.split("(")[1][:-2])


def test_check_with_neither_says_the_defaults_apply(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    app, pack = FIXTURES / "check_app", FIXTURES / "check_pack"
    report = tmp_path / "report.json"
    code = main(
        [
            "check",
            "--stack",
            "advisory",
            "--project-dir",
            str(app),
            "--pack-dir",
            str(pack),
            "--json",
            str(report),
        ]
    )
    out, _ = capsys.readouterr()
    assert code == 0
    reason = f"no {pack / 'config' / 'advisory.json'}, and check-fixture:environment is not a name"
    assert out.splitlines()[1] == f"Policy config: none ({reason}); the policies' defaults apply"
    document = json.loads(report.read_text())["policyPack"]
    assert (document["configFile"], document["configSource"], document["configReason"]) == (
        None,
        "none",
        reason,
    )


def test_check_with_policy_config_says_it_was_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    app, pack = FIXTURES / "check_app", FIXTURES / "check_pack"
    given = pack / "config" / "dev.json"
    argv = ["check", "--stack", "advisory", "--project-dir", str(app), "--pack-dir", str(pack)]
    code = main([*argv, "--policy-config", str(given)])
    out, _ = capsys.readouterr()
    assert code in (0, 1)
    assert out.splitlines()[1] == f"Policy config: {given} (--policy-config)"
