"""The pack's catalogue: what __main__.py assembles, the README rule table and the per-stack config files
agree with the code, and every rule follows the pack's conventions."""

from __future__ import annotations

import ast
import importlib
import json
import re
from pathlib import Path
from typing import Any

import common
import jsonschema
import pytest
import type_tokens
from pulumi_policy import Policy, ResourceValidationPolicy, StackValidationPolicy

from ops.offline.analyzer import PolicyInfo, effective_config, load_policy_config

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"
SECTIONS = {
    "cost": "Cost",
    "budget": "Cost",
    "security": "Security",
    "reliability": "Reliability",
    "releases": "Releases",
    "front_door": "Front door",
}


def assembled_modules() -> list[str]:
    """The modules whose ``POLICIES`` __main__.py passes to PolicyPack (read, never imported: it blocks)."""
    tree = ast.parse((POLICY_DIR / "__main__.py").read_text())
    calls = [
        n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "PolicyPack"
    ]
    assert len(calls) == 1, "__main__.py must build exactly one PolicyPack"
    (policies,) = [k.value for k in calls[0].keywords if k.arg == "policies"]
    return [
        n.value.id
        for n in ast.walk(policies)
        if isinstance(n, ast.Attribute) and n.attr == "POLICIES" and isinstance(n.value, ast.Name)
    ]


def pack() -> list[tuple[str, Policy]]:
    return [(module, p) for module in assembled_modules() for p in importlib.import_module(module).POLICIES]


def schema_properties(policy: Policy) -> dict[str, dict[str, Any]]:
    return dict(policy.config_schema.properties) if policy.config_schema else {}


# --- __main__.py ---------------------------------------------------------------------------------------


def test_main_assembles_every_area():
    assert sorted(assembled_modules()) == [
        "budget",
        "cost",
        "front_door",
        "releases",
        "reliability",
        "security",
    ]


