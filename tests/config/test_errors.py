"""config/errors.py: unknown keys, type errors and the form of every problem line.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import good, ok, problems, svc, with_

from config import load_config

# --- unknown keys at every level ----------------------------------------------------------------------------

UNKNOWN_KEY_CASES: list[tuple[str, Any, str]] = [
    ("servics", lambda r: r, "servics: unknown key; did you mean services?"),
    (
        "network.natGateway",
        lambda r: r["network"],
        "network.natGateway: unknown key; did you mean natGateways?",
    ),
    (
        "cluster.insights",
        lambda r: r["cluster"],
        "cluster.insights: unknown key; did you mean containerInsights?",
    ),
    (
        "loadBalancer.certificate",
        lambda r: r.setdefault("loadBalancer", {}),
        "loadBalancer.certificate: unknown key; did you mean certificateArn?",
    ),
    (
        "logs.retention",
        lambda r: r.setdefault("logs", {}),
        "logs.retention: unknown key; did you mean retentionDays?",
    ),
    ("services.backend.prot", lambda r: svc(r), "services.backend.prot: unknown key; did you mean port?"),
    (
        "services.backend.image.repo",
        lambda r: svc(r)["image"],
        "services.backend.image.repo: unknown key; did you mean repository?",
    ),
    (
        "services.backend.healthCheck.paht",
        lambda r: svc(r)["healthCheck"],
        "services.backend.healthCheck.paht: unknown key; did you mean path?",
    ),
    (
        "services.backend.route.pathPattern",
        lambda r: svc(r)["route"],
        "services.backend.route.pathPattern: unknown key; did you mean pathPatterns?",
    ),
    (
        "services.backend.secrets.DATABASE_URL.templat",
        lambda r: svc(r)["secrets"]["DATABASE_URL"],
        "services.backend.secrets.DATABASE_URL.templat: unknown key; did you mean template?",
    ),
    (
        "services.backend.sidecars.postgres.essentail",
        lambda r: svc(r)["sidecars"]["postgres"],
        "services.backend.sidecars.postgres.essentail: unknown key; did you mean essential?",
    ),
    (
        "services.backend.sidecars.postgres.healthCheck.retry",
        lambda r: svc(r)["sidecars"]["postgres"]["healthCheck"],
        "services.backend.sidecars.postgres.healthCheck.retry: unknown key; did you mean retries?",
    ),
    (
        "services.backend.sidecars.postgres.hardening.usr",
        lambda r: svc(r)["sidecars"]["postgres"]["hardening"],
        "services.backend.sidecars.postgres.hardening.usr: unknown key; did you mean user?",
    ),
    (
        "services.backend.autoscaling.cpu",
        lambda r: svc(r).setdefault("autoscaling", {"cpuTarget": 60}),
        "services.backend.autoscaling.cpu: unknown key; did you mean cpuTarget?",
    ),
    (
        "services.backend.deployment.rollbak",
        lambda r: svc(r).setdefault("deployment", {}),
        "services.backend.deployment.rollbak: unknown key; did you mean rollback?",
    ),
    (
        "services.backend.permissions.s3",
        lambda r: svc(r).setdefault("permissions", {}),
        "services.backend.permissions.s3: unknown key; allowed: s3Buckets, dynamodbTables, sqsQueues, "
        "ssmPaths",
    ),
    (
        "services.frontend.volumes.data.efs.fileSystem",
        lambda r: (
            svc(r, "frontend").update(
                volumes={"data": {"efs": {}}}, mounts=[{"volume": "data", "path": "/d"}]
            ),
            svc(r, "frontend")["volumes"]["data"]["efs"],
        )[1],
        "services.frontend.volumes.data.efs.fileSystem: unknown key; did you mean fileSystemId?",
    ),
    (
        "services.frontend.volumes.data.scrach",
        lambda r: (
            svc(r, "frontend").update(
                volumes={"data": {"scratch": True}}, mounts=[{"volume": "data", "path": "/d"}]
            ),
            svc(r, "frontend")["volumes"]["data"],
        )[1],
        "services.frontend.volumes.data.scrach: unknown key; did you mean scratch?",
    ),
    (
        "services.frontend.mounts[0].readonly",
        lambda r: (
            svc(r, "frontend").update(
                volumes={"data": {"scratch": True}}, mounts=[{"volume": "data", "path": "/d"}]
            ),
            svc(r, "frontend")["mounts"][0],
        )[1],
        "services.frontend.mounts[0].readonly: unknown key; did you mean readOnly?",
    ),
    (
        "cluster.capacity.spotweight",
        lambda r: r["cluster"].setdefault("capacity", {"spotWeight": 1}),
        "cluster.capacity.spotweight: unknown key; did you mean spotWeight?",
    ),
    (
        "loadBalancer.accessLogs.bucketName",
        lambda r: r.setdefault("loadBalancer", {}).setdefault("accessLogs", {"bucket": "my-logs"}),
        "loadBalancer.accessLogs.bucketName: unknown key; did you mean bucket?",
    ),
]


@pytest.mark.parametrize(
    ("key", "parent", "expected"), UNKNOWN_KEY_CASES, ids=[c[0] for c in UNKNOWN_KEY_CASES]
)
def test_unknown_keys_are_errors_at_every_level(key: str, parent: Any, expected: str) -> None:
    raw = good()
    parent(raw)[key.rsplit(".", 1)[-1]] = 1
    assert problems(raw) == [expected]


def test_unknown_key_without_close_match_lists_allowed_keys() -> None:
    raw = good()
    raw["network"]["zzz"] = 1
    assert problems(raw) == [
        "network.zzz: unknown key; allowed: natGateways, azCount, cidr, taskSubnets, vpcId, publicSubnetIds, "
        "privateSubnetIds"
    ]


def test_snake_case_names_are_accepted_too() -> None:
    raw = good()
    raw["network"] = {"nat_gateways": "none", "task_subnets": "public"}
    assert ok(raw).network.nat_gateways == "none"


# --- types --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda r: svc(r).update(port="http"),
            "services.backend.port: expected a whole number, got 'http'; "
            "write a whole number from 1 to 65535",
        ),
        (
            lambda r: svc(r).update(exec=[1]),
            "services.backend.exec: expected true or false, got a list; write true or false",
        ),
        (
            lambda r: svc(r).update(command="run"),
            "services.backend.command: expected a list, got 'run'; write [a, b] or one '- item' per line",
        ),
        (
            lambda r: svc(r).update(image=5),
            "services.backend.image: expected an image URI string or a mapping, got 5; "
            "see docs/configuration.md",
        ),
        (lambda r: svc(r).update(port=0), "services.backend.port: 0 is too small; use a value ≥ 1"),
        (
            lambda r: svc(r).update(port=70000),
            "services.backend.port: 70000 is too large; use a value ≤ 65535",
        ),
        (
            lambda r: svc(r).update(command=[]),
            "services.backend.command: is empty; remove it to use the image's default, or list the arguments",
        ),
    ],
)
def test_type_errors_name_the_key(mutate: Any, expected: str) -> None:
    assert problems(with_(mutate)) == [expected]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda r: svc(r).update(desiredCount=True),
            "services.backend.desiredCount: expected a whole number, got true; "
            "write a whole number from 0 to "
            "1000",
        ),
        (
            lambda r: svc(r).update(exec=1),
            "services.backend.exec: expected true or false, got 1; write true or false",
        ),
        (
            lambda r: svc(r).update(discovery="yes"),
            "services.backend.discovery: expected true or false, got 'yes'; write true or false",
        ),
        (
            lambda r: svc(r).update(port="8000"),
            "services.backend.port: expected a whole number, got '8000'; "
            "write a whole number from 1 to 65535",
        ),
        (
            lambda r: r.update(logs={"retentionDays": False}),
            "logs.retentionDays: expected a whole number, got false; "
            "write days CloudWatch accepts, e.g. 7, 14, "
            "30, 90 or 365",
        ),
        (
            lambda r: svc(r).update(autoscaling={"min": 1, "max": 2, "cpuTarget": True}),
            "services.backend.autoscaling.cpuTarget: expected a number, got true; "
            "write a number > 0 and ≤ 100",
        ),
    ],
)
def test_booleans_and_strings_never_pass_as_numbers_or_flags(mutate: Any, expected: str) -> None:
    assert problems(with_(mutate)) == [expected]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda r: svc(r).update(cpu=0.25),
            "services.backend.cpu: 0.25 is in vCPU; cpu takes CPU units: write 256 (0.25 vCPU)",
        ),
        (
            lambda r: svc(r).update(cpu="1 vCPU"),
            "services.backend.cpu: expected a whole number, got '1 vCPU'; write CPU units: 256, 512, 1024, "
            "2048, 4096, 8192 or 16384 (1024 is 1 vCPU)",
        ),
        (
            lambda r: svc(r).update(memory=0.5),
            "services.backend.memory: 0.5 is in GB; memory takes MiB: write 512 (0.5 GB)",
        ),
        (
            lambda r: svc(r).update(memory="2GB"),
            "services.backend.memory: expected a whole number, got '2GB'; write MiB, e.g. 512, 1024 or 2048 "
            "(1024 is 1 GB)",
        ),
    ],
)
def test_task_size_hints_say_what_cpu_and_memory_take(mutate: Any, expected: str) -> None:
    assert problems(with_(mutate)) == [expected]


def test_environment_scalars_become_strings() -> None:
    raw = good()
    svc(raw, "frontend")["environment"] = {"DEBUG": False, "WORKERS": 3, "RATIO": 1.5, "NAME": "x"}
    env = ok(raw).services["frontend"].environment
    assert env == {"DEBUG": "false", "WORKERS": "3", "RATIO": "1.5", "NAME": "x"}


def test_problems_never_echo_environment_values() -> None:
    raw = good()
    svc(raw)["environment"] = {"URL": "postgres://admin:S3cr3tValue@db/app", "X": {"nested": "S3cr3tValue"}}
    lines = problems(raw)
    assert lines == [
        "services.backend.environment.X: expected a string, got this value; quote the value",
    ]
    svc(raw)["environment"] = {"URL": "postgres://admin:S3cr3tValue@db/app"}
    assert all("S3cr3tValue" not in line for line in problems(raw))


def test_every_problem_line_has_a_key_path_and_a_fix() -> None:
    raw = good()
    svc(raw).update(cpu=256, memory=4096, prot=1, environment={"API_TOKEN": "x"})
    raw["logs"] = {"retentionDays": 2}
    for line in problems(raw):
        path, _, rest = line.partition(": ")
        assert path and " " not in path, line
        assert "; " in rest, line


def test_load_config_accepts_any_mapping() -> None:
    from types import MappingProxyType

    assert load_config(MappingProxyType(good())).services["frontend"].port == 3000


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r["network"].update(natGateways="x" * 100_000),
        lambda r: r["cluster"].update(capacity="y" * 100_000),
        lambda r: svc(r).update(image="Z" * 100_000),
        lambda r: svc(r).update(environment={"BIG": "v" * 100_000}),
        lambda r: r["services"].update({"a" * 100_000: {"image": "x:1"}}),
        lambda r: svc(r)["secrets"].update(X={"ssmParameter": "/" + "p" * 5000}),
        lambda r: svc(r).update(route={"pathPatterns": ["/" + "q" * 3000]}),
    ],
)
def test_a_pasted_value_is_never_echoed_whole(mutate: Any) -> None:
    lines = problems(with_(mutate))
    assert lines and all(len(line) <= 300 for line in lines), [len(line) for line in lines]


def test_strings_have_a_length_limit() -> None:
    assert problems(with_(lambda r: svc(r).update(image="Z" * 5000))) == [
        "services.backend.image.uri: is 5000 characters, longer than 4096; shorten it"
    ]
    assert problems(with_(lambda r: r["cluster"].update(capacity="y" * 150))) == [
        "cluster.capacity: '" + "y" * 97 + "...' is not a capacity; use spot, "
        "onDemand or {base, onDemandWeight, spotWeight}"
    ]
