"""The monthly cost estimate (policy/pricing.py) over plain resource dicts.

Expected values are computed here from the unit prices of reference/pricing.md (restated below), never by
calling the code under test; the worked floor of the reference is checked to the cent.
"""

from __future__ import annotations

import json
from typing import Any

import pricing
import pricing_fargate
import pytest

HOURS = 730
# reference/pricing.md, eu-west-2
EU = {
    "x86_vcpu": 0.04656,
    "x86_gb": 0.00511,
    "arm_vcpu": 0.03725,
    "arm_gb": 0.00409,
    "ephemeral": 0.000129,
    "alb": 0.02646,
    "lcu": 0.0084,
    "nat": 0.05,
    "nat_gb": 0.05,
    "ipv4": 0.005,
    "logs_gb": 0.5985,
    "logs_store": 0.0315,
    "metric": 0.30,
    "cloud_map": 0.10,
    "secret": 0.40,
    "kms": 1.00,
    "ecr": 0.10,
}
# reference/pricing.md, us-east-1
US = {"x86_vcpu": 0.04048, "x86_gb": 0.004445, "efs": 0.30, "alb": 0.0225}

NO_USAGE = pricing.Assumptions(alb_lcus=0, nat_gb_processed_per_month=0, log_gb_ingested_per_month=0)
ARN = "arn:aws:ecs:eu-west-2:123456789012"


def res(type_token: str, name: str, props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": type_token,
        "name": name,
        "urn": f"urn:pulumi:dev::proj::{type_token}::{name}",
        "props": props,
        **extra,
    }


def task_def(name: str = "web", cpu: str = "256", memory: str = "512", **props: Any) -> dict[str, Any]:
    return res(
        "aws:ecs/taskDefinition:TaskDefinition",
        f"{name}-td",
        {"family": name, "cpu": cpu, "memory": memory, **props},
    )


def service(name: str = "web", **props: Any) -> dict[str, Any]:
    base = {"taskDefinition": f"{ARN}:task-definition/{name}:1", "desiredCount": 1, "launchType": "FARGATE"}
    base.update(props)
    return res("aws:ecs/service:Service", name, {k: v for k, v in base.items() if v is not None})


def alb(name: str = "alb", **props: Any) -> dict[str, Any]:
    return res("aws:lb/loadBalancer:LoadBalancer", name, {"subnets": ["subnet-a", "subnet-b"], **props})


def items(est: pricing.Estimate, resource: str | None = None) -> dict[str, float]:
    return {i.name: round(i.monthly, 6) for i in est.line_items if resource is None or i.resource == resource}


def spot(provider_weights: list[tuple[str, int, int]]) -> list[dict[str, Any]]:
    return [{"capacityProvider": p, "weight": w, "base": b} for p, w, b in provider_weights]


# ---------------------------------------------------------------------------------------------------------
# The worked floor of reference/pricing.md
# ---------------------------------------------------------------------------------------------------------


def test_worked_floor_eu_west_2_alb_and_its_two_addresses() -> None:
    est = pricing.estimate([alb()], "eu-west-2", NO_USAGE)

    assert items(est) == {
        "ALB hours": pytest.approx(EU["alb"] * HOURS),
        "ALB public IPv4 addresses (2 AZs)": pytest.approx(2 * EU["ipv4"] * HOURS),
    }
    assert round(EU["alb"] * HOURS, 2) == 19.32 and round(2 * EU["ipv4"] * HOURS, 2) == 7.30
    assert round(est.total, 2) == 26.62


