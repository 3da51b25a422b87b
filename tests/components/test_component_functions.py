"""Pure functions and guard clauses of the components: secrets, images, naming, routing, args checks."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from components.cluster import CapacityShare, ClusterArgs, check_cluster_args
from components.containers import MountPoint
from components.images import BuildImage, ImageUri, ecr_repository_arn_from_uri, git_sha
from components.load_balancer import LoadBalancerArgs, Route, check_load_balancer_args
from components.naming import ALB_LOGICAL_NAME_LIMIT, bounded_name, stack_label
from components.network import (
    ExistingVpcArgs,
    NetworkArgs,
    NewVpcArgs,
    ServiceIngress,
    check_network_args,
    subnet_mask,
)
from components.secrets import (
    ComposedSecret,
    GeneratedSecret,
    Placeholder,
    SecretsManagerRef,
    StackSecret,
    StoredRef,
    check_stored_secrets,
    compose,
    secrets_manager_value_from,
    ssm_parameter_arn,
)
from components.service_args import (
    AutoscalingArgs,
    ContainerArgs,
    DiscoveryArgs,
    FargateServiceArgs,
    check_service_args,
)
from components.storage import EfsVolume

# ---------------------------------------------------------------------------------------------- secrets


def test_compose_url_encodes_only_marked_placeholders() -> None:
    placeholders = {
        "${pw|urlencode}": Placeholder("pw", url_encode=True),
        "${user}": Placeholder("user"),
    }
    value = compose(
        "postgresql://${user}:${pw|urlencode}@localhost:5432/db",
        placeholders,
        {"pw": "Leeds@2026/x", "user": "a@b"},
    )
    assert value == "postgresql://a@b:Leeds%402026%2Fx@localhost:5432/db"


def test_compose_does_not_rescan_substituted_values() -> None:
    placeholders = {"${a}": Placeholder("a"), "${b}": Placeholder("b")}
    assert compose("${a}-${b}", placeholders, {"a": "${b}", "b": "B"}) == "${b}-B"


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        (
            {"bad key": GeneratedSecret()},
            "Secret key `bad key` may contain only letters, digits, `_`, `.` and `-`.",
        ),
        (
            {"url": ComposedSecret("plain", {})},
            "Composed secret `url` has no placeholders: it would be plain text.",
        ),
        (
            {"url": ComposedSecret("x", {"${pw}": Placeholder("pw")}), "pw": GeneratedSecret()},
            "Composed secret `url`: placeholder ${pw} is not in its template.",
        ),
        (
            {"url": ComposedSecret("${pw}", {"${pw}": Placeholder("pw")})},
            "Composed secret `url` refers to `pw`, which is not a generated or stack secret of this service.",
        ),
        (
            {
                "a": ComposedSecret("${b}", {"${b}": Placeholder("b")}),
                "b": ComposedSecret("${c}", {"${c}": Placeholder("c")}),
                "c": StackSecret("v"),
            },
            "Composed secret `a` refers to `b`, which is not a generated or stack secret of this service.",
        ),
    ],
)
def test_stored_secret_guards(stored: dict, message: str) -> None:
    with pytest.raises(ValueError) as err:
        check_stored_secrets(stored)
    assert str(err.value) == message


def test_parameter_arns_and_secret_value_from() -> None:
    assert (
        ssm_parameter_arn("/app/key", region="eu-west-2", account_id="123456789012")
        == "arn:aws:ssm:eu-west-2:123456789012:parameter/app/key"
    )
    assert (
        ssm_parameter_arn("key", region="eu-west-2", account_id="123456789012", partition="aws-cn")
        == "arn:aws-cn:ssm:eu-west-2:123456789012:parameter/key"
    )
    arn = "arn:aws:ssm:us-east-1:123456789012:parameter/x"
    assert ssm_parameter_arn(arn, region="eu-west-2", account_id="1") == arn
    secret = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-Ab12Cd"
    assert secrets_manager_value_from(SecretsManagerRef(secret)) == secret
    assert (
        secrets_manager_value_from(SecretsManagerRef(secret, json_key="password")) == f"{secret}:password::"
    )


# ---------------------------------------------------------------------------------------------- images


@pytest.mark.parametrize(
    ("uri", "arn"),
    [
        (
            "826601724385.dkr.ecr.eu-west-2.amazonaws.com/backend-booking-dev:latest",
            "arn:aws:ecr:eu-west-2:826601724385:repository/backend-booking-dev",
        ),
        (
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app@sha256:" + "a" * 64,
            "arn:aws:ecr:us-east-1:123456789012:repository/team/app",
        ),
        ("postgres:15-alpine", None),
        ("public.ecr.aws/nginx/nginx:1.27", None),
    ],
)
def test_ecr_repository_arn_from_uri(uri: str, arn: str | None) -> None:
    assert ecr_repository_arn_from_uri(uri) == arn


def test_git_sha_prefers_github_sha_then_git(tmp_path: Path) -> None:
    assert git_sha(environ={"GITHUB_SHA": "abc123"}) == "abc123"
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "f").write_text("x")
    subprocess.run(["git", "add", "f"], cwd=tmp_path, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "init"],
        cwd=tmp_path,
        check=True,
    )
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True
    ).stdout.strip()
    assert git_sha(cwd=tmp_path, environ={}) == head


def test_git_sha_without_commit_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError) as err:
        git_sha(cwd=tmp_path, environ={})
    assert (
        str(err.value)
        == "Cannot tag the built image: set GITHUB_SHA or run inside a git checkout with a commit."
    )


# ---------------------------------------------------------------------------------------------- naming


def test_bounded_name_keeps_short_names_and_shortens_long_ones_stably() -> None:
    assert bounded_name("dev-backend-tg", 24) == "dev-backend-tg"
    long = "review-stack-1234567-twenty-char-service1-tg"
    short = bounded_name(long, ALB_LOGICAL_NAME_LIMIT)
    assert len(short) == ALB_LOGICAL_NAME_LIMIT
    assert short == bounded_name(long, ALB_LOGICAL_NAME_LIMIT)
    assert short.startswith("review-stack-123456-")
    assert bounded_name(long + "x", ALB_LOGICAL_NAME_LIMIT) != short


# ---------------------------------------------------------------------------------------------- routing


LB = {"vpc_id": "vpc-1", "subnet_ids": ["s-1"], "security_group_id": "sg-1"}


@pytest.mark.parametrize(
    ("routes", "message"),
    [
        (
            [Route("a", 1, default=True), Route("b", 1, default=True)],
            "Only one route can be the default; got a, b.",
        ),
        (
            [
                Route("a", 1, path_patterns=["/a"], priority=1),
                Route("a", 2, path_patterns=["/b"], priority=2),
            ],
            "Each service can have only one route; duplicated: a.",
        ),
        (
            [
                Route("a", 1, path_patterns=["/a"], priority=5),
                Route("b", 1, path_patterns=["/b"], priority=5),
            ],
            "Listener rule priorities must be unique.",
        ),
        ([Route("a", 1)], "Route of `a` needs path_patterns or host_patterns, or default=True."),
        (
            [Route("a", 1, path_patterns=["/1", "/2", "/3"], host_patterns=["a", "b", "c"], priority=1)],
            "Route of `a` has more than 5 path and host patterns: ALB rules accept at most 5.",
        ),
        (
            [Route("a", 1, path_patterns=["/a"])],
            "Route of `a` needs a priority (1..50000) that stays the same from one update to the next, or "
            "default=True.",
        ),
        (
            [Route("a", 1, path_patterns=["/a"], priority=0)],
            "Route of `a`: priority must be 1..50000, got 0.",
        ),
    ],
)
def test_load_balancer_guards(routes: list[Route], message: str) -> None:
    with pytest.raises(ValueError) as err:
        check_load_balancer_args(LoadBalancerArgs(**LB, routes=routes))
    assert str(err.value) == message


# ---------------------------------------------------------------------------------------------- args checks


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            NetworkArgs(vpc=NewVpcArgs(nat_gateways="two"), services={}),  # type: ignore[arg-type]
            "nat_gateways must be one of none, single, perAz; got 'two'.",
        ),
        (
            NetworkArgs(vpc=NewVpcArgs(availability_zones=7), services={}),
            "availability_zones must be between 1 and 6, got 7.",
        ),
        (
            NetworkArgs(
                vpc=ExistingVpcArgs("vpc-1", public_subnet_ids=[], private_subnet_ids=["subnet-1"]),
                services={"a": ServiceIngress(80, from_load_balancer=True)},
            ),
            "An existing VPC needs public_subnet_ids for the load balancer.",
        ),
        (
            NetworkArgs(vpc=ExistingVpcArgs("vpc-1", public_subnet_ids=[]), services={}),
            "An existing VPC needs public_subnet_ids or private_subnet_ids for the tasks.",
        ),
        (
            NetworkArgs(vpc=NewVpcArgs(), services={}, load_balancer_ports=[8080]),
            "The load balancer may only listen on 80 and 443, got 8080.",
        ),
        (
            NetworkArgs(vpc=NewVpcArgs(), services={"a": ServiceIngress(None, from_load_balancer=True)}),
            "Service `a` accepts traffic, so it needs a port.",
        ),
    ],
)
def test_network_guards(args: NetworkArgs, message: str) -> None:
    with pytest.raises(ValueError) as err:
        check_network_args(args)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ClusterArgs(container_insights="on"),  # type: ignore[arg-type]
            "container_insights must be disabled, enabled or enhanced; got 'on'.",
        ),
        (ClusterArgs(capacity=()), "capacity needs at least one capacity provider share."),
        (
            ClusterArgs(
                capacity=(CapacityShare("FARGATE", 1, base=1), CapacityShare("FARGATE_SPOT", 1, base=1))
            ),
            "Only one capacity provider share may have a base above 0.",
        ),
        (
            ClusterArgs(exec_logging="s3"),  # type: ignore[arg-type]
            "exec_logging must be cloudWatch, default or none; got 's3'.",
        ),
        (ClusterArgs(namespace="dev.local"), "A Cloud Map namespace needs vpc_id."),
    ],
)
def test_cluster_guards(args: ClusterArgs, message: str) -> None:
    with pytest.raises(ValueError) as err:
        check_cluster_args(args)
    assert str(err.value) == message


# ---------------------------------------------------------------------------------------------- services


def service_args(**overrides: Any) -> FargateServiceArgs:
    values: dict[str, Any] = {
        "cluster_arn": "arn:cluster",
        "cluster_name": "c",
        "containers": [ContainerArgs(name="app", image=ImageUri("app:1"), port=80)],
        "cpu": 256,
        "memory": 512,
        "vpc_id": "vpc-1",
        "subnet_ids": ["subnet-1"],
        "subnet_count": 1,
        "security_group_ids": ["sg-1"],
        "region": "eu-west-2",
        "account_id": "123456789012",
        "family": "f",
        "log_group_name": "/ecs/f",
        "log_retention_days": 7,
        "parameter_prefix": "/p",
    }
    values.update(overrides)
    return FargateServiceArgs(**values)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"containers": []}, "Service `svc` needs at least one container."),
        ({"security_group_ids": []}, "Service `svc` needs at least one security group."),
        (
            {"security_group_ids": [f"sg-{i}" for i in range(6)]},
            "Service `svc` joins 6 security groups; a task joins at most 5 (botocore ecs "
            "AwsVpcConfiguration.securityGroups).",
        ),
        (
            {
                "containers": [ContainerArgs(name="app", image=ImageUri("a:1"))],
                "discovery": DiscoveryArgs("ns-1", "dev.local", "svc"),
            },
            "Service `svc` is routed or discoverable, so its main container `app` needs a port.",
        ),
        (
            {
                "containers": [
                    ContainerArgs(name="app", image=ImageUri("a:1"), mounts=[MountPoint("data", "/d")])
                ]
            },
            "Container `app` of `svc` mounts `data`, which is not a volume of the service (volumes: none).",
        ),
        (
            {"containers": [ContainerArgs(name="app", image=ImageUri("a:1"), secrets={"K": StoredRef("k")})]},
            "Container `app` of `svc` uses secret `k`, which the service does not define.",
        ),
        (
            {"containers": [ContainerArgs(name="app", image=ImageUri("a:1"), depends_on={"db": "START"})]},
            "Container `app` depends on `db`, which is not a container of this task (containers: app).",
        ),
        (
            {"containers": [ContainerArgs(name="app", image=ImageUri("a:1"), cpu=512)]},
            "The containers of `svc` reserve more cpu than the task's 256.",
        ),
        (
            {"autoscaling": AutoscalingArgs(min_capacity=1, max_capacity=2, requests_per_target=100)},
            "Autoscaling of `svc` on request count needs the service to be routed.",
        ),
    ],
)
def test_service_guards_run_on_plain_values(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as err:
        check_service_args("svc", service_args(**overrides))
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("stack", "label"),
    [
        ("dev", "dev"),
        ("pr-123", "pr-123"),
        ("eu.prod_2", "eu-prod-2-05a9"),
        ("__", "stack-9911"),
        ("-x-", "x-c6cf"),
    ],
)
def test_stack_label_keeps_only_characters_every_aws_name_accepts(stack: str, label: str) -> None:
    assert stack_label(stack) == label


def test_stacks_whose_names_sanitise_alike_get_distinct_labels() -> None:
    """Defect 5 of issue 9: `dev.1` and `dev_1` were both `dev-1`, sharing log groups, SSM paths, families."""
    assert (stack_label("dev.1"), stack_label("dev_1"), stack_label("dev-1")) == (
        "dev-1-ea54",
        "dev-1-9f32",
        "dev-1",
    )


@pytest.mark.parametrize(
    ("cidr", "subnets", "mask"),
    [
        ("10.0.0.0/16", 4, 20),
        ("10.0.0.0/16", 12, 20),
        ("10.0.0.0/24", 4, 26),
        ("10.0.0.0/24", 8, 27),
        ("10.0.0.0/22", 2, 23),
    ],
)
def test_subnet_mask_fits_every_subnet_in_the_vpc(cidr: str, subnets: int, mask: int) -> None:
    assert subnet_mask(cidr, subnets) == mask
    assert subnets * 2 ** (32 - mask) <= 2 ** (32 - int(cidr.split("/")[1]))


@pytest.mark.parametrize(("cidr", "subnets"), [("10.0.0.0/26", 12), ("10.0.0.0/24", 12)])
def test_subnet_mask_rejects_a_vpc_too_small(cidr: str, subnets: int) -> None:
    # /28 subnets would fit a /24 twelve times, but an ALB rejects subnets smaller than /27.
    with pytest.raises(ValueError) as err:
        subnet_mask(cidr, subnets)
    assert str(err.value) == (
        f"cidr_block {cidr} cannot hold {subnets} subnets of at least /27: use a larger VPC range or fewer "
        "availability zones."
    )


def test_service_guards_cover_secrets_storage_and_builds() -> None:
    composed = {"url": ComposedSecret("${pw}", {"${pw}": Placeholder("pw")})}
    with pytest.raises(ValueError) as err:
        check_service_args("svc", service_args(stored_secrets=composed))
    assert str(err.value) == (
        "Composed secret `url` refers to `pw`, which is not a generated or stack secret of this service."
    )
    with pytest.raises(ValueError) as err:
        check_service_args("svc", service_args(efs_volumes=[EfsVolume("data")], subnet_count=0))
    assert str(err.value) == "Service `svc` creates an EFS file system, which needs at least one subnet."
    built = [ContainerArgs(name="app", image=BuildImage("./app", 30), port=80)]
    with pytest.raises(ValueError) as err:
        check_service_args("svc", service_args(containers=built))
    assert str(err.value) == "Service `svc` builds the image of app: an image tag (the git SHA) is required."
    check_service_args("svc", service_args(containers=built, image_tag="abc123"))
