"""Stack files and Pulumi.yaml as a new user writes them by mistake: exit 2 and one line naming the file and
the fix (never a traceback, never exit 1, which means "mandatory violation"); `--json` gets the error too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ops.cli import main

ROOT = Path(__file__).resolve().parents[3]
DEV = (ROOT / "Pulumi.dev.yaml").read_text(encoding="utf-8")
LATIN_1 = "config:\n  aws:region: eu-west-2\n  fargate-platform:tags: {Owner: José}\n"
CP1252 = b"config:\n  fargate-platform:tags: {Team: R\x96D}\n"  # an en dash from a Windows editor
CONFIG_KEYS = "config keys belong under `config:`"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The real Pulumi.yaml and a program that is never reached (the files fail first)."""
    (tmp_path / "Pulumi.yaml").write_bytes((ROOT / "Pulumi.yaml").read_bytes())
    (tmp_path / "__main__.py").write_text("raise SystemExit('the program must not run')\n")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], command: str, project: Path, *extra: str) -> tuple[int, str, str]:
    code = main([command, "--stack", "bad", "--project-dir", str(project), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def not_utf8(file: str, byte: int, offset: int) -> str:
    return f"error: {file}: not UTF-8 text (byte 0x{byte:02x} at offset {offset}); save it as UTF-8\n"


@pytest.mark.parametrize(
    ("data", "byte", "offset"),
    [
        (LATIN_1.encode("latin-1"), 0xE9, LATIN_1.index("é")),
        (CP1252, 0x96, CP1252.index(b"\x96")),
        (DEV.encode("utf-16"), 0xFF, 0),  # PowerShell 5 `>`: UTF-16 LE with a byte order mark
        (DEV.encode("utf-16-le"), 0x00, 1),  # no byte order mark: valid UTF-8, but NUL is no text
        (DEV.encode("utf-16-be"), 0x00, 0),
        (b"\xfe\xff" + DEV.encode("utf-16-be"), 0xFE, 0),
    ],
    ids=["latin-1", "cp1252", "utf-16-bom", "utf-16-le", "utf-16-be", "utf-16-be-bom"],
)
@pytest.mark.parametrize("command", ["plan", "check"])
def test_a_stack_file_that_is_not_utf8_exits_2_naming_the_byte(
    capsys: pytest.CaptureFixture[str], project: Path, command: str, data: bytes, byte: int, offset: int
) -> None:
    (project / "Pulumi.bad.yaml").write_bytes(data)
    code, out, err = run(capsys, command, project)
    assert (code, out, err) == (2, "", not_utf8("Pulumi.bad.yaml", byte, offset))


def test_a_utf8_byte_order_mark_is_fine(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    (project / "Pulumi.bad.yaml").write_bytes(
        b"\xef\xbb\xbf" + b"config: {fargate-platform:environment: dev, fargate-platform:servics: {}}\n"
    )
    code, _, err = run(capsys, "plan", project)
    assert (code, err) == (
        2,
        "error: Pulumi.bad.yaml: fargate-platform:servics: unknown key; did you mean services?\n",
    )


def test_a_pulumi_yaml_that_is_not_utf8_exits_2_and_json_gets_the_error(
    capsys: pytest.CaptureFixture[str], project: Path
) -> None:
    (project / "Pulumi.yaml").write_bytes(b"name: fargate-platform\ndescription: Caf\xe9\nruntime: python\n")
    (project / "Pulumi.bad.yaml").write_text(DEV)
    code, out, err = run(capsys, "check", project, "--json", str(project / "out.json"))
    assert (code, out, err) == (2, "", not_utf8("Pulumi.yaml", 0xE9, 39))
    document = json.loads((project / "out.json").read_text())
    assert document["exitCode"] == 2
    assert document["error"] == {"kind": "project", "messages": [err[len("error: ") : -1]], "location": ""}


def test_the_real_entry_point_exits_2_on_a_latin1_stack_file(project: Path) -> None:
    (project / "Pulumi.bad.yaml").write_bytes(LATIN_1.encode("latin-1"))
    result = subprocess.run(
        [sys.executable, "-m", "ops", "check", "--stack", "bad", "--project-dir", str(project)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == not_utf8("Pulumi.bad.yaml", 0xE9, LATIN_1.index("é"))


def test_a_typo_of_a_required_key_says_did_you_mean(
    capsys: pytest.CaptureFixture[str], project: Path
) -> None:
    (project / "Pulumi.bad.yaml").write_text(
        DEV.replace("fargate-platform:services:", "fargate-platform:servics:")
    )
    code, out, err = run(capsys, "plan", project)
    assert (code, out) == (2, "")
    assert err == "error: Pulumi.bad.yaml: fargate-platform:servics: unknown key; did you mean services?\n"


def test_a_missing_required_key_without_a_look_alike_is_still_missing(
    capsys: pytest.CaptureFixture[str], project: Path
) -> None:
    (project / "Pulumi.bad.yaml").write_text(
        DEV.replace("fargate-platform:services:", "fargate-platform:apps:")
    )
    code, _, err = run(capsys, "plan", project)
    missing = "missing required config 'fargate-platform:services'; set it in the stack file"
    assert (code, err) == (2, f"error: Pulumi.bad.yaml: {missing}\n")


def test_a_key_without_the_config_header_says_where_it_belongs(
    capsys: pytest.CaptureFixture[str], project: Path
) -> None:
    (project / "Pulumi.bad.yaml").write_text("fargate-platform:services:\n  web: {image: nginx:1.27}\n")
    code, out, err = run(capsys, "plan", project)
    assert (code, out) == (2, "")
    assert err == (
        f"error: Pulumi.bad.yaml: fargate-platform:services: {CONFIG_KEYS}; move it under a top-level "
        "`config:` line, indented\n"
    )


def test_a_whole_stack_file_without_the_config_header_is_one_line(
    capsys: pytest.CaptureFixture[str], project: Path
) -> None:
    (project / "Pulumi.bad.yaml").write_text("aws:region: eu-west-2\nenvironment: dev\nservices: {}\n")
    code, _, err = run(capsys, "plan", project)
    assert code == 2
    assert err == (
        "error: Pulumi.bad.yaml: aws:region, fargate-platform:environment, fargate-platform:services: "
        f"{CONFIG_KEYS}; move them under a top-level `config:` line, indented\n"
    )


def test_the_whole_real_stack_file_unindented_names_three_keys_and_the_rest(
    capsys: pytest.CaptureFixture[str], project: Path
) -> None:
    unindented = "".join(line[2:] + "\n" if line.startswith("  ") else "" for line in DEV.splitlines())
    (project / "Pulumi.bad.yaml").write_text(unindented)
    code, _, err = run(capsys, "plan", project)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("error: Pulumi.bad.yaml: aws:region, fargate-platform:environment, ")
    assert f" and 5 more: {CONFIG_KEYS}; move them under" in err


def _billion_laughs() -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for previous, name in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    return "\n".join([*lines, "config: {fargate-platform:tags: *h}", ""])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "config: {}\n---\nconfig: {}\n",
            "Pulumi.bad.yaml:2: invalid YAML: expected a single document in the stream, but found another "
            "document; the file holds one document: remove the second `---` and what follows",
        ),
        ("- config\n", "Pulumi.bad.yaml: expected a mapping with a `config:` key"),
        ("config: [1, 2]\n", "Pulumi.bad.yaml: `config` must be a mapping of key → value"),
        ("config:\n  aws:region: a\x01\n", "Pulumi.bad.yaml: invalid YAML: unacceptable character #x0001: "),
        (
            _billion_laughs(),
            "Pulumi.bad.yaml: expands to more than 500,000 values (YAML anchors and aliases ",
        ),
        ("config: {a: " + "[" * 70 + "]" * 70 + "}\n", "Pulumi.bad.yaml: values nested more than 64 levels"),
        (
            "config: {a: " + "[" * 9000 + "]" * 9000 + "}\n",
            "Pulumi.bad.yaml: values nested more than 64 levels",
        ),
    ],
    ids=[
        "two-documents",
        "a-list",
        "config-a-list",
        "control-character",
        "billion-laughs",
        "deep",
        "very-deep",
    ],
)
def test_unreadable_yaml_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], project: Path, text: str, message: str
) -> None:
    (project / "Pulumi.bad.yaml").write_text(text)
    code, out, err = run(capsys, "plan", project)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {message}") and err.count("\n") == 1, err


