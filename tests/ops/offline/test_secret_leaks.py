"""ops/offline/secret_leaks.py: secret stack config found in plaintext resource inputs (and nowhere else)."""

from __future__ import annotations

import json
from pathlib import Path

from ops.offline.project import StackConfig, secret_placeholder
from ops.offline.recording import Plan, RecordedResource
from ops.offline.secret_leaks import find_leaks

KEY = "demo:dbPassword"
SECRET = secret_placeholder(KEY, "v1:ciphertext")


def stack() -> StackConfig:
    return StackConfig(
        project="demo",
        stack="dev",
        project_dir=Path("/nowhere"),
        program=Path("/nowhere/__main__.py"),
        stack_file=Path("/nowhere/Pulumi.dev.yaml"),
        config={KEY: SECRET, "demo:plain": "x"},
        secret_keys=(KEY,),
    )


def resource(type_: str, name: str, inputs: dict, *, custom: bool = True) -> RecordedResource:
    return RecordedResource(
        type_, name, f"urn:pulumi:dev::demo::{type_}::{name}", "", inputs, (), custom, False, False, (), ""
    )


def messages(*resources: RecordedResource) -> list[str]:
    plan = Plan("demo", "dev", list(resources), {})
    return [d.message for d in find_leaks(plan, stack())]


def test_secret_stores_may_hold_the_secret() -> None:
    assert (
        messages(
            resource("aws:ssm/parameter:Parameter", "p", {"type": "SecureString", "value": SECRET}),
            resource("aws:secretsmanager/secretVersion:SecretVersion", "v", {"secretString": SECRET}),
            resource("demo:index:Component", "c", {"password": SECRET}, custom=False),
            resource("pulumi:providers:aws", "prov", {"secretKey": SECRET}),
        )
        == []
    )


def test_plain_parameter_and_tags_leak() -> None:
    found = messages(
        resource(
            "aws:ssm/parameter:Parameter", "p", {"type": "String", "value": f"postgres://u:{SECRET}@db"}
        ),
        resource("aws:s3/bucket:Bucket", "b", {"tags": {"token": SECRET}}),
    )
    assert [m.split(" must ")[0] for m in found] == [
        "Parameter 'p' input value",
        "Bucket 'b' input tags.token",
    ]
    assert all(f"the secret config {KEY}:" in m for m in found)


def test_json_encoded_container_environment_names_the_variable() -> None:
    definitions = [
        {
            "name": "app",
            "environment": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "DB_PASSWORD", "value": SECRET}],
            "secrets": [{"name": "API_KEY", "valueFrom": "arn:aws:ssm:eu-west-2:1:parameter/k"}],
        }
    ]
    found = messages(
        resource(
            "aws:ecs/taskDefinition:TaskDefinition", "task", {"containerDefinitions": json.dumps(definitions)}
        )
    )
    assert found == [
        "TaskDefinition 'task' input containerDefinitions[0].environment[1].value (environment variable "
        f"DB_PASSWORD) must not contain the secret config {KEY}: AWS keeps resource inputs in plain text; "
        "store it in an SSM SecureString parameter or Secrets Manager and reference it (for a container, "
        "through `secrets` with valueFrom)."
    ]


def test_no_secret_config_means_nothing_to_find() -> None:
    plain = StackConfig("demo", "dev", Path("/n"), Path("/n/m.py"), Path("/n/s.yaml"), {"demo:a": "b"}, ())
    plan = Plan("demo", "dev", [resource("aws:s3/bucket:Bucket", "b", {"tags": {"a": "b"}})], {})
    assert find_leaks(plan, plain) == []
