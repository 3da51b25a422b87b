"""ops diff: the classifier on hand-built plans, the ForceNew table's coverage of every input the stacks set,
and the CLI's exit codes (0 safe, 1 findings, 2 a bad config or base)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from diff_support import ROOT, example_config, plan_of, stack_config

from ops.cli import main
from ops.offline.diff import diff_plans
from ops.offline.diff_checks import check_diff
from ops.offline.diff_force_new import FORCE_NEW, known_inputs
from ops.offline.recorded_plan import Plan, RecordedResource

URN = "urn:pulumi:t::p::"


def res(type_: str, name: str, inputs: dict[str, Any], **options: Any) -> RecordedResource:
    fields: dict[str, Any] = {
        "type": type_,
        "name": name,
        "urn": URN + type_ + "::" + name,
        "parent": "",
        "inputs": inputs,
        "secret_paths": (),
        "custom": True,
        "protect": False,
        "retain_on_delete": False,
        "depends_on": (),
        "provider": "",
    }
    fields.update(options)
    return RecordedResource(**fields)


def plan(*resources: RecordedResource) -> Plan:
    return Plan("p", "t", list(resources), {})


LOGS = "aws:cloudwatch/logGroup:LogGroup"
TASK = "aws:ecs/taskDefinition:TaskDefinition"


def test_update_in_place_names_the_property() -> None:
    diff = diff_plans(
        plan(res(LOGS, "l", {"name": "/x", "retentionInDays": 7})),
        plan(res(LOGS, "l", {"name": "/x", "retentionInDays": 14})),
    )
    assert [(s.op, s.properties) for s in diff.steps] == [("update", ("retentionInDays",))]


def test_force_new_inside_a_json_string_names_the_field() -> None:
    old = res(TASK, "t", {"family": "f", "containerDefinitions": '[{"image": "a:1"}]'})
    new = res(TASK, "t", {"family": "f", "containerDefinitions": '[{"image": "a:2"}]'})
    diff = diff_plans(plan(old), plan(new))
    assert diff.ops() == [("replace", "t"), ("delete-replaced", "t")]
    assert diff.steps[0].forced_by == ("containerDefinitions[].image",)


def test_fixed_name_replacement_conflicts_unless_delete_before_replace() -> None:
    old = res(LOGS, "l", {"name": "/x", "logGroupClass": "STANDARD"})
    new = res(LOGS, "l", {"name": "/x", "logGroupClass": "INFREQUENT_ACCESS"})
    findings, _ = check_diff(diff_plans(plan(old), plan(new)), prod=False)
    assert [(f.rule, f.property) for f in findings] == [("name-in-use", "name")]
    dbr = res(LOGS, "l", {"name": "/x", "logGroupClass": "INFREQUENT_ACCESS"}, delete_before_replace=True)
    diff = diff_plans(plan(old), plan(dbr))
    assert diff.ops() == [("delete-replaced", "l"), ("replace", "l")]
    assert check_diff(diff, prod=False) == ([], [])


CLOUD_MAP = "aws:servicediscovery/service:Service"


def test_adding_cloud_map_health_checks_replaces_delete_first() -> None:
    """Defect 4 of issue 9: healthCheckCustomConfig cannot be added in place, and the name is fixed."""
    dns = {"namespaceId": "ns-1", "routingPolicy": "MULTIVALUE", "dnsRecords": [{"ttl": 10, "type": "A"}]}
    old = res(CLOUD_MAP, "api-discovery", {"name": "api", "dnsConfig": dns})
    inputs = {"name": "api", "dnsConfig": dns, "healthCheckCustomConfig": {"failureThreshold": 1}}
    trap = check_diff(diff_plans(plan(old), plan(res(CLOUD_MAP, "api-discovery", inputs))), prod=False)
    assert [(f.rule, f.property) for f in trap[0]] == [("name-in-use", "name")]
    diff = diff_plans(plan(old), plan(res(CLOUD_MAP, "api-discovery", inputs, delete_before_replace=True)))
    assert diff.ops() == [("delete-replaced", "api-discovery"), ("replace", "api-discovery")]
    assert [s.forced_by for s in diff.steps if s.op == "replace"] == [("healthCheckCustomConfig",)]
    assert check_diff(diff, prod=False)[0] == []


def test_replace_on_changes_and_ignore_changes_are_honoured() -> None:
    old = res(LOGS, "l", {"name": "/x", "retentionInDays": 7, "tags": {"a": "1"}})
    new = res(
        LOGS,
        "l",
        {"name": "/x", "retentionInDays": 14, "tags": {"a": "2"}},
        replace_on_changes=("retentionInDays",),
        ignore_changes=("tags",),
    )
    diff = diff_plans(plan(old), plan(new))
    assert [(s.op, s.forced_by, s.reason) for s in diff.steps[:1]] == [
        ("replace", ("retentionInDays",), "replaceOnChanges")
    ]
    assert diff.steps[0].properties == ("retentionInDays",)


def test_alias_matches_a_renamed_resource() -> None:
    old = res(LOGS, "old", {"name": "/x"})
    new = res(LOGS, "new", {"name": "/x"}, aliases=(URN + LOGS + "::old",))
    diff = diff_plans(plan(old), plan(new))
    assert diff.steps == [] and diff.unchanged == 1


def test_retained_delete_is_not_a_finding_and_protected_is() -> None:
    fs = "aws:efs/fileSystem:FileSystem"
    diff = diff_plans(plan(res(fs, "fs", {"encrypted": True}, retain_on_delete=True)), plan())
    assert diff.ops() == [("retain", "fs")] and check_diff(diff, prod=False) == ([], [])
    diff = diff_plans(plan(res(fs, "fs", {"encrypted": True}, protect=True)), plan())
    assert [f.rule for f in check_diff(diff, prod=False)[0]] == ["protected"]
    diff = diff_plans(plan(res(fs, "fs", {"encrypted": True})), plan())
    assert [f.rule for f in check_diff(diff, prod=False)[0]] == ["data-loss"]


def test_prod_log_group_delete_is_data_loss_only_in_prod() -> None:
    diff = diff_plans(plan(res(LOGS, "l", {"name": "/x"})), plan())
    assert check_diff(diff, prod=False)[0] == []
    assert [f.rule for f in check_diff(diff, prod=True)[0]] == ["data-loss"]


def test_replaced_dependency_makes_referencing_inputs_change() -> None:
    tg = "aws:lb/targetGroup:TargetGroup"
    old_tg = res(tg, "tg", {"port": 80}, output_ids=("arn:tg",))
    new_tg = res(tg, "tg", {"port": 81}, output_ids=("arn:tg",))
    listener = res(
        "aws:lb/listener:Listener",
        "http",
        {"defaultActions": [{"targetGroupArn": "arn:tg"}]},
        depends_on=(new_tg.urn,),
    )
    dbr_tg = res(tg, "tg", {"port": 81}, output_ids=("arn:tg",), delete_before_replace=True)
    diff = diff_plans(plan(old_tg, listener), plan(new_tg, listener))
    assert diff.ops() == [("replace", "tg"), ("update", "http"), ("delete-replaced", "tg")]
    findings, notes = check_diff(diff_plans(plan(old_tg, listener), plan(dbr_tg, listener)), prod=False)
    assert [f.rule for f in findings] == ["target-group-in-use"] and notes == []
    assert len(check_diff(diff, prod=False)[1]) == 1


def _custom_inputs(p: Plan) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in p.resources:
        if r.custom:
            out.setdefault(r.type, set()).update(r.inputs)
    return out


EXAMPLES = [
    "existing-vpc",
    "first-service",
    "seed-002-three-services",
    "seed-003-fsd-minimal",
    "seed-004-django",
]


@pytest.mark.parametrize("name", ["dev", "prod", *EXAMPLES])
def test_force_new_table_covers_every_input_the_stack_sets(name: str) -> None:
    config = stack_config(name) if name in ("dev", "prod") else example_config(name)
    missing = []
    for type_, inputs in _custom_inputs(plan_of(config)).items():
        assert type_ in FORCE_NEW, f"{type_}: not in diff_force_new.FORCE_NEW"
        missing += [f"{type_}.{k}" for k in sorted(inputs - known_inputs(type_) - {"__defaults"})]
    assert missing == []


def test_every_table_entry_cites_its_source() -> None:
    for type_, rules in FORCE_NEW.items():
        assert rules.source.startswith("hashicorp/terraform-provider-"), type_
        assert not set(rules.force_new) & set(rules.updatable), type_


# ----------------------------------------------------------------------------------------------- the CLI


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["diff", "--stack", "dev", "--project-dir", str(ROOT), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_same_file_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run_cli(
        capsys, "--base", str(ROOT / "Pulumi.dev.yaml"), "--json", str(tmp_path / "d.json")
    )
    assert code == 0, err
    assert "SAFE" in out and "planning the base" in err
    import json

    doc = json.loads((tmp_path / "d.json").read_text())
    assert doc["kind"] == "diff" and doc["exitCode"] == 0 and doc["steps"] == []


def test_cli_capacity_change_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = (ROOT / "Pulumi.dev.yaml").read_text().replace("capacity: spot", "capacity: onDemand")
    base = tmp_path / "base.yaml"
    base.write_text(text)
    code, out, _ = run_cli(capsys, "--base", str(base))
    assert (
        code == 0 and "~ update  Service backend-service                capacityProviderStrategies" in out
    ), out


SERVICE = "aws:ecs/service:Service"
SPOT = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
ON_DEMAND = [{"capacityProvider": "FARGATE", "weight": 1}]


def test_capacity_change_without_force_new_deployment_is_refused_at_preview() -> None:
    """Defect 1 of issue 9 as the provider sees it on a service without forceNewDeployment
    (terraform-provider-aws, capacityProviderStrategyCustomizeDiff)."""
    old = res(SERVICE, "s", {"cluster": "c", "capacityProviderStrategies": SPOT})
    new = res(SERVICE, "s", {"cluster": "c", "capacityProviderStrategies": ON_DEMAND})
    diff = diff_plans(plan(old), plan(new))
    assert diff.ops() == [("update", "s")]
    findings, _ = check_diff(diff, prod=False)
    assert [(f.rule, f.property) for f in findings] == [
        ("ecs-capacity-provider-change", "capacityProviderStrategies")
    ]
    assert findings[0].message == (
        "aws:ecs/service:Service s: capacityProviderStrategies changes without forceNewDeployment: true, so "
        'the provider refuses the update at preview ("force_new_deployment should be true when '
        'capacity_provider_strategy is being updated"); set forceNewDeployment: true on the service so the '
        "strategy is changed in place by a new deployment"
    )
    fixed = res(SERVICE, "s", {**new.inputs, "forceNewDeployment": True})
    assert check_diff(diff_plans(plan(old), plan(fixed)), prod=False)[0] == []


def test_cli_missing_file_and_bad_revision_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "--base", "no-such-revision-xyz")
    assert code == 2
    assert err.splitlines()[-1].startswith("error: base no-such-revision-xyz:Pulumi.dev.yaml: no such file")
    assert "Traceback" not in err


def test_cli_invalid_yaml_base_exits_2_naming_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = tmp_path / "old.yaml"
    base.write_text("config:\n  aws:region: [unclosed\n")
    code, _, err = run_cli(capsys, "--base", str(base))
    assert code == 2 and f"error: base {base}: Pulumi.dev.yaml" in err and "Traceback" not in err


def test_cli_invalid_config_base_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = tmp_path / "old.yaml"
    base.write_text((ROOT / "Pulumi.dev.yaml").read_text().replace("capacity: spot", "capacity: lots"))
    code, _, err = run_cli(capsys, "--base", str(base))
    assert code == 2 and f"error: base {base}: invalid stack config (1 problem):" in err


def test_cli_git_revision_base(capsys: pytest.CaptureFixture[str]) -> None:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
    if head.returncode != 0:
        pytest.skip("not a git checkout")
    code, out, err = run_cli(capsys, "--base", "HEAD")
    assert code in (0, 1), err
    assert "HEAD:Pulumi.dev.yaml" in out
