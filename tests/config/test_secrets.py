"""config/secrets.py: secret sources, composed secrets, and no secret in plain environment.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import FIX, good, ok, problems, svc, with_

CASES: list[tuple[str, Any, list[str]]] = [
    (
        "secret two kinds",
        lambda r: svc(r)["secrets"].update(X={"generate": "a", "ssmParameter": "/a"}),
        [
            "services.backend.secrets.X: needs exactly one of generate, stackSecret, ssmParameter, "
            "secretsManager, "
            "template (given: generate, ssmParameter); keep one"
        ],
    ),
    (
        "secret no kind",
        lambda r: svc(r)["secrets"].update(X={}),
        [
            "services.backend.secrets.X: needs exactly one of generate, stackSecret, ssmParameter, "
            "secretsManager, "
            "template (given: none); keep one"
        ],
    ),
    (
        "length without generate",
        lambda r: svc(r)["secrets"].update(X={"ssmParameter": "/a", "length": 20}),
        ["services.backend.secrets.X.length: applies only to generate; remove length"],
    ),
    (
        "short generated password",
        lambda r: svc(r)["secrets"].update(X={"generate": "other", "length": 8}),
        ["services.backend.secrets.X.length: 8 is too small; use a value ≥ 16"],
    ),
    (
        "jsonKey without secretsManager",
        lambda r: svc(r)["secrets"].update(X={"ssmParameter": "/a", "jsonKey": "k"}),
        ["services.backend.secrets.X.jsonKey: applies only to secretsManager; remove jsonKey"],
    ),
    (
        "generate name",
        lambda r: svc(r)["secrets"].update(X={"generate": "db-password"}),
        [
            "services.backend.secrets.X.generate: 'db-password' is not a name; use letters and digits, "
            "e.g. dbPassword"
        ],
    ),
    (
        "stack secret key",
        lambda r: svc(r)["secrets"].update(X={"stackSecret": "my key"}),
        ["services.backend.secrets.X.stackSecret: 'my key' is not a config key; use e.g. djangoSecretKey"],
    ),
    (
        "ssm parameter",
        lambda r: svc(r)["secrets"].update(X={"ssmParameter": "arn:aws:ssm:eu-west-2:1:parameter/a"}),
        [
            "services.backend.secrets.X.ssmParameter: 'arn:aws:ssm:eu-west-2:1:parameter/a' is not an SSM "
            "parameter "
            "name or ARN; use e.g. /app/prod/api-key"
        ],
    ),
    (
        "secrets manager arn",
        lambda r: svc(r)["secrets"].update(X={"secretsManager": "prod/db"}),
        [
            "services.backend.secrets.X.secretsManager: 'prod/db' is not a complete Secrets Manager ARN; "
            "use arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters> as the console "
            "shows it"
        ],
    ),
    (
        # IAM would not match a partial ARN: the execution role could not read the secret at task start.
        "partial secrets manager arn",
        lambda r: svc(r)["secrets"].update(
            X={"secretsManager": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/db"}
        ),
        [
            "services.backend.secrets.X.secretsManager: "
            "'arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/db' is not a complete Secrets "
            "Manager ARN; use arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters> as "
            "the console shows it"
        ],
    ),
    (
        "template without reference",
        lambda r: svc(r)["secrets"].update(X={"template": "plain"}),
        [
            "services.backend.secrets.X.template: references no secret, so it is plain text; use ${name} "
            "references, "
            "or move the value to environment"
        ],
    ),
    (
        "template bad reference",
        lambda r: svc(r)["secrets"].update(X={"template": "a${db password}"}),
        [
            "services.backend.secrets.X.template: ${db password} is not a reference; use ${name} for a "
            "generated "
            "secret or ${stackSecret:key}, optionally with |urlencode"
        ],
    ),
    (
        "template unknown filter",
        lambda r: svc(r)["secrets"].update(X={"template": "${dbPassword|base64}"}),
        [
            "services.backend.secrets.X.template: ${dbPassword|base64} uses unknown filter 'base64'; use "
            "|urlencode "
            "or no filter"
        ],
    ),
    (
        "template unclosed",
        lambda r: svc(r)["secrets"].update(X={"template": "${dbPassword} ${x"}),
        ["services.backend.secrets.X.template: has an unclosed '${'; close each reference with '}'"],
    ),
    (
        "template unresolved reference",
        lambda r: svc(r)["secrets"]["DATABASE_URL"].update(
            template="postgresql://app:${dbPasword|urlencode}@localhost/app"
        ),
        [
            "services.backend.secrets.DATABASE_URL.template: ${dbPasword|urlencode} does not name a "
            "generated secret "
            "of this service (generated: dbPassword); add {generate: dbPasword} to a secret or fix the name"
        ],
    ),
    (
        "generated lengths differ",
        lambda r: svc(r)["secrets"].update(X={"generate": "dbPassword", "length": 40}),
        [
            "services.backend.secrets.X.length: generated secret 'dbPassword' has different lengths (32, "
            "40); use one "
            "length for every use"
        ],
    ),
    (
        "secret also in environment",
        lambda r: svc(r).update(environment={"DATABASE_URL": "x"}),
        ["services.backend.secrets.DATABASE_URL: is also set in environment; keep it only in secrets"],
    ),
    (
        "secret env name",
        lambda r: svc(r)["secrets"].update({"1X": {"generate": "a"}}),
        [
            "services.backend.secrets.1X: '1X' is not a valid environment variable name; use letters, "
            "digits and '_', "
            "not starting with a digit"
        ],
    ),
    (
        "stack secret named like a platform key",
        lambda r: svc(r)["secrets"].update(X={"stackSecret": "services"}),
        ["services.backend.secrets: stack secret key 'services' is a platform config key; pick another name"],
    ),
    (
        "env name password",
        lambda r: svc(r).update(environment={"DB_PASSWORD": "hunter2"}),
        [
            "services.backend.environment.DB_PASSWORD: name contains 'password', so it looks like a "
            f"secret; {FIX}"
        ],
    ),
    (
        "env name api key",
        lambda r: svc(r).update(environment={"STRIPE_API_KEY": "x"}),
        [
            "services.backend.environment.STRIPE_API_KEY: name contains 'apikey', so it looks like a "
            f"secret; {FIX}"
        ],
    ),
    (
        "env name dsn (sidecar)",
        lambda r: svc(r)["sidecars"]["postgres"].update(environment={"SENTRY_DSN": "x"}),
        [
            "services.backend.sidecars.postgres.environment.SENTRY_DSN: name contains 'dsn', so it looks "
            "like a "
            f"secret; {FIX}"
        ],
    ),
    (
        "env value aws key",
        lambda r: svc(r).update(environment={"KEY_ID": "AKIAIOSFODNN7EXAMPLE"}),
        [f"services.backend.environment.KEY_ID: value looks like an AWS access key id; {FIX}"],
    ),
    (
        "env value url with password",
        lambda r: svc(r).update(environment={"DATABASE": "postgresql://u:Leeds%402026@db/x"}),
        [f"services.backend.environment.DATABASE: value looks like a URL with a password; {FIX}"],
    ),
    (
        "env value private key",
        lambda r: svc(r).update(environment={"TLS": "-----BEGIN RSA PRIVATE KEY-----\nabc"}),
        [f"services.backend.environment.TLS: value looks like a private key; {FIX}"],
    ),
    (
        "env value aws secret key",
        lambda r: svc(r).update(environment={"AWS": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}),
        [f"services.backend.environment.AWS: value looks like an AWS secret access key; {FIX}"],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected


@pytest.mark.parametrize(
    "value",
    [
        "3f786850e387550fdab836ed7e6dc881de23001b",  # a git commit SHA
        "https://api.example.com/v3",
        "redis://redis.example.com:6379/0",
        "postgresql://app@localhost:5432/app",  # a user, no password
        "A" * 40,
    ],
)
def test_ordinary_values_are_not_mistaken_for_secrets(value: str) -> None:
    raw = good()
    svc(raw, "frontend")["environment"] = {"VALUE": value}
    assert ok(raw).services["frontend"].environment["VALUE"] == value
