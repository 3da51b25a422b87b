"""Secret rules: ecs-no-plaintext-secrets, ecs-secrets-from-managed-stores, ssm-secret-parameters-secure.

Each test starts from a known-good resource (conftest ``good``) and changes one thing. Provider key formats
are assembled from pieces so that no complete token-shaped literal sits in the repository.
"""

from __future__ import annotations

import pytest
import security_secrets
from common import UNKNOWN_STRING as UNKNOWN
from conftest import ACCOUNT, REGION

TASK = "aws:ecs/taskDefinition:TaskDefinition"
AWSX_SERVICE = "awsx:ecs:FargateService"
AWSX_TASK = "awsx:ecs:FargateTaskDefinition"
SSM = "aws:ssm/parameter:Parameter"

PLAINTEXT, MANAGED, SSM_SECURE = security_secrets.POLICIES

MOVE = "move it to the container's `secrets` with valueFrom an SSM parameter or Secrets Manager secret ARN."
KEY_ID = "AKIA" + "IOSFODNN7" + "EXAMPLE"  # AWS's documentation example key id
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"  # AWS's documentation example secret key
SM_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:web/db-AbCdEf"


def env_message(variable: str, reason: str, kind: str = "ECS task definition") -> str:
    return (
        f"{kind} 'web' container 'web' environment variable '{variable}' must not hold a secret in plaintext "
        f"({reason}); {MOVE}"
    )


def task_with_env(good, *pairs: tuple[str, str]):
    env = [{"name": n, "value": v} for n, v in pairs]
    return good.task_definition(containers=[good.container(environment=env)])


# --- ecs-no-plaintext-secrets ----------------------------------------------------------------------------


def test_plaintext_known_good_passes(run, good):
    assert run.resource(PLAINTEXT, TASK, good.task_definition()) == []


def test_plaintext_secret_name_fails(run, good):
    props = task_with_env(good, ("DB_PASSWORD", "hunter2"))
    assert run.resource(PLAINTEXT, TASK, props) == [
        env_message("DB_PASSWORD", "its name marks it as a secret")
    ]


@pytest.mark.parametrize(
    "name", ["API_KEY", "apiKey", "STRIPE_SECRET", "GITHUB_TOKEN", "SENTRY_DSN", "PRIVATE_KEY",
             "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "DB_PASS", "CLIENT_SECRET", "DBPASSWORD",
             "SECRET_KEY_BASE", "APP_CREDENTIALS", "ECS_ENGINE_AUTH_DATA", "CONNECTION_STRING"],
)  # fmt: skip
def test_plaintext_secret_like_names(run, good, name):
    assert run.resource(PLAINTEXT, TASK, task_with_env(good, (name, "not-empty"))) == [
        env_message(name, "its name marks it as a secret")
    ]


@pytest.mark.parametrize(
    "name", ["TOKEN_TTL", "PASSWORD_MIN_LENGTH", "SECRET_ARN", "API_KEY_HEADER", "PASSWORD_FILE",
             "ACCESS_TOKEN_EXPIRES_IN", "TOKEN_URL", "TOKENIZER_MODEL", "SECRETARY_EMAIL", "KMS_KEY_ID",
             "PASSWORD_RESET_URL", "CLIENT_ID"],
)  # fmt: skip
def test_plaintext_names_that_describe_a_secret_pass(run, good, name):
    assert run.resource(PLAINTEXT, TASK, task_with_env(good, (name, "3600"))) == []


@pytest.mark.parametrize("value", ["", "false", SM_ARN, f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/db"])
def test_plaintext_harmless_value_under_secret_name_passes(run, good, value):
    assert run.resource(PLAINTEXT, TASK, task_with_env(good, ("DB_PASSWORD", value))) == []


def test_plaintext_secret_value_under_harmless_name_fails(run, good):
    props = task_with_env(good, ("APP_SETTING", KEY_ID))
    assert run.resource(PLAINTEXT, TASK, props) == [
        env_message("APP_SETTING", "its value looks like an AWS access key id")
    ]


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("ASIA" + "Y34FZKBOKMUTVV7A", "an AWS access key id"),
        ("sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc", "a Stripe secret key"),
        ("sk_" + "test_" + "4eC39HqLyjWDarjtT1zdp7dc", "a Stripe secret key"),
        ("xox" + "b-" + "1234567890-abcdefghijkl", "a Slack token"),
        ("gh" + "p_" + "a" * 36, "a GitHub token"),
        ("github_" + "pat_" + "B" * 30, "a GitHub token"),
        ("gl" + "pat-" + "x" * 20, "a GitLab token"),
        ("AI" + "za" + "S" * 35, "a Google API key"),
        ("sk-" + "proj-" + "c" * 40, "an OpenAI API key"),
        ("sk-" + "ant-" + "d" * 40, "an Anthropic API key"),
        (
            "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----",
            "a PEM private key",
        ),
        ("-----BEGIN " + "PRIVATE KEY-----\nMIIEvQ...", "a PEM private key"),
        ("eyJ" + "hbGciOiJIUzI1NiJ9.eyJ" + "zdWIiOiIxMjM0NTY3ODkwIn0.sig_part", "a JWT"),
        ("postgres://app:" + "s3cr3t@db.internal:5432/app", "a URL with a password"),
        ("redis://:" + "s3cr3t@cache.internal:6379/0", "a URL with a password"),
        ("https://api.example.com/v1?api_key=" + "abc123", "a URL with a secret query parameter"),
    ],
)
def test_plaintext_value_formats(run, good, value, label):
    messages = run.resource(PLAINTEXT, TASK, task_with_env(good, ("SETTING", value)))
    assert messages == [env_message("SETTING", f"its value looks like {label}")]
    assert value not in messages[0]


