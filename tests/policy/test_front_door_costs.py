"""The front door in the cost estimate (pricing_front_door.py): WAF web ACLs, rules and requests with exact
figures from the restated prices; the paid managed rule groups reported as not priced; Route 53, the hosted
zone and ACM noted, never priced; a stack attaching to an existing listener pays no ALB hours."""

from __future__ import annotations

import json

import pricing
from known_good import LOAD_BALANCER_ARN, UNKNOWN, WEB_ACL_ARN, Good

WAF_ACL, WAF_RULE, WAF_MILLION = 5.00, 1.00, 0.60  # AWS WAF, the same in every region (docs/pricing.md)
NO_USAGE = pricing.Assumptions(alb_lcus=0, nat_gb_processed_per_month=0, log_gb_ingested_per_month=0)
good = Good()


def res(type_token: str, name: str, props: dict, deps: tuple[str, ...] = ()) -> dict:
    urn = f"urn:pulumi:dev::fargate-platform::{type_token}::{name}"
    return {"type": type_token, "name": name, "urn": urn, "props": props, "dependencies": list(deps)}


def acl(props: dict | None = None, name: str = "web-acl") -> dict:
    return res("aws:wafv2/webAcl:WebAcl", name, props if props is not None else good.web_acl())


def association(name: str = "web-acl-alb", **overrides) -> dict:
    props = good.web_acl_association(**overrides)
    return res("aws:wafv2/webAclAssociation:WebAclAssociation", name, props)


def items(est: pricing.Estimate) -> dict[str, float]:
    return {f"{i.resource} {i.name}": round(i.monthly, 4) for i in est.line_items}


def test_a_web_acl_with_three_rules_in_front_of_one_alb() -> None:
    est = pricing.estimate([acl(), association()], "eu-west-2", NO_USAGE)

    assert items(est) == {
        "web-acl WAF web ACL": WAF_ACL,
        "web-acl WAF rules (3; a rule group counts as one)": 3 * WAF_RULE,
        "web-acl WAF requests (assumed 1 million per load balancer x 1)": WAF_MILLION,
    }
    assert round(est.total, 2) == 8.60
    assert {i.category for i in est.line_items} == {"security"}


def test_the_same_prices_in_us_east_1() -> None:
    assert round(pricing.estimate([acl(), association()], "us-east-1", NO_USAGE).total, 2) == 8.60


def test_requests_scale_with_the_assumption_and_the_protected_load_balancers() -> None:
    assumptions = pricing.Assumptions.from_mapping({**NO_USAGE.as_dict(), "albMillionRequestsPerMonth": 10})
    other = LOAD_BALANCER_ARN.replace("/web/", "/admin/")
    stack = [acl(), association(), association("web-acl-admin", resourceArn=other)]

    est = pricing.estimate(stack, "eu-west-2", assumptions)

    assert items(est)["web-acl WAF requests (assumed 10 million per load balancer x 2)"] == 20 * WAF_MILLION
    assert round(est.total, 2) == round(WAF_ACL + 3 * WAF_RULE + 20 * WAF_MILLION, 2)  # 20.00


def test_an_association_is_linked_by_the_name_in_the_web_acl_arn_or_by_dependency() -> None:
    other = acl(good.web_acl(name="admin"), name="admin-acl")
    by_arn = pricing.estimate([acl(), other, association()], "eu-west-2", NO_USAGE)
    assert "web-acl WAF requests (assumed 1 million per load balancer x 1)" in items(by_arn)
    assert not any(k.startswith("admin-acl WAF requests") for k in items(by_arn))

    unknown = association(webAclArn=UNKNOWN)
    unknown["dependencies"] = [other["urn"]]
    by_dependency = pricing.estimate([acl(), other, unknown], "eu-west-2", NO_USAGE)
    assert "admin-acl WAF requests (assumed 1 million per load balancer x 1)" in items(by_dependency)
    assert "web-acl: no web ACL association in the stack; no requests priced" in by_dependency.notes


def test_an_association_links_the_auto_named_web_acl_of_the_recorded_plan() -> None:
    # ops check's mocks: webAclArn "…:webacl/<logical>-<7 hex>" (no regional/ part, no id).
    other = acl(good.web_acl(name=None), name="admin-acl")
    mocked = association(webAclArn="arn:aws:wafv2:eu-west-2:123456789012:webacl/admin-acl-cafaed7")
    est = pricing.estimate([acl(), other, mocked], "eu-west-2", NO_USAGE)
    assert "admin-acl WAF requests (assumed 1 million per load balancer x 1)" in items(est)
    assert "web-acl: no web ACL association in the stack; no requests priced" in est.notes


