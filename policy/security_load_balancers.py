"""Security rules over Elastic Load Balancing v2: HTTP→HTTPS redirect, TLS policy, invalid header dropping,
desync mitigation, deletion protection and access logs.

Every rule covers all type tokens of its resource (``aws:lb/…``, ``aws:alb/…`` and the legacy
``aws:applicationloadbalancing/…``, ``aws:elasticloadbalancingv2/…``; see ``type_tokens.LOAD_BALANCER``
and ``type_tokens.LISTENER``). ``loadBalancerType`` unset means ``application`` (the provider's default); a
listener's ``protocol`` unset means HTTP (the provider's default for Application Load Balancers), except on
a listener without a port, which is a Gateway Load Balancer listener and has no protocol.
"""

from __future__ import annotations

import common
import type_tokens
from common import Config, Report, Resource, violation
from pulumi_policy.proxy import UnknownValueError

# ELB.17 asks for a "recommended" policy. The TLS 1.3 policies that keep TLS 1.2 as the minimum (AWS ALB and
# NLB "Security policies" documentation): the 2021-06 family, its FIPS 2023-04 variants and the 2025-09
# post-quantum (PQ) variants. TLS13-1-0 / TLS13-1-1 (which still accept TLS 1.0 / 1.1) are not included.
RECOMMENDED_TLS_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
)


def is_application(resource: Resource) -> bool:
    lb_type = common.get(resource.props, "loadBalancerType")
    return lb_type is None or (isinstance(lb_type, str) and lb_type.lower() == "application")


def listener_protocol(resource: Resource) -> str | None:
    """A listener's protocol, upper case: unset means HTTP, except on a port-less (Gateway Load Balancer)
    listener, which has none (None)."""
    protocol = common.get(resource.props, "protocol")
    if isinstance(protocol, str) and protocol:
        return protocol.upper()
    if common.get(resource.props, "port") is None:
        return None  # a Gateway Load Balancer listener
    return "HTTP"


def redirects_to_https(resource: Resource) -> bool:
    """Whether a listener's default actions include a redirect with protocol HTTPS (ELB.1's reading)."""
    for action in common.as_list(common.get(resource.props, "defaultActions")):
        if common.get(action, "type") == "redirect":
            protocol = common.get(action, "redirect", "protocol")
            if isinstance(protocol, str) and protocol.upper() == "HTTPS":
                return True
    return False


# The fix of an HTTP listener that does not redirect (alb-https-redirect, and front_door_https.py's
# alb-domain-https for the listeners of a load balancer a domain points at).
REDIRECT_FIX = (
    'set its default action to a redirect with protocol "HTTPS", port "443" and statusCode "HTTP_301"'
)


def https_redirect(resource: Resource, config: Config, report: Report) -> None:
    if not config.get_bool("requireHttps") or listener_protocol(resource) != "HTTP":
        return
    if redirects_to_https(resource):
        return
    report(
        violation(
            resource,
            "",
            "redirect HTTP to HTTPS",
            f"{REDIRECT_FIX}, and serve the application on an HTTPS listener (or set requireHttps to false "
            "for a stack without a certificate)",
        )
    )


def tls_policy(resource: Resource, config: Config, report: Report) -> None:
    protocol = listener_protocol(resource)
    if protocol not in ("HTTPS", "TLS"):
        return
    allowed = [p for p in common.as_list(config.raw("allowedPolicies")) if isinstance(p, str)]
    policy = common.get(resource.props, "sslPolicy")
    if policy in allowed:
        return
    state = "sslPolicy is unset, which means ELBSecurityPolicy-2016-08" if policy is None else ""
    requirement = "use a recommended TLS 1.3 security policy" + (f" ({state})" if state else "")
    report(
        violation(
            resource,
            "",
            requirement,
            'set sslPolicy to "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" or another policy in '
            "allowedPolicies",
        )
    )


def _require_true(resource: Resource, report: Report, key: str, requirement: str, fix: str) -> None:
    """Reports ``requirement`` unless the boolean ``key`` is set to true."""
    if common.as_bool(common.get(resource.props, key)) is not True:
        report(violation(resource, "", requirement, fix))


def drop_invalid_headers(resource: Resource, config: Config, report: Report) -> None:
    if is_application(resource):
        _require_true(
            resource,
            report,
            "dropInvalidHeaderFields",
            "drop invalid HTTP header fields",
            "set dropInvalidHeaderFields to true",
        )


