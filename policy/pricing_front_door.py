"""Line items of the front door: AWS WAF web ACLs (per web ACL, per rule, per million requests inspected, and
the subscription of the paid AWS managed rule groups), and notes for what costs nothing or is billed
elsewhere (Route 53 alias records to a load balancer, the hosted zone, ACM public certificates).

- A web ACL is billed per month, each of its rules per month (a rule group, managed or not, counts as one
  rule), and the requests it inspects per million: ``albMillionRequestsPerMonth`` for each load balancer
  associated with it in the stack (``aws:wafv2/webAclAssociation``, linked by ``webAclArn``: the web ACL's
  name in ``…/webacl/<name>/<id>``, its logical name or auto-name, else by dependency; with one web ACL in
  the stack, every association is its). The same prices in every region.
- The paid AWS managed rule groups (Bot Control, Fraud Control ATP and ACFP) add their own monthly fee and a
  per-request (or per-attempt) fee: the monthly fee is priced from ``waf_*_month`` where the table has one
  (no figure with a source was found: null, listed as not priced); the per-request fees are not estimated.
- Route 53: queries to an alias record of a load balancer are free (Route 53 pricing: every query is billed
  "except for queries to Alias A records that are mapped to Elastic Load Balancing instances"); other
  records' queries ($0.40 per million standard) are not estimated. The hosted zone ($0.50 a month) is not
  created by the stack: not counted.
- ACM public certificates are free (ACM pricing; exportable certificates and a private CA are billed, not
  estimated).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pricing_model import EstimateBuilder, fmt
from pricing_stack import StackResource, is_unknown, list_of, value_at

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
WEB_ACL_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
ROUTE53_RECORD = "aws:route53/record:Record"
ROUTE53_ZONE = "aws:route53/zone:Zone"
ACM_CERTIFICATE = "aws:acm/certificate:Certificate"

_WEB_ACL_ARN = re.compile(r"[:/]webacl/(?P<name>[^/]+)")  # regional/webacl/<name>/<id>; mocks: webacl/<name>
_AUTONAME = re.compile(r"^(?P<base>.+)-[0-9a-f]{7}$")

PAID_MANAGED_GROUPS: dict[str, tuple[str, str]] = {
    "AWSManagedRulesBotControlRuleSet": ("waf_bot_control_month", "Bot Control"),
    "AWSManagedRulesATPRuleSet": ("waf_atp_month", "Fraud Control account takeover prevention (ATP)"),
    "AWSManagedRulesACFPRuleSet": (
        "waf_acfp_month",
        "Fraud Control account creation fraud prevention (ACFP)",
    ),
}


def _key(obj: Any, name: str) -> Any:
    """``obj[name]`` in the engine's camelCase or, for ``ruleJson``, the API's PascalCase."""
    value = value_at(obj, name)
    return value if value is not None else value_at(obj, name[0].upper() + name[1:])


def web_acl_rules(acl: StackResource) -> list[Any] | None:
    """The web ACL's rules (``rules``, else the JSON text of ``ruleJson``); None when unknown."""
    props = acl.props
    raw = props.get("rules") if isinstance(props, Mapping) else None
    if raw is None and isinstance(props, Mapping) and props.get("ruleJson") is not None:
        raw = props["ruleJson"]
        if is_unknown(raw):
            return None
        try:
            raw = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            return []
    if is_unknown(raw):
        return None
    return list_of(raw)


def managed_group(rule: Any) -> str | None:
    """The name of the AWS managed rule group a rule references (vendor AWS), else None."""
    statement = _key(_key(rule, "statement"), "managedRuleGroupStatement")
    if statement is None or _key(statement, "vendorName") != "AWS":
        return None
    name = _key(statement, "name")
    return name if isinstance(name, str) else None


def _acl_names(acl: StackResource) -> set[str]:
    names = {acl.name}
    explicit = value_at(acl.props, "name")
    if isinstance(explicit, str) and explicit:
        names.add(explicit)
    return names


