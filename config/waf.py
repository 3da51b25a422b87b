"""`loadBalancer.waf`: an AWS WAF web ACL in front of the stack's ALB: AWS managed rule groups, a per-IP rate
limit, blocked countries, and optional request logs. The model, its rules and the tables they check against
(the AWS managed rule groups by name, the country codes AWS WAF knows)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from pydantic import Field, field_validator, model_validator

from config.base import ConfigModel
from config.errors import Issue, raise_if, short_repr


@dataclass(frozen=True)
class ManagedRuleGroup:
    """One AWS managed rule group (vendor AWS): its rule priority in the web ACL and its capacity."""

    priority: int  # fixed per group, never its position in the config list (components/waf.py)
    wcu: int  # web ACL capacity units; the WAF base price covers 1,500 per web ACL
    category: str


MANAGED_RULE_GROUPS: dict[str, ManagedRuleGroup] = {
    # IP reputation: cheap lists of source addresses, evaluated first.
    "AWSManagedRulesAmazonIpReputationList": ManagedRuleGroup(10, 25, "IP reputation"),
    "AWSManagedRulesAnonymousIpList": ManagedRuleGroup(20, 50, "IP reputation"),
    # Baseline.
    "AWSManagedRulesCommonRuleSet": ManagedRuleGroup(30, 700, "baseline"),
    "AWSManagedRulesKnownBadInputsRuleSet": ManagedRuleGroup(40, 200, "baseline"),
    "AWSManagedRulesAdminProtectionRuleSet": ManagedRuleGroup(50, 100, "baseline"),
    # Use-case specific.
    "AWSManagedRulesSQLiRuleSet": ManagedRuleGroup(60, 200, "use-case"),
    "AWSManagedRulesLinuxRuleSet": ManagedRuleGroup(70, 200, "use-case"),
    "AWSManagedRulesUnixRuleSet": ManagedRuleGroup(80, 100, "use-case"),
    "AWSManagedRulesWindowsRuleSet": ManagedRuleGroup(90, 200, "use-case"),
    "AWSManagedRulesPHPRuleSet": ManagedRuleGroup(100, 100, "use-case"),
    "AWSManagedRulesWordPressRuleSet": ManagedRuleGroup(110, 100, "use-case"),
}
"""The AWS managed rule groups a stack may list, by name (vendor AWS), from the AWS WAF Developer Guide,
"AWS Managed Rules rule groups list" (docs.aws.amazon.com/waf/latest/developerguide/, pages
aws-managed-rule-groups-baseline, -use-case and -ip-rep, each group given as `VendorName: AWS, Name: …,
WCU: …`), read 2026. They cost nothing beyond the web ACL's own price ("All other AWS Managed Rules rule
groups are available to AWS WAF customers at no additional cost", Using managed rule groups in AWS WAF).

Priorities are the rules' order in the web ACL: fixed per name and spaced, so adding or removing a group
never renumbers the others (a new group gets a new number; never reuse or reorder one). 0 and 1 are the
platform's own rules (blocked countries, rate limit: components/waf.py)."""

PAID_MANAGED_RULE_GROUPS: dict[str, str] = {
    "AWSManagedRulesBotControlRuleSet": "Bot Control",
    "AWSManagedRulesATPRuleSet": "account takeover prevention (ATP)",
    "AWSManagedRulesACFPRuleSet": "account creation fraud prevention (ACFP)",
    "AWSManagedRulesAntiDDoSRuleSet": "anti-DDoS",
}
"""AWS managed rule groups with fees beyond the web ACL's (per request, and a monthly subscription), which
also need a `ManagedRuleGroupConfig` (login or sign-up paths, inspection level, challenge settings) this
platform does not set: rejected with a message saying so. Bot Control, ATP and ACFP: "available for
additional fees, beyond the basic AWS WAF charges" (Using managed rule groups in AWS WAF); anti-DDoS: "Bot
Control, Fraud Control, and DDoS Protection rule groups have additional per-request charges" (AWS security
services best practices, the WAF guide)."""

WAF_INCLUDED_WCU = 1500
"""Web ACL capacity units included in the base price; each further 500 WCUs add a request charge."""

RATE_LIMIT_MIN = 10
RATE_LIMIT_MAX = 2_000_000_000
"""RateBasedStatement.Limit (botocore 1.43.11 wafv2 `RateLimit`: min 10, max 2000000000), requests per
evaluation window; the platform keeps the default window of 300 s (5 minutes)."""

COUNTRY_CODES: tuple[str, ...] = (
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA",
    "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV",
    "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU",
    "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES",
    "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM",
    "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE",
    "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM",
    "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
    "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT",
    "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU",
    "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA",
    "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM",
    "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL",
    "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE",
    "VG", "VI", "VN", "VU", "WF", "WS", "XK", "YE", "YT", "ZA", "ZM", "ZW",
)  # fmt: skip
"""The ISO 3166-1 alpha-2 codes a geo match statement accepts: botocore 1.43.11's wafv2 `CountryCode` enum
(sorted; it includes XK, Kosovo). tests/config/test_waf_config.py compares the two, so a botocore upgrade that
adds a code fails until it is added here."""

_COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}
"""Codes people write that ISO 3166-1 spells otherwise (the EU's own abbreviations)."""

_GROUP_PREFIX = "awsmanagedrules"


