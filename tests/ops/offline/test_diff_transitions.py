"""ops diff on real plans: a corpus of transitions, each a base config and a changed one planned with the real
program under mocks; each asserts the exact steps (op, logical name, in the engine's order), the forcing paths
of the replacements and the findings.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from diff_support import example_config, stack_config, summary, transition

S = "fargate-platform:"
DEV = stack_config("dev")


def _with(base: dict[str, Any], change: Any) -> dict[str, Any]:
    new = copy.deepcopy(base)
    change(new)
    return new


def _svc(config: dict[str, Any]) -> dict[str, Any]:
    return config[S + "services"]


def _routed(p_backend: int, p_frontend: int) -> dict[str, Any]:
    def change(c: dict[str, Any]) -> None:
        _svc(c)["backend"]["route"] = {"pathPatterns": ["/api/*"], "priority": p_backend}
        _svc(c)["frontend"]["route"] = {"pathPatterns": ["/web/*"], "priority": p_frontend}

    return _with(DEV, change)


def _efs_off(c: dict[str, Any]) -> None:
    svc = _svc(c)["my-service"]
    del svc["volumes"]
    svc["mounts"] = []
    svc["environment"] = {}


EFS = example_config("seed-003-fsd-minimal")
EFS_OFF = _with(EFS, _efs_off)
CERT = "arn:aws:acm:eu-west-2:123456789012:certificate/8c3e5a7d-1f2b-4c6d-9e0a-3b5f7d9c1e2a"
WITH_KEY = _with(
    DEV, lambda c: _svc(c)["frontend"].__setitem__("secrets", {"API_KEY": {"generate": "apiKey"}})
)


def _env_defaults(c: dict[str, Any]) -> None:
    """dev leaving capacity, Container Insights and log retention to its environment."""
    c[S + "cluster"] = {"namespace": "dev.local"}
    del c[S + "logs"]


def _to_prod(c: dict[str, Any]) -> None:
    """The same stack moved to `environment: prod` (which also needs HTTPS, pinned images and someone to
    notify)."""
    c[S + "environment"] = "prod"
    c[S + "notifications"] = {"email": ["oncall@example.com"]}
    c[S + "loadBalancer"]["certificateArn"] = CERT
    _svc(c)["backend"]["image"]["tag"] = "1.0.0"
    _svc(c)["frontend"]["image"]["tag"] = "1.0.0"


ENV_DEFAULTS = _with(DEV, _env_defaults)


def _no_reach(c: dict[str, Any]) -> None:
    """Seed 004 as it was before tasks could reach what the stack did not create."""
    booking = _svc(c)["booking"]
    del booking["securityGroups"]
    del booking["volumes"]["static-files"]["efs"]["securityGroupId"]


DJANGO = example_config("seed-004-django")
DOMAIN = example_config("domain")


def _rename_domain(c: dict[str, Any]) -> None:
    """The stack moves from app.example.com to shop.example.com (www stays)."""
    c[S + "loadBalancer"]["domain"]["name"] = "shop.example.com"


def _reorder(c: dict[str, Any]) -> None:
    svc = _svc(c)
    c[S + "services"] = {"frontend": svc["frontend"], "backend": svc["backend"]}


def _rename(c: dict[str, Any]) -> None:
    svc = _svc(c)
    c[S + "services"] = {"backend": svc["backend"], "web": svc["frontend"]}


def _reuse_priority(c: dict[str, Any]) -> None:
    del _svc(c)["backend"]
    _svc(c)["frontend"]["route"]["priority"] = 10


WORKER = {"image": "busybox:1.36", "cpu": 256, "memory": 512, "command": ["sleep", "infinity"]}

CANARY = _with(
    DEV,
    lambda c: (
        _svc(c)["backend"].setdefault("deployment", {}).__setitem__("strategy", "canary"),
        _svc(c)["frontend"].setdefault("deployment", {}).__setitem__("strategy", "canary"),
    ),
)
"""Dev with both routed services switched to canary deployments (the default route too)."""

CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "add": (DEV, _with(DEV, lambda c: _svc(c).__setitem__("worker", WORKER))),
    "remove-frontend": (DEV, _with(DEV, lambda c: _svc(c).pop("frontend"))),
    "remove-backend": (DEV, _with(DEV, lambda c: _svc(c).pop("backend"))),
    "reorder": (DEV, _with(DEV, _reorder)),
    "rename": (DEV, _with(DEV, _rename)),
    "capacity": (DEV, _with(DEV, lambda c: c[S + "cluster"].__setitem__("capacity", "onDemand"))),
    "cpu-memory": (DEV, _with(DEV, lambda c: _svc(c)["frontend"].update(cpu=512, memory=1024))),
    "image": (DEV, _with(DEV, lambda c: _svc(c)["frontend"]["image"].__setitem__("tag", "v2"))),
    "port": (DEV, _with(DEV, lambda c: _svc(c)["frontend"].__setitem__("port", 3001))),
    "health": (DEV, _with(DEV, lambda c: _svc(c)["frontend"]["healthCheck"].__setitem__("path", "/healthz"))),
    "route": (
        DEV,
        _with(DEV, lambda c: _svc(c)["backend"]["route"].__setitem__("pathPatterns", ["/api/*", "/v2/*"])),
    ),
    "discovery": (_with(DEV, lambda c: _svc(c)["frontend"].__setitem__("discovery", False)), DEV),
    "https": (DEV, _with(DEV, lambda c: c[S + "loadBalancer"].__setitem__("certificateArn", CERT))),
    "autoscaling": (
        DEV,
        _with(
            DEV,
            lambda c: _svc(c)["frontend"].__setitem__("autoscaling", {"min": 1, "max": 3, "cpuTarget": 60}),
        ),
    ),
    "environment": (ENV_DEFAULTS, _with(ENV_DEFAULTS, _to_prod)),
    "reach-existing": (_with(DJANGO, _no_reach), DJANGO),
    "env": (DEV, _with(DEV, lambda c: _svc(c)["backend"]["environment"].__setitem__("LOG_LEVEL", "debug"))),
    "password-sidecar": (
        DEV,
        _with(
            DEV,
            lambda c: _svc(c)["backend"]["sidecars"]["postgres"]["secrets"].__setitem__(
                "POSTGRES_PASSWORD", {"generate": "dbPassword", "length": 40}
            ),
        ),
    ),
    "efs-enable": (EFS_OFF, EFS),
    "efs-remove": (EFS, EFS_OFF),
    "domain-rename": (DOMAIN, _with(DOMAIN, _rename_domain)),
    "strategy-canary": (DEV, CANARY),
    "strategy-rolling": (CANARY, DEV),
    "priority-swap": (_routed(10, 20), _routed(20, 10)),
    "priority-reuse": (_routed(10, 20), _with(_routed(10, 20), _reuse_priority)),
    "password-direct": (
        WITH_KEY,
        _with(WITH_KEY, lambda c: _svc(c)["frontend"]["secrets"]["API_KEY"].__setitem__("length", 40)),
    ),
}

# The backend service's resources, deleted in reverse dependency order (dev's backend leaves the stack).
BACKEND_DELETED = [
    ("delete", "t-backend-alarms-unhealthy-hosts"),
    ("delete", "t-backend-alarms-p95-latency"),
    ("delete", "t-backend-alarms-memory"),
    ("delete", "t-backend-alarms-cpu"),
    ("delete", "t-backend-alarms-5xx-rate"),
    ("delete", "t-backend-alarms"),
    ("delete", "t-backend-from-peers"),
    ("delete", "t-backend-from-alb"),
    ("delete", "t-backend-out"),
    ("delete", "t-alb-to-backend"),
    ("delete", "backend-service"),
    ("delete", "t-backend-tasks"),
    ("delete", "t-backend-rule"),
    ("delete", "t-backend-tg"),
    ("delete", "backend-iam-exec"),
    ("delete", "backend-discovery"),
    ("delete", "backend-task"),
    ("delete", "backend-iam-task"),
    ("delete", "backend-iam-exec"),
    ("delete", "backend-iam"),
    ("delete", "backend-dbPassword"),
    ("delete", "backend-DATABASE_URL"),
    ("delete", "backend-dbPassword"),
    ("delete", "backend-logs"),
    ("delete", "backend"),
]

EXPECTED: dict[str, dict[str, Any]] = {
    "add": {
        "ops": [
            ("create", "worker"),
            ("create", "worker-logs"),
            ("create", "worker-iam"),
            ("create", "worker-iam-exec"),
            ("create", "worker-iam-task"),
            ("create", "worker-task"),
            ("create", "worker-iam-exec"),
            ("create", "t-worker-tasks"),
            ("create", "worker-service"),
            ("update", "t-dashboard"),
            ("create", "t-worker-out"),
            ("create", "t-worker-alarms"),
            ("create", "t-worker-alarms-cpu"),
            ("create", "t-worker-alarms-memory"),
        ],
        "forced": {},
        "findings": [],
    },
    "remove-frontend": {
        "ops": [
            ("update", "t-http"),
            ("update", "t-dashboard"),
            ("delete", "t-frontend-alarms-unhealthy-hosts"),
            ("delete", "t-frontend-alarms-p95-latency"),
            ("delete", "t-frontend-alarms-memory"),
            ("delete", "t-frontend-alarms-cpu"),
            ("delete", "t-frontend-alarms-5xx-rate"),
            ("delete", "t-frontend-alarms"),
            ("delete", "t-frontend-from-peers"),
            ("delete", "t-frontend-from-alb"),
            ("delete", "t-frontend-out"),
            ("delete", "t-alb-to-frontend"),
            ("delete", "frontend-service"),
            ("delete", "t-frontend-tasks"),
            ("delete", "frontend-iam-exec"),
            ("delete", "frontend-discovery"),
            ("delete", "frontend-task"),
            ("delete", "frontend-iam-task"),
            ("delete", "frontend-iam-exec"),
            ("delete", "frontend-iam"),
            ("delete", "frontend-logs"),
            ("delete", "frontend"),
            ("delete", "t-frontend-tg"),
        ],
        "forced": {},
        "findings": [],
    },
    "remove-backend": {
        "ops": [
            ("update", "t-dashboard"),
            *BACKEND_DELETED,
        ],
        "forced": {},
        "findings": [("data-loss", "backend-dbPassword", "-"), ("data-loss", "backend-DATABASE_URL", "-")],
    },
    "reorder": {"ops": [], "forced": {}, "findings": []},
    "rename": {
        "ops": [
            ("create", "t-web-tg"),
            ("update", "t-http"),
            ("create", "web"),
            ("create", "web-logs"),
            ("create", "web-iam"),
            ("create", "web-iam-exec"),
            ("create", "web-iam-task"),
            ("create", "web-task"),
            ("create", "web-discovery"),
            ("create", "web-iam-exec"),
            ("create", "t-web-tasks"),
            ("create", "web-service"),
            ("update", "t-dashboard"),
            ("create", "t-alb-to-web"),
            ("create", "t-web-out"),
            ("create", "t-web-from-alb"),
            ("create", "t-web-from-peers"),
            ("create", "t-web-alarms"),
            ("create", "t-web-alarms-5xx-rate"),
            ("create", "t-web-alarms-cpu"),
            ("create", "t-web-alarms-memory"),
            ("create", "t-web-alarms-p95-latency"),
            ("create", "t-web-alarms-unhealthy-hosts"),
            ("delete", "t-frontend-alarms-unhealthy-hosts"),
            ("delete", "t-frontend-alarms-p95-latency"),
            ("delete", "t-frontend-alarms-memory"),
            ("delete", "t-frontend-alarms-cpu"),
            ("delete", "t-frontend-alarms-5xx-rate"),
            ("delete", "t-frontend-alarms"),
            ("delete", "t-frontend-from-peers"),
            ("delete", "t-frontend-from-alb"),
            ("delete", "t-frontend-out"),
            ("delete", "t-alb-to-frontend"),
            ("delete", "frontend-service"),
            ("delete", "t-frontend-tasks"),
            ("delete", "frontend-iam-exec"),
            ("delete", "frontend-discovery"),
            ("delete", "frontend-task"),
            ("delete", "frontend-iam-task"),
            ("delete", "frontend-iam-exec"),
            ("delete", "frontend-iam"),
            ("delete", "frontend-logs"),
            ("delete", "frontend"),
            ("delete", "t-frontend-tg"),
        ],
        "forced": {},
        "findings": [],
    },
    # Defect 1 of issue 9: the services set forceNewDeployment, so the provider accepts the new strategy
    # in place (a new deployment); before, it refused the update at preview.
    "capacity": {
        "ops": [
            ("update", "t-capacity"),
            ("update", "backend-service"),
            ("update", "frontend-service"),
        ],
        "forced": {},
        "findings": [],
    },
    "cpu-memory": {
        "ops": [
            ("replace", "frontend-task"),
            ("update", "frontend-service"),
            ("delete-replaced", "frontend-task"),
        ],
        "forced": {"frontend-task": ["cpu", "memory"]},
        "findings": [],
    },
    "image": {
        "ops": [
            ("replace", "frontend-task"),
            ("update", "frontend-service"),
            ("delete-replaced", "frontend-task"),
        ],
        "forced": {"frontend-task": ["containerDefinitions[].image"]},
        "findings": [],
    },
    "port": {
        "ops": [
            ("replace", "t-frontend-tg"),
            ("update", "t-http"),
            ("replace", "frontend-task"),
            ("update", "frontend-service"),
            ("update", "t-alb-to-frontend"),
            ("update", "t-frontend-from-alb"),
            ("update", "t-frontend-from-peers"),
            ("delete-replaced", "frontend-task"),
            ("delete-replaced", "t-frontend-tg"),
        ],
        "forced": {
            "t-frontend-tg": ["port"],
            "frontend-task": [
                "containerDefinitions[].portMappings[].containerPort",
                "containerDefinitions[].portMappings[].hostPort",
            ],
        },
        "findings": [],
    },
    "health": {"ops": [("update", "t-frontend-tg")], "forced": {}, "findings": []},
    "route": {"ops": [("update", "t-backend-rule")], "forced": {}, "findings": []},
    "discovery": {
        "ops": [
            ("create", "frontend-discovery"),
            ("update", "frontend-service"),
            ("create", "t-frontend-from-peers"),
        ],
        "forced": {},
        "findings": [],
    },
    "https": {
        "ops": [
            ("update", "t-http"),
            ("create", "t-https"),
            ("replace", "t-backend-rule"),
            ("create", "t-alb-in-443-v4"),
            ("create", "t-alb-in-443-v6"),
            ("delete-replaced", "t-backend-rule"),
        ],
        "forced": {"t-backend-rule": ["listenerArn"]},
        "findings": [],
    },
    "autoscaling": {
        "ops": [("create", "frontend-scaling"), ("create", "frontend-cpu-scaling")],
        "forced": {},
        "findings": [],
    },
    "env": {
        "ops": [
            ("replace", "backend-task"),
            ("update", "backend-service"),
            ("delete-replaced", "backend-task"),
        ],
        "forced": {"backend-task": ["containerDefinitions[].environment[].value"]},
        "findings": [],
    },
    # The sidecar's `length` is honoured (it was ignored when the backend's template came first): every
    # database password changes, and the data in postgres keeps the old one.
    "password-sidecar": {
        "ops": [
            ("replace", "backend-dbPassword"),
            ("update", "backend-DATABASE_URL"),
            ("update", "backend-dbPassword"),
            ("delete-replaced", "backend-dbPassword"),
        ],
        "forced": {"backend-dbPassword": ["length"]},
        "findings": [("data-loss", "backend-dbPassword", "length")],
    },
    "efs-enable": {
        "ops": [
            ("create", "my-service-data-fs"),
            ("create", "my-service-efs"),
            ("create", "my-service-data-mt-1"),
            ("create", "my-service-data-mt-2"),
            ("create", "my-service-data-ap"),
            ("replace", "my-service-task"),
            ("create", "my-service-iam-task"),
            ("update", "my-service-service"),
            ("create", "my-service-efs-from-tasks"),
            ("delete-replaced", "my-service-task"),
        ],
        "forced": {
            "my-service-task": [
                "containerDefinitions[].environment[]",
                "containerDefinitions[].mountPoints[]",
                "volumes",
            ]
        },
        "findings": [],
    },
    "efs-remove": {
        "ops": [
            ("replace", "my-service-task"),
            ("update", "my-service-service"),
            ("delete", "my-service-efs-from-tasks"),
            ("delete", "my-service-iam-task"),
            ("delete-replaced", "my-service-task"),
            ("delete", "my-service-data-ap"),
            ("delete", "my-service-data-mt-2"),
            ("delete", "my-service-data-mt-1"),
            ("delete", "my-service-efs"),
            ("retain", "my-service-data-fs"),
        ],
        "forced": {
            "my-service-task": [
                "containerDefinitions[].environment[]",
                "containerDefinitions[].mountPoints[]",
                "volumes",
            ]
        },
        "findings": [],
    },
    # A new domain name: a new certificate is issued and validated first, the HTTPS listener moves to it, and
    # only then is the old one (still in use until that update) deleted.
    "domain-rename": {
        "ops": [
            ("replace", "t-certificate"),
            ("create", "t-validation-shop-example-com"),
            ("replace", "t-validation"),
            ("update", "t-https"),
            ("create", "t-shop-example-com-a"),
            ("delete", "t-app-example-com-a"),
            ("delete-replaced", "t-validation"),
            ("delete", "t-validation-app-example-com"),
            ("delete-replaced", "t-certificate"),
        ],
        "forced": {
            "t-certificate": ["domainName"],
            "t-validation": ["validationRecordFqdns[]", "certificateArn"],
        },
        "findings": [],
    },
    # Rolling → canary is an update in place: the alternate groups, test rules, the default route's
    # catch-all rule and the infrastructure role are created; the services and their alarms update.
    "strategy-canary": {
        "ops": [
            ("create", "t"),
            ("create", "t-ecs-infra"),
            ("create", "t-ecs-infra-lb"),
            ("update", "t-http"),
            ("create", "t-backend-tg2"),
            ("create", "t-backend-test"),
            ("update", "backend-service"),
            ("create", "t-frontend-rule"),
            ("create", "t-frontend-tg2"),
            ("create", "t-frontend-test"),
            ("update", "frontend-service"),
            ("update", "t-dashboard"),
            ("update", "t-backend-alarms-5xx-rate"),
            ("update", "t-backend-alarms-p95-latency"),
            ("update", "t-backend-alarms-unhealthy-hosts"),
            ("update", "t-frontend-alarms-5xx-rate"),
            ("update", "t-frontend-alarms-p95-latency"),
            ("update", "t-frontend-alarms-unhealthy-hosts"),
        ],
        "forced": {},
        "findings": [],
    },
    # And back: the services update first, then what only traffic shifting used is deleted.
    "strategy-rolling": {
        "ops": [
            ("update", "t-http"),
            ("update", "backend-service"),
            ("update", "frontend-service"),
            ("update", "t-dashboard"),
            ("update", "t-backend-alarms-5xx-rate"),
            ("update", "t-backend-alarms-p95-latency"),
            ("update", "t-backend-alarms-unhealthy-hosts"),
            ("update", "t-frontend-alarms-5xx-rate"),
            ("update", "t-frontend-alarms-p95-latency"),
            ("update", "t-frontend-alarms-unhealthy-hosts"),
            ("delete", "t-frontend-test"),
            ("delete", "t-frontend-tg2"),
            ("delete", "t-frontend-rule"),
            ("delete", "t-backend-test"),
            ("delete", "t-backend-tg2"),
            ("delete", "t-ecs-infra-lb"),
            ("delete", "t-ecs-infra"),
            ("delete", "t"),
        ],
        "forced": {},
        "findings": [],
    },
    "priority-swap": {
        "ops": [("update", "t-backend-rule"), ("update", "t-frontend-rule")],
        "forced": {},
        "findings": [("priority-in-use", "t-backend-rule", "priority")],
    },
    "priority-reuse": {
        "ops": [
            ("update", "t-frontend-rule"),
            ("update", "t-dashboard"),
            *BACKEND_DELETED,
        ],
        "forced": {},
        "findings": [
            ("priority-in-use", "t-frontend-rule", "priority"),
            ("data-loss", "backend-dbPassword", "-"),
            ("data-loss", "backend-DATABASE_URL", "-"),
        ],
    },
    # Defect 3 of issue 9 on a live stack: joining the database's group and admitting the tasks to an
    # existing file system are an in-place update and a new rule.
    "reach-existing": {
        "ops": [("create", "booking-static-files-nfs-from-tasks"), ("update", "booking-service")],
        "forced": {},
        "findings": [],
    },
    "password-direct": {
        "ops": [
            ("replace", "frontend-apiKey"),
            ("update", "frontend-apiKey"),
            ("delete-replaced", "frontend-apiKey"),
        ],
        "forced": {"frontend-apiKey": ["length"]},
        "findings": [("data-loss", "frontend-apiKey", "length")],
    },
}


@pytest.mark.parametrize("name", [n for n in CASES if n in EXPECTED])
def test_transition(name: str) -> None:
    base, new = CASES[name]
    diff, findings, _notes = transition(base, new)
    assert summary(diff, findings) == EXPECTED[name], name


def test_reordering_services_changes_nothing() -> None:
    diff, findings, _ = transition(*CASES["reorder"])
    assert diff.steps == [] and findings == [] and diff.unchanged == len(diff.new.resources)


def test_priority_messages_name_the_listener_the_holder_and_the_fix() -> None:
    _, findings, _ = transition(*CASES["priority-reuse"])
    assert findings[0].message == (
        "aws:lb/listenerRule:ListenerRule t-frontend-rule: priority 10 on listener t-http is still held by "
        "t-backend-rule until it is deleted at the end of the update (PriorityInUse); give each service a "
        "stable route.priority"
    )
    _, findings, _ = transition(*CASES["priority-swap"])
    assert findings[0].message.endswith(
        "is still held by t-frontend-rule until its own update, later in this update (PriorityInUse); move "
        "one rule to a free priority first, in an update of its own"
    )


def test_capacity_change_updates_the_services_in_place() -> None:
    diff, findings, _ = transition(*CASES["capacity"])
    steps = {s.name: s for s in diff.steps}
    assert steps["backend-service"].properties == ("capacityProviderStrategies",)
    assert steps["backend-service"].reason == "" and findings == []


def test_port_change_notes_the_listener_moving_to_the_new_target_group() -> None:
    _, _, notes = transition(*CASES["port"])
    assert notes == [
        "aws:lb/listener:Listener t-http: defaultActions moves to the replacement of t-frontend-tg (port); "
        "the new target group has no healthy targets until the service's tasks register in it"
    ]


def test_efs_removal_retains_the_file_system() -> None:
    diff, findings, _ = transition(*CASES["efs-remove"])
    assert ("retain", "my-service-data-fs") in diff.ops() and findings == []


def test_moving_a_stack_to_prod_changes_its_defaults_in_place() -> None:
    """`environment: dev` → `prod` on a stack that leaves capacity, retention and releases to it: every
    service's capacity strategy changes (accepted, since the services set forceNewDeployment), logs keep 30
    days, the ALB gets deletion protection and HTTPS (the rule moves to the HTTPS listener), and both routed
    services move to prod's canary with alarm rollback in place: an alternate target group, a test rule and
    the infrastructure role are created, the default route gets its catch-all rule, and the alarms tighten
    and gain the running-task alarm (Container Insights); the ALB gets prod's web ACL. Tag-only updates
    aside."""
    diff, findings, notes = transition(*CASES["environment"])
    steps = [(s.op, s.name, s.properties, s.forced_by) for s in diff.steps if s.properties != ("tags",)]
    assert steps == [
        ("update", "t-cluster", ("tags", "settings"), ()),
        ("update", "t-capacity", ("defaultCapacityProviderStrategies",), ()),
        ("create", "t", (), ()),
        ("create", "t-ecs-infra", (), ()),
        ("create", "t-ecs-infra-lb", (), ()),
        ("update", "backend-logs", ("tags", "retentionInDays"), ()),
        ("replace", "backend-task", ("tags", "containerDefinitions"), ("containerDefinitions[].image",)),
        ("update", "t-alb", ("tags", "enableDeletionProtection"), ()),
        ("update", "t-http", ("tags", "defaultActions"), ()),
        ("create", "t-https", (), ()),
        ("replace", "t-backend-rule", ("listenerArn", "tags"), ("listenerArn",)),
        ("create", "t-backend-tg2", (), ()),
        ("create", "t-backend-test", (), ()),
        (
            "update",
            "backend-service",
            (
                "tags",
                "loadBalancers",
                "deploymentConfiguration",
                "capacityProviderStrategies",
                "alarms",
                "taskDefinition",
            ),
            (),
        ),
        ("update", "frontend-logs", ("tags", "retentionInDays"), ()),
        ("replace", "frontend-task", ("tags", "containerDefinitions"), ("containerDefinitions[].image",)),
        ("create", "t-frontend-rule", (), ()),
        ("create", "t-frontend-tg2", (), ()),
        ("create", "t-frontend-test", (), ()),
        (
            "update",
            "frontend-service",
            (
                "tags",
                "loadBalancers",
                "deploymentConfiguration",
                "capacityProviderStrategies",
                "alarms",
                "taskDefinition",
            ),
            (),
        ),
        ("update", "t-dashboard", ("dashboardBody",), ()),
        ("create", "t-alb-in-443-v4", (), ()),
        ("create", "t-alb-in-443-v6", (), ()),
        ("create", "t-alerts-email-0", (), ()),
        (
            "update",
            "t-backend-alarms-5xx-rate",
            ("threshold", "tags", "metricQueries", "alarmDescription"),
            (),
        ),
        (
            "update",
            "t-backend-alarms-p95-latency",
            ("threshold", "tags", "metricQueries", "alarmDescription"),
            (),
        ),
        ("create", "t-backend-alarms-running-tasks", (), ()),
        ("update", "t-backend-alarms-unhealthy-hosts", ("tags", "metricQueries"), ()),
        (
            "update",
            "t-frontend-alarms-5xx-rate",
            ("threshold", "tags", "metricQueries", "alarmDescription"),
            (),
        ),
        (
            "update",
            "t-frontend-alarms-p95-latency",
            ("threshold", "tags", "metricQueries", "alarmDescription"),
            (),
        ),
        ("create", "t-frontend-alarms-running-tasks", (), ()),
        ("update", "t-frontend-alarms-unhealthy-hosts", ("tags", "metricQueries"), ()),
        ("create", "t", (), ()),
        ("create", "t-acl", (), ()),
        ("create", "t-association", (), ()),
        ("delete-replaced", "frontend-task", (), ()),
        ("delete-replaced", "t-backend-rule", (), ()),
        ("delete-replaced", "backend-task", (), ()),
    ]
    assert findings == [] and notes == []
    assert {s.name for s in diff.steps if s.properties == ("tags",)} >= {"backend-discovery", "t-ns"}


def test_every_transition_has_its_expectation() -> None:
    """Only `environment` has its own test (tag-only updates left aside); no case goes unchecked."""
    assert set(CASES) - set(EXPECTED) == {"environment"} and set(EXPECTED) <= set(CASES)
