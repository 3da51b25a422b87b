"""Cluster: ECS cluster settings, capacity providers, exec logging and the Cloud Map namespace."""

from __future__ import annotations

import pytest
from program_support import component_plan, of_type, one

from ops.offline.recording import Plan

CLUSTER_COMPONENT = "fargate-platform:index:Cluster"
CLUSTER = "aws:ecs/cluster:Cluster"
CAPACITY = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
NAMESPACE = "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return component_plan("cluster")


def test_children_are_parented_and_named_after_the_component(plan: Plan) -> None:
    for component in of_type(plan, CLUSTER_COMPONENT):
        children = [r for r in plan.resources if r.parent == component.urn]
        assert {c.type for c in children} >= {CLUSTER, CAPACITY}, component.urn
        for child in children:
            assert child.name.startswith(f"{component.name}-"), child.urn
    assert one(plan, CLUSTER, "spot-cluster").parent == one(plan, CLUSTER_COMPONENT, "spot").urn


def test_container_insights_setting(plan: Plan) -> None:
    assert one(plan, CLUSTER, "spot-cluster").inputs["settings"] == [
        {"name": "containerInsights", "value": "disabled"}
    ]
    assert one(plan, CLUSTER, "mixed-cluster").inputs["settings"] == [
        {"name": "containerInsights", "value": "enhanced"}
    ]


def test_capacity_provider_strategies(plan: Plan) -> None:
    spot = one(plan, CAPACITY, "spot-capacity")
    assert spot.inputs["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"], spot.urn
    assert spot.inputs["defaultCapacityProviderStrategies"] == [
        {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}
    ], spot.urn
    mixed = one(plan, CAPACITY, "mixed-capacity")
    assert mixed.inputs["defaultCapacityProviderStrategies"] == [
        {"capacityProvider": "FARGATE", "weight": 1, "base": 2},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0},
    ], mixed.urn
    assert one(plan, CLUSTER, "spot-cluster").urn in spot.depends_on, spot.urn


def test_namespace_only_when_configured(plan: Plan) -> None:
    ns = one(plan, NAMESPACE, "spot-ns")
    assert ns.inputs["name"] == "dev.local" and ns.inputs["vpc"] == "vpc-0123456789abcdef0", ns.urn
    assert [r.name for r in of_type(plan, NAMESPACE)] == ["spot-ns"]


def test_exec_logging_to_a_retained_log_group(plan: Plan) -> None:
    group = one(plan, LOG_GROUP, "mixed-exec")
    assert group.inputs["retentionInDays"] == 30 and group.retain_on_delete and not group.protect, group.urn
    cluster = one(plan, CLUSTER, "mixed-cluster")
    config = cluster.inputs["configuration"]["executeCommandConfiguration"]
    assert config["logging"] == "OVERRIDE", cluster.urn
    assert config["logConfiguration"]["cloudWatchLogGroupName"].startswith("mixed-exec-"), cluster.urn
    assert group.urn in cluster.depends_on, cluster.urn


def test_exec_configuration_only_when_exec_is_used(plan: Plan) -> None:
    assert "configuration" not in one(plan, CLUSTER, "plain-cluster").inputs
    default = one(plan, CLUSTER, "execdefault-cluster")
    assert default.inputs["configuration"] == {"executeCommandConfiguration": {"logging": "DEFAULT"}}, (
        default.urn
    )
    assert [r.name for r in of_type(plan, LOG_GROUP)] == ["mixed-exec"]
