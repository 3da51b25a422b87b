"""Load balancer rules: alb-https-redirect, alb-tls-policy, alb-drop-invalid-headers, alb-desync-mitigation,
alb-deletion-protection, alb-access-logs. Every rule is run on every alias token of its resource."""

from __future__ import annotations

import pytest
import security_load_balancers
import type_tokens
from common import UNKNOWN_STRING as UNKNOWN

# aws:lb, aws:alb, aws:applicationloadbalancing, aws:elasticloadbalancingv2
LB_TOKENS = type_tokens.LOAD_BALANCER
LISTENER_TOKENS = type_tokens.LISTENER

REDIRECT, TLS, HEADERS, DESYNC, DELETION, LOGS = security_load_balancers.POLICIES

REDIRECT_MSG = (
    "Listener 'web' must redirect HTTP to HTTPS; set its default action to a redirect with protocol "
    '"HTTPS", port "443" and statusCode "HTTP_301", and serve the application on an HTTPS listener (or set '
    "requireHttps to false for a stack without a certificate)."
)
TLS_FIX = (
    'set sslPolicy to "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" or another policy in allowedPolicies.'
)
HEADERS_MSG = "Load balancer 'web' must drop invalid HTTP header fields; set dropInvalidHeaderFields to true."
DESYNC_MSG = (
    "Load balancer 'web' must use desync mitigation mode defensive or strictest; set desyncMitigationMode to "
    '"defensive" (the default) or "strictest".'
)
DELETION_MSG = (
    "Load balancer 'web' must have deletion protection enabled; set enableDeletionProtection to true (or set "
    "required to false for this stack)."
)
LOGS_MSG = (
    "Load balancer 'web' must write access logs; set accessLogs to { enabled: true, bucket: <S3 bucket that "
    "grants ELB log delivery> } (or set required to false for this stack)."
)


def forward_listener(good, **overrides):
    props = good.redirect_listener(
        defaultActions=[{"type": "forward", "targetGroupArn": "arn:aws:elasticloadbalancing:tg"}]
    )
    props.update(overrides)
    return props


# --- alb-https-redirect -----------------------------------------------------------------------------------


@pytest.mark.parametrize("token", LISTENER_TOKENS)
def test_redirect_passes_and_fails_on_every_token(run, good, token):
    assert run.resource(REDIRECT, token, good.redirect_listener()) == []
    assert run.resource(REDIRECT, token, good.https_listener()) == []
    assert run.resource(REDIRECT, token, forward_listener(good)) == [REDIRECT_MSG]


def test_redirect_to_http_fails(run, good):
    action = {"type": "redirect", "redirect": {"protocol": "#{protocol}", "host": "example.com"}}
    props = good.redirect_listener(defaultActions=[action])
    assert run.resource(REDIRECT, LISTENER_TOKENS[0], props) == [REDIRECT_MSG]


def test_redirect_missing_protocol_means_http(run, good):
    props = forward_listener(good)
    del props["protocol"]
    assert run.resource(REDIRECT, LISTENER_TOKENS[0], props) == [REDIRECT_MSG]


def test_redirect_gateway_listener_without_port_ignored(run, good):
    props = forward_listener(good)
    del props["protocol"]
    del props["port"]
    assert run.resource(REDIRECT, LISTENER_TOKENS[0], props) == []


def test_redirect_config_require_https_off(run, good):
    assert (
        run.resource(REDIRECT, LISTENER_TOKENS[0], forward_listener(good), config={"requireHttps": False})
        == []
    )


def test_redirect_ignores_nlb_listeners(run, good):
    assert run.resource(REDIRECT, LISTENER_TOKENS[0], forward_listener(good, protocol="TCP")) == []


# --- alb-tls-policy ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", LISTENER_TOKENS)
def test_tls_policy_on_every_token(run, good, token):
    assert run.resource(TLS, token, good.https_listener()) == []
    props = good.https_listener(sslPolicy="ELBSecurityPolicy-2016-08")
    assert run.resource(TLS, token, props) == [
        f"Listener 'web' must use a recommended TLS 1.3 security policy; {TLS_FIX}"
    ]


def test_tls_policy_missing_fails(run, good):
    props = good.https_listener()
    del props["sslPolicy"]
    assert run.resource(TLS, LISTENER_TOKENS[0], props) == [
        "Listener 'web' must use a recommended TLS 1.3 security policy (sslPolicy is unset, which means "
        f"ELBSecurityPolicy-2016-08); {TLS_FIX}"
    ]


@pytest.mark.parametrize(
    "policy",
    [
        "ELBSecurityPolicy-TLS13-1-0-2021-06",
        "ELBSecurityPolicy-TLS13-1-1-2021-06",
        "ELBSecurityPolicy-FS-1-2-2019-08",
    ],
)
def test_tls_policies_that_allow_old_protocols_fail(run, good, policy):
    assert run.resource(TLS, LISTENER_TOKENS[0], good.https_listener(sslPolicy=policy)) == [
        f"Listener 'web' must use a recommended TLS 1.3 security policy; {TLS_FIX}"
    ]


@pytest.mark.parametrize("policy", security_load_balancers.RECOMMENDED_TLS_POLICIES)
def test_tls_recommended_policies_pass(run, good, policy):
    assert run.resource(TLS, LISTENER_TOKENS[0], good.https_listener(sslPolicy=policy)) == []