def _protects(association: StackResource, acl: StackResource, acls: list[StackResource]) -> bool:
    """Whether the association puts ``acl`` in front of a resource: the web ACL its ``webAclArn`` names,
    else the one it depends on, else (an ARN unknown during preview) the stack's only web ACL."""
    arn = value_at(association.props, "webAclArn")
    match = _WEB_ACL_ARN.search(arn) if isinstance(arn, str) else None
    if match is not None:
        name = match.group("name")
        auto = _AUTONAME.match(name)
        names = _acl_names(acl)
        if name in names or (auto is not None and auto.group("base") in names):
            return True
    if acl.urn and acl.urn in association.dependencies:
        return True
    return match is None and len(acls) == 1


def price_web_acls(builder: EstimateBuilder, by_type: dict[str, list[StackResource]]) -> None:
    acls = by_type.get(WEB_ACL, [])
    associations = by_type.get(WEB_ACL_ASSOCIATION, [])
    for acl in acls:
        builder.add(
            name="WAF web ACL",
            resource=acl.name,
            quantity=1,
            unit="web-ACL-months",
            price_key="waf_web_acl_month",
            category="security",
        )
        rules = web_acl_rules(acl)
        if rules is None:
            builder.notes.append(f"{acl.name}: WAF rules unknown during preview; not priced")
            rules = []
        if rules:
            builder.add(
                name=f"WAF rules ({len(rules)}; a rule group counts as one)",
                resource=acl.name,
                quantity=len(rules),
                unit="rule-months",
                price_key="waf_rule_month",
                category="security",
            )
        for group in (managed_group(r) for r in rules):
            if group in PAID_MANAGED_GROUPS:
                key, label = PAID_MANAGED_GROUPS[group]
                builder.add(
                    name=f"WAF {label} managed rule group subscription",
                    resource=acl.name,
                    quantity=1,
                    unit="months",
                    price_key=key,
                    category="security",
                )
                builder.notes.append(
                    f"{acl.name}: {group}'s per-request (or per-attempt) fee is not estimated"
                )
        protected = sum(1 for a in associations if _protects(a, acl, acls))
        millions = builder.assumptions.alb_million_requests_per_month
        if protected:
            builder.add(
                name=f"WAF requests (assumed {fmt(millions)} million per load balancer x {protected})",
                resource=acl.name,
                quantity=millions * protected,
                unit="million requests",
                price_key="waf_requests_million",
                category="security",
            )
        else:
            builder.notes.append(f"{acl.name}: no web ACL association in the stack; no requests priced")


def note_domains(builder: EstimateBuilder, by_type: dict[str, list[StackResource]]) -> None:
    records = by_type.get(ROUTE53_RECORD, [])
    aliases = [r.name for r in records if list_of(value_at(r.props, "aliases"))]
    others = [r.name for r in records if not list_of(value_at(r.props, "aliases"))]
    if aliases:
        builder.notes.append(
            f"Route 53 alias record(s) {', '.join(aliases)}: not priced (Route 53 does not charge for "
            "queries to alias records of AWS resources such as load balancers)"
        )
    if others:
        builder.notes.append(
            f"Route 53 record(s) {', '.join(others)}: queries not estimated ($0.40 per million standard "
            "queries)"
        )
    zones = by_type.get(ROUTE53_ZONE, [])
    if records and not zones:
        builder.notes.append(
            "Route 53 hosted zone: not created by the stack, not counted ($0.50 a month where it is created)"
        )
    if zones:
        builder.notes.append(
            f"Route 53 hosted zone(s) {', '.join(z.name for z in zones)}: not priced ($0.50 a month each)"
        )
    certificates = by_type.get(ACM_CERTIFICATE, [])
    if certificates:
        builder.notes.append(
            f"ACM certificate(s) {', '.join(c.name for c in certificates)}: not priced (public certificates "
            "are free)"
        )
