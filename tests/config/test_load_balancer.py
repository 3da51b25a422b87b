"""config/load_balancer.py: the shared ALB, a service's route and its target-group health check.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import good, problems, svc, with_

import config
from config.route_priorities import routes_overlap

CASES: list[tuple[str, Any, list[str]]] = [
    (
        "two derived priorities collide",
        lambda r: r["services"].update(
            bp={"image": "nginx:1.27", "port": 80, "route": {"pathPatterns": ["/bp/*"]}},
            rf={"image": "nginx:1.27", "port": 80, "route": {"pathPatterns": ["/rf/*"]}},
        ),
        [
            "services.rf.route: the priority derived from its name (36814) is service bp's too; set "
            "route.priority on one of them"
        ],
    ),
    (
        "overlapping routes without an order",
        lambda r: r["services"].update(
            v2={"image": "nginx:1.27", "port": 80, "route": {"pathPatterns": ["/api/v2/*"]}}
        ),
        [
            "services.v2.route: may match the same requests as service backend's route, and a priority "
            "derived from a name sets no order between them; set route.priority on both (lower wins)"
        ],
    ),
    (
        "a host route and a path route overlap",
        lambda r: r["services"].update(
            admin={"image": "nginx:1.27", "port": 80, "route": {"hostPatterns": ["admin.example.com"]}}
        ),
        [
            "services.admin.route: may match the same requests as service backend's route, and a priority "
            "derived from a name sets no order between them; set route.priority on both (lower wins)"
        ],
    ),
    (
        "path pattern / is the root URL only",
        lambda r: svc(r).update(route={"pathPatterns": ["/api/*", "/"]}),
        [
            "services.backend.route.pathPatterns: '/' matches only the root URL (every other path gets the "
            "listener's 404); use default: true to receive every path, or /*"
        ],
    ),
    (
        "certificate arn",
        lambda r: r.update(loadBalancer={"certificateArn": "arn:aws:iam::123:cert"}),
        [
            "loadBalancer.certificateArn: 'arn:aws:iam::123:cert' is not an ACM certificate ARN; use "
            "arn:aws:acm:<region>:<account>:certificate/<id>"
        ],
    ),
    (
        "tls policy",
        lambda r: r.update(
            loadBalancer={
                "certificateArn": "arn:aws:acm:eu-west-2:123456789012:certificate/abc",
                "sslPolicy": "ELBSecurityPolicy-2016-08",
            }
        ),
        [
            "loadBalancer.sslPolicy: 'ELBSecurityPolicy-2016-08' is not a TLS 1.3 policy; use one of: "
            + ", ".join(config.TLS_POLICIES)
        ],
    ),
    (
        "ssl policy without certificate",
        lambda r: r.update(loadBalancer={"sslPolicy": "ELBSecurityPolicy-TLS13-1-3-2021-06"}),
        [
            "loadBalancer.sslPolicy: has no effect without certificateArn or domain; set one of them "
            "or remove "
            "sslPolicy"
        ],
    ),
    (
        "access log bucket",
        lambda r: r.update(loadBalancer={"accessLogs": {"bucket": "s3://logs"}}),
        [
            "loadBalancer.accessLogs.bucket: 's3://logs' is not an S3 bucket name; use the bucket's name, "
            "not its ARN "
            "or URL"
        ],
    ),
    (
        "access log prefix",
        lambda r: r.update(loadBalancer={"accessLogs": {"bucket": "logs-1", "prefix": "/alb/"}}),
        [
            "loadBalancer.accessLogs.prefix: '/alb/' is not a usable prefix; drop leading/trailing '/' and "
            "'AWSLogs'"
        ],
    ),
    (
        "deregistration delay",
        lambda r: r.update(loadBalancer={"deregistrationDelay": 4000}),
        ["loadBalancer.deregistrationDelay: 4000 is too large; use a value ≤ 3600"],
    ),
    (
        "desync literal",
        lambda r: r.update(loadBalancer={"desyncMitigation": "off"}),
        ["loadBalancer.desyncMitigation: 'off' is not allowed; use one of: monitor, defensive, strictest"],
    ),
    (
        "container check command",
        lambda r: svc(r)["sidecars"]["postgres"].update(healthCheck={"command": ["pg_isready", "-U"]}),
        [
            "services.backend.sidecars.postgres.healthCheck.command: must start with CMD or CMD-SHELL, not "
            "'pg_isready'; e.g. [CMD-SHELL, pg_isready -U app]"
        ],
    ),
    (
        "container check CMD-SHELL words",
        lambda r: svc(r)["sidecars"]["postgres"].update(
            healthCheck={"command": ["CMD-SHELL", "pg_isready", "-U"]}
        ),
        [
            "services.backend.sidecars.postgres.healthCheck.command: CMD-SHELL takes exactly one shell "
            "command string; "
            "join the words into one string"
        ],
    ),
    (
        "container check too short",
        lambda r: svc(r)["sidecars"]["postgres"].update(healthCheck={"command": ["CMD"]}),
        ["services.backend.sidecars.postgres.healthCheck.command: needs at least 2 item(s); add them"],
    ),
    (
        "container check timeout",
        lambda r: svc(r)["sidecars"]["postgres"]["healthCheck"].update(interval=5, timeout=5),
        [
            "services.backend.sidecars.postgres.healthCheck.timeout: 5 must be less than interval 5; lower "
            "timeout or "
            "raise interval"
        ],
    ),
    (
        "alb check path",
        lambda r: svc(r)["healthCheck"].update(path="health"),
        ["services.backend.healthCheck.path: 'health' is not an HTTP path; use e.g. /health"],
    ),
    (
        "alb check matcher",
        lambda r: svc(r)["healthCheck"].update(matcher="2xx"),
        [
            "services.backend.healthCheck.matcher: '2xx' is not a list of HTTP codes 200 to 499; "
            "use e.g. 200 or 200-399"
        ],
    ),
    (
        "alb check matcher 5xx",
        lambda r: svc(r)["healthCheck"].update(matcher="200-502"),
        [
            "services.backend.healthCheck.matcher: '200-502' is not a list of HTTP codes 200 to 499; "
            "use e.g. 200 or 200-399"
        ],
    ),
    (
        "alb check timeout",
        lambda r: svc(r)["healthCheck"].update(interval=10, timeout=10),
        [
            "services.backend.healthCheck.timeout: 10 must be less than interval 10; lower timeout or "
            "raise interval"
        ],
    ),
    (
        "alb check without route",
        lambda r: svc(r).pop("route"),
        [
            "services.backend.healthCheck.path: applies only to a routed service; add a route, or keep only "
            "healthCheck.container"
        ],
    ),
    (
        "route without patterns",
        lambda r: svc(r).update(route={}),
        [
            "services.backend.route: needs pathPatterns or hostPatterns, or default: true; add one (omit "
            "route for an "
            "internal-only service)"
        ],
    ),
    (
        "default route with patterns",
        lambda r: svc(r, "frontend")["route"].update(pathPatterns=["/x"]),
        [
            "services.frontend.route: default: true receives all unmatched requests, so it takes no "
            "pathPatterns or "
            "hostPatterns; remove them or set default: false"
        ],
    ),
    (
        "default route with priority",
        lambda r: svc(r, "frontend")["route"].update(priority=5),
        ["services.frontend.route.priority: does not apply to the default route; remove priority"],
    ),
    (
        "too many patterns",
        lambda r: svc(r)["route"].update(
            pathPatterns=[f"/p{i}" for i in range(4)], hostPatterns=["a.example.com", "b.example.com"]
        ),
        [
            "services.backend.route: has 6 patterns but an ALB rule allows 5 condition values; split the "
            "service or "
            "use wildcards"
        ],
    ),
    (
        "path pattern",
        lambda r: svc(r)["route"].update(pathPatterns=["api/*"]),
        [
            "services.backend.route.pathPatterns: 'api/*' is not an ALB path pattern; start with '/', at "
            "most 128 "
            "characters of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ?"
        ],
    ),
    (
        "host pattern",
        lambda r: svc(r)["route"].update(hostPatterns=["https://a.com"]),
        [
            "services.backend.route.hostPatterns: 'https://a.com' is not an ALB host pattern; use letters, "
            "digits, '-', "
            "'.', '*' and '?'"
        ],
    ),
    (
        "two default routes",
        lambda r: svc(r).update(route={"default": True}),
        [
            "services.frontend.route.default: service backend is already the default route; only one "
            "service may set "
            "default: true"
        ],
    ),
    (
        "duplicate priority",
        lambda r: (
            svc(r)["route"].update(priority=7),
            svc(r, "frontend").update(route={"pathPatterns": ["/f/*"], "priority": 7}),
        ),
        ["services.frontend.route.priority: 7 is already used by service backend; pick another priority"],
    ),
    (
        "port needed for route",
        lambda r: svc(r, "frontend").pop("port"),
        [
            "services.frontend.port: is required for a service with a route or discovery; set the port the "
            "container "
            "listens on"
        ],
    ),
    (
        "sidecar port clash",
        lambda r: svc(r)["sidecars"]["postgres"].update(port=8000),
        [
            "services.backend.sidecars.postgres.port: 8000 is already used by the main container "
            "(containers of a task "
            "share one network namespace); pick another port"
        ],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected


def test_ordered_overlapping_routes_and_disjoint_ones_are_accepted() -> None:
    raw = good()
    svc(raw)["route"]["priority"] = 20
    raw["services"]["v2"] = {
        "image": "nginx:1.27",
        "port": 80,
        "route": {"pathPatterns": ["/api/v2/*"], "priority": 10},
    }
    raw["services"]["docs"] = {"image": "nginx:1.27", "port": 80, "route": {"pathPatterns": ["/docs/*"]}}
    assert config.load_config(raw).route_priorities == {"backend": 20, "v2": 10, "docs": 28319}


def test_routes_overlap_compares_globs_both_ways() -> None:
    def route(**kw: Any) -> config.RouteConfig:
        return config.RouteConfig.model_validate(kw)

    assert routes_overlap(route(pathPatterns=["/api/*"]), route(pathPatterns=["/api/v2/*"]))
    assert routes_overlap(route(pathPatterns=["/api/v2/*"]), route(pathPatterns=["/api/*"]))
    assert not routes_overlap(route(pathPatterns=["/api/*"]), route(pathPatterns=["/docs/*"]))
    assert routes_overlap(route(hostPatterns=["*.example.com"]), route(hostPatterns=["API.example.com"]))
    assert not routes_overlap(route(hostPatterns=["a.example.com"]), route(hostPatterns=["b.example.com"]))
    assert routes_overlap(route(hostPatterns=["a.example.com"]), route(pathPatterns=["/a/*"]))
    assert not routes_overlap(
        route(hostPatterns=["a.example.com"], pathPatterns=["/x/*"]),
        route(hostPatterns=["a.example.com"], pathPatterns=["/y/*"]),
    )