def test_tls_nlb_tls_listener_checked(run, good):
    props = good.https_listener(protocol="TLS", sslPolicy="ELBSecurityPolicy-2016-08")
    assert run.resource(TLS, LISTENER_TOKENS[0], props) == [
        f"Listener 'web' must use a recommended TLS 1.3 security policy; {TLS_FIX}"
    ]


def test_tls_http_listener_ignored(run, good):
    assert run.resource(TLS, LISTENER_TOKENS[0], good.redirect_listener()) == []


def test_tls_config_allowed_policies(run, good):
    props = good.https_listener(sslPolicy="ELBSecurityPolicy-FS-1-2-Res-2020-10")
    config = {"allowedPolicies": ["ELBSecurityPolicy-FS-1-2-Res-2020-10"]}
    assert run.resource(TLS, LISTENER_TOKENS[0], props, config=config) == []


# --- alb-drop-invalid-headers -----------------------------------------------------------------------------


@pytest.mark.parametrize("token", LB_TOKENS)
def test_headers_on_every_token(run, good, token):
    assert run.resource(HEADERS, token, good.load_balancer()) == []
    assert run.resource(HEADERS, token, good.load_balancer(dropInvalidHeaderFields=False)) == [HEADERS_MSG]


def test_headers_missing_fails(run, good):
    props = good.load_balancer()
    del props["dropInvalidHeaderFields"]
    del props["loadBalancerType"]  # unset type means application
    assert run.resource(HEADERS, LB_TOKENS[0], props) == [HEADERS_MSG]


def test_headers_network_load_balancer_ignored(run, good):
    props = good.load_balancer(loadBalancerType="network", dropInvalidHeaderFields=None)
    assert run.resource(HEADERS, LB_TOKENS[0], props) == []


# --- alb-desync-mitigation --------------------------------------------------------------------------------


@pytest.mark.parametrize("token", LB_TOKENS)
def test_desync_on_every_token(run, good, token):
    assert run.resource(DESYNC, token, good.load_balancer(desyncMitigationMode="strictest")) == []
    assert run.resource(DESYNC, token, good.load_balancer(desyncMitigationMode="monitor")) == [DESYNC_MSG]


def test_desync_missing_means_defensive(run, good):
    props = good.load_balancer()
    del props["desyncMitigationMode"]
    assert run.resource(DESYNC, LB_TOKENS[0], props) == []


def test_desync_config_strictest_only(run, good):
    config = {"allowedModes": ["strictest"]}
    assert run.resource(DESYNC, LB_TOKENS[0], good.load_balancer(), config=config) == [
        "Load balancer 'web' must use desync mitigation mode strictest; set desyncMitigationMode to "
        '"defensive" (the default) or "strictest".'
    ]


# --- alb-deletion-protection ------------------------------------------------------------------------------


@pytest.mark.parametrize("token", LB_TOKENS)
def test_deletion_on_every_token(run, good, token):
    assert run.resource(DELETION, token, good.load_balancer()) == []
    assert run.resource(DELETION, token, good.load_balancer(enableDeletionProtection=False)) == [DELETION_MSG]


def test_deletion_missing_fails(run, good):
    props = good.load_balancer()
    del props["enableDeletionProtection"]
    assert run.resource(DELETION, LB_TOKENS[0], props) == [DELETION_MSG]


def test_deletion_config_not_required(run, good):
    props = good.load_balancer(enableDeletionProtection=False)
    assert run.resource(DELETION, LB_TOKENS[0], props, config={"required": False}) == []


def test_deletion_applies_to_network_load_balancers(run, good):
    props = good.load_balancer(loadBalancerType="network", enableDeletionProtection=False)
    assert run.resource(DELETION, LB_TOKENS[0], props) == [DELETION_MSG]


# --- alb-access-logs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", LB_TOKENS)
def test_logs_on_every_token(run, good, token):
    assert run.resource(LOGS, token, good.load_balancer()) == []
    props = good.load_balancer(accessLogs={"bucket": "alb-logs-123456789012", "enabled": False})
    assert run.resource(LOGS, token, props) == [LOGS_MSG]


def test_logs_missing_fails(run, good):
    props = good.load_balancer()
    del props["accessLogs"]
    assert run.resource(LOGS, LB_TOKENS[0], props) == [LOGS_MSG]


def test_logs_enabled_without_bucket_fails(run, good):
    assert run.resource(LOGS, LB_TOKENS[0], good.load_balancer(accessLogs={"enabled": True})) == [LOGS_MSG]


def test_logs_config_not_required(run, good):
    props = good.load_balancer(accessLogs=None)
    assert run.resource(LOGS, LB_TOKENS[0], props, config={"required": False}) == []


def test_logs_network_load_balancer_ignored(run, good):
    props = good.load_balancer(loadBalancerType="network", accessLogs=None)
    assert run.resource(LOGS, LB_TOKENS[0], props) == []


def test_logs_unknown_bucket_counts_as_set(run, good):
    # During preview the bucket (created in the same stack) is unknown: that is a computed name, not a gap.
    props = good.load_balancer(accessLogs={"bucket": UNKNOWN, "enabled": True})
    assert run.resource(LOGS, LB_TOKENS[0], props) == []


def test_the_program_accepts_exactly_the_packs_tls_policies() -> None:
    """policy/ stands alone, so config/ keeps its own copy of the list; they must not drift apart."""
    from components.load_balancer import TLS13_POLICY
    from config.load_balancer import DEFAULT_TLS_POLICY, TLS_POLICIES

    assert TLS_POLICIES == security_load_balancers.RECOMMENDED_TLS_POLICIES
    assert DEFAULT_TLS_POLICY == TLS13_POLICY == "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
