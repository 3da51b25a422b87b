"""The price table: policy/prices.json is valid and is what the estimate prices with; every way the file can
be malformed gives one exact error naming the file, the region and the field (policy/pricing_table.py)."""

from __future__ import annotations

import ast
import copy
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pricing
import pricing_table
import pytest

ROOT = Path(__file__).resolve().parents[2]
POLICY_DIR = ROOT / "policy"
PRICES_JSON = POLICY_DIR / "prices.json"

# The fields of a region, in the file's order (reference/pricing.md, one per priced item).
PRICE_FIELDS = [
    "fargate_x86_vcpu_hour",
    "fargate_x86_gb_hour",
    "fargate_arm_vcpu_hour",
    "fargate_arm_gb_hour",
    "ephemeral_storage_gb_hour",
    "alb_hour",
    "alb_lcu_hour",
    "nat_gateway_hour",
    "nat_gb_processed",
    "public_ipv4_hour",
    "vpc_interface_endpoint_az_hour",
    "logs_ingested_gb",
    "logs_stored_gb_month",
    "custom_metric_month",
    "cloudwatch_alarm_metric_month",
    "cloudwatch_high_resolution_alarm_metric_month",
    "cloudwatch_dashboard_month",
    "cloud_map_instance_month",
    "ssm_advanced_parameter_month",
    "secrets_manager_secret_month",
    "kms_key_month",
    "ecr_gb_month",
    "efs_standard_gb_month",
    "waf_web_acl_month",
    "waf_rule_month",
    "waf_requests_million",
    "waf_bot_control_month",
    "waf_atp_month",
    "waf_acfp_month",
]


