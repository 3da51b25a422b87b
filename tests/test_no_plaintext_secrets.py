"""No secret value (generated password, stack secret, composed value) appears in any plaintext resource input.

The only place a secret value may appear is an SSM SecureString parameter's `value`, and there it must be a
Pulumi secret. Containers get `valueFrom` ARNs only.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest
from program_support import (
    TASK_DEFINITION,
    container_definitions,
    minimal_platform,
    of_type,
    plaintext_leaks,
    recorded_secret_values,
    run_platform,
    walk_strings,
)

from ops.offline.recording import Plan, RecordedResource

PARAMETER = "aws:ssm/parameter:Parameter"
STACK_SECRET = "Sup3r@Secret/Value:42!"
SECRET_ARN = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:app/db-Ab12Cd"

SERVICES: dict[str, Any] = {
    "api": {
        "image": "nginx:1.27.2",
        "port": 8000,
        "cpu": 512,
        "memory": 1024,
        "route": {"default": True},
        "discovery": True,
        "healthCheck": {"path": "/health"},
        "secrets": {
            "DJANGO_SECRET_KEY": {"stackSecret": "djangoKey"},
            "DATABASE_URL": {
                "template": "postgresql://app:${dbPassword|urlencode}@db:5432/app?key=${stackSecret:djangoKey|urlencode}"
            },
            "RAW_KEY_COPY": {"template": "k=${stackSecret:djangoKey}"},
            "SENTRY_DSN": {"ssmParameter": "/app/sentry-dsn"},
            "DB_USER": {"secretsManager": SECRET_ARN, "jsonKey": "username"},
        },
        "sidecars": {
            "db": {
                "image": "postgres:15-alpine",
                "port": 5432,
                "cpu": 256,
                "memory": 512,
                "secrets": {"POSTGRES_PASSWORD": {"generate": "dbPassword"}},
                "hardening": {"user": "70:70"},
            }
        },
    },
    "worker": {
        "image": "python:3.12-slim",
        "command": ["python", "-m", "worker"],
        "secrets": {"API_TOKEN": {"generate": "apiToken", "length": 48}},
    },
}


@pytest.fixture(scope="module")
def plan() -> Plan:
    top = minimal_platform(cluster={"namespace": "test.local"}, services=SERVICES)
    return run_platform(top, stack="secrets", stack_secrets={"djangoKey": STACK_SECRET})


def secret_values(plan: Plan) -> set[str]:
    return recorded_secret_values(plan, extra=(STACK_SECRET,))


def test_every_kind_of_stored_secret_is_a_secure_string_secret(plan: Plan) -> None:
    params = {p.inputs["name"]: p for p in of_type(plan, PARAMETER)}
    assert sorted(params) == [
        "/fargate-platform/secrets/api/DATABASE_URL",
        "/fargate-platform/secrets/api/RAW_KEY_COPY",
        "/fargate-platform/secrets/api/dbPassword",
        "/fargate-platform/secrets/api/djangoKey",
        "/fargate-platform/secrets/worker/apiToken",
    ]
    for param in params.values():
        assert param.inputs["type"] == "SecureString", param.urn
        assert param.secret_paths == ("value",), (
            f"{param.urn}: value must be secret, got {param.secret_paths}"
        )
    assert params["/fargate-platform/secrets/api/djangoKey"].inputs["value"] == STACK_SECRET
    password = params["/fargate-platform/secrets/api/dbPassword"].inputs["value"]
    assert params["/fargate-platform/secrets/api/DATABASE_URL"].inputs["value"] == (
        f"postgresql://app:{urllib.parse.quote(password, safe='')}@db:5432/app"
        f"?key={urllib.parse.quote(STACK_SECRET, safe='')}"
    )
    assert len(params["/fargate-platform/secrets/worker/apiToken"].inputs["value"]) == 48


def test_no_secret_value_in_any_plaintext_input(plan: Plan) -> None:
    assert len({v for v in secret_values(plan) if len(v) >= 8}) >= 5
    assert plaintext_leaks(plan, secret_values(plan)) == []


def test_containers_receive_secrets_only_as_value_from_arns(plan: Plan) -> None:
    for task in of_type(plan, TASK_DEFINITION):
        for definition in container_definitions(task):
            for secret in definition["secrets"]:
                assert secret["valueFrom"].startswith(("arn:aws:ssm:", "arn:aws:secretsmanager:")), task.urn
            names = {e["name"] for e in definition["environment"]}
            assert not names & {s["name"] for s in definition["secrets"]}, task.urn
    api = {
        d["name"]: d
        for d in container_definitions(
            next(t for t in of_type(plan, TASK_DEFINITION) if t.name == "api-task")
        )
    }
    assert {s["name"] for s in api["api"]["secrets"]} == {
        "DJANGO_SECRET_KEY",
        "DATABASE_URL",
        "RAW_KEY_COPY",
        "SENTRY_DSN",
        "DB_USER",
    }


def test_the_leak_check_would_catch_a_leak(plan: Plan) -> None:
    """A value copied into a plain input is found (the check above can fail)."""
    leaked = RecordedResource(
        type=TASK_DEFINITION,
        name="leak",
        urn="urn:leak",
        parent="",
        inputs={"containerDefinitions": f'[{{"environment": [{{"name": "K", "value": "{STACK_SECRET}"}}]}}]'},
        secret_paths=(),
        custom=True,
        protect=False,
        retain_on_delete=False,
        depends_on=(),
        provider="",
    )
    values = secret_values(plan)
    assert [p for p, t in walk_strings(leaked.inputs) if any(v in t for v in values)] == [
        "containerDefinitions"
    ]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_plans_have_no_plaintext_secrets(stack: str, request: pytest.FixtureRequest) -> None:
    stack_plan: Plan = request.getfixturevalue(f"{stack}_plan")
    assert plaintext_leaks(stack_plan, recorded_secret_values(stack_plan)) == []
