"""Fuzzing the offline CLI with raw stack-file bytes: truncated dev and prod files, mis-encoded text, binary,
huge files, deep nesting, alias bombs, odd YAML scalars and tags, non-mapping and multiple documents.

Each input is written as Pulumi.fuzz.yaml next to the real program and run through the real command line
(`plan`, in process: it never exits 1). Every run must end with exit 0, or exit 2 and messages: never a
traceback, never exit 1, never an exception out of `main`, and never "the program failed" (a crash of the
program's own config code on input it should reject)."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ops.cli import main

ROOT = Path(__file__).resolve().parents[3]
STACKS = [(ROOT / f"Pulumi.{s}.yaml").read_bytes() for s in ("dev", "prod")]
EXAMPLES = int(os.environ.get("OPS_FUZZ_EXAMPLES", "150"))
UNPRINTED = {"venv", ".git", "tests", "benchmarks", "docs", "examples"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real program and Pulumi.yaml, linked, without the real stack files."""
    target = tmp_path_factory.mktemp("fuzz")
    for entry in ROOT.iterdir():
        if entry.name in UNPRINTED or (entry.name.startswith("Pulumi.") and entry.name != "Pulumi.yaml"):
            continue
        (target / entry.name).symlink_to(entry)
    return target


# ------------------------------------------------------------------------------------------ inputs

_SCALARS = [
    b"~", b"null", b"", b"yes", b"no", b"on", b"0x1F", b"0o17", b"1e400", b"-.inf", b".nan", b"2024-02-30",
    b"2024-01-01T10:00:00Z", b"!!binary aGVsbG8=", b"!!set {a, b}", b"!!omap [a: 1]", b"!!str 256",
    b"!!int '12'", b"!!float x", b"!!python/object:os.system ls", b"!foo bar", b"&a 1", b"*nope", b"'\\x00'",
    b'"\\u0000\\ud800"', b'"\\x85"', b"|\n  text", b">-", b"[", b"{", b"}", b"- - -", b": :", b"? complex",
    b"%YAML 1.1", b"\t", b"\xef\xbb\xbf", b"\xc3\xa9", b"\xe9", b"\x00", b"\xff\xfe", b"\\", b"#",
    b"0" * 400, b"9" * 5000, b"x" * 100_000, b'"' + b"\xe2\x80\xa8" * 3 + b'"',
]  # fmt: skip


def _replace_values(data: st.DataObject, text: bytes) -> bytes:
    """Swap the values of a few `key: value` lines of a stack file for odd YAML."""
    lines = text.split(b"\n")
    candidates = [i for i, line in enumerate(lines) if re.match(rb"^\s*[\w:-]+:\s*\S", line)]
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        i = data.draw(st.sampled_from(candidates), label="line")
        key = (
            lines[i].split(b":", 1)[0]
            if b"fargate-platform:" not in lines[i]
            else lines[i].rsplit(b":", 1)[0]
        )
        lines[i] = key + b": " + data.draw(st.sampled_from(_SCALARS), label="value")
    return b"\n".join(lines)


def _nested(data: st.DataObject) -> bytes:
    depth = data.draw(st.sampled_from([10, 63, 64, 65, 200, 3000, 30_000]), label="depth")
    style = data.draw(st.sampled_from(["flow-list", "flow-map", "block"]), label="style")
    if style == "flow-list":
        value = b"[" * depth + b"]" * depth
    elif style == "flow-map":
        value = b"{a: " * depth + b"1" + b"}" * depth
    else:
        value = b"".join(b"\n" + b"  " * (i + 2) + b"k:" for i in range(min(depth, 400))) + b" 1"
    where = data.draw(
        st.sampled_from([b"fargate-platform:tags", b"fargate-platform:services", b"aws:region"])
    )
    return b"config:\n  fargate-platform:environment: dev\n  " + where + b": " + value + b"\n"