def raw() -> dict[str, Any]:
    return json.loads(PRICES_JSON.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------------------
# The real file
# ---------------------------------------------------------------------------------------------------------


def test_the_price_file_is_valid() -> None:
    # Checked here on the raw JSON, independently of the loader.
    data = raw()
    assert sorted(data) == ["about", "regions"] and isinstance(data["about"], str)
    assert sorted(data["regions"]) == ["eu-west-2", "us-east-1"]
    for region, entry in data["regions"].items():
        assert list(entry) == ["source", "date", *PRICE_FIELDS], region
        assert isinstance(entry["source"], str) and entry["source"].strip(), region
        assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", entry["date"]), region
        for field in PRICE_FIELDS:
            value = entry[field]
            assert value is None or (type(value) in (int, float) and value > 0), (region, field, value)


def test_the_loader_knows_exactly_the_fields_of_the_file() -> None:
    assert list(pricing_table.PRICE_FIELDS) == PRICE_FIELDS


def test_the_estimate_prices_with_the_file_next_to_pricing_py() -> None:
    next_to_pricing = Path(pricing.__file__).resolve().with_name("prices.json")
    assert next_to_pricing == pricing_table.PRICES_FILE
    assert pricing.PRICES is pricing_table.PRICES
    assert pricing_table.load_prices(PRICES_JSON) == pricing.PRICES
    for region, entry in raw()["regions"].items():
        table = pricing.PRICES[region]
        assert (table.region, table.source, table.date) == (region, entry["source"], entry["date"])
        assert {f: getattr(table, f) for f in PRICE_FIELDS} == {f: entry[f] for f in PRICE_FIELDS}


def test_a_price_not_found_is_null_and_stays_none() -> None:
    assert raw()["regions"]["eu-west-2"]["efs_standard_gb_month"] is None
    assert pricing.PRICES["eu-west-2"].efs_standard_gb_month is None


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-2"])
def test_waf_prices_are_the_same_everywhere_and_paid_groups_are_not_found(region: str) -> None:
    entry = raw()["regions"][region]
    assert (entry["waf_web_acl_month"], entry["waf_rule_month"], entry["waf_requests_million"]) == (5, 1, 0.6)
    assert (entry["waf_bot_control_month"], entry["waf_atp_month"], entry["waf_acfp_month"]) == (None,) * 3
    assert "AWS WAF" in entry["source"]


# ---------------------------------------------------------------------------------------------------------
# Loaded by path as ops/check.py does, without policy/ on sys.path: the estimate comes from the JSON
# ---------------------------------------------------------------------------------------------------------

_LOAD_BY_PATH = """
import json, sys
from pathlib import Path
pack = Path(sys.argv[1])
assert not any(Path(p or ".").resolve() in (pack, pack.parent / "policy") for p in sys.path), sys.path
from ops.offline.check import load_pricing
p = load_pricing(pack)
none = p.Assumptions(alb_lcus=0, nat_gb_processed_per_month=0, log_gb_ingested_per_month=0)
def res(type_token, name, props):
    urn = f"urn:pulumi:dev::proj::{type_token}::{name}"
    return {"type": type_token, "name": name, "urn": urn, "props": props}
alb = res("aws:lb/loadBalancer:LoadBalancer", "alb", {"subnets": ["a", "b"]})
task = [
    res("aws:ecs/taskDefinition:TaskDefinition", "web-td", {"family": "web", "cpu": "256", "memory": "512"}),
    res("aws:ecs/service:Service", "web", {"taskDefinition": "task-definition/web:1", "desiredCount": 1,
                                           "launchType": "FARGATE"}),
]
nat = res("awsx:ec2:Vpc", "vpc", {"natGateways": {"strategy": "Single"}})
print(json.dumps({name: round(p.estimate(stack, "eu-west-2", none).total, 2)
                  for name, stack in (("alb", [alb]), ("task", task), ("nat", [nat]))}))
"""


def totals_loaded_by_path(pack: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _LOAD_BY_PATH, str(pack)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout)


def pack_copy(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir()
    for path in [*POLICY_DIR.glob("pricing*.py"), PRICES_JSON]:
        shutil.copy(path, pack / path.name)
    return pack


def test_loaded_by_path_the_estimate_is_the_worked_floor_of_the_reference(tmp_path: Path) -> None:
    # The same figures tests/policy/test_pricing.py expects: ALB + 2 IPv4, one 0.25 vCPU task, one NAT.
    assert totals_loaded_by_path(pack_copy(tmp_path)) == {"alb": 26.62, "task": 10.36, "nat": 40.15}


def test_a_price_changed_in_the_file_changes_the_estimate(tmp_path: Path) -> None:
    pack = pack_copy(tmp_path)
    data = raw()
    data["regions"]["eu-west-2"]["alb_hour"] = 0.03
    (pack / "prices.json").write_text(json.dumps(data), encoding="utf-8")

    totals = totals_loaded_by_path(pack)

    assert totals["alb"] == round(0.03 * 730 + 2 * 0.005 * 730, 2)
    assert (totals["task"], totals["nat"]) == (10.36, 40.15)


# ---------------------------------------------------------------------------------------------------------
# Malformed files: one exact message each
# ---------------------------------------------------------------------------------------------------------

Edit = Callable[[dict[str, Any]], Any]


def _set(region: str, field: str, value: Any) -> Edit:
    return lambda data: data["regions"][region].__setitem__(field, value)


def _delete(region: str, field: str) -> Edit:
    return lambda data: data["regions"][region].pop(field)


def _rename(region: str, old: str, new: str) -> Edit:
    return lambda data: data["regions"][region].__setitem__(new, data["regions"][region].pop(old))


EU = "region 'eu-west-2'"
PRICE_RULE = "must be a positive number (USD) or null (price not found)"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            _delete("eu-west-2", "alb_hour"),
            f"{EU}: missing field 'alb_hour' (write null for a price that was not found)",
        ),
        (_delete("us-east-1", "source"), "region 'us-east-1': missing field 'source'"),
        (_delete("eu-west-2", "date"), f"{EU}: missing field 'date'"),
        (
            _rename("eu-west-2", "alb_hour", "alb_hours"),
            f"{EU}: unknown field 'alb_hours' (did you mean 'alb_hour'?)",
        ),
        (_set("eu-west-2", "price_of_coffee", 3.5), f"{EU}: unknown field 'price_of_coffee'"),
        (_set("eu-west-2", "alb_hour", -0.02646), f"{EU}: field 'alb_hour' {PRICE_RULE}, got -0.02646"),
        (_set("eu-west-2", "alb_hour", 0), f"{EU}: field 'alb_hour' {PRICE_RULE}, got 0"),
        (_set("eu-west-2", "alb_hour", "0.02646"), f"{EU}: field 'alb_hour' {PRICE_RULE}, got \"0.02646\""),
        (_set("eu-west-2", "alb_hour", True), f"{EU}: field 'alb_hour' {PRICE_RULE}, got true"),
        (_set("eu-west-2", "alb_hour", [0.02646]), f"{EU}: field 'alb_hour' {PRICE_RULE}, got [0.02646]"),
        (_set("eu-west-2", "source", ""), f"{EU}: field 'source' must name where the prices come from"),
        (_set("eu-west-2", "source", None), f"{EU}: field 'source' must name where the prices come from"),
        (
            _set("eu-west-2", "date", "Sept 2026"),
            f"{EU}: field 'date' must be the month of the prices (YYYY-MM)",
        ),
        (
            _set("eu-west-2", "date", "2026-13"),
            f"{EU}: field 'date' must be the month of the prices (YYYY-MM)",
        ),
        (
            lambda data: data["regions"].__setitem__("london", data["regions"].pop("eu-west-2")),
            "region 'london' is not an AWS region code (like 'eu-west-2')",
        ),
        (
            lambda data: data["regions"].__setitem__("eu-west-2", [1, 2]),
            f"{EU}: must be a JSON object, got [1, 2]",
        ),
        (
            lambda data: data["regions"].clear(),
            "field 'regions' must be an object with one entry per region",
        ),
        (lambda data: data.pop("regions"), "missing field 'regions'"),
        (lambda data: data.__setitem__("about", 1), "field 'about' must be a string"),
        (lambda data: data.__setitem__("comment", "x"), "unknown field 'comment'"),
    ],
    ids=lambda value: None if callable(value) else re.sub(r"\W+", "-", value)[:60],
)
def test_a_malformed_file_names_the_file_the_region_and_the_field(
    tmp_path: Path, edit: Edit, message: str
) -> None:
    data = copy.deepcopy(raw())
    edit(data)
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")

    with pytest.raises(pricing_table.PriceTableError) as err:
        pricing_table.load_prices(path)

    assert str(err.value) == f"{path}: {message}"


