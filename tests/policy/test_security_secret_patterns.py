"""The secret detectors of security_secret_patterns.py, and properties of ecs-no-plaintext-secrets over
generated values (the message never carries the value)."""

from __future__ import annotations

import string

import pytest
import security_secret_patterns
import security_secrets
from conftest import Good, Run
from hypothesis import given, settings
from hypothesis import strategies as st
from security_secret_patterns import is_harmless_secret_value, is_secret_name, name_words, value_finding

PLAINTEXT = security_secrets.POLICIES[0]
TASK = "aws:ecs/taskDefinition:TaskDefinition"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("DB_PASSWORD", ["db", "password"]),
        ("apiKey", ["api", "key"]),
        ("HTTPServerToken", ["http", "server", "token"]),
        ("/app/prod/db-password", ["app", "prod", "db", "password"]),
        ("smtp.pass", ["smtp", "pass"]),
    ],
)
def test_name_words(name, words):
    assert name_words(name) == words


def test_qualifier_must_follow_the_secret_word():
    assert is_secret_name("TTL_TOKEN")  # the qualifier comes first: still a token
    assert not is_secret_name("TOKEN_TTL")
    assert is_secret_name("SESSION_SECRET_V2")
    assert not is_secret_name("SESSION_SECRET_VERSION")


@pytest.mark.parametrize("value", ["", "  ", "TRUE", "off", "arn:aws:secretsmanager:eu-west-2:1:secret:x"])
def test_harmless_values(value):
    assert is_harmless_secret_value(value)


@pytest.mark.parametrize("value", ["0", "1234", "changeme", "arn:aws:s3:::bucket"])
def test_values_that_are_not_harmless(value):
    assert not is_harmless_secret_value(value)


PASSWORD = st.text(alphabet=string.ascii_letters + string.digits + "!%^*()-_=+.~", min_size=6, max_size=40)
USER = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    scheme=st.sampled_from(["postgres", "mysql", "redis", "amqps", "mongodb+srv", "https"]),
    user=USER,
    password=PASSWORD,
)
def test_any_url_with_a_password_is_found(scheme, user, password):
    assert value_finding(f"{scheme}://{user}:{password}@db.internal:5432/app") == "a URL with a password"


@settings(max_examples=60, deadline=None)
@given(host=st.from_regex(r"[a-z]{1,10}(\.[a-z]{1,8}){0,2}", fullmatch=True), port=st.integers(1, 65535))
def test_urls_without_credentials_are_not_found(host, port):
    assert value_finding(f"postgres://{host}:{port}/app?sslmode=require") is None


LABELS = [label for label, _ in security_secret_patterns._VALUE_PATTERNS] + [
    "a URL with a password",
    "a URL with a secret query parameter",
]
REASONS = {"its name marks it as a secret"} | {f"its value looks like {label}" for label in LABELS}


@settings(max_examples=40, deadline=None)
@given(password=PASSWORD, name=st.sampled_from(["DB_PASSWORD", "API_TOKEN", "CLIENT_SECRET", "DATABASE_URL"]))
def test_messages_never_carry_the_value(password, name):
    # A message is a fixed frame around one of a closed set of reasons: no part of it comes from the value.
    value = f"postgres://app:{password}@db/app" if name == "DATABASE_URL" else password
    good = Good()  # the builders are stateless: no fixture needed across generated inputs
    props = good.task_definition(containers=[good.container(environment=[{"name": name, "value": value}])])
    messages = Run.resource(PLAINTEXT, TASK, props)
    head = (
        f"ECS task definition 'web' container 'web' environment variable '{name}' must not hold a secret in "
    )
    tail = (
        "; move it to the container's `secrets` with valueFrom an SSM parameter or Secrets Manager secret "
        "ARN."
    )
    assert len(messages) == 1
    assert messages[0].startswith(head + "plaintext (") and messages[0].endswith(")" + tail)
    assert messages[0][len(head + "plaintext (") : -len(")" + tail)] in REASONS