def desync_mitigation(resource: Resource, config: Config, report: Report) -> None:
    if not is_application(resource):
        return
    mode = common.get(resource.props, "desyncMitigationMode")
    if mode is None:
        return  # AWS's default is "defensive"
    allowed = [m for m in common.as_list(config.raw("allowedModes")) if isinstance(m, str)]
    if not isinstance(mode, str) or mode.lower() not in allowed:
        report(
            violation(
                resource,
                "",
                f"use desync mitigation mode {' or '.join(allowed)}",
                'set desyncMitigationMode to "defensive" (the default) or "strictest"',
            )
        )


def deletion_protection(resource: Resource, config: Config, report: Report) -> None:
    if config.get_bool("required"):
        _require_true(
            resource,
            report,
            "enableDeletionProtection",
            "have deletion protection enabled",
            "set enableDeletionProtection to true (or set required to false for this stack)",
        )


def _bucket_set(resource: Resource) -> bool:
    """The log bucket is usually a bucket created in the same stack, so its name is unknown during preview:
    an unknown name is a name (the value is computed, not missing)."""
    try:
        return bool(common.get(resource.props, "accessLogs", "bucket"))
    except UnknownValueError:
        return True


def access_logs(resource: Resource, config: Config, report: Report) -> None:
    if not config.get_bool("required") or not is_application(resource):
        return
    enabled = common.as_bool(common.get(resource.props, "accessLogs", "enabled")) is True
    if not enabled or not _bucket_set(resource):
        report(
            violation(
                resource,
                "",
                "write access logs",
                "set accessLogs to { enabled: true, bucket: <S3 bucket that grants ELB log delivery> } "
                "(or set required to false for this stack)",
            )
        )


POLICIES = [
    common.resource_policy(
        "alb-https-redirect",
        "Checks that HTTP listeners of Application Load Balancers redirect to HTTPS (Security Hub ELB.1, "
        "Checkov CKV_AWS_2, CKV2_AWS_20).",
        type_tokens.LISTENER,
        https_redirect,
        enforcement_level=common.ADVISORY,
        config={
            "requireHttps": common.flag(
                True,
                "Require HTTP listeners to redirect to HTTPS; false for a stack without a "
                "certificate (HTTP listeners may then forward).",
            )
        },
    ),
    common.resource_policy(
        "alb-tls-policy",
        "Checks that HTTPS and TLS listeners use a recommended TLS 1.3 security policy "
        "(ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 and the TLS 1.3 family; Security Hub ELB.17, Checkov "
        "CKV_AWS_103).",
        type_tokens.LISTENER,
        tls_policy,
        enforcement_level=common.ADVISORY,
        config={
            "allowedPolicies": common.string_list(
                list(RECOMMENDED_TLS_POLICIES), "Security policies accepted on HTTPS/TLS listeners."
            )
        },
    ),
    common.resource_policy(
        "alb-drop-invalid-headers",
        "Checks that Application Load Balancers drop invalid HTTP header fields (Security Hub ELB.4, Checkov "
        "CKV_AWS_131).",
        type_tokens.LOAD_BALANCER,
        drop_invalid_headers,
        enforcement_level=common.ADVISORY,
    ),
    common.resource_policy(
        "alb-desync-mitigation",
        "Checks that Application Load Balancers use desync mitigation mode defensive or strictest; unset is "
        "AWS's default, defensive (Security Hub ELB.12, Checkov CKV_AWS_328).",
        type_tokens.LOAD_BALANCER,
        desync_mitigation,
        enforcement_level=common.ADVISORY,
        config={
            "allowedModes": common.string_list(
                ["defensive", "strictest"],
                "Accepted desyncMitigationMode values.",
                allowed=["monitor", "defensive", "strictest"],
            )
        },
    ),
    common.resource_policy(
        "alb-deletion-protection",
        "Checks that load balancers have deletion protection enabled where the stack requires it (Security "
        "Hub ELB.6, Checkov CKV_AWS_150).",
        type_tokens.LOAD_BALANCER,
        deletion_protection,
        enforcement_level=common.ADVISORY,
        config={
            "required": common.flag(True, "Require deletion protection (false for short-lived dev stacks).")
        },
    ),
    common.resource_policy(
        "alb-access-logs",
        "Checks that Application Load Balancers write access logs to S3 where the stack requires it "
        "(Security Hub ELB.5, Checkov CKV_AWS_91).",
        type_tokens.LOAD_BALANCER,
        access_logs,
        enforcement_level=common.ADVISORY,
        config={
            "required": common.flag(True, "Require access logs (false for stacks without a log bucket).")
        },
    ),
]
