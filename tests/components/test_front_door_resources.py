"""The front door on recorded plans: a domain (certificate, its validation records and validation, alias
records, the HTTPS listener on the validated certificate, the redirect), an existing listener (no load
balancer, routes on that listener, tasks admitting its group) and dualstack (AAAA records).

Certificates and records are checked against botocore's ACM RequestCertificate and Route 53
ChangeResourceRecordSets models."""

from __future__ import annotations

import functools
from typing import Any

import botocore.session
from botocore.validate import ParamValidator
from program_support import (
    MINIMAL_SERVICE,
    PROGRAM,
    PROJECT,
    ROOT,
    example_config,
    minimal_platform,
    of_type,
    one,
    run_platform,
)

from ops.offline.recording import Plan, RecordedResource, run_program

RECORD = "aws:route53/record:Record"
LISTENER = "aws:lb/listener:Listener"
RULE = "aws:lb/listenerRule:ListenerRule"
_SESSION = botocore.session.get_session()
REQUEST_CERTIFICATE = _SESSION.get_service_model("acm").operation_model("RequestCertificate").input_shape
CHANGE_RECORDS = _SESSION.get_service_model("route53").operation_model("ChangeResourceRecordSets").input_shape
EXISTING = (
    "arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/shared/"
    "0123456789abcdef/fedcba9876543210"
)
API = {**MINIMAL_SERVICE, "port": 8000, "route": {"hostPatterns": ["api.example.com"]}}


@functools.cache
def domain_plan(ip_address_type: str = "ipv4") -> Plan:
    top = minimal_platform(
        loadBalancer={
            "domain": {"name": "app.example.com", "zone": "example.com", "aliases": ["*.app.example.com"]},
            "ipAddressType": ip_address_type,
        },
        services={"web": dict(MINIMAL_SERVICE), "api": dict(API)},
    )
    if ip_address_type == "dualstack":
        top["network"] = {
            "vpcId": "vpc-0a1b2c3d4e5f60718",
            "publicSubnetIds": ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712"],
            "taskSubnets": "public",
        }
    return run_platform(top, stack="dom")


def certificate_params(cert: RecordedResource) -> dict[str, Any]:
    params = {"DomainName": cert.inputs["domainName"], "ValidationMethod": cert.inputs["validationMethod"]}
    if "subjectAlternativeNames" in cert.inputs:
        params["SubjectAlternativeNames"] = cert.inputs["subjectAlternativeNames"]
    unknown = set(cert.inputs) - {"domainName", "validationMethod", "subjectAlternativeNames", "tags"}
    assert not unknown, f"{cert.urn}: map {unknown} to RequestCertificate"
    return params


def record_params(record: RecordedResource) -> dict[str, Any]:
    i = record.inputs
    rrset: dict[str, Any] = {"Name": i["name"], "Type": i["type"]}
    if "aliases" in i:
        (alias,) = i["aliases"]
        rrset["AliasTarget"] = {
            "HostedZoneId": alias["zoneId"],
            "DNSName": alias["name"],
            "EvaluateTargetHealth": alias["evaluateTargetHealth"],
        }
    else:
        rrset["TTL"] = i["ttl"]
        rrset["ResourceRecords"] = [{"Value": v} for v in i["records"]]
    unknown = set(i) - {"zoneId", "name", "type", "aliases", "ttl", "records", "allowOverwrite"}
    assert not unknown, f"{record.urn}: map {unknown} to ChangeResourceRecordSets"
    action = "UPSERT" if i.get("allowOverwrite") else "CREATE"
    return {
        "HostedZoneId": i["zoneId"],
        "ChangeBatch": {"Changes": [{"Action": action, "ResourceRecordSet": rrset}]},
    }


