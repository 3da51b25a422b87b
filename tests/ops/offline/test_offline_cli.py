"""`python -m ops plan` / `check` on fixture projects: exit codes, messages, JSON, colours, pack reaping.

In process through ops.cli.main (fast); two tests run `python -m ops` in a subprocess to prove the entry
point.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from offline_oracle import registered_by_stock_monitor

import ops.offline.analyzer
import ops.offline.check
from ops.cli import main
from ops.offline.recording import Plan

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures"
APP = FIXTURES / "check_app"
PACK = FIXTURES / "check_pack"
REAL_PACK = ROOT / "policy"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*args])
    out, err = capsys.readouterr()
    return code, out, err


def check(
    capsys: pytest.CaptureFixture[str], stack: str, *extra: str, pack: Path = PACK
) -> tuple[int, str, str]:
    return cli(capsys, "check", "--stack", stack, "--project-dir", str(APP), "--pack-dir", str(pack), *extra)


def tree(path: Path) -> set[str]:
    """Files under `path`, without Python's own bytecode cache."""
    return {str(p.relative_to(path)) for p in path.rglob("*") if "__pycache__" not in p.parts}


# ---------------------------------------------------------------------------------------------------- plan


def test_plan_json_records_exactly_the_registered_resources(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    before = tree(APP)
    code, out, err = cli(
        capsys, "plan", "--stack", "dev", "--project-dir", str(APP), "--json", str(tmp_path / "p.json")
    )
    assert (code, err) == (0, "")
    doc = json.loads((tmp_path / "p.json").read_text())
    recorded = sorted((r["type"], r["name"]) for r in doc["resources"])
    assert recorded == registered_by_stock_monitor(APP, "dev")
    assert len(recorded) == 5
    assert doc["summary"] == {
        "resources": 5,
        "custom": 5,
        "components": 0,
        "byType": {
            "aws:cloudwatch/logGroup:LogGroup": 1,
            "aws:ecs/cluster:Cluster": 1,
            "aws:ecs/service:Service": 1,
            "aws:ecs/taskDefinition:TaskDefinition": 1,
            "aws:iam/role:Role": 1,
        },
    }
    assert (doc["formatVersion"], doc["kind"], doc["project"], doc["stack"], doc["region"]) == (
        1,
        "plan",
        "check-fixture",
        "dev",
        "eu-west-2",
    )
    assert "Plan of check-fixture/dev (eu-west-2): 5 resources (5 custom, 0 components)" in out
    assert "aws:ecs/taskDefinition:TaskDefinition      1" in out
    assert "\nProgram messages\n  info: fixture: one service, app\n" in out
    assert doc["messages"] == ["info: fixture: one service, app"]
    assert tree(APP) == before  # nothing written into the project


def test_plan_json_masks_secrets_and_lists_their_paths(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    target = tmp_path / "leaky.json"
    assert cli(capsys, "plan", "--stack", "leaky", "--project-dir", str(APP), "--json", str(target))[0] == 0
    text = target.read_text()
    assert "offline-secret-" not in text  # the placeholder value never reaches the file
    doc = json.loads(text)
    task = next(r for r in doc["resources"] if r["name"] == "app-task")
    assert task["secretPaths"] == ["containerDefinitions"]
    assert task["inputs"]["containerDefinitions"] == "[secret]"
    assert task["inputs"]["family"] == "app" and task["inputs"]["cpu"] == "256"
    assert doc["outputs"]["password"] == "[secret]" and doc["secretOutputs"] == ["password"]
    assert doc["outputs"]["taskDefinitionArn"] == "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1"
    assert doc["secretConfigKeys"] == ["check-fixture:dbPassword"]
    service = next(r for r in doc["resources"] if r["type"] == "aws:ecs/service:Service")
    assert service["inputs"]["taskDefinition"] == "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1"
    assert task["urn"] in service["dependsOn"]


def test_plan_program_error_exits_2_with_location(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    target = tmp_path / "err.json"
    code, out, err = cli(
        capsys, "plan", "--stack", "broken", "--project-dir", str(APP), "--json", str(target)
    )
    assert code == 2 and out == ""
    assert err == (
        "error: the program failed at __main__.py:13: "
        "RuntimeError: fixture program failure: no subnets for service 'app'\n"
    )
    assert json.loads(target.read_text())["error"] == {
        "kind": "program",
        "messages": [
            "the program failed at __main__.py:13: RuntimeError: fixture program failure: no subnets "
            "for service 'app'"
        ],
        "location": "__main__.py:13",
    }


def test_plan_missing_stack(capsys: pytest.CaptureFixture[str]):
    code, _, err = cli(capsys, "plan", "--stack", "qa", "--project-dir", str(APP))
    assert code == 2
    assert err == (
        f"error: stack 'qa' not found: no Pulumi.qa.yaml in {APP}; "
        "stacks: advisory, badconfig, badyaml, broken, dev, leaky, slow\n"
    )


# ---------------------------------------------------------------------------------------------------- check


def test_check_clean_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    before = tree(APP) | {f"pack/{p}" for p in tree(PACK)}
    code, out, err = check(capsys, "dev", "--json", str(tmp_path / "r.json"))
    assert (code, err) == (0, "")
    assert "No policy violations." in out and out.rstrip().endswith(
        "PASSED: 0 mandatory, 0 advisory violations (exit 0)"
    )
    assert "\x1b[" not in out  # piped: no colours
    doc = json.loads((tmp_path / "r.json").read_text())
    assert (doc["kind"], doc["exitCode"], doc["diagnostics"]) == ("check", 0, [])
    assert doc["policyPack"]["name"] == "check-fixture-pack"
    assert doc["policyPack"]["configFile"] == str(PACK / "config" / "dev.json")
    assert doc["plan"]["summary"]["resources"] == 5
    assert doc["cost"] == {"error": f"{PACK / 'pricing.py'} does not exist", "budget": None}
    assert tree(APP) | {f"pack/{p}" for p in tree(PACK)} == before


def test_check_advisory_only_exits_0(capsys: pytest.CaptureFixture[str]):
    code, out, _ = check(capsys, "advisory")
    assert code == 0
    assert "ADVISORY (1)" in out and "MANDATORY" not in out
    assert "fixture-log-retention" in out and "LogGroup app-logs" in out
    assert "Log group 'app-logs' retention 400" in out
    assert "PASSED: 0 mandatory, 1 advisory violation (exit 0)" in out


def test_check_config_file_changes_the_threshold(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"fixture-log-retention": {"maxDays": 400}}))
    code, out, _ = check(capsys, "advisory", "--policy-config", str(config))
    assert code == 0 and "No policy violations." in out
    config.write_text(json.dumps({"fixture-log-retention": "mandatory"}))
    code, out, _ = check(capsys, "advisory", "--policy-config", str(config))
    assert code == 1 and "MANDATORY (1)" in out


def test_check_secret_in_environment_exits_1_naming_the_variable(
    capsys: pytest.CaptureFixture[str], tmp_path
):
    code, out, _ = check(capsys, "leaky", "--json", str(tmp_path / "r.json"))
    assert code == 1
    assert "MANDATORY (2)" in out and "DB_PASSWORD" in out
    assert "FAILED: 2 mandatory, 0 advisory violations (exit 1)" in out
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["exitCode"] == 1 and doc["counts"] == {"mandatory": 2, "advisory": 0, "remediate": 0}
    urn = "urn:pulumi:leaky::check-fixture::aws:ecs/taskDefinition:TaskDefinition::app-task"
    assert doc["diagnostics"] == [
        {
            "policy": "fixture-no-secret-env",
            "policyPack": "check-fixture-pack",
            "enforcementLevel": "mandatory",
            "message": "Container 'app' environment variable DB_PASSWORD must come from `secrets` (SSM or "
            "Secrets Manager), not a plain value.",
            "description": "Checks that task definitions keep secrets out of the environment.",
            "urn": urn,
            "resourceType": "aws:ecs/taskDefinition:TaskDefinition",
            "resourceName": "app-task",
        },
        {  # the offline run's own check: it knows which values were secret config
            "policy": "secret-config-in-plaintext",
            "policyPack": "ops-check (built in)",
            "enforcementLevel": "mandatory",
            "message": "TaskDefinition 'app-task' input containerDefinitions[0].environment[1].value "
            "(environment variable DB_PASSWORD) must not contain the secret config check-fixture:dbPassword: "
            "AWS keeps resource inputs in plain text; store it in an SSM SecureString parameter or Secrets "
            "Manager and reference it (for a container, through `secrets` with valueFrom).",
            "description": "Checks that secret stack config (`secure:` values) never reaches a resource "
            "input AWS keeps in plain text.",
            "urn": urn,
            "resourceType": "aws:ecs/taskDefinition:TaskDefinition",
            "resourceName": "app-task",
        },
    ]


@pytest.mark.skipif(not (REAL_PACK / "__main__.py").is_file(), reason="the real policy pack is not there yet")
def test_real_pack_catches_the_secret_in_the_environment_and_prices_the_stack(capsys, tmp_path: Path):
    code, out, _ = check(capsys, "leaky", "--json", str(tmp_path / "r.json"), pack=REAL_PACK)
    assert code == 1
    doc = json.loads((tmp_path / "r.json").read_text())
    mandatory = [
        d
        for d in doc["diagnostics"]
        if d["enforcementLevel"] == "mandatory" and d["policyPack"] == "fargate-platform"
    ]
    assert any("DB_PASSWORD" in d["message"] and d["resourceName"] == "app-task" for d in mandatory)
    assert doc["cost"]["region"] == "us-east-1" and doc["cost"]["total"] > 0
    assert "Cost estimate (us-east-1, USD per month)" in out and "Total: $" in out


def line_of(text: str) -> int:
    lines = (APP / "__main__.py").read_text().splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def test_check_program_error_exits_2(capsys: pytest.CaptureFixture[str]):
    line = line_of("fixture program failure")
    code, out, err = check(capsys, "broken")
    assert (code, out) == (2, "")
    assert err == (
        f"error: the program failed at __main__.py:{line}: RuntimeError: fixture program failure: "
        "no subnets for service 'app'\n"
    )


def test_check_config_error_exits_2_with_the_problem_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    line = line_of("raise ConfigError")
    code, out, err = check(capsys, "badconfig", "--json", str(tmp_path / "error.json"))
    assert (code, out) == (2, "")
    # The user reads keys and fixes; where the program raised is only in the JSON document.
    assert err == (
        "error: invalid stack config in Pulumi.badconfig.yaml (1 problem):\n"
        "  environment.LOG_LEVEL: required; set it to debug, info or warning\n"
    )
    error = json.loads((tmp_path / "error.json").read_text())["error"]
    assert error["kind"] == "config" and error["location"] == f"__main__.py:{line}"


def test_check_bad_yaml_exits_2_with_file_and_line(capsys: pytest.CaptureFixture[str]):
    code, _, err = check(capsys, "badyaml")
    assert code == 2 and err.startswith("error: Pulumi.badyaml.yaml:4: invalid YAML: ")
    assert "Traceback" not in err


def test_check_invalid_policy_config_exits_2(capsys: pytest.CaptureFixture[str]):
    code, _, err = check(capsys, "dev", "--policy-config", str(PACK / "config" / "bad.json"))
    assert (code, err) == (
        2,
        "error: invalid policy config: policy 'fixture-log-retention': property 'maxDays': "
        "'ninety' is not of type 'integer'; fix the value in the policy config\n",
    )


def test_check_pack_that_fails_to_start_shows_its_stderr(capsys: pytest.CaptureFixture[str]):
    code, _, err = check(capsys, "dev", pack=FIXTURES / "broken_pack")
    assert code == 2
    assert err.startswith("error: the policy pack did not start:\n")
    assert "exited with code 3 before it was ready" in err
    assert "fixture pack: cannot import rules module 'secrity' (typo)" in err


class _Spy(ops.offline.analyzer.PolicyPackRunner):
    pids: list[int] = []

    def start(self) -> None:
        super().start()
        assert self.pid is not None
        _Spy.pids.append(self.pid)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("failure", [None, "program", "interrupt"])
def test_pack_is_always_reaped(capsys, monkeypatch: pytest.MonkeyPatch, failure: str | None):
    _Spy.pids = []
    monkeypatch.setattr(ops.offline.analyzer, "PolicyPackRunner", _Spy)
    stack = "broken" if failure == "program" else "dev"
    if failure == "interrupt":

        def interrupted(*_: Any, **__: Any) -> Plan:
            raise KeyboardInterrupt

        monkeypatch.setattr(ops.offline.check, "run_program", interrupted)
    code, _, err = check(capsys, stack)
    assert code == {None: 0, "program": 2, "interrupt": 130}[failure]
    if failure == "interrupt":
        assert err == "error: interrupted\n"
    assert len(_Spy.pids) == 1 and _gone(_Spy.pids[0])


def test_colour_only_for_a_tty_without_no_color(monkeypatch: pytest.MonkeyPatch):
    from ops.offline.report import use_colour

    class Tty:
        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(Tty(True)) is True  # type: ignore[arg-type]
    assert use_colour(Tty(False)) is False  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_colour(Tty(True)) is False  # type: ignore[arg-type]


def test_coloured_report_marks_levels(monkeypatch: pytest.MonkeyPatch):
    from ops.offline.check import run_check
    from ops.offline.report import render_check

    result = run_check(APP, "leaky", pack_dir=PACK)
    coloured = render_check(result, colour=True)
    assert "\x1b[1;31mMANDATORY (2)\x1b[0m" in coloured
    assert "\x1b[1;31mFAILED: 2 mandatory, 0 advisory violations (exit 1)\x1b[0m" in coloured
    assert "\x1b[" not in render_check(result, colour=False)


# ------------------------------------------------------------------------------------------- python -m ops


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run(
        [sys.executable, "-m", "ops", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_python_m_ops_plan_and_check():
    plan = run_module("plan", "--stack", "dev", "--project-dir", str(APP))
    assert plan.returncode == 0, plan.stderr
    assert "5 resources" in plan.stdout and "\x1b[" not in plan.stdout
    leaky = run_module("check", "--stack", "leaky", "--project-dir", str(APP), "--pack-dir", str(PACK))
    assert leaky.returncode == 1, leaky.stderr
    assert "DB_PASSWORD" in leaky.stdout


def test_python_m_ops_program_error_is_not_a_traceback():
    broken = run_module("check", "--stack", "broken", "--project-dir", str(APP), "--pack-dir", str(PACK))
    assert broken.returncode == 2
    assert "Traceback" not in broken.stderr
    assert "__main__.py:13: RuntimeError: fixture program failure" in broken.stderr


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in _tasks(pid):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a thread that just ended
            found.update(int(p) for p in (task / "children").read_text().split())
    return found


def _tasks(pid: int) -> list[Path]:
    try:
        return list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:  # the process ended
        return []


def _wait_for(condition: Any, timeout: float = 120.0) -> bool:
    """Poll ``condition`` until it holds (True) or ``timeout`` s pass (False); no wait once it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to find the pack process")
def test_sigterm_reaps_the_pack_and_exits_143():
    import signal

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    argv = [
        sys.executable,
        "-m",
        "ops",
        "check",
        "--stack",
        "slow",
        "--project-dir",
        str(APP),
        "--pack-dir",
        str(PACK),
    ]
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        # The pack is spawned, then the thread that feeds it: once both exist the command is in (or about to
        # enter) the program, which sleeps for a minute. Wherever SIGTERM lands from here on, it must end it.
        assert _wait_for(lambda: _children(proc.pid) and len(_tasks(proc.pid)) > 1), "no pack started"
        packs = _children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143
    assert err.strip().endswith("error: terminated (SIGTERM)")
    assert all(_gone(pid) for pid in packs)


@pytest.mark.skipif(
    not (REAL_PACK / "pricing.py").is_file(), reason="the real pricing module is not there yet"
)
def test_unknown_region_is_reported_not_guessed(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    import shutil

    project = tmp_path / "app"
    shutil.copytree(APP, project, ignore=shutil.ignore_patterns("__pycache__"))
    stack = (
        (project / "Pulumi.dev.yaml").read_text().replace("aws:region: eu-west-2", "aws:region: ap-south-1")
    )
    (project / "Pulumi.dev.yaml").write_text(stack)
    code = main(
        [
            "check",
            "--stack",
            "dev",
            "--project-dir",
            str(project),
            "--pack-dir",
            str(REAL_PACK),
            "--json",
            str(tmp_path / "r.json"),
        ]
    )
    out, _ = capsys.readouterr()
    assert code in (0, 1)  # the fixture app breaks some of the real pack's rules; the cost part is tested
    assert "Cost estimate\n  not available: No prices for region 'ap-south-1'; supported regions:" in out
    assert json.loads((tmp_path / "r.json").read_text())["cost"]["error"].startswith(
        "No prices for region 'ap-south-1'"
    )


def test_a_rule_that_crashes_exits_2_naming_the_error(capsys: pytest.CaptureFixture[str]):
    code, out, err = check(capsys, "dev", pack=FIXTURES / "crashing_pack")
    assert (code, out) == (2, "")
    assert err.startswith("error: the policy pack failed:\n  policy pack Analyze failed: ")
    assert "'containerDefinitions parsed wrong in fixture rule'" in err


def test_missing_policy_config_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    missing = tmp_path / "nope.json"
    code, _, err = check(capsys, "dev", "--policy-config", str(missing))
    assert code == 2
    assert err.startswith(f"error: invalid policy config: {missing}: cannot read the policy config file")


def test_a_policy_config_file_that_is_not_utf8_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"fargate-task-size": {"enforcementLevel": "mandatory"}, "note": "Jos\xe9"}')
    code, out, err = check(capsys, "dev", "--policy-config", str(latin))
    assert (code, out) == (2, "")
    assert err == (
        f"error: invalid policy config: {latin}: not UTF-8 text (byte 0xe9 at offset 69); save it as UTF-8\n"
    )