def _valid_text() -> str:
    return PRICES_JSON.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (  # json keeps the last of two equal keys; the loader refuses both
            lambda: _valid_text().replace('"alb_hour": 0.02646,', '"alb_hour": 0.02646,\n"alb_hour": 0.1,'),
            f"{EU}: field 'alb_hour' is given twice",
        ),
        (
            lambda: _valid_text().replace('"regions": {', '"regions": {"eu-west-2": {},', 1),
            "region 'eu-west-2' is given twice",
        ),
        (
            lambda: _valid_text().replace('"alb_hour": 0.02646', '"alb_hour": NaN'),
            f"{EU}: field 'alb_hour' {PRICE_RULE}, got NaN",
        ),
        (
            lambda: _valid_text().replace('"alb_hour": 0.02646', '"alb_hour": Infinity'),
            f"{EU}: field 'alb_hour' {PRICE_RULE}, got Infinity",
        ),
        (lambda: '{"about": }', "invalid JSON at line 1 column 11: Expecting value"),
        (lambda: "[]", "must be a JSON object, got []"),
    ],
    ids=["duplicate-field", "duplicate-region", "nan", "infinity", "invalid-json", "not-an-object"],
)
def test_malformed_json_text(tmp_path: Path, text: Callable[[], str], message: str) -> None:
    path = tmp_path / "prices.json"
    path.write_text(text(), encoding="utf-8")

    with pytest.raises(pricing_table.PriceTableError) as err:
        pricing_table.load_prices(path)

    assert str(err.value) == f"{path}: {message}"


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(pricing_table.PriceTableError) as err:
        pricing_table.load_prices(path)
    assert str(err.value) == f"{path}: cannot be read (No such file or directory)"


def test_the_estimate_imports_only_the_standard_library_and_its_own_modules() -> None:
    # ops/check.py loads pricing.py by path into its own process: nothing of the pack (pulumi_policy, common)
    # or of the program may come with it.
    own = {path.stem for path in POLICY_DIR.glob("pricing*.py")}
    found: dict[str, set[str]] = {}
    for path in sorted(POLICY_DIR.glob("pricing*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in own:
                    found.setdefault(path.name, set()).add(name)
    assert found == {}
    assert own == {
        "pricing",
        "pricing_fargate",
        "pricing_front_door",
        "pricing_logs",
        "pricing_model",
        "pricing_network",
        "pricing_observability",
        "pricing_rollout",
        "pricing_secrets_storage",
        "pricing_stack",
        "pricing_table",
    }


def test_docs_list_every_price_field_and_say_where_prices_live() -> None:
    docs = (ROOT / "docs" / "pricing.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([a-z0-9_]+)` \| [^|]+ \| [^|]+ \|$", docs, re.M)  # the field table
    assert documented == PRICE_FIELDS
    assert "`policy/prices.json`" in docs
