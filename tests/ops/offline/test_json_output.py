"""`--json -` writes the JSON document to standard output (the human report goes to standard error, so
stdout is valid JSON) and creates no file named `-`; an unwritable --json FILE is exit 2, not a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ops.cli import main

ROOT = Path(__file__).resolve().parents[3]
APP = ROOT / "tests" / "fixtures" / "check_app"
PACK = ROOT / "tests" / "fixtures" / "check_pack"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_plan_json_to_stdout(capsys: pytest.CaptureFixture[str], in_tmp: Path) -> None:
    code = main(["plan", "--stack", "dev", "--project-dir", str(APP), "--json", "-"])
    out, err = capsys.readouterr()
    assert code == 0
    document = json.loads(out)
    assert (document["kind"], document["stack"]) == ("plan", "dev")
    assert err.startswith("Plan of check-fixture/dev ")
    assert not (in_tmp / "-").exists()


@pytest.mark.parametrize(("stack", "exit_code"), [("dev", 0), ("leaky", 1)])
def test_check_json_to_stdout_keeps_the_exit_code(
    capsys: pytest.CaptureFixture[str], in_tmp: Path, stack: str, exit_code: int
) -> None:
    argv = ["check", "--stack", stack, "--project-dir", str(APP), "--pack-dir", str(PACK), "--json", "-"]
    code = main(argv)
    out, err = capsys.readouterr()
    document = json.loads(out)
    assert (code, document["kind"], document["exitCode"]) == (exit_code, "check", exit_code)
    assert err.startswith(f"Offline check of check-fixture/{stack} ")
    assert not (in_tmp / "-").exists()


def test_an_error_with_json_to_stdout_is_a_json_error_document(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--stack", "nope", "--project-dir", str(APP), "--json", "-"])
    out, err = capsys.readouterr()
    assert code == 2
    assert json.loads(out)["error"]["kind"] == "project"
    assert err.startswith("error: stack 'nope' not found: no Pulumi.nope.yaml in ")


def test_an_unwritable_json_file_exits_2_naming_it(capsys: pytest.CaptureFixture[str], in_tmp: Path) -> None:
    (in_tmp / "taken").mkdir()
    code = main(["plan", "--stack", "dev", "--project-dir", str(APP), "--json", "taken"])
    out, err = capsys.readouterr()
    assert code == 2 and out.startswith("Plan of check-fixture/dev ")
    assert err == "error: cannot write the JSON report to taken: Is a directory; pass another --json FILE\n"
