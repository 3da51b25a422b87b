"""Front-door rules (front_door_*.py): each test starts from known-good resources (conftest ``good``) and
changes one thing, asserting the exact message; values unknown during preview are linked by dependency, count
as set, or are left to the SDK (a resource rule raises UnknownValueError)."""

from __future__ import annotations

import cost_logs
import front_door_https as https
import front_door_waf as waf
import pytest
from common import UNKNOWN_STRING as UNKNOWN
from known_good import LOAD_BALANCER_ARN, REGION
from pulumi_policy.proxy import UnknownValueError

LB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
LISTENER_CERTIFICATE = "aws:lb/listenerCertificate:ListenerCertificate"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
RECORD = "aws:route53/record:Record"
CERTIFICATE = "aws:acm/certificate:Certificate"
ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"

HTTPS_MSG = (
    "Load balancer 'web' serving app.example.com must have an HTTPS listener with a certificate{state}; "
    'add a listener with protocol "HTTPS", port 443 and certificateArn set to a DNS-validated ACM '
    "certificate for the domain."
)
REDIRECT_MSG = (
    "Listener 'http' serving app.example.com must redirect HTTP to HTTPS; set its default action to a "
    'redirect with protocol "HTTPS", port "443" and statusCode "HTTP_301".'
)
FORWARD = [{"type": "forward", "targetGroupArn": "arn:aws:elasticloadbalancing:tg"}]

# --- alb-domain-https ------------------------------------------------------------------------------------


def front(run, good, *, lb=None, https_props=None, http_props=None, record=None, extra=()):
    """The load balancer 'web', its listeners 'https' and 'http' and the record 'www' pointing at it."""
    alb = run.res(LB, "web", lb if lb is not None else good.load_balancer())
    resources = [alb]
    if https_props is not False:
        resources.append(run.res(LISTENER, "https", https_props or good.https_listener()))
    if http_props is not False:
        resources.append(run.res(LISTENER, "http", http_props or good.redirect_listener()))
    if record is not False:
        resources.append(run.res(RECORD, "www", record or good.alias_record()))
    return [*resources, *extra]


def test_domain_https_passes_with_https_and_redirect(run, good):
    assert run.stack(https.ALB_DOMAIN_HTTPS, front(run, good)) == []


def test_domain_https_without_https_listener(run, good):
    resources = front(run, good, https_props=False)
    assert run.stack(https.ALB_DOMAIN_HTTPS, resources) == [(HTTPS_MSG.format(state=""), resources[0].urn)]


def test_domain_https_listener_without_certificate(run, good):
    props = good.https_listener()
    del props["certificateArn"]
    resources = front(run, good, https_props=props)
    state = " (HTTPS listener 'https' has no certificateArn)"
    assert run.stack(https.ALB_DOMAIN_HTTPS, resources) == [(HTTPS_MSG.format(state=state), resources[0].urn)]


def test_domain_https_listener_certificate_attached_by_dependency_counts(run, good):
    props = good.https_listener()
    del props["certificateArn"]
    resources = front(run, good, https_props=props)
    attached = run.res(
        LISTENER_CERTIFICATE,
        "extra",
        {"listenerArn": UNKNOWN, "certificateArn": UNKNOWN},
        deps=[resources[1]],
    )
    assert run.stack(https.ALB_DOMAIN_HTTPS, [*resources, attached]) == []


def test_domain_https_http_listener_that_forwards(run, good):
    resources = front(run, good, http_props=good.redirect_listener(defaultActions=FORWARD))
    assert run.stack(https.ALB_DOMAIN_HTTPS, resources) == [(REDIRECT_MSG, resources[2].urn)]


def test_domain_https_http_listener_with_protocol_unset_is_http(run, good):
    props = good.redirect_listener(defaultActions=FORWARD)
    del props["protocol"]
    resources = front(run, good, http_props=props)
    assert run.stack(https.ALB_DOMAIN_HTTPS, resources) == [(REDIRECT_MSG, resources[2].urn)]


