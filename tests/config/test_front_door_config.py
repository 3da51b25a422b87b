"""config/front_door.py and the front-door rules of config/stack.py: the domain, an existing listener and
IPv6, each bad input one line naming the key and the fix, before any resource."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import existing_vpc, ok, problems, svc, with_

LISTENER = (
    "arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/shared/"
    "0123456789abcdef/fedcba9876543210"
)
CERT = "arn:aws:acm:eu-west-2:123456789012:certificate/a"


def _domain(r: dict[str, Any], **domain: Any) -> None:
    r["loadBalancer"] = {"domain": {"name": "app.example.com", "zone": "example.com", **domain}}


def _existing(r: dict[str, Any], **extra: Any) -> None:
    r["loadBalancer"] = {
        "existing": {"listenerArn": LISTENER, "securityGroupId": "sg-0123456789abcdef0"},
        **extra,
    }
    svc(r, "frontend")["route"] = {"pathPatterns": ["/*"], "priority": 900}


CASES: list[tuple[str, Any, list[str]]] = [
    (
        "a domain outside its zone",
        lambda r: _domain(r, aliases=["www.example.org"]),
        [
            "loadBalancer.domain.aliases: www.example.org is outside the zone example.com; use a "
            "name ending in "
            ".example.com or the zone that holds it"
        ],
    ),
    (
        "a zone id in the wrong format",
        lambda r: r.update(
            loadBalancer={"domain": {"name": "app.example.com", "zoneId": "/hostedzone/Z123"}}
        ),
        [
            "loadBalancer.domain.zoneId: '/hostedzone/Z123' is not a Route 53 hosted zone id; use "
            "the Id (Z…) "
            "shown by aws route53 list-hosted-zones, without /hostedzone/"
        ],
    ),
    (
        "both zone and zone id",
        lambda r: _domain(r, zoneId="Z0123456789ABC"),
        ["loadBalancer.domain: needs exactly one of zone or zoneId; set the hosted zone by name or by id"],
    ),
    (
        "a name that is not a DNS name",
        lambda r: _domain(r, name="App_Server.example.com"),
        [
            "loadBalancer.domain.name: 'App_Server.example.com' is not a DNS name; use lowercase "
            "labels such as "
            "app.example.com"
        ],
    ),
    (
        "domain and certificateArn",
        lambda r: (_domain(r), r["loadBalancer"].update(certificateArn=CERT)),
        [
            "loadBalancer.domain: and certificateArn are both set; keep domain (the stack issues its "
            "certificate) or certificateArn (a certificate made elsewhere)"
        ],
    ),
    (
        "more names than one certificate holds",
        lambda r: (
            _domain(r, aliases=[f"a{i}.example.com" for i in range(8)]),
            svc(r)["route"].update(hostPatterns=["api.example.com", "admin.example.com"], priority=10),
        ),
        [
            "loadBalancer.domain: puts 11 names on one certificate (its name, aliases and the "
            "services' hosts "
            "in the zone), more than ACM's 10; use a wildcard alias (*.example.com) or ask AWS to "
            "raise the quota"
        ],
    ),
    (
        "an existing listener that is not HTTPS while a domain is set",
        lambda r: (
            _existing(r),
            r["loadBalancer"]["existing"].update(protocol="HTTP"),
            r["loadBalancer"].update(domain={"name": "app.example.com", "zone": "example.com"}),
        ),
        [
            "loadBalancer.existing.protocol: HTTP cannot serve a certificate; attach to the ALB's HTTPS "
            "listener, or remove domain and certificateArn"
        ],
    ),
    (
        "an ALB setting with an existing listener",
        lambda r: _existing(r, idleTimeout=120),
        [
            "loadBalancer.idleTimeout: applies to an ALB this stack creates, not to an existing listener's; "
            "remove it"
        ],
    ),
    (
        "a web ACL on an ALB the stack does not own",
        lambda r: _existing(r, waf={}),
        ["loadBalancer.waf: applies to an ALB this stack creates, not to an existing listener's; remove it"],
    ),
    (
        "a default route on an existing listener",
        lambda r: (_existing(r), svc(r, "frontend").__setitem__("route", {"default": True})),
        [
            "services.frontend.route.default: cannot take an existing listener's default action (it "
            "is the ALB "
            "owner's); route by pathPatterns or hostPatterns instead"
        ],
    ),
    (
        "a listener ARN that is not one",
        lambda r: (_existing(r), r["loadBalancer"]["existing"].update(listenerArn="arn:aws:elb:x")),
        [
            "loadBalancer.existing.listenerArn: 'arn:aws:elb:x' is not an ALB listener ARN; use "
            "arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<name>/<id>/<listener-id>"
        ],
    ),
    (
        "dualstack on the VPC the stack creates",
        lambda r: r.update(loadBalancer={"ipAddressType": "dualstack"}),
        [
            "loadBalancer.ipAddressType: dualstack needs public subnets with IPv6 CIDR blocks, which "
            "the VPC this "
            "stack creates does not have; set network.vpcId to a VPC with IPv6 subnets, or use ipv4"
        ],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected


def test_the_certificate_names_the_domain_its_aliases_and_the_services_hosts_in_the_zone() -> None:
    raw = with_(lambda r: _domain(r, aliases=["www.example.com", "*.app.example.com"]))
    svc(raw)["route"].update(hostPatterns=["api.example.com", "api.other.org", "v?.example.com"], priority=10)
    cfg = ok(raw)
    assert cfg.certificate_names == [
        "app.example.com",
        "www.example.com",
        "*.app.example.com",
        "api.example.com",
    ]
    assert cfg.service_hosts == {"backend": ["api.example.com"]}  # outside the zone or a pattern: no record
    assert cfg.load_balancer.https


def test_an_existing_listener_names_its_load_balancer_for_the_metrics() -> None:
    raw = with_(_existing)
    existing_vpc(raw)
    cfg = ok(raw)
    assert cfg.load_balancer.existing is not None
    assert cfg.load_balancer.existing.load_balancer_arn_suffix == "app/shared/0123456789abcdef"
    assert not cfg.load_balancer.creates_alb and cfg.load_balancer.https
