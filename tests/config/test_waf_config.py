"""config/waf.py: `loadBalancer.waf` (rule groups, rate limit, blocked countries, logging), exact messages.

LoadBalancerConfig gains its `waf` key elsewhere; until then a stand-in root with the same key path
(`loadBalancer.waf`) validates WafConfig the way load_config will and translates its errors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.session import get_session
from pydantic import ValidationError

from config.base import ConfigModel
from config.errors import translate_errors
from config.waf import (
    COUNTRY_CODES,
    MANAGED_RULE_GROUPS,
    PAID_MANAGED_RULE_GROUPS,
    RATE_LIMIT_MAX,
    RATE_LIMIT_MIN,
    WafConfig,
    closest_rule_groups,
)

GROUPS = ", ".join(MANAGED_RULE_GROUPS)
G = "loadBalancer.waf.managedRuleGroups:"
C = "loadBalancer.waf.blockedCountries:"


class _LoadBalancer(ConfigModel):
    waf: WafConfig | None = None


class _Root(ConfigModel):
    load_balancer: _LoadBalancer


def problems(waf: Any) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        _Root.model_validate({"loadBalancer": {"waf": waf}})
    return translate_errors(exc.value, _Root)


def test_defaults() -> None:
    waf = WafConfig()
    assert waf.managed_rule_groups == ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"]
    assert (waf.rate_limit_per_ip, waf.blocked_countries, waf.logging) == (2000, [], False)
    assert waf.rule_group_priorities() == {
        "AWSManagedRulesCommonRuleSet": 30,
        "AWSManagedRulesKnownBadInputsRuleSet": 40,
    }
    assert waf.capacity() == 700 + 200 + 2


def test_camel_case_keys() -> None:
    raw = {
        "managedRuleGroups": ["AWSManagedRulesSQLiRuleSet"],
        "rateLimitPerIp": None,
        "blockedCountries": ["KP", "GB"],
        "logging": True,
    }
    root = _Root.model_validate({"loadBalancer": {"waf": raw}})
    waf = root.load_balancer.waf
    assert waf is not None
    assert (waf.managed_rule_groups, waf.rate_limit_per_ip, waf.blocked_countries, waf.logging) == (
        ["AWSManagedRulesSQLiRuleSet"],
        None,
        ["KP", "GB"],
        True,
    )
    assert waf.capacity() == 200 + 1


CASES: list[tuple[str, Any, list[str]]] = [
    (
        "unknown-group",
        {"managedRuleGroups": ["AWSManagedRulesCommonRules"]},
        [
            f"{G} 'AWSManagedRulesCommonRules' is not an AWS managed rule group; "
            f"did you mean AWSManagedRulesCommonRuleSet? use one of: {GROUPS}"
        ],
    ),
    (
        "group-in-other-case",
        {"managedRuleGroups": ["awsmanagedrulessqliruleset"]},
        [
            f"{G} 'awsmanagedrulessqliruleset' is not an AWS managed rule group; "
            f"did you mean AWSManagedRulesSQLiRuleSet? use one of: {GROUPS}"
        ],
    ),
    (
        "group-far-from-any",
        {"managedRuleGroups": ["OWASP"]},
        [f"{G} 'OWASP' is not an AWS managed rule group; use one of: {GROUPS}"],
    ),
    (
        "paid-group",
        {"managedRuleGroups": ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesBotControlRuleSet"]},
        [
            f"{G} 'AWSManagedRulesBotControlRuleSet' (Bot Control) is charged "
            "per request on top of the web ACL and needs settings this platform does not make; remove it or "
            f"use one of: {GROUPS}"
        ],
    ),
    (
        "duplicate-group",
        {"managedRuleGroups": ["AWSManagedRulesLinuxRuleSet", "AWSManagedRulesLinuxRuleSet"]},
        [f"{G} 'AWSManagedRulesLinuxRuleSet' is listed twice; remove the duplicate"],
    ),
    (
        "rate-too-small",
        {"rateLimitPerIp": 5},
        ["loadBalancer.waf.rateLimitPerIp: 5 is too small; use a value ≥ 10"],
    ),
    (
        "rate-too-large",
        {"rateLimitPerIp": 3_000_000_000},
        ["loadBalancer.waf.rateLimitPerIp: 3000000000 is too large; use a value ≤ 2000000000"],
    ),
    (
        "rate-not-a-number",
        {"rateLimitPerIp": "2k"},
        [
            "loadBalancer.waf.rateLimitPerIp: expected a whole number, got '2k'; write a whole number from "
            "10 to 2000000000"
        ],
    ),
    (
        "countries",
        {"blockedCountries": ["UK", "kp", "ZZ", "RU", "RU"]},
        [
            f"{C} 'UK' is not an ISO 3166-1 alpha-2 country code AWS WAF knows; "
            "did you mean GB? use two capital letters, e.g. KP or RU",
            f"{C} 'kp' is not an ISO 3166-1 alpha-2 country code AWS WAF knows; "
            "did you mean KP? use two capital letters, e.g. KP or RU",
            f"{C} 'ZZ' is not an ISO 3166-1 alpha-2 country code AWS WAF knows; "
            "use two capital letters, e.g. KP or RU",
            f"{C} 'RU' is listed twice; remove the duplicate",
        ],
    ),
    (
        "blocks-nothing",
        {"managedRuleGroups": [], "rateLimitPerIp": None},
        [
            "loadBalancer.waf: blocks nothing (no managedRuleGroups, rateLimitPerIp null, no "
            "blockedCountries); add a rule or remove waf"
        ],
    ),
    (
        "unknown-key",
        {"rateLimit": 100},
        ["loadBalancer.waf.rateLimit: unknown key; did you mean rateLimitPerIp?"],
    ),
    (
        "logging-not-a-bool",
        {"logging": "yes"},
        ["loadBalancer.waf.logging: expected true or false, got 'yes'; write true or false"],
    ),
]


@pytest.mark.parametrize(("case", "waf", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, waf: Any, expected: list[str]) -> None:
    assert problems(waf) == expected


def test_one_rule_suffices() -> None:
    only_countries = WafConfig.model_validate(
        {"managedRuleGroups": [], "rateLimitPerIp": None, "blockedCountries": ["KP"]}
    )
    assert only_countries.capacity() == 1
    only_rate = WafConfig.model_validate({"managedRuleGroups": []})
    assert only_rate.capacity() == 2


def test_suggestions() -> None:
    assert closest_rule_groups("SQLi") == ["AWSManagedRulesSQLiRuleSet"]
    assert closest_rule_groups("AWSManagedRulesIpReputationList") == ["AWSManagedRulesAmazonIpReputationList"]
    assert closest_rule_groups("xyz") == []


_WAFV2 = get_session().get_service_model("wafv2")


def test_country_codes_are_botocores() -> None:
    assert list(COUNTRY_CODES) == sorted(_WAFV2.shape_for("CountryCode").enum)


def test_rate_limit_range_is_botocores() -> None:
    limit = _WAFV2.shape_for("RateBasedStatement").members["Limit"].metadata
    assert (limit["min"], limit["max"]) == (RATE_LIMIT_MIN, RATE_LIMIT_MAX)


def test_rule_group_table() -> None:
    priorities = [g.priority for g in MANAGED_RULE_GROUPS.values()]
    assert len(set(priorities)) == len(priorities) and min(priorities) >= 10
    assert not set(MANAGED_RULE_GROUPS) & set(PAID_MANAGED_RULE_GROUPS)
    pattern = _WAFV2.shape_for("EntityName").metadata["pattern"]  # rule names are the group names
    assert all(re.match(pattern, name) for name in [*MANAGED_RULE_GROUPS, *PAID_MANAGED_RULE_GROUPS])