def test_domain_https_without_a_domain_is_alb_https_redirect_s_business(run, good):
    resources = front(run, good, https_props=False, http_props=good.redirect_listener(defaultActions=FORWARD))
    assert run.stack(https.ALB_DOMAIN_HTTPS, resources[:-1]) == []


def test_domain_https_record_to_something_else_is_ignored(run, good):
    record = good.alias_record(
        aliases=[{"name": "d111111abcdef8.cloudfront.net", "zoneId": "Z2FDTNDATAQYW2"}]
    )
    assert run.stack(https.ALB_DOMAIN_HTTPS, front(run, good, https_props=False, record=record)) == []


def test_domain_https_cname_with_dualstack_name_links(run, good):
    record = good.alias_record(
        type="CNAME", aliases=None, ttl=300, records=[f"dualstack.web-1234567890.{REGION}.elb.amazonaws.com"]
    )
    resources = front(run, good, https_props=False, record=record)
    assert run.stack(https.ALB_DOMAIN_HTTPS, resources) == [(HTTPS_MSG.format(state=""), resources[0].urn)]


def test_domain_https_links_pulumi_auto_names(run, good):
    # The recorded plan of `ops check`: no name input, ARNs and DNS names carry "<logical>-<7 hex>".
    lb = good.load_balancer()
    del lb["name"]
    arn = f"arn:aws:elasticloadbalancing:{REGION}:123456789012:loadbalancer/app/web-62994e6/62994e61eca57914"
    dns = f"web-62994e6-1234567890.{REGION}.elb.amazonaws.com"
    record = good.alias_record(
        aliases=[{"name": dns, "zoneId": "ZHURV8PSTC4K8", "evaluateTargetHealth": True}]
    )
    http = good.redirect_listener(loadBalancerArn=arn, defaultActions=FORWARD)
    resources = front(run, good, lb=lb, https_props=good.https_listener(loadBalancerArn=arn), http_props=http)
    resources[-1] = run.res(RECORD, "www", record)
    assert run.stack(https.ALB_DOMAIN_HTTPS, resources) == [(REDIRECT_MSG, resources[2].urn)]


def test_domain_https_unknown_values_link_by_dependency(run, good):
    # A real preview: the ALB's ARN and DNS name are unknown; the engine's dependencies link them.
    alb = run.res(LB, "web", good.load_balancer())
    https_props = good.https_listener(
        loadBalancerArn=UNKNOWN, certificateArn=UNKNOWN
    )  # a certificate of the stack
    http = run.res(
        LISTENER, "http", good.redirect_listener(loadBalancerArn=UNKNOWN, defaultActions=FORWARD), deps=[alb]
    )
    record = good.alias_record(aliases=[{"name": UNKNOWN, "zoneId": UNKNOWN, "evaluateTargetHealth": True}])
    resources = [
        alb,
        run.res(LISTENER, "https", https_props, deps=[alb]),
        http,
        run.res(RECORD, "www", record, deps=[alb]),
    ]
    assert run.stack(https.ALB_DOMAIN_HTTPS, resources) == [(REDIRECT_MSG, http.urn)]


def test_domain_https_unknown_record_without_dependency_is_not_linked(run, good):
    record = good.alias_record(aliases=UNKNOWN)
    assert run.stack(https.ALB_DOMAIN_HTTPS, front(run, good, https_props=False, record=record)) == []


def test_domain_https_unknown_default_actions_wait_for_up(run, good):
    resources = front(run, good, http_props=good.redirect_listener(defaultActions=UNKNOWN))
    assert run.stack(https.ALB_DOMAIN_HTTPS, resources) == []


def test_domain_https_existing_listener_has_no_load_balancer_to_check(run, good):
    # Services attaching to another stack's listener: a rule and a certificate on it, no load balancer here.
    listener_arn = LOAD_BALANCER_ARN.replace(":loadbalancer/", ":listener/") + "/0123"
    resources = [
        run.res(LISTENER_RULE, "web-rule", {"listenerArn": listener_arn, "priority": 10}),
        run.res(LISTENER_CERTIFICATE, "web-cert", {"listenerArn": listener_arn, "certificateArn": UNKNOWN}),
        run.res(RECORD, "www", good.alias_record()),
    ]
    assert run.stack(https.ALB_DOMAIN_HTTPS, resources) == []