def test_worked_floor_one_quarter_vcpu_task_on_demand_spot_and_public_ip() -> None:
    task_hour = 0.25 * EU["x86_vcpu"] + 0.5 * EU["x86_gb"]
    on_demand = pricing.estimate([task_def(), service()], "eu-west-2", NO_USAGE)
    on_spot = pricing.estimate(
        [
            task_def(),
            service(
                launchType=None,
                capacityProviderStrategies=spot([("FARGATE_SPOT", 1, 0)]),
                networkConfiguration={"assignPublicIp": True},
            ),
        ],
        "eu-west-2",
        NO_USAGE,
    )

    assert items(on_demand) == {"Fargate on-demand x86 (0.25 vCPU, 0.5 GB)": pytest.approx(task_hour * HOURS)}
    assert round(on_demand.total, 2) == 10.36
    assert items(on_spot) == {
        "Fargate Spot x86 (0.25 vCPU, 0.5 GB, 70% off)": pytest.approx(task_hour * 0.3 * HOURS),
        "public IPv4 address per task": pytest.approx(EU["ipv4"] * HOURS),
    }
    assert round(task_hour * 0.3 * HOURS, 2) == 3.11
    assert round(EU["ipv4"] * HOURS, 2) == 3.65


def test_worked_floor_one_nat_gateway_and_its_address() -> None:
    vpc = res("awsx:ec2:Vpc", "vpc", {"natGateways": {"strategy": "Single"}, "numberOfAvailabilityZones": 2})
    est = pricing.estimate([vpc], "eu-west-2", NO_USAGE)

    assert items(est) == {
        "NAT gateway (strategy Single) hours": pytest.approx(EU["nat"] * HOURS),
        "NAT gateway public IPv4 (Elastic IP)": pytest.approx(EU["ipv4"] * HOURS),
    }
    assert round(est.total, 2) == round(36.50 + 3.65, 2)


# ---------------------------------------------------------------------------------------------------------
# Fargate: regions, architectures, capacity providers, desired count, storage, addresses
# ---------------------------------------------------------------------------------------------------------


def test_us_east_1_x86_two_tasks_on_demand() -> None:
    est = pricing.estimate(
        [task_def(cpu="1024", memory="2048"), service(desiredCount=2)], "us-east-1", NO_USAGE
    )

    expected = 2 * HOURS * (1 * US["x86_vcpu"] + 2 * US["x86_gb"])
    assert items(est) == {"Fargate on-demand x86 (1 vCPU, 2 GB)": pytest.approx(expected)}
    assert est.region == "us-east-1"
    assert est.total == pytest.approx(expected)