def test_a_web_acl_without_association_has_no_requests() -> None:
    est = pricing.estimate([acl()], "eu-west-2", NO_USAGE)
    assert round(est.total, 2) == 8.00
    assert "web-acl: no web ACL association in the stack; no requests priced" in est.notes


def test_paid_managed_rule_groups_are_reported_not_priced() -> None:
    props = good.web_acl()
    bot = {
        "name": "bots",
        "priority": 3,
        "statement": {
            "managedRuleGroupStatement": {"vendorName": "AWS", "name": "AWSManagedRulesBotControlRuleSet"}
        },
        "overrideAction": {"none": {}},
    }
    props["rules"].append(bot)

    est = pricing.estimate([acl(props), association()], "eu-west-2", NO_USAGE)

    assert items(est)["web-acl WAF rules (4; a rule group counts as one)"] == 4 * WAF_RULE
    assert est.missing == (
        "web-acl: WAF Bot Control managed rule group subscription (1 months) has no waf_bot_control_month "
        "price for eu-west-2; left out of the total",
    )
    assert (
        "web-acl: AWSManagedRulesBotControlRuleSet's per-request (or per-attempt) fee is not estimated"
        in est.notes
    )
    assert round(est.total, 2) == round(WAF_ACL + 4 * WAF_RULE + WAF_MILLION, 2)  # 9.60


def test_rules_given_as_rule_json_are_counted() -> None:
    rules = [
        {
            "Name": "ato",
            "Statement": {
                "ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesATPRuleSet"}
            },
        },
        {"Name": "rate", "Statement": {"RateBasedStatement": {"Limit": 100, "AggregateKeyType": "IP"}}},
    ]
    props = good.web_acl(rules=None, ruleJson=json.dumps(rules))

    est = pricing.estimate([acl(props)], "eu-west-2", NO_USAGE)

    assert items(est)["web-acl WAF rules (2; a rule group counts as one)"] == 2 * WAF_RULE
    assert [m.split(" has no ")[1].split(" ")[0] for m in est.missing] == ["waf_atp_month"]


def test_rules_unknown_during_preview_are_noted() -> None:
    est = pricing.estimate(
        [acl(good.web_acl(rules="6a19a0b0-7e62-4c92-b797-7f8e31da9cc2"))], "eu-west-2", NO_USAGE
    )
    assert items(est) == {"web-acl WAF web ACL": WAF_ACL}
    assert "web-acl: WAF rules unknown during preview; not priced" in est.notes


def test_route53_alias_records_and_acm_certificates_are_free_and_noted() -> None:
    stack = [
        res("aws:route53/record:Record", "www", good.alias_record()),
        res("aws:acm/certificate:Certificate", "cert", good.certificate()),
    ]

    est = pricing.estimate(stack, "eu-west-2", NO_USAGE)

    assert est.line_items == () and est.missing == ()
    assert est.notes == (
        "Route 53 alias record(s) www: not priced (Route 53 does not charge for queries to alias records of "
        "AWS resources such as load balancers)",
        "Route 53 hosted zone: not created by the stack, not counted ($0.50 a month where it is created)",
        "ACM certificate(s) cert: not priced (public certificates are free)",
    )


def test_a_validation_cname_is_noted_as_not_estimated() -> None:
    record = good.alias_record(
        type="CNAME", aliases=None, name="_x.app.example.com", records=["_y.acm-validations.aws."]
    )
    est = pricing.estimate([res("aws:route53/record:Record", "validation", record)], "eu-west-2", NO_USAGE)
    assert (
        est.notes[0]
        == "Route 53 record(s) validation: queries not estimated ($0.40 per million standard queries)"
    )


def test_attaching_to_an_existing_listener_counts_no_alb_hours() -> None:
    listener_arn = LOAD_BALANCER_ARN.replace(":loadbalancer/", ":listener/") + "/0123"
    stack = [
        res("aws:lb/listenerRule:ListenerRule", "web-rule", {"listenerArn": listener_arn, "priority": 10}),
        res("aws:lb/listenerCertificate:ListenerCertificate", "web-cert", {"listenerArn": listener_arn}),
        res("aws:lb/targetGroup:TargetGroup", "web-tg", good.target_group()),
    ]

    est = pricing.estimate(stack, "eu-west-2", NO_USAGE)

    assert est.line_items == () and est.total == 0


def test_the_web_acl_arn_of_the_builders_names_the_web_acl() -> None:
    assert "/webacl/web/" in WEB_ACL_ARN