@pytest.mark.parametrize(
    "value",
    [
        "postgres://db.internal:5432/app",
        "postgres://app@db.internal:5432/app",
        "postgres://app:${DB_PASSWORD}@db.internal:5432/app",
        "https://example.com/callback?next=/home",
        "sk-short",
    ],
)
def test_plaintext_urls_without_credentials_pass(run, good, value):
    assert run.resource(PLAINTEXT, TASK, task_with_env(good, ("DATABASE_URL", value))) == []


def test_plaintext_secret_key_next_to_key_id(run, good):
    props = task_with_env(good, ("KEY", KEY_ID), ("OTHER", SECRET_KEY))
    assert run.resource(PLAINTEXT, TASK, props) == [
        env_message("KEY", "its value looks like an AWS access key id"),
        env_message("OTHER", "its value looks like an AWS secret access key next to an access key id"),
    ]


def test_plaintext_forty_characters_alone_pass(run, good):
    # Without an access key id nearby a 40-character value is just a value (a git SHA, a hash, ...).
    assert run.resource(PLAINTEXT, TASK, task_with_env(good, ("BUILD_HASH", SECRET_KEY))) == []


def test_plaintext_pulumi_secret_derived_value(run, good):
    # A random password (a Pulumi secret in the program) interpolated into a connection URL: the analyzer
    # hands rules the unwrapped text, the URL format gives it away.
    generated = "Xk9mQ2vL7pR4wT8z"
    props = task_with_env(good, ("DATABASE_URL", f"mysql://app:{generated}@db.internal:3306/app"))
    messages = run.resource(PLAINTEXT, TASK, props)
    assert messages == [env_message("DATABASE_URL", "its value looks like a URL with a password")]
    assert generated not in messages[0]


def test_plaintext_pulumi_secret_envelope_in_structured_container(run, good):
    # awsx components carry containers as structured inputs: a secret still wrapped there is reported.
    envelope = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "x1y2z3"}
    container = {k: v for k, v in good.container().items() if k != "name"}
    container["environment"] = [{"name": "APP_SEED", "value": envelope}]
    props = good.awsx_fargate_service(
        taskDefinitionArgs={"cpu": "512", "memory": "1024", "containers": {"web": container}}
    )
    assert run.resource(PLAINTEXT, AWSX_SERVICE, props) == [
        env_message("APP_SEED", "its value is a Pulumi secret", kind="Fargate service")
    ]


def test_plaintext_unknown_value_in_structured_container_is_skipped(run, good):
    # An awsx container whose variable holds an output (unknown during preview): it may be a password or a
    # secret's ARN, so it is left to `pulumi up`; the other variables are still checked.
    container = {k: v for k, v in good.container().items() if k != "name"}
    container["environment"] = [{"name": "DB_SECRET", "value": UNKNOWN}, {"name": "API_TOKEN", "value": "x"}]
    props = good.awsx_fargate_service(
        taskDefinitionArgs={"cpu": "512", "memory": "1024", "containers": {"web": container}}
    )
    assert run.resource(PLAINTEXT, AWSX_SERVICE, props) == [
        env_message("API_TOKEN", "its name marks it as a secret", kind="Fargate service")
    ]


def test_plaintext_command_argument(run, good):
    token = "gh" + "o_" + "e" * 36
    props = good.task_definition(containers=[good.container(command=["serve", "--token", token])])
    messages = run.resource(PLAINTEXT, TASK, props)
    assert messages == [
        "ECS task definition 'web' container 'web' command argument 2 must not hold a secret in plaintext "
        "(it looks like a GitHub token); pass the secret through the container's `secrets` (an environment "
        "variable filled from SSM Parameter Store or Secrets Manager) and read it at run time."
    ]
    assert token not in messages[0]