def _bomb(data: st.DataObject) -> bytes:
    width = data.draw(st.integers(2, 12), label="width")
    levels = data.draw(st.integers(2, 9), label="levels")
    lines = [b"x0: &x0 [lol]"]
    for n in range(1, levels + 1):
        lines.append(b"x%d: &x%d [" % (n, n) + b", ".join([b"*x%d" % (n - 1)] * width) + b"]")
    where = data.draw(st.sampled_from([b"fargate-platform:tags", b"fargate-platform:services"]))
    lines.append(b"config: {fargate-platform:environment: dev, " + where + b": *x%d}" % levels)
    return b"\n".join(lines) + b"\n"


def _huge(data: st.DataObject) -> bytes:
    base = data.draw(st.sampled_from(STACKS), label="base")
    kind = data.draw(st.sampled_from(["comment", "value", "tags", "keys"]), label="huge")
    if kind == "comment":
        return base + b"# " + b"x" * 3_000_000 + b"\n"
    if kind == "value":
        return base.replace(b"Project: photoportal", b"Project: " + b"p" * 1_000_000)
    if kind == "tags":
        tags = b"".join(b"\n    T%d: v" % i for i in range(20_000))
        return base.replace(
            b"  fargate-platform:tags:", b"  fargate-platform:tags:" + tags + b"\n  x-unused:"
        )
    return base + b"".join(b"k%d: v\n" % i for i in range(50_000))


def _encoded(data: st.DataObject) -> bytes:
    text = data.draw(st.sampled_from(STACKS), label="base").decode("utf-8")
    text = text.replace("photoportal", data.draw(st.sampled_from(["José", "Zürich", "日本", "R\u2013D"])))
    encoding = data.draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252"]))
    return text.encode(encoding, errors="replace")


def _documents(data: st.DataObject) -> bytes:
    base = data.draw(st.sampled_from(STACKS), label="base")
    return data.draw(
        st.sampled_from(
            [
                base + b"\n---\n" + base,
                b"---\n" + base + b"\n...\n",
                b"--- 1\n--- 2\n",
                b"- config\n",
                b"42\n",
                b"'config'\n",
                b"null\n",
                b"config: 5\n",
                b"config:\n",
                b"config: [a, b]\n",
                b"config: {aws:region: [1]}\n",
                b"config: {? [a, b] : c}\n",
                b"config: {1: 2, true: false, null: ~}\n",
                b"fargate-platform:services: {}\nconfig: {}\n",
                b"environment: dev\n",
                b"environment: [dev]\nconfig: {}\n",
                b"secretsprovider: 5\nencryptedkey: [x]\nconfig: {}\n",
            ]
        ),
        label="document",
    )


def _mutated(data: st.DataObject) -> bytes:
    return _flipped(data, data.draw(st.sampled_from(STACKS), label="base"))


KINDS = {
    "truncated": lambda d: (b := d.draw(st.sampled_from(STACKS), label="base"))[
        : d.draw(st.integers(0, len(b)))
    ],
    "values": lambda d: _replace_values(d, d.draw(st.sampled_from(STACKS), label="base")),
    "mutated": _mutated,
    "binary": lambda d: d.draw(st.binary(max_size=4000), label="bytes"),
    "text": lambda d: d.draw(st.text(max_size=400), label="text").encode("utf-8", "surrogatepass"),
    "encoded": _encoded,
    "nested": _nested,
    "bomb": _bomb,
    "huge": _huge,
    "documents": _documents,
}


# ------------------------------------------------------------------------------------------ property


def check_run(capsys: pytest.CaptureFixture[str], project: Path, raw: bytes) -> str:
    """Run `plan` on `raw` as Pulumi.fuzz.yaml; returns "valid" or "error" (asserting what a run may do)."""
    (project / "Pulumi.fuzz.yaml").write_bytes(raw)
    capsys.readouterr()
    code = main(["plan", "--stack", "fuzz", "--project-dir", str(project)])
    out, err = capsys.readouterr()
    assert code in (0, 2), (code, err[:600])
    assert "Traceback" not in err and "Traceback" not in out
    if code == 0:
        assert out.startswith("Plan of fargate-platform/fuzz ") and err == "", err[:600]
        return "valid"
    lines = err.splitlines()
    assert lines and lines[0].startswith("error: ") and all(line.strip() for line in lines), err[:600]
    assert all(len(line) < 500 for line in lines), f"a message line runs away: {err[:600]}"
    assert "the program failed" not in err, err[:600]  # the program's config code crashed on this input
    return "error"