def test_arm_tasks_use_the_arm_rates() -> None:
    td = task_def(
        cpu="512",
        memory="1024",
        runtimePlatform={"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
    )
    est = pricing.estimate([td, service()], "eu-west-2", NO_USAGE)

    expected = HOURS * (0.5 * EU["arm_vcpu"] + 1 * EU["arm_gb"])
    assert items(est) == {"Fargate on-demand ARM (0.5 vCPU, 1 GB)": pytest.approx(expected)}


def test_arm_spot_share_is_priced_at_the_arm_spot_rate() -> None:
    # The ECS API reference: FARGATE_SPOT supports ARM64 Linux tasks on platform version 1.4.0 or later.
    td = task_def(runtimePlatform={"cpuArchitecture": "ARM64"})
    svc = service(launchType=None, desiredCount=2, capacityProviderStrategies=spot([("FARGATE_SPOT", 1, 0)]))
    est = pricing.estimate([td, svc], "eu-west-2", NO_USAGE)

    expected = 2 * HOURS * (0.25 * EU["arm_vcpu"] + 0.5 * EU["arm_gb"]) * 0.3
    assert items(est) == {"Fargate Spot ARM (0.25 vCPU, 0.5 GB, 70% off)": pytest.approx(expected)}
    assert est.notes == ()


def test_spot_split_by_base_then_weights() -> None:
    # 5 tasks: 1 base on FARGATE, the other 4 split 1:3 -> 2 on demand, 3 on Spot.
    strategy = spot([("FARGATE", 1, 1), ("FARGATE_SPOT", 3, 0)])
    est = pricing.estimate(
        [task_def(), service(launchType=None, desiredCount=5, capacityProviderStrategies=strategy)],
        "eu-west-2",
        NO_USAGE,
    )

    task_hour = 0.25 * EU["x86_vcpu"] + 0.5 * EU["x86_gb"]
    quantities = {i.name: i.quantity for i in est.line_items}
    assert quantities == {
        "Fargate on-demand x86 (0.25 vCPU, 0.5 GB)": 2 * HOURS,
        "Fargate Spot x86 (0.25 vCPU, 0.5 GB, 70% off)": 3 * HOURS,
    }
    assert est.total == pytest.approx(2 * HOURS * task_hour + 3 * HOURS * task_hour * 0.3)


def test_split_tasks_base_larger_than_desired_count_puts_all_on_the_base_provider() -> None:
    strategies = pricing_fargate.parse_strategies(spot([("FARGATE", 1, 3), ("FARGATE_SPOT", 1, 0)]))
    assert pricing.split_tasks(2, strategies) == {"FARGATE": 2, "FARGATE_SPOT": 0}
    assert pricing.split_tasks(7, strategies) == {"FARGATE": 5, "FARGATE_SPOT": 2}


def test_cluster_default_strategy_applies_when_the_service_has_none() -> None:
    providers = res(
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
        "main-providers",
        {
            "clusterName": "main",
            "defaultCapacityProviderStrategies": spot([("FARGATE_SPOT", 1, 0)]),
        },
    )
    svc = service(launchType=None, cluster=f"{ARN}:cluster/main", desiredCount=2)
    est = pricing.estimate([providers, task_def(), svc], "eu-west-2", NO_USAGE)

    assert [(i.name, i.quantity) for i in est.line_items] == [
        ("Fargate Spot x86 (0.25 vCPU, 0.5 GB, 70% off)", 2 * HOURS)
    ]


def test_explicit_fargate_launch_type_ignores_the_cluster_default() -> None:
    providers = res(
        "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
        "main-providers",
        {"clusterName": "main", "defaultCapacityProviderStrategies": spot([("FARGATE_SPOT", 1, 0)])},
    )
    est = pricing.estimate(
        [providers, task_def(), service(cluster=f"{ARN}:cluster/main")], "eu-west-2", NO_USAGE
    )

    assert [i.name for i in est.line_items] == ["Fargate on-demand x86 (0.25 vCPU, 0.5 GB)"]


def test_autoscaling_minimum_sets_the_task_count() -> None:
    target = res(
        "aws:appautoscaling/target:Target",
        "web-scaling",
        {"resourceId": "service/main/web", "scalableDimension": "ecs:service:DesiredCount", "minCapacity": 3},
    )
    est = pricing.estimate([task_def(), service(desiredCount=1), target], "eu-west-2", NO_USAGE)

    assert [i.quantity for i in est.line_items] == [3 * HOURS]
    assert est.notes == ("web: priced at the autoscaling minimum of 3 task(s)",)


def test_autoscaling_target_matched_by_parent_only_when_unambiguous() -> None:
    parent = "urn:pulumi:dev::proj::fargate-platform:index:FargateService::web"
    target = res(
        "aws:appautoscaling/target:Target",
        "web-scaling",
        {"resourceId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "minCapacity": 4},
        parent=parent,
    )
    one = pricing.estimate([task_def(), dict(service(), parent=parent), target], "eu-west-2", NO_USAGE)
    two = pricing.estimate(
        [task_def(), dict(service(), parent=parent), dict(service("api"), parent=parent), target],
        "eu-west-2",
        NO_USAGE,
    )

    assert [i.quantity for i in one.line_items] == [4 * HOURS]
    assert [i.quantity for i in two.line_items if i.resource == "web"] == [1 * HOURS]  # desiredCount


def test_unknown_desired_count_assumes_the_default_and_says_so() -> None:
    unknown_number = "3eeb2bf0-c639-47a8-9e75-3b44932eb421"
    est = pricing.estimate(
        [task_def(), service(desiredCount=unknown_number)],
        "eu-west-2",
        pricing.Assumptions(alb_lcus=0, default_desired_count=2),
    )

    assert [i.quantity for i in est.line_items] == [2 * HOURS]
    assert est.notes == ("web: desired count unknown during preview; assumed 2 task(s)",)


def test_task_definition_found_through_dependencies_when_the_arn_is_unknown() -> None:
    td = task_def()
    svc = service(taskDefinition="04da6b54-80e4-46f7-96ec-b56ff0331ba9")
    svc["dependencies"] = [td["urn"]]
    est = pricing.estimate([td, svc], "eu-west-2", NO_USAGE)

    assert [i.name for i in est.line_items] == ["Fargate on-demand x86 (0.25 vCPU, 0.5 GB)"]


def test_service_without_its_task_definition_is_noted_not_priced() -> None:
    est = pricing.estimate([service()], "eu-west-2", NO_USAGE)

    assert est.line_items == ()
    assert est.notes == ("web: its task definition was not found in the stack; tasks not priced",)


def test_ephemeral_storage_above_20_gb_is_priced_per_task() -> None:
    td = task_def(ephemeralStorage={"sizeInGib": 50})
    est = pricing.estimate([td, service(desiredCount=2)], "eu-west-2", NO_USAGE)

    assert items(est)["ephemeral storage above 20 GB (30 GB per task)"] == pytest.approx(
        30 * 2 * HOURS * EU["ephemeral"]
    )
    at_default = pricing.estimate(
        [task_def(ephemeralStorage={"sizeInGib": 20}), service()], "eu-west-2", NO_USAGE
    )
    assert [i.name for i in at_default.line_items] == ["Fargate on-demand x86 (0.25 vCPU, 0.5 GB)"]


def test_public_ipv4_counted_per_task_only_with_assign_public_ip() -> None:
    public = pricing.estimate(
        [task_def(), service(desiredCount=3, networkConfiguration={"assignPublicIp": True})],
        "eu-west-2",
        NO_USAGE,
    )
    private = pricing.estimate(
        [task_def(), service(desiredCount=3, networkConfiguration={"assignPublicIp": False})],
        "eu-west-2",
        NO_USAGE,
    )

    assert items(public)["public IPv4 address per task"] == pytest.approx(3 * HOURS * EU["ipv4"])
    assert "public IPv4 address per task" not in items(private)


def test_non_fargate_and_windows_tasks_are_not_guessed() -> None:
    ec2 = pricing.estimate([task_def(), service(launchType="EC2")], "eu-west-2", NO_USAGE)
    windows = pricing.estimate(
        [task_def(runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"}), service()],
        "eu-west-2",
        NO_USAGE,
    )

    assert ec2.line_items == () and ec2.notes == ("web: launch type EC2 is not Fargate; not priced",)
    assert windows.line_items == ()
    assert windows.missing == (
        "web: Fargate WINDOWS_SERVER_2022_CORE has no price in the table; 1 task(s) left out of the total",
    )


# ---------------------------------------------------------------------------------------------------------
# Load balancers and NAT
# ---------------------------------------------------------------------------------------------------------


def test_alb_addresses_one_per_subnet_at_least_two_and_none_when_internal() -> None:
    three = pricing.estimate([alb(subnets=["a", "b", "c"])], "eu-west-2", NO_USAGE)
    unknown_subnets = pricing.estimate([alb(subnets=None)], "eu-west-2", NO_USAGE)
    internal = pricing.estimate([alb(internal=True)], "eu-west-2", NO_USAGE)

    assert items(three)["ALB public IPv4 addresses (3 AZs)"] == pytest.approx(3 * HOURS * EU["ipv4"])
    assert items(unknown_subnets)["ALB public IPv4 addresses (2 AZs)"] == pytest.approx(
        2 * HOURS * EU["ipv4"]
    )
    assert unknown_subnets.notes == ("alb: subnets unknown; assumed 2 AZs (public IPv4 count)",)
    assert items(internal) == {"ALB hours": pytest.approx(HOURS * EU["alb"])}


def test_alb_alias_type_tokens_are_priced_and_nlb_is_reported_missing() -> None:
    alias = dict(alb(), type="aws:alb/loadBalancer:LoadBalancer")
    nlb = alb("nlb", loadBalancerType="network")
    est = pricing.estimate([alias, nlb], "us-east-1", NO_USAGE)

    assert items(est, "alb")["ALB hours"] == pytest.approx(HOURS * US["alb"])
    assert items(est, "nlb") == {}
    assert est.missing == ("nlb: network load balancers have no price in the table",)


def test_alb_lcu_assumption() -> None:
    est = pricing.estimate([alb()], "eu-west-2", pricing.Assumptions(alb_lcus=2.5))

    assert items(est)["ALB LCUs (assumed 2.5 LCU)"] == pytest.approx(2.5 * HOURS * EU["lcu"])


@pytest.mark.parametrize(
    ("nat_gateways", "azs", "expected"),
    [
        ({"strategy": "None"}, 3, 0),
        ({"strategy": "Single"}, 3, 1),
        ({"strategy": "OnePerAz"}, 3, 3),
        (None, 2, 2),  # awsx default: one per AZ when public and private subnets exist
    ],
)
def test_awsx_vpc_nat_strategy_times_azs(
    nat_gateways: dict[str, str] | None, azs: int, expected: int
) -> None:
    props: dict[str, Any] = {"numberOfAvailabilityZones": azs}
    if nat_gateways is not None:
        props["natGateways"] = nat_gateways
    est = pricing.estimate([res("awsx:ec2:Vpc", "vpc", props)], "eu-west-2", NO_USAGE)

    hours = sum(i.quantity for i in est.line_items if i.unit == "hours")
    addresses = sum(i.quantity for i in est.line_items if i.unit == "IPv4-hours")
    assert hours == expected * HOURS
    assert addresses == expected * HOURS
    assert est.total == pytest.approx(expected * HOURS * (EU["nat"] + EU["ipv4"]))


def test_nat_gateways_of_an_awsx_vpc_are_never_counted_twice() -> None:
    vpc = res(
        "awsx:ec2:Vpc", "vpc", {"natGateways": {"strategy": "OnePerAz"}, "numberOfAvailabilityZones": 3}
    )
    children = [
        res("aws:ec2/natGateway:NatGateway", f"vpc-{i}", {"subnetId": f"s{i}"}, parent=vpc["urn"])
        for i in range(3)
    ]
    est = pricing.estimate([vpc, *children], "eu-west-2", NO_USAGE)

    assert sum(i.quantity for i in est.line_items if i.unit == "hours") == 3 * HOURS
    assert {i.resource for i in est.line_items} == {"vpc-0", "vpc-1", "vpc-2"}


def test_standalone_nat_gateway_plus_vpc_without_nat_and_the_assumed_gigabytes() -> None:
    vpc = res("awsx:ec2:Vpc", "vpc", {"natGateways": {"strategy": "None"}})
    nat = res("aws:ec2/natGateway:NatGateway", "nat", {"subnetId": "s1"})
    private_nat = res("aws:ec2/natGateway:NatGateway", "pnat", {"connectivityType": "private"})
    est = pricing.estimate(
        [vpc, nat, private_nat], "eu-west-2", pricing.Assumptions(nat_gb_processed_per_month=40)
    )

    assert items(est, "nat") == {
        "NAT gateway hours": pytest.approx(HOURS * EU["nat"]),
        "NAT gateway public IPv4 (Elastic IP)": pytest.approx(HOURS * EU["ipv4"]),
    }
    assert items(est, "pnat") == {"NAT gateway hours": pytest.approx(HOURS * EU["nat"])}
    assert items(est, "NAT gateways") == {
        "NAT data processed (assumed 40 GB)": pytest.approx(40 * EU["nat_gb"])
    }
    assert items(est, "vpc") == {}


def test_alb_without_public_ipv4_addresses_when_dualstack_without_public_ipv4() -> None:
    est = pricing.estimate([alb(ipAddressType="dualstack-without-public-ipv4")], "eu-west-2", NO_USAGE)
    assert items(est) == {"ALB hours": pytest.approx(HOURS * EU["alb"])}


# ---------------------------------------------------------------------------------------------------------
# awsx components: priced from their inputs only when their aws children are not visible
# ---------------------------------------------------------------------------------------------------------

AWSX_SERVICE_PROPS: dict[str, Any] = {
    "assignPublicIp": True,
    "capacityProviderStrategies": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
    "taskDefinitionArgs": {
        "cpu": "512",
        "memory": "1024",
        "container": {
            "name": "api",
            "image": "api:1",
            "secrets": [
                {"name": "K", "valueFrom": "arn:aws:secretsmanager:eu-west-2:1:secret:api/key-AbCdEf"}
            ],
        },
    },
}


def test_awsx_fargate_service_alone_is_priced_from_its_inputs() -> None:
    est = pricing.estimate([res("awsx:ecs:FargateService", "api", AWSX_SERVICE_PROPS)], "eu-west-2", NO_USAGE)

    task_hour = 0.5 * EU["x86_vcpu"] + 1 * EU["x86_gb"]
    assert items(est) == {  # awsx's default desired count is 1
        "Fargate Spot x86 (0.5 vCPU, 1 GB, 70% off)": pytest.approx(HOURS * task_hour * 0.3),
        "public IPv4 address per task": pytest.approx(HOURS * EU["ipv4"]),
        "Secrets Manager secret 'api/key' (referenced)": pytest.approx(EU["secret"]),
    }
    assert est.notes == ("api: priced from the awsx FargateService's inputs",)


def test_awsx_fargate_service_with_visible_children_is_priced_once() -> None:
    component = res("awsx:ecs:FargateService", "api", AWSX_SERVICE_PROPS)
    child_td = dict(task_def("api", cpu="256", memory="512"), parent=component["urn"])
    child_service = dict(service("api", desiredCount=3), parent=component["urn"])
    est = pricing.estimate([component, child_td, child_service], "eu-west-2", NO_USAGE)

    assert [(i.name, i.quantity) for i in est.line_items] == [
        ("Fargate on-demand x86 (0.25 vCPU, 0.5 GB)", 3 * HOURS)
    ]
    assert est.notes == ()


def test_awsx_load_balancer_and_ecr_repository_alone_and_with_children() -> None:
    lb = res("awsx:lb:ApplicationLoadBalancer", "web", {"subnetIds": ["a", "b", "c"]})
    repo = res("awsx:ecr:Repository", "images", {})
    alone = pricing.estimate([lb, repo], "eu-west-2", NO_USAGE)
    child_lb = dict(alb("web-lb"), parent=lb["urn"])
    child_repo = dict(res("aws:ecr/repository:Repository", "images-repo", {}), parent=repo["urn"])
    with_children = pricing.estimate([lb, repo, child_lb, child_repo], "eu-west-2", NO_USAGE)

    assert items(alone) == {
        "ALB hours": pytest.approx(HOURS * EU["alb"]),
        "ALB public IPv4 addresses (3 AZs)": pytest.approx(3 * HOURS * EU["ipv4"]),
        "ECR storage (assumed 1 GB)": pytest.approx(EU["ecr"]),
    }
    assert {i.resource for i in with_children.line_items} == {"web-lb", "images-repo"}
    assert items(with_children, "web-lb")["ALB public IPv4 addresses (2 AZs)"] == pytest.approx(
        2 * HOURS * EU["ipv4"]
    )


# ---------------------------------------------------------------------------------------------------------
# Logs, Container Insights, Cloud Map, secrets, keys, storage
# ---------------------------------------------------------------------------------------------------------


def test_log_ingestion_and_storage_by_retention() -> None:
    groups = [
        res("aws:cloudwatch/logGroup:LogGroup", "web-logs", {"retentionInDays": 30}),
        res("aws:cloudwatch/logGroup:LogGroup", "forever", {}),
    ]
    est = pricing.estimate(groups, "eu-west-2", pricing.Assumptions(log_gb_ingested_per_month=2))

    assert items(est, "web-logs") == {
        "log ingestion (assumed 2 GB)": pytest.approx(2 * EU["logs_gb"]),
        "log storage (30 days retained)": pytest.approx(2 * 1 * EU["logs_store"]),
    }
    assert items(est, "forever")["log storage (never expires: 12 months assumed)"] == pytest.approx(
        2 * 12 * EU["logs_store"]
    )


def test_container_insights_classic_metrics_and_enhanced_reported_missing() -> None:
    cluster = res(
        "aws:ecs/cluster:Cluster", "main", {"settings": [{"name": "containerInsights", "value": "enabled"}]}
    )
    est = pricing.estimate(
        [cluster, task_def(), service("a"), service("b")], "eu-west-2", pricing.Assumptions(alb_lcus=0)
    )
    enhanced = pricing.estimate(
        [
            res(
                "aws:ecs/cluster:Cluster",
                "main",
                {"settings": [{"name": "containerInsights", "value": "enhanced"}]},
            )
        ],
        "eu-west-2",
    )

    (insights,) = [i for i in est.line_items if i.resource == "main"]
    assert insights.quantity == 15 + 15 * 2
    assert insights.monthly == pytest.approx(45 * EU["metric"])
    assert enhanced.line_items == ()
    assert enhanced.missing == (
        "main: Container Insights with enhanced observability is billed per observation; price not found, "
        "left out of the total",
    )


def test_cloud_map_instances_one_per_task() -> None:
    svc = service(
        desiredCount=2,
        serviceRegistries={"registryArn": "arn:aws:servicediscovery:eu-west-2:1:service/srv-1"},
    )
    est = pricing.estimate([task_def(), svc], "eu-west-2", NO_USAGE)

    assert items(est)["Cloud Map registered instances (one per task)"] == pytest.approx(2 * EU["cloud_map"])


def test_secrets_created_and_referenced_counted_once_each_and_kms_keys() -> None:
    created = res("aws:secretsmanager/secret:Secret", "db", {"name": "app/db"})
    containers = [
        {
            "name": "web",
            "secrets": [
                {
                    "name": "A",
                    "valueFrom": "arn:aws:secretsmanager:eu-west-2:1:secret:app/db-AbC123:password::",
                },
                {"name": "B", "valueFrom": "arn:aws:secretsmanager:eu-west-2:1:secret:shared/api-XyZ789"},
                {
                    "name": "C",
                    "valueFrom": "arn:aws:secretsmanager:eu-west-2:1:secret:shared/api-XyZ789:key::",
                },
                {"name": "D", "valueFrom": "arn:aws:ssm:eu-west-2:1:parameter/web/token"},
            ],
        }
    ]
    td = task_def(containerDefinitions=json.dumps(containers))
    key = res("aws:kms/key:Key", "logs-key", {})
    est = pricing.estimate([created, td, key], "eu-west-2", NO_USAGE)

    assert items(est) == {
        "Secrets Manager secret (created)": pytest.approx(EU["secret"]),
        "Secrets Manager secret 'shared/api' (referenced)": pytest.approx(EU["secret"]),
        "KMS customer-managed key": pytest.approx(EU["kms"]),
    }


def test_efs_priced_where_known_and_reported_missing_in_eu_west_2() -> None:
    fs = res("aws:efs/fileSystem:FileSystem", "data", {"encrypted": True})
    us = pricing.estimate([fs], "us-east-1", pricing.Assumptions(efs_gb_stored=10))
    eu = pricing.estimate([fs], "eu-west-2", pricing.Assumptions(efs_gb_stored=10))

    assert items(us) == {"EFS Standard storage (assumed 10 GB)": pytest.approx(10 * US["efs"])}
    assert eu.line_items == () and eu.total == 0
    assert eu.missing == (
        "data: EFS Standard storage (assumed 10 GB) (10 GB-months) has no efs_standard_gb_month price for "
        "eu-west-2; left out of the total",
    )


def test_ecr_storage_assumption() -> None:
    est = pricing.estimate(
        [res("aws:ecr/repository:Repository", "web", {})], "eu-west-2", pricing.Assumptions(ecr_gb_stored=3)
    )
    assert items(est) == {"ECR storage (assumed 3 GB)": pytest.approx(3 * EU["ecr"])}


# ---------------------------------------------------------------------------------------------------------
# Regions, assumptions, output
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["ap-south-1", None, ""])
def test_unknown_region_is_reported_not_guessed(region: str | None) -> None:
    with pytest.raises(pricing.UnknownRegionError) as err:
        pricing.estimate([alb()], region)

    shown = f"region {region!r}" if region else "an unknown region"
    assert str(err.value) == (
        f"No prices for {shown}; supported regions: eu-west-2, us-east-1. Set aws:region to a supported "
        "region, or add the region's prices (with source and date) to policy/prices.json."
    )


def test_every_region_states_its_source_and_date() -> None:
    for region, table in pricing.PRICES.items():
        assert table.region == region
        assert table.source and table.date


def test_assumptions_from_camel_case_mapping_ignores_other_keys_and_rejects_non_numbers() -> None:
    a = pricing.Assumptions.from_mapping({"albLcus": 3, "log_gb_ingested_per_month": 0.5, "maxMonthlyUsd": 1})
    assert (a.alb_lcus, a.log_gb_ingested_per_month, a.hours_per_month) == (3.0, 0.5, 730.0)

    with pytest.raises(ValueError, match=r"^assumption 'albLcus' must be a number, got 'many'$"):
        pricing.Assumptions.from_mapping({"albLcus": "many"})


def test_assumptions_override_changes_hours_everywhere() -> None:
    est = pricing.estimate(
        [alb(), task_def(), service()], "eu-west-2", pricing.Assumptions(hours_per_month=720, alb_lcus=0)
    )

    task_hour = 0.25 * EU["x86_vcpu"] + 0.5 * EU["x86_gb"]
    assert est.total == pytest.approx(720 * (EU["alb"] + 2 * EU["ipv4"] + task_hour))


def test_total_is_the_sum_of_line_items_and_json_carries_them() -> None:
    est = pricing.estimate(
        [alb(), task_def(), service(), res("aws:cloudwatch/logGroup:LogGroup", "lg", {"retentionInDays": 7})],
        "eu-west-2",
    )
    data = est.to_json()

    assert est.total == pytest.approx(sum(i.monthly for i in est.line_items))
    assert data["total"] == round(est.total, 2)
    assert [i["name"] for i in data["lineItems"]] == [i.name for i in est.line_items]
    assert data["assumptions"]["albLcus"] == 1.0
    assert est.by_category()["load-balancing"] == pytest.approx(HOURS * (EU["alb"] + EU["lcu"]))


def test_format_estimate_prints_items_assumptions_and_total() -> None:
    est = pricing.estimate([alb(), task_def(), service()], "eu-west-2", NO_USAGE)
    text = pricing.format_estimate(est)
    lines = text.splitlines()

    assert lines[0].startswith("Estimated monthly cost, eu-west-2 (prices: AWS pricing pages")
    assert any(
        line.split() == ["alb", "ALB", "hours", "730", "hours", "$0.02646", "$19.32"] for line in lines
    )
    assert "  Total: $36.98 per month" in lines  # 19.32 + 7.30 + 10.36
    assert "    albLcus = 0  (average LCUs per ALB per hour)" in lines
    assert "    hoursPerMonth = 730  (hours in a month)" in lines


def test_docs_assumption_table_matches_the_defaults() -> None:
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "pricing.md").read_text(encoding="utf-8")
    for key, value in pricing.Assumptions().as_dict().items():
        row = f"| `{pricing.camel_case(key)}` | {value:g} | {pricing.ASSUMPTION_DOCS[key]} |"
        assert row in docs, row


def test_format_estimate_lists_what_is_not_priced_and_the_notes() -> None:
    fs = res("aws:efs/fileSystem:FileSystem", "data", {})
    est = pricing.estimate([fs, service()], "eu-west-2", NO_USAGE)
    lines = pricing.format_estimate(est).splitlines()

    assert "  Total: $0.00 per month" in lines
    assert lines[lines.index("  Not priced (price not found):") + 1] == (
        "    - data: EFS Standard storage (assumed 1 GB) (1 GB-months) has no efs_standard_gb_month price "
        "for eu-west-2; left out of the total"
    )
    assert lines[-2:] == [
        "  Notes:",
        "    - web: its task definition was not found in the stack; tasks not priced",
    ]
    assert est.to_json()["missing"] == list(est.missing) and est.to_json()["notes"] == list(est.notes)
