"""Front-door rules over HTTPS: a load balancer a domain points at serves HTTPS with a certificate and
redirects HTTP (alb-domain-https, a stack policy), and certificates renew without a person
(acm-certificate-dns-validation).

alb-domain-https builds on alb-https-redirect (security_load_balancers.py), which checks every HTTP listener
on its own, advisory and only where the stack sets ``requireHttps`` (dev does not: it may have no
certificate). Once a Route 53 record points at a load balancer, a domain is served by it: then HTTPS is not
posture but the point, in every stack. The rule reads the same listener protocol and redirect
(``listener_protocol``, ``redirects_to_https``, ``REDIRECT_FIX``) and adds what a single listener cannot
show: that the load balancer has an HTTPS listener at all, and that it has a certificate. In a stack with
``requireHttps`` an HTTP listener of such a load balancer that forwards is reported by both rules (advisory
posture there, mandatory here).

A stack whose services attach to an existing listener (no load balancer in the stack) has nothing to check:
the listener's HTTPS belongs to the stack that owns the load balancer.
"""

from __future__ import annotations

from typing import Any

import type_tokens
from common import (
    ADVISORY,
    MANDATORY,
    Config,
    Report,
    Resource,
    as_str,
    get,
    known_or_none,
    of_types,
    resource_policy,
    stack_policy,
    violation,
)
from front_door_links import arn_targets, by_dependency, domain_of, record_targets
from pulumi_policy import ReportViolation
from pulumi_policy.proxy import UnknownValueError
from security_load_balancers import REDIRECT_FIX, is_application, listener_protocol, redirects_to_https

# ---------------------------------------------------------------------------------------------------------
# alb-domain-https (stack: records, load balancers, listeners and listener certificates)
# ---------------------------------------------------------------------------------------------------------

HTTPS_LISTENER_FIX = (
    'add a listener with protocol "HTTPS", port 443 and certificateArn set to a DNS-validated ACM '
    "certificate for the domain"
)


def _certificate_set(listener: Resource) -> bool:
    """Whether the listener's certificateArn is set; unknown during preview counts as set (a certificate the
    stack creates or validates)."""
    try:
        return bool(as_str(get(listener.props, "certificateArn")))
    except UnknownValueError:
        return True


def _has_certificate(listener: Resource, lb: Resource, certificates: list[Resource]) -> bool:
    """The listener's own certificateArn, or an aws:lb/listenerCertificate attached to it (by dependency, or
    by a listenerArn naming its load balancer)."""
    if _certificate_set(listener):
        return True
    return any(
        listener in by_dependency(c, [listener]) or lb in arn_targets(c, "listenerArn", [lb])
        for c in certificates
    )


def _protocol(listener: Resource) -> Any:
    """The listener's protocol; "UNKNOWN" when it is unknown during preview (then nothing is reported)."""
    try:
        return listener_protocol(listener)
    except UnknownValueError:
        return "UNKNOWN"


def _redirects(listener: Resource) -> bool:
    """Whether the listener redirects to HTTPS; default actions unknown during preview count as a redirect
    (checked again on the final state of `up`)."""
    try:
        return redirects_to_https(listener)
    except UnknownValueError:
        return True


def _check_domain_https(resources: list[Resource], _config: Config, report: ReportViolation) -> None:
    lbs = [
        lb
        for lb in of_types(resources, type_tokens.LOAD_BALANCER)
        if known_or_none(lambda lb=lb: is_application(lb))
    ]
    domains: dict[str, set[str]] = {}
    for record in of_types(resources, type_tokens.ROUTE53_RECORD):
        for lb in record_targets(record, lbs):
            domains.setdefault(lb.urn, set()).add(domain_of(record))
    listeners = of_types(resources, type_tokens.LISTENER)
    certificates = of_types(resources, type_tokens.LISTENER_CERTIFICATE)
    for lb in lbs:
        if lb.urn not in domains:
            continue
        serving = f"serving {', '.join(sorted(domains[lb.urn]))}"
        own = [ln for ln in listeners if lb in arn_targets(ln, "loadBalancerArn", [lb])]
        protocols = {ln.urn: _protocol(ln) for ln in own}
        https = [ln for ln in own if protocols[ln.urn] == "HTTPS"]
        if (
            not any(_has_certificate(ln, lb, certificates) for ln in https)
            and "UNKNOWN" not in protocols.values()
        ):
            missing = ", ".join(f"'{ln.name}'" for ln in https)
            state = f" (HTTPS listener {missing} has no certificateArn)" if https else ""
            report(
                violation(
                    lb, serving, f"have an HTTPS listener with a certificate{state}", HTTPS_LISTENER_FIX
                ),
                lb.urn,
            )
        for listener in own:
            if protocols[listener.urn] == "HTTP" and not _redirects(listener):
                report(violation(listener, serving, "redirect HTTP to HTTPS", REDIRECT_FIX), listener.urn)


ALB_DOMAIN_HTTPS = stack_policy(
    "alb-domain-https",
    "Checks that an Application Load Balancer a Route 53 record points at (a domain) has an HTTPS listener "
    "with a certificate and that its HTTP listeners redirect to HTTPS.",
    _check_domain_https,
    enforcement_level=MANDATORY,
)


# ---------------------------------------------------------------------------------------------------------
# acm-certificate-dns-validation
# ---------------------------------------------------------------------------------------------------------


def _is_set(resource: Resource, key: str) -> bool:
    """Whether ``key`` is set; unknown during preview counts as set (a value computed in the stack)."""
    try:
        return get(resource.props, key) is not None
    except UnknownValueError:
        return True


def _check_dns_validation(resource: Resource, _config: Config, report: Report) -> None:
    method = as_str(get(resource.props, "validationMethod"))
    if method is not None and method.upper() == "DNS":
        return
    if _is_set(resource, "certificateAuthorityArn") or _is_set(resource, "privateKey"):
        return  # a private CA's certificate or an imported one: ACM does not validate it
    shown = f"validationMethod {method}" if method else "validationMethod (unset)"
    report(
        violation(
            resource,
            shown,
            "be DNS (an email-validated certificate needs a person to approve every renewal)",
            'set validationMethod to "DNS" and create the Route 53 record of each domainValidationOptions '
            "entry and an aws:acm/certificateValidation with their validationRecordFqdns",
        )
    )


ACM_CERTIFICATE_DNS_VALIDATION = resource_policy(
    "acm-certificate-dns-validation",
    "Checks that ACM certificates the stack requests are DNS-validated, so ACM renews them on its own "
    "(email validation needs a person at every renewal).",
    type_tokens.ACM_CERTIFICATE,
    _check_dns_validation,
    enforcement_level=ADVISORY,
)

POLICIES = [ALB_DOMAIN_HTTPS, ACM_CERTIFICATE_DNS_VALIDATION]
