"""config.py validation: every rule reports exactly `<key.path>: <what is wrong>; <fix>` lines.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import Raw, good, ok, problems, svc, with_

import config
from config import ConfigError, load_config

FIX = "move it to secrets (e.g. {ssmParameter: …} or {stackSecret: …})"


def test_good_config_is_accepted() -> None:
    cfg = ok(good())
    assert cfg.environment == "dev"
    assert sorted(cfg.services) == ["backend", "frontend"]


def test_config_error_str_joins_one_line_per_problem() -> None:
    err = ConfigError(["a.b: x; y", "c: z; w"])
    assert str(err) == "a.b: x; y\nc: z; w"
    assert err.problems == ["a.b: x; y", "c: z; w"]


# --- the example from the issue, and the Fargate size table -------------------------------------------------


def test_memory_not_valid_with_cpu_exact_message() -> None:
    raw = good()
    svc(raw, "frontend").update(cpu=256, memory=4096)
    assert problems(raw) == [
        "services.frontend.memory: 4096 is not valid with cpu 256; valid: 512, 1024, 2048"
    ]


@pytest.mark.parametrize(
    ("cpu", "memory", "valid"),
    [
        (512, 512, "1024, 2048, 3072, 4096"),
        (1024, 1024, "2048 to 8192 in steps of 1024"),
        (4096, 31744, "8192 to 30720 in steps of 1024"),
        (8192, 17408, "16384 to 61440 in steps of 4096"),  # 1 GiB steps are rejected by AWS at 8 vCPU
        (16384, 36864, "32768 to 122880 in steps of 8192"),
    ],
)
def test_memory_steps_follow_the_fargate_table(cpu: int, memory: int, valid: str) -> None:
    raw = good()
    svc(raw, "frontend").update(cpu=cpu, memory=memory)
    assert problems(raw) == [
        f"services.frontend.memory: {memory} is not valid with cpu {cpu}; valid: {valid}"
    ]


@pytest.mark.parametrize(("cpu", "memory"), [(8192, 20480), (16384, 40960), (4096, 30720), (256, 2048)])
def test_valid_large_sizes_are_accepted(cpu: int, memory: int) -> None:
    raw = good()
    svc(raw, "frontend").update(cpu=cpu, memory=memory)
    assert ok(raw).services["frontend"].memory == memory


def test_invalid_cpu() -> None:
    raw = good()
    svc(raw, "frontend")["cpu"] = 300
    assert problems(raw) == [
        "services.frontend.cpu: 300 is not a Fargate cpu value; valid: 256, 512, 1024, 2048, 4096, 8192, "
        "16384"
    ]


def test_ephemeral_storage_bounds() -> None:
    raw = good()
    svc(raw, "frontend")["ephemeralStorage"] = 20
    assert problems(raw) == ["services.frontend.ephemeralStorage: 20 is too small; use a value ≥ 21"]
    svc(raw, "frontend")["ephemeralStorage"] = 201
    assert problems(raw) == ["services.frontend.ephemeralStorage: 201 is too large; use a value ≤ 200"]


def test_sidecars_must_fit_the_task() -> None:
    raw = good()
    svc(raw)["sidecars"]["postgres"].update(cpu=1024, memory=1024)
    assert problems(raw) == [
        "services.backend.cpu: 512 is less than the sidecars' 1024 cpu units; raise cpu or lower the "
        "sidecars' cpu",
        "services.backend.memory: 1024 leaves 0 MiB for the main container after the sidecars' 1024 MiB "
        "(needs ≥ 128); raise memory or lower the sidecars' memory",
    ]


# --- top level ----------------------------------------------------------------------------------------------


def test_missing_required_top_level_keys() -> None:
    assert problems({}) == [
        "environment: is required; set environment",
        "services: is required; set services",
    ]


def test_environment_is_a_closed_set() -> None:
    raw = good()
    raw["environment"] = "production"
    assert problems(raw) == ["environment: 'production' is not allowed; use one of: dev, staging, prod"]


def test_services_must_not_be_empty() -> None:
    raw = good()
    raw["services"] = {}
    assert problems(raw) == ["services: needs at least 1 item(s); add them"]


def test_root_must_be_a_mapping() -> None:
    assert problems(["services"]) == ["(root): expected a mapping of config keys, got list; pass a dict"]


def test_section_must_be_a_mapping() -> None:
    raw = good()
    raw["network"] = "none"
    assert problems(raw) == ["network: expected a mapping, got 'none'; write key: value pairs"]


def test_empty_yaml_section_means_defaults() -> None:
    raw = good()
    raw["logs"] = None
    assert ok(raw).logs.retention_days == 7


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
            "services.backend.port: expected a whole number, got 'http'; write e.g. 30",
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
            "see the configuration reference in README.md",
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


def test_environment_scalars_become_strings() -> None:
    raw = good()
    svc(raw, "frontend")["environment"] = {"DEBUG": False, "WORKERS": 3, "RATIO": 1.5, "NAME": "x"}
    env = ok(raw).services["frontend"].environment
    assert env == {"DEBUG": "false", "WORKERS": "3", "RATIO": "1.5", "NAME": "x"}


# --- one rule per case: (mutation of the good config, exact problems) ---------------------------------------


def _existing_vpc(r: Raw, **extra: Any) -> None:
    r["network"] = {
        "vpcId": "vpc-0123456789abcdef0",
        "publicSubnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        "taskSubnets": "public",
        **extra,
    }


def _frontend_volume(r: Raw, volume: dict[str, Any]) -> None:
    svc(r, "frontend").update(volumes={"data": volume}, mounts=[{"volume": "data", "path": "/data"}])


RULE_CASES: list[tuple[str, Any, list[str]]] = [
    # network
    (
        "private subnets without NAT",
        lambda r: r["network"].update(taskSubnets="private"),
        [
            "network.natGateways: none leaves tasks in private subnets with no route to pull images or "
            "reach AWS APIs; "
            "set natGateways: single (or perAz), or taskSubnets: public"
        ],
    ),
    (
        "NAT unused with public subnets",
        lambda r: r["network"].update(natGateways="single"),
        [
            "network.natGateways: single pays for NAT gateways nothing uses when taskSubnets is public; set "
            "natGateways: none, or taskSubnets: private"
        ],
    ),
    (
        "cidr not a network",
        lambda r: r["network"].update(cidr="10.0.0.0/33"),
        ["network.cidr: '10.0.0.0/33' is not an IPv4 network in CIDR form; use e.g. 10.0.0.0/16"],
    ),
    (
        "cidr public range",
        lambda r: r["network"].update(cidr="8.8.0.0/16"),
        ["network.cidr: 8.8.0.0/16 must be a private range from /16 to /24; use e.g. 10.0.0.0/16"],
    ),
    (
        "cidr too large",
        lambda r: r["network"].update(cidr="10.0.0.0/8"),
        ["network.cidr: 10.0.0.0/8 must be a private range from /16 to /24; use e.g. 10.0.0.0/16"],
    ),
    (
        # 12 subnets of /28 would fit a /24, but an ALB rejects subnets smaller than /27.
        "cidr too small for its subnets",
        lambda r: r["network"].update(
            cidr="10.0.0.0/24", azCount=6, natGateways="single", taskSubnets="private"
        ),
        [
            "network.cidr: 10.0.0.0/24 cannot hold 12 subnets of /27 or larger (a public and a private "
            "subnet in each of 6 AZs; an ALB needs /27 subnets); use a /23 or larger range, or lower azCount"
        ],
    ),
    (
        "one AZ",
        lambda r: r["network"].update(azCount=1),
        ["network.azCount: 1 is too small; use a value ≥ 2"],
    ),
    (
        "nat literal",
        lambda r: r["network"].update(natGateways="two"),
        ["network.natGateways: 'two' is not allowed; use one of: none, single, perAz"],
    ),
    (
        "subnets without vpcId",
        lambda r: r["network"].update(publicSubnetIds=["subnet-0123456789abcdef0"]),
        ["network.publicSubnetIds: applies only to an existing VPC; set vpcId, or remove publicSubnetIds"],
    ),
    (
        "bad vpc id",
        lambda r: _existing_vpc(r, vpcId="vpc-xyz"),
        [
            "network.vpcId: 'vpc-xyz' is not a VPC id; use the id of an existing VPC such as "
            "vpc-0123456789abcdef0"
        ],
    ),
    (
        "bad subnet id",
        lambda r: _existing_vpc(r, publicSubnetIds=["sn-1", "subnet-0123456789abcdef0"]),
        ["network.publicSubnetIds: 'sn-1' is not a subnet id; use ids such as subnet-0123456789abcdef0"],
    ),
    (
        "duplicate subnet",
        lambda r: _existing_vpc(r, publicSubnetIds=["subnet-0123456789abcdef0"] * 2),
        ["network.publicSubnetIds: lists a subnet twice; list each subnet once"],
    ),
    (
        "existing VPC with natGateways",
        lambda r: _existing_vpc(r, natGateways="none"),
        [
            "network.natGateways: applies only to a new VPC, but vpcId is set; remove natGateways or "
            "remove vpcId"
        ],
    ),
    (
        "existing VPC private without subnets",
        lambda r: _existing_vpc(r, taskSubnets="private"),
        [
            "network.privateSubnetIds: is required when vpcId is set and taskSubnets is private; list the "
            "VPC's "
            "private subnet ids, or set taskSubnets: public"
        ],
    ),
    (
        "existing VPC ALB needs 2 subnets",
        lambda r: _existing_vpc(r, publicSubnetIds=["subnet-0123456789abcdef0"]),
        [
            "network.publicSubnetIds: needs ≥ 2 subnets in different AZs for the ALB; list the VPC's "
            "public subnet ids"
        ],
    ),
    # cluster
    (
        "capacity word",
        lambda r: r["cluster"].update(capacity="cheap"),
        [
            "cluster.capacity: 'cheap' is not a capacity; use spot, onDemand or {base, onDemandWeight, "
            "spotWeight}"
        ],
    ),
    (
        "capacity weights zero",
        lambda r: r["cluster"].update(capacity={"base": 1, "onDemandWeight": 0}),
        ["cluster.capacity: onDemandWeight and spotWeight are both 0; give at least one a weight ≥ 1"],
    ),
    (
        "namespace",
        lambda r: r["cluster"].update(namespace="Dev_Local"),
        ["cluster.namespace: 'Dev_Local' is not a DNS name; use a private domain such as dev.local"],
    ),
    (
        "insights literal",
        lambda r: r["cluster"].update(containerInsights="on"),
        ["cluster.containerInsights: 'on' is not allowed; use one of: disabled, enabled, enhanced"],
    ),
    (
        "discovery needs namespace",
        lambda r: r["cluster"].pop("namespace"),
        [
            "services.backend.discovery: needs cluster.namespace; set cluster.namespace (e.g. dev.local) or "
            "discovery: false"
        ],
    ),
    # load balancer
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
            "loadBalancer.sslPolicy: has no effect without certificateArn; set certificateArn or remove "
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
    # logs
    (
        "retention",
        lambda r: r.update(logs={"retentionDays": 10}),
        [
            "logs.retentionDays: 10 is not a CloudWatch retention value; use one of: "
            + ", ".join(str(d) for d in config.LOG_RETENTION_DAYS)
        ],
    ),
    # names
    (
        "service name too long",
        lambda r: r["services"].update({"a-very-long-service-name": r["services"].pop("frontend")}),
        [
            "services.a-very-long-service-name: service name 'a-very-long-service-name' is 24 characters, "
            "longer than 20; "
            "shorten it (derived AWS names such as the target group '<name>-tg-xxxxxxx' must fit in 32 "
            "characters)"
        ],
    ),
    (
        "service name not a label",
        lambda r: r["services"].update({"Front_End": r["services"].pop("frontend")}),
        [
            "services.Front_End: service name 'Front_End' is not a lowercase DNS label; use lowercase "
            "letters, digits "
            "and '-', starting with a letter and not ending with '-' (e.g. 'backend')"
        ],
    ),
    (
        "sidecar named like the service",
        lambda r: svc(r)["sidecars"].update(backend={"image": "busybox:1.36"}),
        [
            "services.backend.sidecars.backend: has the service's own name (the main container's name); "
            "rename the "
            "sidecar"
        ],
    ),
    # image
    (
        "image two sources",
        lambda r: svc(r).update(image={"repository": "backend", "build": "./backend"}),
        [
            "services.backend.image: needs exactly one of uri, repository or build (given: repository, "
            "build); keep one"
        ],
    ),
    (
        "image no source",
        lambda r: svc(r).update(image={"tag": "1.0"}),
        ["services.backend.image: needs exactly one of uri, repository or build (given: none); keep one"],
    ),
    (
        "tag without repository",
        lambda r: svc(r).update(image={"uri": "nginx:1.27", "tag": "1.0"}),
        [
            "services.backend.image.tag: applies only to repository; remove tag (put it in the uri, or let "
            "build tag "
            "with the git SHA)"
        ],
    ),
    (
        "dockerfile without build",
        lambda r: svc(r).update(image={"repository": "backend", "dockerfile": "Dockerfile"}),
        ["services.backend.image.dockerfile: applies only to build; remove dockerfile or set build"],
    ),
    (
        "bad uri",
        lambda r: svc(r).update(image="Nginx Latest"),
        [
            "services.backend.image.uri: 'Nginx Latest' is not an image reference; use e.g. "
            "postgres:15-alpine or "
            "123456789012.dkr.ecr.eu-west-2.amazonaws.com/app:1.4.2"
        ],
    ),
    (
        "bad repository",
        lambda r: svc(r).update(image={"repository": "123.dkr.ecr.x/Backend"}),
        [
            "services.backend.image.repository: '123.dkr.ecr.x/Backend' is not an ECR repository name; use "
            "lowercase "
            "letters, digits, '.', '_', '-' and '/' (the name, not the URI)"
        ],
    ),
    (
        "bad tag",
        lambda r: svc(r).update(image={"repository": "backend", "tag": "v1 final"}),
        ["services.backend.image.tag: 'v1 final' is not a Docker tag; use letters, digits, '_', '.', '-'"],
    ),
    (
        "build outside project",
        lambda r: svc(r).update(image={"build": "../other"}),
        [
            "services.backend.image.build: '../other' must be a directory inside the project; use a "
            "relative path "
            "such as ./backend"
        ],
    ),
    # secrets
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
    # plaintext secrets in environment (values are never echoed)
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
    # health checks
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
    # route
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
    # dependsOn
    (
        "depends on unknown",
        lambda r: svc(r)["dependsOn"].update(redis="START"),
        ["services.backend.dependsOn.redis: is not a container of this service; use one of: postgres"],
    ),
    (
        "depends on itself",
        lambda r: svc(r)["dependsOn"].update(backend="START"),
        ["services.backend.dependsOn.backend: a container cannot depend on itself; remove it"],
    ),
    (
        "HEALTHY without health check",
        lambda r: svc(r)["sidecars"]["postgres"].pop("healthCheck"),
        [
            "services.backend.dependsOn.postgres: HEALTHY needs a container health check on postgres; add "
            "sidecars.postgres.healthCheck or use START"
        ],
    ),
    (
        "HEALTHY on main container without check",
        lambda r: svc(r)["sidecars"]["postgres"].update(dependsOn={"backend": "HEALTHY"}),
        [
            "services.backend.sidecars.postgres.dependsOn.backend: HEALTHY needs a container health check "
            "on backend; "
            "add healthCheck.container or use START",
            "services.backend.dependsOn: forms a cycle backend → postgres → backend; remove one of these "
            "dependencies",
        ],
    ),
    (
        "COMPLETE on essential",
        lambda r: svc(r).update(dependsOn={"postgres": "COMPLETE"}),
        [
            "services.backend.dependsOn.postgres: COMPLETE needs postgres to be non-essential (it is "
            "expected to exit); "
            "set sidecars.postgres.essential: false or use START"
        ],
    ),
    (
        "condition literal",
        lambda r: svc(r).update(dependsOn={"postgres": "READY"}),
        [
            "services.backend.dependsOn.postgres: 'READY' is not allowed; use one of: START, HEALTHY, "
            "COMPLETE, SUCCESS"
        ],
    ),
    # volumes and mounts
    (
        "volume both kinds",
        lambda r: _frontend_volume(r, {"efs": {}, "scratch": True}),
        ["services.frontend.volumes.data: needs exactly one of efs: {…} or scratch: true; keep one"],
    ),
    (
        "volume no kind",
        lambda r: _frontend_volume(r, {}),
        ["services.frontend.volumes.data: needs exactly one of efs: {…} or scratch: true; keep one"],
    ),
    (
        "efs id",
        lambda r: _frontend_volume(r, {"efs": {"fileSystemId": "efs-1"}}),
        [
            "services.frontend.volumes.data.efs.fileSystemId: 'efs-1' is not an EFS file system id; use e.g. "
            "fs-0123456789abcdef0"
        ],
    ),
    (
        "access point with root directory",
        lambda r: _frontend_volume(r, {"efs": {"rootDirectory": "/data", "accessPoint": {"path": "/app"}}}),
        [
            "services.frontend.volumes.data.efs.rootDirectory: must be / when accessPoint is set; put the "
            "directory in "
            "accessPoint.path"
        ],
    ),
    (
        "transit encryption off",
        lambda r: _frontend_volume(r, {"efs": {"transitEncryption": "DISABLED"}}),
        [
            "services.frontend.volumes.data.efs.transitEncryption: DISABLED is not allowed with "
            "accessPoint or "
            "iamAuthorization; set transitEncryption: ENABLED"
        ],
    ),
    (
        "access point permissions",
        lambda r: _frontend_volume(r, {"efs": {"accessPoint": {"permissions": "rwx"}}}),
        [
            "services.frontend.volumes.data.efs.accessPoint.permissions: 'rwx' is not octal permissions; "
            "use e.g. 0750"
        ],
    ),
    (
        "mount unknown volume",
        lambda r: svc(r, "frontend").update(mounts=[{"volume": "data", "path": "/data"}]),
        [
            "services.frontend.mounts[0].volume: 'data' is not in volumes (known: none); add it to volumes "
            "or fix the "
            "name"
        ],
    ),
    (
        "volume not mounted",
        lambda r: svc(r, "frontend").update(volumes={"data": {"scratch": True}}),
        ["services.frontend.volumes.data: is not mounted by any container; add a mount or remove it"],
    ),
    (
        "mount path relative",
        lambda r: svc(r, "frontend").update(
            volumes={"data": {"scratch": True}}, mounts=[{"volume": "data", "path": "data"}]
        ),
        [
            "services.frontend.mounts[0].path: 'data' is not an absolute path below /; use a path such as "
            "/tmp or "
            "/mnt/efs"
        ],
    ),
    (
        "mount over scratch path",
        lambda r: svc(r, "frontend").update(
            volumes={"data": {"scratch": True}}, mounts=[{"volume": "data", "path": "/tmp"}]
        ),
        [
            "services.frontend.mounts[0].path: /tmp is already mounted (by hardening.scratchPaths); use a "
            "different "
            "path"
        ],
    ),
    # hardening
    (
        "root user",
        lambda r: svc(r).update(hardening={"user": "0:0"}),
        ["services.backend.hardening.user: '0:0' runs as root; use a non-root uid such as 1000:1000"],
    ),
    (
        "root user by name",
        lambda r: svc(r).update(hardening={"user": "root"}),
        ["services.backend.hardening.user: 'root' runs as root; use a non-root uid such as 1000:1000"],
    ),
    (
        "bad user",
        lambda r: svc(r).update(hardening={"user": "1000:"}),
        ["services.backend.hardening.user: '1000:' is not a user; use uid[:gid] such as 1000:1000"],
    ),
    (
        "dangerous capability",
        lambda r: svc(r).update(hardening={"addCapabilities": ["SYS_ADMIN"]}),
        [
            "services.backend.hardening.addCapabilities: SYS_ADMIN is too powerful to add; remove it "
            "(allowed: " + ", ".join(config.ALLOWED_ADD_CAPABILITIES) + ")"
        ],
    ),
    (
        "unknown capability",
        lambda r: svc(r).update(hardening={"addCapabilities": ["NET_BIND"]}),
        [
            "services.backend.hardening.addCapabilities: 'NET_BIND' is not a Linux capability; use one of: "
            + ", ".join(config.ALLOWED_ADD_CAPABILITIES)
        ],
    ),
    (
        "unknown dropped capability",
        lambda r: svc(r).update(hardening={"dropCapabilities": ["EVERYTHING"]}),
        [
            "services.backend.hardening.dropCapabilities: 'EVERYTHING' is not a Linux capability; use ALL "
            "or names "
            "such as NET_RAW"
        ],
    ),
    (
        "add and drop the same",
        lambda r: svc(r).update(hardening={"dropCapabilities": ["CHOWN"], "addCapabilities": ["CHOWN"]}),
        [
            "services.backend.hardening.addCapabilities: CHOWN is also in dropCapabilities; remove it from "
            "one list"
        ],
    ),
    (
        "scratch path relative",
        lambda r: svc(r).update(hardening={"scratchPaths": ["tmp"]}),
        [
            "services.backend.hardening.scratchPaths: 'tmp' is not an absolute path below /; use a path "
            "such as /tmp "
            "or /mnt/efs"
        ],
    ),
    (
        "scratch path twice",
        lambda r: svc(r).update(hardening={"scratchPaths": ["/tmp", "/tmp"]}),
        ["services.backend.hardening.scratchPaths: lists a path twice; list each path once"],
    ),
    (
        "scratch tmpfs larger than half the memory",
        lambda r: svc(r)["sidecars"]["postgres"]["hardening"].update(scratchSize=200),
        [
            "services.backend.sidecars.postgres.hardening.scratchSize: 2 scratch path(s) of 200 MiB = "
            "400 MiB of tmpfs is more than half of the container's 512 MiB memory; lower scratchSize or "
            "raise memory"
        ],
    ),
    (
        "main container scratch counts against what the sidecars leave",
        lambda r: svc(r).update(hardening={"scratchPaths": ["/tmp", "/var/cache"], "scratchSize": 200}),
        [
            "services.backend.hardening.scratchSize: 2 scratch path(s) of 200 MiB = 400 MiB of tmpfs is more "
            "than half of the container's 512 MiB memory; lower scratchSize or raise memory"
        ],
    ),
    # permissions
    (
        "s3 wildcard",
        lambda r: svc(r).update(permissions={"s3Buckets": {"arn:aws:s3:::*": "read"}}),
        [
            "services.backend.permissions.s3Buckets.arn:aws:s3:::*: contains a wildcard; name the exact "
            "resource "
            "(arn:aws:s3:::<bucket>)"
        ],
    ),
    (
        "s3 name not arn",
        lambda r: svc(r).update(permissions={"s3Buckets": {"my-bucket": "read"}}),
        [
            "services.backend.permissions.s3Buckets.my-bucket: is not a valid resource; use "
            "arn:aws:s3:::<bucket>"
        ],
    ),
    (
        "dynamodb arn",
        lambda r: svc(r).update(
            permissions={"dynamodbTables": {"arn:aws:dynamodb:eu-west-2:123456789012:orders": "read"}}
        ),
        [
            "services.backend.permissions.dynamodbTables.arn:aws:dynamodb:eu-west-2:123456789012:orders: "
            "is not a valid "
            "resource; use arn:aws:dynamodb:<region>:<account>:table/<name>"
        ],
    ),
    (
        "sqs arn",
        lambda r: svc(r).update(
            permissions={"sqsQueues": {"https://sqs.eu-west-2.amazonaws.com/1/q": "read"}}
        ),
        [
            'services.backend.permissions.sqsQueues["https://sqs.eu-west-2.amazonaws.com/1/q"]: '
            "is not a valid resource; "
            "use arn:aws:sqs:<region>:<account>:<queue>"
        ],
    ),
    (
        "ssm path wildcard",
        lambda r: svc(r).update(permissions={"ssmPaths": {"/app/*": "read"}}),
        [
            "services.backend.permissions.ssmPaths./app/*: contains a wildcard; name the exact resource "
            "(/<path> or "
            "arn:aws:ssm:<region>:<account>:parameter/<path>)"
        ],
    ),
    (
        "access literal",
        lambda r: svc(r).update(permissions={"ssmPaths": {"/app": "write"}}),
        ["services.backend.permissions.ssmPaths./app: 'write' is not allowed; use one of: read, readWrite"],
    ),
    # autoscaling and deployment
    (
        "autoscaling min > max",
        lambda r: svc(r).update(autoscaling={"min": 3, "max": 2, "cpuTarget": 60}),
        ["services.backend.autoscaling.min: 3 is greater than max 2; lower min or raise max"],
    ),
    (
        "autoscaling without target",
        lambda r: svc(r).update(autoscaling={"min": 1, "max": 2}),
        ["services.backend.autoscaling: needs a target; set cpuTarget, memoryTarget or requestsPerTarget"],
    ),
    (
        "autoscaling target > 100",
        lambda r: svc(r).update(autoscaling={"cpuTarget": 150}),
        ["services.backend.autoscaling.cpuTarget: 150 is too large; use a value ≤ 100"],
    ),
    (
        "desired count outside autoscaling",
        lambda r: svc(r).update(desiredCount=1, autoscaling={"min": 2, "max": 4, "cpuTarget": 60}),
        [
            "services.backend.desiredCount: 1 is outside autoscaling min 2 .. max 4; set desiredCount "
            "within that range"
        ],
    ),
    (
        "requests per target needs a route",
        lambda r: (
            svc(r).pop("route"),
            svc(r).pop("healthCheck"),
            svc(r).update(autoscaling={"requestsPerTarget": 100}),
        ),
        [
            "services.backend.autoscaling.requestsPerTarget: needs a route (ALB requests are counted per "
            "target group); "
            "add a route or use cpuTarget/memoryTarget"
        ],
    ),
    (
        "rollback without circuit breaker",
        lambda r: svc(r).update(deployment={"circuitBreaker": False}),
        [
            "services.backend.deployment.rollback: needs circuitBreaker: true; enable circuitBreaker or set "
            "rollback: false"
        ],
    ),
    (
        "deployment cannot progress",
        lambda r: svc(r).update(deployment={"maximumPercent": 100}),
        [
            "services.backend.deployment.maximumPercent: 100 with minimumHealthyPercent 100 leaves no room "
            "to replace a "
            "task; raise maximumPercent or lower minimumHealthyPercent"
        ],
    ),
    (
        "grace period without route",
        lambda r: (
            svc(r).pop("route"),
            svc(r).pop("healthCheck"),
            svc(r).update(deployment={"healthCheckGracePeriod": 60}),
        ),
        [
            "services.backend.deployment.healthCheckGracePeriod: applies only to a routed service; add a "
            "route or remove "
            "it"
        ],
    ),
    # prod-only rules
    (
        "prod requires pinned images and HTTPS",
        lambda r: r.update(environment="prod"),
        [
            "services.backend.image: is not pinned (latest or no tag) in prod; set a version tag or digest",
            "services.frontend.image: is not pinned (latest or no tag) in prod; set a version tag or digest",
            "loadBalancer.certificateArn: is required in prod (HTTPS); set an ACM certificate ARN",
        ],
    ),
    (
        "prod exec without logging",
        lambda r: (
            r.update(
                environment="prod",
                loadBalancer={"certificateArn": "arn:aws:acm:eu-west-2:123456789012:certificate/a"},
            ),
            r["cluster"].update(execLogging="none"),
            svc(r).update(exec=True, image={"repository": "backend", "tag": "1.0.0"}),
            svc(r)["sidecars"]["postgres"].update(image="postgres:15.8-alpine"),
            svc(r, "frontend").update(image="nginx@sha256:" + "a" * 64),
        ),
        [
            "services.backend.exec: is enabled in prod without session logging; set cluster.execLogging: "
            "cloudWatch or "
            "exec: false"
        ],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected


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


# --- tags and names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda r: r.update(tags={"aws:owner": "me"}),
            "tags.aws:owner: tag key 'aws:owner' must be 1 to 128 characters and not start with 'aws:'; "
            "rename the tag",
        ),
        (
            lambda r: svc(r).update(tags={"Team": "x" * 257}),
            "services.backend.tags.Team: tag value is 257 characters; shorten it to at most 256",
        ),
        (
            lambda r: svc(r)["sidecars"].update({"Redis": {"image": "redis:7"}}),
            "services.backend.sidecars.Redis: sidecar name 'Redis' is not a lowercase DNS label; use "
            "lowercase "
            "letters, digits and '-', starting with a letter and not ending with '-' (e.g. 'backend')",
        ),
        (
            lambda r: svc(r, "frontend").update(volumes={"data-": {"scratch": True}}),
            "services.frontend.volumes.data-: volume name 'data-' is not a lowercase DNS label; use "
            "lowercase "
            "letters, digits and '-', starting with a letter and not ending with '-' (e.g. 'backend')",
        ),
        (
            lambda r: svc(r, "frontend").update(environment={"MY-VAR": "1"}),
            "services.frontend.environment.MY-VAR: 'MY-VAR' is not a valid environment variable name; use "
            "letters, digits and '_', not starting with a digit",
        ),
        (
            lambda r: svc(r, "frontend").update(
                volumes={"data": {"efs": {"accessPoint": {"path": "data"}}}},
                mounts=[{"volume": "data", "path": "/data"}],
            ),
            "services.frontend.volumes.data.efs.accessPoint.path: 'data' is not an absolute path; use e.g. "
            "/data",
        ),
        (
            lambda r: svc(r, "frontend").update(
                volumes={"data": {"scratch": True}}, mounts=[{"volume": "data", "path": "/"}]
            ),
            "services.frontend.mounts[0].path: '/' is not an absolute path below /; use a path such as "
            "/tmp or "
            "/mnt/efs",
        ),
    ],
)
def test_tags_names_and_paths(mutate: Any, expected: str) -> None:
    assert problems(with_(mutate)) == [expected]


def test_twenty_character_names_are_the_limit() -> None:
    raw = good()
    raw["services"]["a" * 20] = raw["services"].pop("frontend")
    assert "a" * 20 in ok(raw).services


def test_odd_keys_stay_on_one_line() -> None:
    raw = good()
    raw["services"]["my service\n"] = {"image": "nginx:1.27"}
    assert problems(raw) == [
        "services[\"my service\\n\"]: service name 'my service\\n' is not a lowercase DNS label; "
        "use lowercase "
        "letters, digits and '-', starting with a letter and not ending with '-' (e.g. 'backend')"
    ]


# --- the rules are plain functions --------------------------------------------------------------------------


def test_check_functions_can_be_called_directly() -> None:
    message = config.fargate_memory_problem(256, 4096)
    assert message == "4096 is not valid with cpu 256; valid: 512, 1024, 2048"
    assert config.fargate_memory_problem(8192, 20480) is None
    route = config.RouteConfig.model_construct(
        path_patterns=[], host_patterns=[], priority=None, default=False
    )
    assert config.check_route(route) == [
        (
            (),
            "needs pathPatterns or hostPatterns, or default: true; add one (omit route for an internal-only "
            "service)",
        )
    ]
    assert config.check_environment({"GITHUB": "ghp_" + "a" * 36, "OK": "1"}) == [
        (("GITHUB",), f"value looks like a GitHub token; {FIX}")
    ]
    assert config.secret_name_word("Private-Key_Path") == "privatekey"
    assert config.secret_name_word("LOG_LEVEL") is None
    backend = ok(good()).services["backend"]
    assert config.check_depends_on(backend, "backend") == []
    assert config.check_service(backend) == []


def test_a_trailing_newline_never_passes_a_pattern() -> None:
    """`$` also matches before a final newline; every pattern anchors with \\Z instead."""
    raw = good()
    raw["services"]["web\n"] = {"image": "nginx:1.27"}
    svc(raw, "frontend")["image"] = {"repository": "frontend", "tag": "1.0\n"}
    raw["cluster"]["namespace"] = "dev.local\n"
    assert problems(raw) == [
        "cluster.namespace: 'dev.local\\n' is not a DNS name; use a private domain such as dev.local",
        "services.frontend.image.tag: '1.0\\n' is not a Docker tag; use letters, digits, '_', '.', '-'",
        "services[\"web\\n\"]: service name 'web\\n' is not a lowercase DNS label; use lowercase letters, "
        "digits and '-', starting with a letter and not ending with '-' (e.g. 'backend')",
    ]


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
