"""The stack as the cost estimate reads it: type tokens, readers of plain resource dicts that treat unknown
values as "not known", the ``StackResource`` view and the expansion of awsx components.

Input shape: ``{"type", "name", "urn", "props"}`` (optionally ``"parent"``, a URN, and ``"dependencies"``, a
list of URNs), ``props`` being the resource's inputs with engine (camelCase) names. Values that are unknown
during preview (the Pulumi sentinel strings) read as None, so the estimate falls back to a documented
default and says so in its notes. (Unlike ``common.py``'s readers, which raise for the SDK to report: this
module imports only the standard library.)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Type tokens (kept here rather than shared: the estimate stands alone).
SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
CLUSTER = "aws:ecs/cluster:Cluster"
CLUSTER_CAPACITY_PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
AUTOSCALING_TARGET = "aws:appautoscaling/target:Target"
LOAD_BALANCERS_PRIMARY = "aws:lb/loadBalancer:LoadBalancer"
LOAD_BALANCERS = frozenset(
    f"aws:{module}/loadBalancer:LoadBalancer"
    for module in ("lb", "alb", "applicationloadbalancing", "elasticloadbalancingv2")
)
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"
AWSX_VPC = "awsx:ec2:Vpc"
AWSX_FARGATE_SERVICE = "awsx:ecs:FargateService"
AWSX_LOAD_BALANCER = "awsx:lb:ApplicationLoadBalancer"
AWSX_ECR_REPOSITORY = "awsx:ecr:Repository"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
CLOUD_MAP_INSTANCE = "aws:servicediscovery/instance:Instance"
SSM_PARAMETER = "aws:ssm/parameter:Parameter"
SECRETS_MANAGER_SECRET = "aws:secretsmanager/secret:Secret"
KMS_KEYS = frozenset({"aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey"})
ECR_REPOSITORY = "aws:ecr/repository:Repository"
EFS_FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"

FARGATE = "FARGATE"
FARGATE_SPOT = "FARGATE_SPOT"

_UNKNOWN_SENTINELS = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    }
)


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value in _UNKNOWN_SENTINELS


def value_at(obj: Any, *path: str | int) -> Any:
    """``obj[p0][p1]...`` or None when missing, unknown or of the wrong shape."""
    current = obj
    for key in path:
        if isinstance(key, int):
            if not _is_list(current) or not 0 <= key < len(current):
                return None
            current = current[key]
        else:
            if not isinstance(current, Mapping) or key not in current:
                return None
            current = current[key]
        if current is None or is_unknown(current):
            return None
    return current


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def list_of(value: Any) -> list[Any]:
    """The elements of a list-like value; [] for anything else."""
    return [value[i] for i in range(len(value))] if _is_list(value) else []


def number(value: Any) -> float | None:
    """A number from a number or a numeric string; None when unknown or not a number."""
    if value is None or isinstance(value, bool) or is_unknown(value):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def boolean(value: Any) -> bool | None:
    """A bool from a bool or a "true"/"false" string; else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


@dataclass
class StackResource:
    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    parent: str
    dependencies: tuple[str, ...]

    @staticmethod
    def of(raw: Mapping[str, Any]) -> StackResource:
        props = raw.get("props")
        if props is None:
            props = raw.get("properties", raw.get("inputs", {}))
        return StackResource(
            type=str(raw.get("type", "")),
            name=str(raw.get("name", "")),
            urn=str(raw.get("urn", "")),
            props=props if isinstance(props, Mapping) else {},
            parent=str(raw.get("parent") or ""),
            dependencies=tuple(str(d) for d in (raw.get("dependencies") or ())),
        )


def is_child_of(resource: StackResource, parent: StackResource) -> bool:
    """Whether ``resource`` is a child of the component ``parent``: by its recorded parent, or (no parent
    recorded) by its URN, whose qualified type starts with the component's type, and its derived name."""
    if resource.parent:
        return resource.parent == parent.urn
    return f"{parent.type}$" in resource.urn and resource.name.startswith(parent.name)