def test_plaintext_missing_environment_passes(run, good):
    container = good.container()
    del container["environment"]
    assert run.resource(PLAINTEXT, TASK, good.task_definition(containers=[container])) == []


def test_plaintext_missing_container_definitions_passes(run, good):
    props = good.task_definition()
    del props["containerDefinitions"]
    assert run.resource(PLAINTEXT, TASK, props) == []


def test_plaintext_config_allowed_names(run, good):
    props = task_with_env(good, ("CSRF_TOKEN", "x"))
    assert run.resource(PLAINTEXT, TASK, props) == [
        env_message("CSRF_TOKEN", "its name marks it as a secret")
    ]
    assert run.resource(PLAINTEXT, TASK, props, config={"allowedNames": ["CSRF_TOKEN"]}) == []


def test_plaintext_config_allowed_names_still_checks_values(run, good):
    props = task_with_env(good, ("CSRF_TOKEN", KEY_ID))
    assert run.resource(PLAINTEXT, TASK, props, config={"allowedNames": ["CSRF_TOKEN"]}) == [
        env_message("CSRF_TOKEN", "its value looks like an AWS access key id")
    ]


def test_plaintext_awsx_task_definition_alias(run, good):
    container = {k: v for k, v in good.container().items() if k != "name"}
    container["environment"] = [{"name": "DB_PASSWORD", "value": "hunter2"}]
    props = {"cpu": "256", "memory": "512", "containers": {"web": container}}
    assert run.resource(PLAINTEXT, AWSX_TASK, props) == [
        env_message("DB_PASSWORD", "its name marks it as a secret", kind="Fargate task definition")
    ]


# --- ecs-secrets-from-managed-stores --------------------------------------------------------------------

STORE_FIX = (
    "set valueFrom to the ARN of an SSM parameter (arn:aws:ssm:<region>:<account>:parameter/<name>) or of a "
    "Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>)"
)


def store_message(label: str, name: str, with_names: bool = False, kind: str = "ECS task definition") -> str:
    fix = STORE_FIX + (" or to an SSM parameter name in the task's region" if with_names else "")
    return (
        f"{kind} 'web' container 'web' {label} '{name}' must come from SSM Parameter Store or Secrets "
        f"Manager; {fix}."
    )


def task_with_secret(good, value_from: str | None):
    entry = {"name": "DATABASE_PASSWORD"} | ({"valueFrom": value_from} if value_from is not None else {})
    return good.task_definition(containers=[good.container(secrets=[entry])])


def test_managed_known_good_passes(run, good):
    assert run.resource(MANAGED, TASK, good.task_definition()) == []


@pytest.mark.parametrize(
    "value_from",
    [
        SM_ARN,
        SM_ARN + ":password::",
        SM_ARN + ":password:AWSCURRENT:",
        f"arn:aws-cn:ssm:cn-north-1:{ACCOUNT}:parameter/web/db",
        f"arn:aws-us-gov:secretsmanager:us-gov-west-1:{ACCOUNT}:secret:db-AbCdEf",
    ],
)
def test_managed_arns_pass(run, good, value_from):
    assert run.resource(MANAGED, TASK, task_with_secret(good, value_from)) == []


@pytest.mark.parametrize(
    "value_from",
    [
        "hunter2-plaintext!",
        f"arn:aws:s3:::bucket/{ACCOUNT}/db.txt",
        f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1",
        "",
    ],
)
def test_managed_other_values_fail(run, good, value_from):
    messages = run.resource(MANAGED, TASK, task_with_secret(good, value_from))
    assert messages == [store_message("secret", "DATABASE_PASSWORD")]


def test_managed_missing_value_from_fails(run, good):
    assert run.resource(MANAGED, TASK, task_with_secret(good, None)) == [
        store_message("secret", "DATABASE_PASSWORD")
    ]


def test_managed_parameter_name_needs_config(run, good):
    props = task_with_secret(good, "/web/dev/database-password")
    assert run.resource(MANAGED, TASK, props) == [store_message("secret", "DATABASE_PASSWORD")]
    assert run.resource(MANAGED, TASK, props, config={"allowParameterNames": True}) == []


def test_managed_parameter_names_never_accept_secret_values(run, good):
    props = task_with_secret(good, KEY_ID)
    assert run.resource(MANAGED, TASK, props, config={"allowParameterNames": True}) == [
        store_message("secret", "DATABASE_PASSWORD", with_names=True)
    ]