def test_a_message_that_echoes_a_huge_value_is_cut_short_but_kept_whole_in_json(
    capsys: pytest.CaptureFixture[str], project: Path
) -> None:
    (project / "Pulumi.bad.yaml").write_text(
        "config:\n  fargate-platform:environment: [" + "x" * 100_000 + "]\n  fargate-platform:services: {}\n"
    )
    code, _, err = run(capsys, "plan", project, "--json", str(project / "out.json"))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(
        "error: Pulumi.bad.yaml: config 'fargate-platform:environment' must be of type string"
    )
    assert err.endswith(" more characters)\n") and len(err) < 500
    (message,) = json.loads((project / "out.json").read_text())["error"]["messages"]
    assert len(message) > 100_000


@pytest.mark.parametrize("name", ["fargate platform", "x:y", "''"])
def test_a_project_name_the_cli_would_refuse_exits_2(
    capsys: pytest.CaptureFixture[str], project: Path, name: str
) -> None:
    (project / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (project / "Pulumi.bad.yaml").write_text(DEV)
    code, _, err = run(capsys, "plan", project)
    shown = repr(name.strip("'"))
    assert (code, err) == (
        2,
        f"error: Pulumi.yaml: project name {shown} is not valid; use letters, digits, hyphens (-), "
        "underscores (_) and periods (.)\n",
    )