class WafConfig(ConfigModel):
    """An AWS WAF web ACL on the stack's ALB (`loadBalancer.waf`); requests no rule blocks are allowed."""

    managed_rule_groups: list[str] = Field(
        default_factory=lambda: ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"],
        description="AWS managed rule groups (vendor AWS) by name, e.g. AWSManagedRulesSQLiRuleSet; the "
        "groups with extra charges (Bot Control, ATP, ACFP, anti-DDoS) are not supported. Default: the core "
        "rule set and known bad inputs.",
    )
    rate_limit_per_ip: int | None = Field(
        default=2000,
        ge=RATE_LIMIT_MIN,
        le=RATE_LIMIT_MAX,
        description="Requests per 5 minutes one IP address may send before WAF blocks it (until its rate "
        "falls below the limit); null: no rate limit.",
    )
    blocked_countries: list[str] = Field(
        default_factory=list,
        description="Countries whose requests are blocked (ISO 3166-1 alpha-2 codes, e.g. KP).",
    )
    logging: bool = Field(
        default=False,
        description="Log every request WAF inspects to a CloudWatch log group named aws-waf-logs-… (its "
        "retention: logs.retentionDays). Authorization and Cookie headers are redacted.",
    )

    @field_validator("managed_rule_groups")
    @classmethod
    def _groups(cls, value: list[str]) -> list[str]:
        raise_if([((), message) for message in check_rule_groups(value)])
        return value

    @field_validator("blocked_countries")
    @classmethod
    def _countries(cls, value: list[str]) -> list[str]:
        raise_if([((), message) for message in check_countries(value)])
        return value

    @model_validator(mode="after")
    def _rules(self) -> WafConfig:
        raise_if(check_waf(self))
        return self

    def rule_group_priorities(self) -> dict[str, int]:
        """Rule group → its web ACL rule priority (MANAGED_RULE_GROUPS), for the WebFirewall component."""
        return {name: MANAGED_RULE_GROUPS[name].priority for name in self.managed_rule_groups}

    def capacity(self) -> int:
        """The web ACL's capacity units: the groups' WCUs, 2 for the rate-based rule (IP key), 1 for geo."""
        groups = sum(MANAGED_RULE_GROUPS[name].wcu for name in self.managed_rule_groups)
        return (
            groups + (2 if self.rate_limit_per_ip is not None else 0) + (1 if self.blocked_countries else 0)
        )


def check_waf(waf: WafConfig) -> list[Issue]:
    """A web ACL whose only action is the default allow costs money and protects nothing."""
    if not waf.managed_rule_groups and waf.rate_limit_per_ip is None and not waf.blocked_countries:
        return [
            (
                (),
                "blocks nothing (no managedRuleGroups, rateLimitPerIp null, no blockedCountries); add a rule "
                "or remove waf",
            )
        ]
    return []


def check_rule_groups(names: list[str]) -> list[str]:
    """One message per unknown, paid or repeated rule-group name (the first problem of each name)."""
    messages: list[str] = []
    seen: set[str] = set()
    for name in names:
        if name in PAID_MANAGED_RULE_GROUPS:
            messages.append(
                f"{short_repr(name)} ({PAID_MANAGED_RULE_GROUPS[name]}) is charged per request on top of the "
                "web ACL and needs settings this platform does not make; remove it or use one of: "
                f"{', '.join(MANAGED_RULE_GROUPS)}"
            )
        elif name not in MANAGED_RULE_GROUPS:
            close = closest_rule_groups(name)
            hint = f"did you mean {' or '.join(close)}? " if close else ""
            messages.append(
                f"{short_repr(name)} is not an AWS managed rule group; {hint}use one of: "
                f"{', '.join(MANAGED_RULE_GROUPS)}"
            )
        elif name in seen:
            messages.append(f"{short_repr(name)} is listed twice; remove the duplicate")
        seen.add(name)
    return messages


def closest_rule_groups(name: str) -> list[str]:
    """The groups a typo most likely meant: the same name in other case, the one group containing what was
    typed (`SQLi`), else every group equally close by spelling once the shared `AWSManagedRules` prefix is set
    aside (it would make every name look close)."""
    lowered = {g.lower(): g for g in MANAGED_RULE_GROUPS}
    if name.lower() in lowered:
        return [lowered[name.lower()]]
    typed = name.lower().removeprefix(_GROUP_PREFIX)
    containing = [g for g in MANAGED_RULE_GROUPS if len(typed) >= 3 and typed in g.lower()]
    if len(containing) == 1:
        return containing
    scores = {
        g: difflib.SequenceMatcher(None, typed, g.lower().removeprefix(_GROUP_PREFIX)).ratio()
        for g in MANAGED_RULE_GROUPS
    }
    best = max(scores.values())
    return [g for g, score in scores.items() if score == best] if best >= 0.6 else []


def check_countries(codes: list[str]) -> list[str]:
    """One message per code AWS WAF does not know or that is repeated."""
    messages: list[str] = []
    seen: set[str] = set()
    for code in codes:
        if code not in COUNTRY_CODES:
            meant = _COUNTRY_ALIASES.get(code.upper(), code.upper())
            hint = f"did you mean {meant}? " if meant in COUNTRY_CODES else ""
            messages.append(
                f"{short_repr(code)} is not an ISO 3166-1 alpha-2 country code AWS WAF knows; {hint}use "
                "two capital letters, e.g. KP or RU"
            )
        elif code in seen:
            messages.append(f"{short_repr(code)} is listed twice; remove the duplicate")
        seen.add(code)
    return messages