def test_raw_stack_file_bytes_never_crash_the_cli(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    outcomes: Counter[str] = Counter()
    kinds: Counter[str] = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        kind = data.draw(st.sampled_from(sorted(KINDS)), label="kind")
        kinds[kind] += 1
        outcomes[check_run(capsys, project, KINDS[kind](data))] += 1

    run()
    assert sum(outcomes.values()) >= EXAMPLES
    assert set(kinds) == set(KINDS), kinds  # every kind of input was tried
    assert outcomes["error"] >= EXAMPLES // 2, outcomes


@pytest.mark.parametrize("stack", [0, 1], ids=["dev", "prod"])
def test_every_truncation_point_of_the_real_stack_files_is_handled(
    capsys: pytest.CaptureFixture[str], project: Path, stack: int
) -> None:
    """Cut at every line end (and mid-line) of dev and prod: a valid prefix runs, others exit 2."""
    raw = STACKS[stack]
    cuts = sorted(
        {m.end() for m in re.finditer(rb"\n", raw)} | {m.start() + 3 for m in re.finditer(rb"\n", raw)}
    )
    outcomes = Counter(check_run(capsys, project, raw[:cut]) for cut in cuts[::6])
    assert outcomes["error"] > 0 and outcomes["valid"] > 0, outcomes


PROJECT_FILE = (ROOT / "Pulumi.yaml").read_bytes()

PROJECT_KINDS = {
    "truncated": lambda d: PROJECT_FILE[: d.draw(st.integers(0, len(PROJECT_FILE)), label="cut")],
    "values": lambda d: _replace_values(d, PROJECT_FILE),
    "mutated": lambda d: _flipped(d, PROJECT_FILE),
    "binary": lambda d: d.draw(st.binary(max_size=2000), label="bytes"),
    "encoded": lambda d: (
        PROJECT_FILE.decode()
        .replace("→", "é")
        .encode(
            d.draw(st.sampled_from(["utf-16", "utf-16-le", "latin-1"]), label="encoding"), errors="replace"
        )
    ),
    "name": lambda d: PROJECT_FILE.replace(
        b"name: fargate-platform",
        b"name: " + d.draw(st.sampled_from([*_SCALARS, b"a b", b"x:y", b"''"]), label="name"),
    ),
    "bomb": lambda d: _bomb(d).replace(
        b"config: {fargate-platform:environment: dev, ", b"name: p\nconfig: {"
    ),
}


def _flipped(data: st.DataObject, raw: bytes) -> bytes:
    base = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 8), label="flips")):
        i = data.draw(st.integers(0, len(base) - 1), label="at")
        base[i] = data.draw(st.sampled_from(b"\x00\t\n :-[]{}&*!|>'\"#%@`?,\xe9\xff"), label="byte")
    return bytes(base)


@pytest.fixture(scope="module")
def project_of_its_own(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real program with dev's stack file, and a Pulumi.yaml of its own to overwrite."""
    target = tmp_path_factory.mktemp("fuzz-project")
    for entry in ROOT.iterdir():
        if entry.name in UNPRINTED or entry.name.startswith("Pulumi."):
            continue
        (target / entry.name).symlink_to(entry)
    (target / "Pulumi.fuzz.yaml").write_bytes(STACKS[0])
    return target


def test_raw_pulumi_yaml_bytes_never_crash_the_cli(
    capsys: pytest.CaptureFixture[str], project_of_its_own: Path
) -> None:
    outcomes: Counter[str] = Counter()

    @settings(
        max_examples=max(20, EXAMPLES // 3),
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        kind = data.draw(st.sampled_from(sorted(PROJECT_KINDS)), label="kind")
        (project_of_its_own / "Pulumi.yaml").write_bytes(PROJECT_KINDS[kind](data))
        raw = (project_of_its_own / "Pulumi.fuzz.yaml").read_bytes()
        outcomes[check_run(capsys, project_of_its_own, raw)] += 1

    run()
    assert outcomes["error"] > 0, outcomes