def test_a_domain_issues_a_validated_certificate_and_serves_https_on_it() -> None:
    plan = domain_plan()
    cert = one(plan, "aws:acm/certificate:Certificate", "dom-certificate")
    assert cert.inputs["domainName"] == "app.example.com"
    assert cert.inputs["subjectAlternativeNames"] == ["*.app.example.com", "api.example.com"]
    assert cert.inputs["validationMethod"] == "DNS"
    # One validation record per name; the wildcard shares app.example.com's.
    validation_records = sorted(r.name for r in of_type(plan, RECORD) if r.inputs["type"] == "CNAME")
    assert validation_records == ["dom-validation-api-example-com", "dom-validation-app-example-com"]
    for name in validation_records:
        assert one(plan, RECORD, name).inputs["allowOverwrite"] is True
    validation = one(plan, "aws:acm/certificateValidation:CertificateValidation", "dom-validation")
    assert validation.inputs["certificateArn"] == cert.output_ids[-1]
    assert sorted(validation.inputs["validationRecordFqdns"]) == sorted(
        one(plan, RECORD, n).inputs["name"].rstrip(".") for n in validation_records
    )
    https = one(plan, LISTENER, "dom-https")
    assert https.inputs["certificateArn"] == validation.output_ids[-1]  # waits for the issued certificate
    assert https.inputs["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
    http = one(plan, LISTENER, "dom-http")
    assert http.inputs["defaultActions"] == [
        {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
    ]
    assert plan.outputs["url"] == "https://app.example.com"
    assert plan.outputs["serviceUrls"] == {"api": "https://api.example.com"}


def test_alias_records_point_every_name_at_the_load_balancer() -> None:
    plan = domain_plan()
    alb = one(plan, "aws:lb/loadBalancer:LoadBalancer", "dom-alb")
    aliases = {r.inputs["name"]: r for r in of_type(plan, RECORD) if r.inputs["type"] == "A"}
    assert sorted(aliases) == ["*.app.example.com", "api.example.com", "app.example.com"]
    for record in aliases.values():
        assert "allowOverwrite" not in record.inputs, (
            record.urn
        )  # a name in use elsewhere is never taken over
        (alias,) = record.inputs["aliases"]
        assert alias["zoneId"] != record.inputs["zoneId"]  # the ALB's zone, not the domain's
        assert alias["name"].startswith("dom-alb-") and alias["evaluateTargetHealth"] is True
    assert alb.inputs.get("ipAddressType") == "ipv4"
    assert not [r for r in of_type(plan, RECORD) if r.inputs["type"] == "AAAA"]


def test_dualstack_adds_aaaa_records() -> None:
    plan = domain_plan("dualstack")
    assert one(plan, "aws:lb/loadBalancer:LoadBalancer", "dom-alb").inputs["ipAddressType"] == "dualstack"
    kinds = sorted(
        (r.inputs["name"], r.inputs["type"]) for r in of_type(plan, RECORD) if "aliases" in r.inputs
    )
    assert kinds == [
        ("*.app.example.com", "A"),
        ("*.app.example.com", "AAAA"),
        ("api.example.com", "A"),
        ("api.example.com", "AAAA"),
        ("app.example.com", "A"),
        ("app.example.com", "AAAA"),
    ]


def test_certificates_and_records_pass_the_aws_models() -> None:
    for plan in (domain_plan(), domain_plan("dualstack")):
        for cert in of_type(plan, "aws:acm/certificate:Certificate"):
            report = ParamValidator().validate(certificate_params(cert), REQUEST_CERTIFICATE)
            assert not report.has_errors(), f"{cert.urn}: {report.generate_report()}"
        for record in of_type(plan, RECORD):
            report = ParamValidator().validate(record_params(record), CHANGE_RECORDS)
            assert not report.has_errors(), f"{record.urn}: {report.generate_report()}"


def test_an_existing_listener_gets_routes_and_a_certificate_but_no_load_balancer() -> None:
    top = minimal_platform(
        network={
            "vpcId": "vpc-0a1b2c3d4e5f60718",
            "privateSubnetIds": ["subnet-0a1b2c3d4e5f60713", "subnet-0a1b2c3d4e5f60714"],
            "taskSubnets": "private",
        },
        loadBalancer={
            "existing": {"listenerArn": EXISTING, "securityGroupId": "sg-0123456789abcdef0"},
            "domain": {"name": "api.example.com", "zone": "example.com"},
        },
        services={"api": {**API, "route": {"hostPatterns": ["api.example.com"], "priority": 120}}},
    )
    plan = run_platform(top, stack="shared")
    assert of_type(plan, "aws:lb/loadBalancer:LoadBalancer") == []
    assert of_type(plan, LISTENER) == []
    (rule,) = of_type(plan, RULE)
    assert (rule.inputs["listenerArn"], rule.inputs["priority"]) == (EXISTING, 120)
    (attached,) = of_type(plan, "aws:lb/listenerCertificate:ListenerCertificate")
    validation = one(plan, "aws:acm/certificateValidation:CertificateValidation", "shared-validation")
    assert attached.inputs == {"listenerArn": EXISTING, "certificateArn": validation.output_ids[-1]}
    groups = [g.name for g in of_type(plan, "aws:ec2/securityGroup:SecurityGroup")]
    assert "shared-alb" not in groups  # the ALB's group is its owner's
    ingress = one(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "shared-api-from-alb")
    assert ingress.inputs["referencedSecurityGroupId"] == "sg-0123456789abcdef0"
    assert not [
        r
        for r in of_type(plan, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
        if "alb-to" in r.name
    ]
    alarm = one(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "shared-api-alarms-5xx-rate")
    dims = alarm.inputs["metricQueries"][0]["metric"]["dimensions"]
    assert dims["LoadBalancer"] == "app/shared/0123456789abcdef"
    (record,) = [r for r in of_type(plan, RECORD) if r.inputs["type"] == "A"]
    assert record.inputs["aliases"][0]["name"].startswith("shared-")  # the looked-up ALB's DNS name


def test_prod_puts_a_web_acl_on_its_load_balancer_and_dev_does_not(dev_plan: Plan, prod_plan: Plan) -> None:
    acl = one(prod_plan, "aws:wafv2/webAcl:WebAcl", "prod-acl")
    assert acl.inputs["scope"] == "REGIONAL" and acl.inputs["defaultAction"] == {"allow": {}}
    rules = {r["name"]: r for r in acl.inputs["rules"]}
    assert sorted(rules) == [
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "rate-limit-per-ip",
    ]
    assert rules["rate-limit-per-ip"]["statement"]["rateBasedStatement"]["limit"] == 2000
    assert rules["rate-limit-per-ip"]["action"] == {"block": {}}
    association = one(prod_plan, "aws:wafv2/webAclAssociation:WebAclAssociation", "prod-association")
    alb = one(prod_plan, "aws:lb/loadBalancer:LoadBalancer", "prod-alb")
    assert association.inputs["resourceArn"] == alb.output_ids[-1]
    assert association.inputs["webAclArn"] == acl.output_ids[-1]
    assert of_type(dev_plan, "aws:wafv2/webAcl:WebAcl") == []


def test_the_domain_example_plans_the_whole_front_door() -> None:
    """examples/domain.yaml, a prod stack on its own domain: everything the issue's front door needs."""
    plan = run_program(
        PROGRAM, project=PROJECT, stack="shop", config=example_config(ROOT / "examples" / "domain.yaml")
    )
    validation = one(plan, "aws:acm/certificateValidation:CertificateValidation", "shop-validation")
    cert = one(plan, "aws:acm/certificate:Certificate", "shop-certificate")
    assert [cert.inputs["domainName"], *cert.inputs["subjectAlternativeNames"]] == [
        "app.example.com",
        "www.example.com",
        "api.example.com",
    ]
    assert len([r for r in of_type(plan, RECORD) if r.inputs["type"] == "CNAME"]) == 3
    assert sorted(r.inputs["name"] for r in of_type(plan, RECORD) if r.inputs["type"] == "A") == [
        "api.example.com",
        "app.example.com",
        "www.example.com",
    ]
    assert one(plan, LISTENER, "shop-https").inputs["certificateArn"] == validation.output_ids[-1]
    assert one(plan, LISTENER, "shop-http").inputs["defaultActions"][0]["type"] == "redirect"
    acl = one(plan, "aws:wafv2/webAcl:WebAcl", "shop-acl")
    association = one(plan, "aws:wafv2/webAclAssociation:WebAclAssociation", "shop-association")
    assert association.inputs["webAclArn"] == acl.output_ids[-1]
    assert plan.outputs["url"] == "https://app.example.com"