# --- acm-certificate-dns-validation ------------------------------------------------------------------------

DNS_FIX = (
    'set validationMethod to "DNS" and create the Route 53 record of each domainValidationOptions entry and '
    "an aws:acm/certificateValidation with their validationRecordFqdns."
)


def test_certificate_dns_validated_passes(run, good):
    assert run.resource(https.ACM_CERTIFICATE_DNS_VALIDATION, CERTIFICATE, good.certificate()) == []


def test_certificate_email_validated(run, good):
    props = good.certificate(validationMethod="EMAIL")
    assert run.resource(https.ACM_CERTIFICATE_DNS_VALIDATION, CERTIFICATE, props) == [
        "ACM certificate 'web' validationMethod EMAIL must be DNS (an email-validated certificate needs a "
        f"person to approve every renewal); {DNS_FIX}"
    ]


def test_certificate_validation_unset(run, good):
    props = good.certificate()
    del props["validationMethod"]
    assert run.resource(https.ACM_CERTIFICATE_DNS_VALIDATION, CERTIFICATE, props) == [
        "ACM certificate 'web' validationMethod (unset) must be DNS (an email-validated certificate needs a "
        f"person to approve every renewal); {DNS_FIX}"
    ]


@pytest.mark.parametrize("key", ["certificateAuthorityArn", "privateKey"])
def test_certificate_private_or_imported_is_not_validated(run, good, key):
    props = good.certificate(validationMethod=None, **{key: UNKNOWN})
    assert run.resource(https.ACM_CERTIFICATE_DNS_VALIDATION, CERTIFICATE, props) == []


def test_certificate_unknown_method_is_left_to_the_sdk(run, good):
    with pytest.raises(UnknownValueError):
        run.resource(
            https.ACM_CERTIFICATE_DNS_VALIDATION, CERTIFICATE, good.certificate(validationMethod=UNKNOWN)
        )


# --- alb-web-acl -----------------------------------------------------------------------------------------

WEB_ACL_MSG = (
    "Load balancer 'web' (internet-facing) must be associated with a WAFv2 web ACL; add an "
    "aws:wafv2/webAclAssociation with resourceArn <the load balancer's arn> and webAclArn <a REGIONAL web "
    "ACL: AWS managed rule groups and a rate-based rule> (or set required to false for this stack)."
)


def test_web_acl_associated_passes(run, good):
    resources = [
        run.res(LB, "web", good.load_balancer()),
        run.res(ASSOCIATION, "waf", good.web_acl_association()),
    ]
    assert run.stack(waf.ALB_WEB_ACL, resources) == []


def test_web_acl_missing(run, good):
    alb = run.res(LB, "web", good.load_balancer())
    assert run.stack(waf.ALB_WEB_ACL, [alb]) == [(WEB_ACL_MSG, alb.urn)]


def test_web_acl_association_of_another_load_balancer(run, good):
    alb = run.res(LB, "web", good.load_balancer())
    other = good.web_acl_association(resourceArn=LOAD_BALANCER_ARN.replace("/web/", "/admin/"))
    assert run.stack(waf.ALB_WEB_ACL, [alb, run.res(ASSOCIATION, "waf", other)]) == [(WEB_ACL_MSG, alb.urn)]


def test_web_acl_not_required(run, good):
    alb = run.res(LB, "web", good.load_balancer())
    assert run.stack(waf.ALB_WEB_ACL, [alb], config={"required": False}) == []


@pytest.mark.parametrize(("key", "value"), [("internal", True), ("loadBalancerType", "network")])
def test_web_acl_internal_and_network_load_balancers_are_skipped(run, good, key, value):
    assert run.stack(waf.ALB_WEB_ACL, [run.res(LB, "web", good.load_balancer(**{key: value}))]) == []


def test_web_acl_unknown_arn_links_by_dependency(run, good):
    alb = run.res(LB, "web", good.load_balancer())
    association = run.res(ASSOCIATION, "waf", good.web_acl_association(resourceArn=UNKNOWN), deps=[alb])
    assert run.stack(waf.ALB_WEB_ACL, [alb, association]) == []