def test_managed_log_secret_options(run, good):
    container = good.container()
    container["logConfiguration"] = {
        "logDriver": "splunk",
        "options": {"splunk-url": "https://splunk.example.com"},
        "secretOptions": [{"name": "splunk-token", "valueFrom": "plain-token-value"}],
    }
    props = good.task_definition(containers=[container])
    assert run.resource(MANAGED, TASK, props) == [store_message("log secret option", "splunk-token")]


def test_managed_repository_credentials(run, good):
    ssm = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/registry"
    bad = good.task_definition(
        containers=[good.container(repositoryCredentials={"credentialsParameter": ssm})]
    )
    assert run.resource(MANAGED, TASK, bad) == [
        "ECS task definition 'web' container 'web' repositoryCredentials.credentialsParameter must be a "
        "Secrets Manager secret ARN; store the registry credentials in Secrets Manager and set "
        "credentialsParameter to the secret's ARN."
    ]
    ok = good.task_definition(
        containers=[good.container(repositoryCredentials={"credentialsParameter": SM_ARN})]
    )
    assert run.resource(MANAGED, TASK, ok) == []


def test_managed_missing_secrets_passes(run, good):
    container = good.container()
    del container["secrets"]
    assert run.resource(MANAGED, TASK, good.task_definition(containers=[container])) == []


def test_managed_awsx_service_alias(run, good):
    container = {k: v for k, v in good.container().items() if k != "name"}
    container["secrets"] = [{"name": "DATABASE_PASSWORD", "valueFrom": "plain"}]
    props = good.awsx_fargate_service(
        taskDefinitionArgs={"cpu": "512", "memory": "1024", "containers": {"web": container}}
    )
    assert run.resource(MANAGED, AWSX_SERVICE, props) == [
        store_message("secret", "DATABASE_PASSWORD", kind="Fargate service")
    ]


# --- ssm-secret-parameters-secure ------------------------------------------------------------------------

SSM_FIX = "set type to SecureString (encrypted with KMS)."


def test_ssm_known_good_passes(run, good):
    assert run.resource(SSM_SECURE, SSM, good.ssm_parameter()) == []


def test_ssm_secret_name_as_string_fails(run, good):
    props = good.ssm_parameter(type="String")
    assert run.resource(SSM_SECURE, SSM, props) == [
        "SSM parameter 'web' must be a SecureString (its name '/web/dev/database-password' marks it as a "
        f"secret); {SSM_FIX}"
    ]


def test_ssm_missing_name_uses_logical_name(run, good):
    props = good.ssm_parameter(type="String")
    del props["name"]
    assert run.resource(SSM_SECURE, SSM, props, name="api-token") == [
        "SSM parameter 'api-token' must be a SecureString (its name 'api-token' marks it as a secret); "
        + SSM_FIX
    ]


def test_ssm_secret_value_under_harmless_name_fails(run, good):
    props = good.ssm_parameter(name="/web/dev/settings", type="StringList", value=f"region,{KEY_ID}")
    messages = run.resource(SSM_SECURE, SSM, props)
    assert messages == [
        f"SSM parameter 'web' must be a SecureString (its value looks like an AWS access key id); {SSM_FIX}"
    ]
    assert KEY_ID not in messages[0]


def test_ssm_insecure_value_checked(run, good):
    props = good.ssm_parameter(name="/web/dev/db-url", type="String", insecureValue="postgres://a:b@db/x")
    del props["value"]
    assert run.resource(SSM_SECURE, SSM, props) == [
        f"SSM parameter 'web' must be a SecureString (its value looks like a URL with a password); {SSM_FIX}"
    ]


def test_ssm_harmless_string_passes(run, good):
    props = good.ssm_parameter(name="/web/dev/log-level", type="String", value="info")
    assert run.resource(SSM_SECURE, SSM, props) == []


def test_ssm_unknown_value_tolerated(run, good):
    props = good.ssm_parameter(name="/web/dev/endpoint", type="String", value=UNKNOWN)
    assert run.resource(SSM_SECURE, SSM, props) == []


def test_ssm_config_allowed_names(run, good):
    props = good.ssm_parameter(name="/web/dev/csrf-token", type="String")
    assert run.resource(SSM_SECURE, SSM, props) == [
        "SSM parameter 'web' must be a SecureString (its name '/web/dev/csrf-token' marks it as a "
        f"secret); {SSM_FIX}"
    ]
    config = {"allowedNames": ["/web/dev/csrf-token"]}
    assert run.resource(SSM_SECURE, SSM, props, config=config) == []
