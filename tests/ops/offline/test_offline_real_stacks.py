"""`ops plan` / `ops check` on the real program, policy pack and stack files (dev and prod)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from offline_oracle import registered_by_stock_monitor

from ops.cli import main

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.skipif(
    not all(
        (ROOT / f).is_file()
        for f in ("__main__.py", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "policy/__main__.py")
    ),
    reason="the program, its stacks or the policy pack are not there yet",
)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_check_passes_with_a_cost_estimate(capsys: pytest.CaptureFixture[str], tmp_path: Path, stack: str):
    report = tmp_path / "report.json"
    code = main(["check", "--stack", stack, "--project-dir", str(ROOT), "--json", str(report)])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    doc = json.loads(report.read_text())
    assert doc["counts"]["mandatory"] == 0
    cost = doc["cost"]
    assert cost["region"] == "eu-west-2" and cost["currency"] == "USD"
    assert cost["total"] > 0 and cost["lineItems"]
    assert cost["total"] == pytest.approx(sum(i["monthly"] for i in cost["lineItems"]), abs=0.05)
    assert "Cost estimate (eu-west-2, USD per month)" in out
    assert f"Total: ${cost['total']:,.2f} per month (budget ${cost['budget']:,.2f})" in out
    assert cost["total"] <= cost["budget"]
    configured = json.loads((ROOT / "policy" / "config" / f"{stack}.json").read_text())
    budget_config = configured.get("monthly-cost-budget")
    if isinstance(budget_config, dict) and "maxMonthlyUsd" in budget_config:
        assert cost["budget"] == budget_config["maxMonthlyUsd"]
    assert out.rstrip().endswith("(exit 0)")


def test_plan_json_records_exactly_the_registered_resources(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    target = tmp_path / "plan.json"
    assert main(["plan", "--stack", "dev", "--project-dir", str(ROOT), "--json", str(target)]) == 0
    capsys.readouterr()
    doc = json.loads(target.read_text())
    recorded = sorted((r["type"], r["name"]) for r in doc["resources"])
    assert recorded == registered_by_stock_monitor(ROOT, "dev")
    assert doc["summary"]["resources"] == len(recorded)
    assert "offline-secret-" not in target.read_text()


def project_copy(tmp_path: Path, stack: str, edit) -> Path:
    """A project dir linking to the real program, with a modified copy of one stack file."""
    target = tmp_path / "project"
    target.mkdir()
    for entry in ROOT.iterdir():
        if entry.name.startswith("Pulumi.") and entry.name != "Pulumi.yaml":
            continue
        if entry.name not in {"venv", ".git", "tests", "benchmarks", "docs"}:
            (target / entry.name).symlink_to(entry)
    doc = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())
    edit(doc["config"])
    (target / "Pulumi.changed.yaml").write_text(yaml.safe_dump(doc))
    return target


def test_plaintext_secret_in_a_service_environment_is_a_config_error(capsys, tmp_path: Path):
    def leak(config: dict) -> None:
        config["fargate-platform:services"]["backend"].setdefault("environment", {})["DB_PASSWORD"] = (
            "hunter2"
        )

    project = project_copy(tmp_path, "dev", leak)
    code = main(["check", "--stack", "changed", "--project-dir", str(project)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("error: invalid stack config in Pulumi.changed.yaml (1 problem):\n")
    assert "config.py" not in err
    assert "\n  services.backend.environment.DB_PASSWORD: " in err
    assert "Traceback" not in err


def test_invalid_size_names_the_key_and_the_fix(capsys, tmp_path: Path):
    def too_big(config: dict) -> None:
        backend = config["fargate-platform:services"]["backend"]
        backend["cpu"], backend["memory"] = 256, 4096

    project = project_copy(tmp_path, "dev", too_big)
    code = main(["plan", "--stack", "changed", "--project-dir", str(project)])
    _, err = capsys.readouterr()
    assert code == 2
    assert "services.backend.memory: " in err and "4096" in err