def test_web_acl_unknown_arn_without_dependency_covers_nothing(run, good):
    alb = run.res(LB, "web", good.load_balancer())
    association = run.res(ASSOCIATION, "waf", good.web_acl_association(resourceArn=UNKNOWN))
    assert run.stack(waf.ALB_WEB_ACL, [alb, association]) == [(WEB_ACL_MSG, alb.urn)]


def test_web_acl_unknown_scheme_is_skipped(run, good):
    assert run.stack(waf.ALB_WEB_ACL, [run.res(LB, "web", good.load_balancer(internal=UNKNOWN))]) == []


# --- waf-logging-destination ------------------------------------------------------------------------------


def logging_message(kind: str, name: str, suggestion: str) -> str:
    return (
        f"WAF logging configuration 'logs' destination {kind} '{name}' must have a name starting with "
        f'aws-waf-logs- (AWS WAF rejects any other destination); name the {kind} "{suggestion}".'
    )


def test_logging_to_aws_waf_logs_group_passes(run, good):
    config = run.res(LOGGING, "logs", good.waf_logging_configuration())
    assert run.stack(waf.WAF_LOGGING_DESTINATION, [config]) == []


@pytest.mark.parametrize(
    ("arn", "kind", "name", "suggestion"),
    [
        (
            f"arn:aws:logs:{REGION}:123456789012:log-group:waf-logs",
            "log group",
            "waf-logs",
            "aws-waf-logs-waf-logs",
        ),
        (
            f"arn:aws:logs:{REGION}:123456789012:log-group:waf-1a2b3c4:*",
            "log group",
            "waf-1a2b3c4",
            "aws-waf-logs-waf",
        ),
        ("arn:aws:s3:::web-logs", "S3 bucket", "web-logs", "aws-waf-logs-web-logs"),
        (
            f"arn:aws:firehose:{REGION}:123456789012:deliverystream/web",
            "Firehose stream",
            "web",
            "aws-waf-logs-web",
        ),
    ],
)
def test_logging_to_another_name_fails(run, good, arn, kind, name, suggestion):
    config = run.res(LOGGING, "logs", good.waf_logging_configuration(logDestinationConfigs=[arn]))
    assert run.stack(waf.WAF_LOGGING_DESTINATION, [config]) == [
        (logging_message(kind, name, suggestion), config.urn)
    ]


def test_logging_unknown_arn_reads_the_log_group_it_depends_on(run, good):
    named = run.res(LOG_GROUP, "waf-logs", good.log_group(name="aws-waf-logs-web"))
    config = run.res(
        LOGGING, "logs", good.waf_logging_configuration(logDestinationConfigs=[UNKNOWN]), deps=[named]
    )
    assert run.stack(waf.WAF_LOGGING_DESTINATION, [named, config]) == []


def test_logging_unknown_arn_and_auto_named_group_uses_the_logical_name(run, good):
    auto = run.res(LOG_GROUP, "waf", good.log_group(name=UNKNOWN))
    config = run.res(
        LOGGING, "logs", good.waf_logging_configuration(logDestinationConfigs=UNKNOWN), deps=[auto]
    )
    assert run.stack(waf.WAF_LOGGING_DESTINATION, [auto, config]) == [
        (logging_message("log group", "waf", "aws-waf-logs-waf"), config.urn)
    ]


# --- log-group-retention covers the WAF's log group --------------------------------------------------------


def test_log_group_retention_applies_to_waf_log_groups(run, good):
    config = {"minDays": 1, "maxDays": 14}
    props = good.log_group(name="aws-waf-logs-web")
    assert run.resource(cost_logs.LOG_GROUP_RETENTION, LOG_GROUP, props, name="waf", config=config) == []
    del props["retentionInDays"]
    assert run.resource(cost_logs.LOG_GROUP_RETENTION, LOG_GROUP, props, name="waf", config=config) == [
        "Log group 'waf' retentionInDays must be set (unset keeps logs forever); set retentionInDays to one "
        "of 1, 3, 5, 7, 14."
    ]