# ---------------------------------------------------------------------------------------------------------
# awsx components: under mocks only the component is registered (its children are invisible); in a real
# preview the children are visible too. A component is priced from its inputs only when none of the aws
# resources it creates is visible, so nothing is counted twice.
# ---------------------------------------------------------------------------------------------------------


def expand_awsx_components(stack: list[StackResource], notes: list[str]) -> list[StackResource]:
    """``stack`` plus the aws resources of its awsx components whose children are not visible."""
    out = list(stack)
    for component in stack:
        if component.type == AWSX_FARGATE_SERVICE:
            if not any(r.type == SERVICE and is_child_of(r, component) for r in stack):
                out.extend(_awsx_fargate_service(component))
                notes.append(f"{component.name}: priced from the awsx FargateService's inputs")
        elif component.type == AWSX_LOAD_BALANCER:
            if not any(r.type in LOAD_BALANCERS and is_child_of(r, component) for r in stack):
                props = component.props
                subnets = (
                    value_at(props, "subnetIds")
                    or value_at(props, "subnets")
                    or value_at(props, "subnetMappings")
                )
                lb_props = {k: value_at(props, k) for k in ("internal", "ipAddressType", "loadBalancerType")}
                out.append(_synthetic(component, LOAD_BALANCERS_PRIMARY, {**lb_props, "subnets": subnets}))
        elif component.type == AWSX_ECR_REPOSITORY and not any(
            r.type == ECR_REPOSITORY and is_child_of(r, component) for r in stack
        ):
            out.append(_synthetic(component, ECR_REPOSITORY, {}))
    return out


def _synthetic(
    component: StackResource, type_token: str, props: Mapping[str, Any], suffix: str = ""
) -> StackResource:
    return StackResource(
        type=type_token,
        name=component.name + suffix,
        urn=f"{component.urn}#{type_token}",
        props={k: v for k, v in props.items() if v is not None},
        parent=component.urn,
        dependencies=(),
    )


def _awsx_fargate_service(component: StackResource) -> list[StackResource]:
    """An aws:ecs/service and its task definition as the awsx FargateService would create them."""
    props = component.props
    network = dict(value_at(props, "networkConfiguration") or {})
    assign = value_at(props, "assignPublicIp")
    if assign is not None:
        network["assignPublicIp"] = assign
    strategies = value_at(props, "capacityProviderStrategies")
    use_cluster_default = boolean(value_at(props, "useClusterDefaultCapacityProviderStrategy"))
    launch_type = value_at(props, "launchType") or (None if strategies or use_cluster_default else FARGATE)
    desired = props.get("desiredCount") if isinstance(props, Mapping) else None
    service_props: dict[str, Any] = {
        "cluster": value_at(props, "cluster"),
        "desiredCount": 1 if desired is None else desired,  # awsx's default
        "capacityProviderStrategies": strategies,
        "launchType": launch_type,
        "networkConfiguration": network,
        "serviceRegistries": value_at(props, "serviceRegistries"),
    }
    args = value_at(props, "taskDefinitionArgs")
    if not isinstance(args, Mapping):
        service_props["taskDefinition"] = value_at(props, "taskDefinition")
        return [_synthetic(component, SERVICE, service_props)]
    family = f"{component.name}-task"
    service_props["taskDefinition"] = f"task-definition/{family}:1"
    containers = []
    single = value_at(args, "container")
    if isinstance(single, Mapping):
        containers.append(single)
    many = value_at(args, "containers")
    if isinstance(many, Mapping):
        containers.extend({"name": key, **value} for key, value in many.items() if isinstance(value, Mapping))
    td_props = {
        "family": family,
        "cpu": value_at(args, "cpu"),
        "memory": value_at(args, "memory"),
        "runtimePlatform": value_at(args, "runtimePlatform"),
        "ephemeralStorage": value_at(args, "ephemeralStorage"),
        "containerDefinitions": json.dumps(containers, default=str),
    }
    return [
        _synthetic(component, SERVICE, service_props),
        _synthetic(component, TASK_DEFINITION, td_props, suffix="-task"),
    ]
