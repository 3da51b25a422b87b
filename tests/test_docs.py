"""The README and docs/ tell the truth: links resolve, the README stays a page, "your first service" shows the
file it names and the output `ops check` really prints for it, and the day-2 example is what `ops diff`
prints."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
LINK_RE = re.compile(r"\]\(([^)\s]+)\)")


def _fenced_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.M | re.S)


def test_the_readme_is_a_page() -> None:
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 300


@pytest.mark.parametrize("page", [README, *DOCS, ROOT / "policy" / "README.md"], ids=lambda p: p.name)
def test_relative_links_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in LINK_RE.findall(text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        missing_anchor = bool(anchor) and resolved.suffix == ".md" and anchor not in _anchors(resolved)
        if not resolved.exists() or missing_anchor:
            broken.append(target)
    assert broken == []


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to '-'."""
    out = set()
    for heading in re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), flags=re.M):
        out.add(re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-"))
    return out


def test_every_doc_page_is_linked_from_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    assert [p.name for p in DOCS if f"(docs/{p.name})" not in text] == []


def test_the_first_service_is_the_example_file() -> None:
    (block,) = _fenced_blocks(README.read_text(encoding="utf-8"), "yaml")
    assert block == (ROOT / "examples" / "first-service.yaml").read_text(encoding="utf-8")


def test_the_first_service_check_output_is_what_check_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ops.cli import main

    project = tmp_path / "project"
    shutil.copytree(
        ROOT, project, ignore=shutil.ignore_patterns("venv", ".git", "tests", "__pycache__", "Pulumi.*.yaml")
    )
    shutil.copy(ROOT / "examples" / "first-service.yaml", project / "Pulumi.first.yaml")
    monkeypatch.setenv("COLUMNS", "110")
    monkeypatch.setenv("NO_COLOR", "1")
    code = main(["check", "--stack", "first", "--project-dir", str(project)])
    out = capsys.readouterr().out
    shown = _fenced_blocks(README.read_text(encoding="utf-8"), "text")[0]
    assert code == 0
    assert out == shown


def test_the_day_2_example_is_what_diff_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's `ops diff` example: the last release had `length: 40` on the postgres password."""
    from ops.cli import main

    dev = (ROOT / "Pulumi.dev.yaml").read_text(encoding="utf-8")
    released = dev.replace("{generate: dbPassword}", "{generate: dbPassword, length: 40}", 1)
    assert released != dev
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "Pulumi.dev.yaml").write_text(released, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "110")
    monkeypatch.setenv("NO_COLOR", "1")
    code = main(["diff", "--stack", "dev", "--project-dir", str(ROOT), "--base", "base/Pulumi.dev.yaml"])
    out = capsys.readouterr().out
    shown = _fenced_blocks(README.read_text(encoding="utf-8"), "text")[1]
    assert code == 1
    assert out == shown