def test_policy_names_are_unique_and_kebab_case():
    names = [p.name for _, p in pack()]
    assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]
    assert [n for n in names if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", n)] == []


def test_descriptions_speak_in_one_voice():
    assert [p.name for _, p in pack() if not p.description.startswith("Checks that ")] == []


def test_levels_are_explicit():
    # Each rule states its default level; the pack-wide default (advisory) never decides silently.
    assert [p.name for _, p in pack() if p.enforcement_level is None] == []


def test_every_config_property_has_a_valid_default_and_a_description():
    problems = []
    for _, policy in pack():
        for key, prop in schema_properties(policy).items():
            if "default" not in prop or "description" not in prop:
                problems.append(f"{policy.name}.{key}: default or description missing")
                continue
            try:
                jsonschema.validate(prop["default"], prop)
            except jsonschema.ValidationError as e:
                problems.append(f"{policy.name}.{key}: default {prop['default']!r} invalid: {e.message}")
    assert problems == []


def test_rules_cover_every_alias_of_their_resource():
    alias_groups = [
        type_tokens.LOAD_BALANCER,
        type_tokens.LISTENER,
        type_tokens.LISTENER_RULE,
        type_tokens.LISTENER_CERTIFICATE,
        type_tokens.TARGET_GROUP,
        type_tokens.TARGET_GROUP_ATTACHMENT,
    ]
    partial = []
    for _, policy in pack():
        types = getattr(policy, "types", None)
        if types is None:
            continue
        for group in alias_groups:
            if set(group) & types and not set(group) <= types:
                partial.append(f"{policy.name}: covers {sorted(set(group) & types)} but not all of {group}")
    assert partial == []


def test_resource_rules_ignore_other_types(run):
    # A resource rule built with common.resource_policy returns nothing for a type it does not cover,
    # whatever the properties (an S3 bucket with a task definition's worst inputs).
    worst = {"containerDefinitions": "[]", "cpu": "1", "retentionInDays": 2, "ingress": []}
    for _, policy in pack():
        if isinstance(policy, ResourceValidationPolicy):
            assert run.resource(policy, "aws:s3/bucket:Bucket", worst) == [], policy.name


# --- README --------------------------------------------------------------------------------------------


def readme_rows() -> dict[str, dict[str, Any]]:
    """Rule rows of policy/README.md: name → section, level, config (key → default text)."""
    rows: dict[str, dict[str, Any]] = {}
    section = ""
    for line in (POLICY_DIR / "README.md").read_text().splitlines():
        if line.startswith("### "):
            section = line[4:].strip()
            continue
        match = re.match(r"^\| `([a-z0-9-]+)` \|", line)
        if not match or not section:
            continue
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        assert len(cells) == 5, f"README row for {match.group(1)} must have 5 cells: {line}"
        config: dict[str, str] = {}
        if cells[4] != "—":
            for part in cells[4].split("<br>"):
                key_match = re.fullmatch(r"`([A-Za-z0-9]+)`: (.+)", part.strip())
                assert key_match, f"README config cell of {match.group(1)} must read `key`: default: {part!r}"
                config[key_match.group(1)] = key_match.group(2)
        assert match.group(1) not in rows, f"README lists {match.group(1)} twice"
        rows[match.group(1)] = {"section": section, "level": cells[3], "config": config, "checks": cells[1]}
    return rows


def test_readme_lists_exactly_the_pack_rules():
    in_code = {p.name for _, p in pack()}
    in_readme = set(readme_rows())
    assert (sorted(in_code - in_readme), sorted(in_readme - in_code)) == ([], [])


def test_readme_rows_match_the_code():
    rows = readme_rows()
    mismatches = []
    for module, policy in pack():
        row = rows.get(policy.name)
        if row is None:
            continue  # reported by test_readme_lists_exactly_the_pack_rules
        level = policy.enforcement_level.value if policy.enforcement_level else "advisory"
        if row["level"] != level:
            mismatches.append(f"{policy.name}: README level {row['level']}, code {level}")
        if row["section"] != SECTIONS[module]:
            mismatches.append(f"{policy.name}: README section {row['section']}, code area {SECTIONS[module]}")
        props = schema_properties(policy)
        if list(row["config"]) != list(props):
            mismatches.append(f"{policy.name}: README config keys {list(row['config'])}, code {list(props)}")
            continue
        for key, text in row["config"].items():
            try:
                documented = json.loads(text)
            except ValueError:
                continue  # a long default summarised in words ("22 names, see code")
            if documented != props[key]["default"]:
                mismatches.append(
                    f"{policy.name}.{key}: README default {text}, code {props[key]['default']!r}"
                )
    assert mismatches == []


def test_readme_parser_sees_every_section():
    sections = {row["section"] for row in readme_rows().values()}
    assert sections == {"Cost", "Security", "Reliability", "Releases", "Front door"}


# --- per-stack config files ----------------------------------------------------------------------------


def pack_infos() -> list[PolicyInfo]:
    infos = []
    for _, policy in pack():
        props = schema_properties(policy)
        schema: dict[str, Any] = {"type": "object", "properties": props} if props else {}
        if props and policy.config_schema and policy.config_schema.required:
            schema["required"] = list(policy.config_schema.required)
        level = policy.enforcement_level.value if policy.enforcement_level else "advisory"
        kind = "stack" if isinstance(policy, StackValidationPolicy) else "resource"
        infos.append(PolicyInfo(policy.name, policy.description, level, schema, kind))
    return infos


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_stack_config_validates_against_the_schemas(stack):
    config = load_policy_config(POLICY_DIR / "config" / f"{stack}.json")
    effective = effective_config(pack_infos(), config)  # raises PolicyConfigError naming policy and property
    assert set(effective) == {p.name for _, p in pack()}


@pytest.mark.parametrize("other", ["staging", "prod"])
def test_stack_configs_configure_the_same_policies(other):
    dev = load_policy_config(POLICY_DIR / "config" / "dev.json")
    prod = load_policy_config(POLICY_DIR / "config" / f"{other}.json")
    assert sorted(dev) == sorted(prod)
    for name in dev:
        assert sorted(k for k in dev[name] if k != "enforcementLevel") == sorted(
            k for k in prod[name] if k != "enforcementLevel"
        ), name


def test_staging_thresholds_lie_between_dev_and_prod():
    configs = {s: load_policy_config(POLICY_DIR / "config" / f"{s}.json") for s in ("dev", "staging", "prod")}
    for name, entry in configs["staging"].items():
        for key, value in entry.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            low, high = sorted((configs["dev"][name][key], configs["prod"][name][key]))
            assert low <= value <= high, (name, key)


def test_every_threshold_is_set_per_stack():
    # A policy whose config is a per-stack threshold appears in both files (defaults are for other programs).
    dev = load_policy_config(POLICY_DIR / "config" / "dev.json")
    per_stack = {
        "fargate-max-task-size", "fargate-spot-in-non-prod", "nat-gateway-count", "log-group-retention",
        "container-insights", "monthly-cost-budget", "ecs-service-min-tasks", "ecs-service-multi-az",
        "target-group-deregistration-delay", "ecs-image-pinned", "ecs-no-public-ip", "alb-https-redirect",
        "alb-deletion-protection", "alb-access-logs", "ecs-deployment-alarms", "ecs-deployment-strategy",
        "ecs-rollout-time", "cloudwatch-alarm-actions", "sns-topic-encryption", "alb-domain-https",
        "acm-certificate-dns-validation", "alb-web-acl", "waf-logging-destination",
    }  # fmt: skip
    assert sorted(per_stack - set(dev)) == []


@pytest.mark.parametrize(
    ("policy", "key", "dev", "prod"),
    [
        ("monthly-cost-budget", "maxMonthlyUsd", 50, 400),
        ("fargate-spot-in-non-prod", "requireSpot", True, False),
        ("log-group-retention", "minDays", 1, 30),
        ("log-group-retention", "maxDays", 14, 400),
        ("nat-gateway-count", "maxNatGateways", 1, 3),
        ("container-insights", "mode", "any", "enabled"),
        ("ecs-service-min-tasks", "minTasks", 1, 2),
        ("ecs-service-multi-az", "minAzs", 1, 2),
        ("ecs-image-pinned", "requirePinned", False, True),
        ("alb-https-redirect", "requireHttps", False, True),
        ("alb-deletion-protection", "required", False, True),
        ("alb-access-logs", "required", False, True),
        ("ecs-no-public-ip", "enforcementLevel", "advisory", "mandatory"),
        ("ecs-deployment-alarms", "enforcementLevel", "advisory", "mandatory"),
        ("ecs-deployment-strategy", "enforcementLevel", "disabled", "advisory"),
        ("ecs-deployment-strategy", "requireTrafficShifting", False, True),
        ("ecs-rollout-time", "maxMinutes", 15, 60),
        ("cloudwatch-alarm-actions", "enforcementLevel", "advisory", "mandatory"),
        ("cloudwatch-alarm-actions", "requireOkActions", False, True),
        ("sns-topic-encryption", "enforcementLevel", "mandatory", "mandatory"),
        ("sns-topic-encryption", "allowAwsManagedKey", False, False),
        ("alb-domain-https", "enforcementLevel", "mandatory", "mandatory"),
        ("acm-certificate-dns-validation", "enforcementLevel", "advisory", "advisory"),
        ("alb-web-acl", "enforcementLevel", "disabled", "mandatory"),
        ("alb-web-acl", "required", False, True),
        ("waf-logging-destination", "enforcementLevel", "mandatory", "mandatory"),
    ],
)
def test_stack_values(policy, key, dev, prod):
    configs = {s: load_policy_config(POLICY_DIR / "config" / f"{s}.json") for s in ("dev", "prod")}
    assert (configs["dev"][policy][key], configs["prod"][policy][key]) == (dev, prod)


# --- robustness: a rule that raises anything but UnknownValueError fails the whole Analyze call ------------

_KEYS = [
    "cpu", "memory", "containerDefinitions", "requiresCompatibilities", "ephemeralStorage", "sizeInGib",
    "capacityProviderStrategies", "capacityProvider", "weight", "base", "launchType", "desiredCount",
    "networkConfiguration", "subnets", "assignPublicIp", "deploymentCircuitBreaker", "enable", "rollback",
    "healthCheck", "enabled", "path", "protocol", "deregistrationDelay", "retentionInDays", "settings",
    "setting", "name", "value", "image", "taskDefinitionArgs", "containers", "container", "natGateways",
    "strategy", "availabilityZoneNames", "numberOfAvailabilityZones", "minCapacity", "resourceId",
    "environment", "secrets", "valueFrom", "ingress", "fromPort", "toPort", "cidrBlocks", "policy",
    "defaultActions", "type", "user", "privileged", "linuxParameters", "capabilities", "add", "drop",
    "alarms", "alarmNames", "deploymentConfiguration", "deploymentController", "loadBalancers",
    "targetGroupArn", "advancedConfiguration", "alarmActions", "okActions", "actionsEnabled",
    "kmsMasterKeyId", "validationMethod", "certificateAuthorityArn", "privateKey",
]  # fmt: skip


_STRINGS = [
    "", "256", "0.25 vCPU", "FARGATE_SPOT", "latest", "nginx:latest", "HTTP", "*", "0.0.0.0/0", "[]", "[{}]",
    '[{"image": 1}]', "{}", "enabled", common.UNKNOWN_STRING,
]  # fmt: skip


def _json_values():
    from hypothesis import strategies as st

    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(-5, 70000), st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(_STRINGS),
        st.text(max_size=8),
    )  # fmt: skip
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(_KEYS), inner, max_size=4)
        ),
        max_leaves=8,
    )


def _resource_rules() -> list[Policy]:
    return [p for _, p in pack() if isinstance(p, ResourceValidationPolicy) and getattr(p, "types", None)]


@pytest.mark.parametrize("policy", _resource_rules(), ids=lambda p: p.name)
def test_resource_rules_survive_arbitrary_inputs(policy, run):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from pulumi_policy.proxy import UnknownValueError

    tokens = sorted(policy.types)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        token=st.sampled_from(tokens),
        props=st.dictionaries(st.sampled_from(_KEYS), _json_values(), max_size=6),
    )
    def check(token, props):
        try:
            messages = run.resource(policy, token, props)
        except UnknownValueError:
            return
        assert all(isinstance(m, str) and " must " in m for m in messages), messages

    check()
