"""Fixed physical names of a recorded plan, and the names two stacks of one project would both claim.

Most resources are auto-named by Pulumi (`<logical>-<7 random chars>`), so two stacks never meet on them.
Some names are fixed by the program: log group names, SSM parameter names, task families, Cloud Map
namespaces. AWS keeps those unique per account and region (a task family is not rejected, but two stacks'
revisions would then interleave in one family, and a rollback could pick the other stack's). Offline the
account is unknown, so stacks are compared as if they shared one: a clash is reported when two stacks in one
region fix the same name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ops.offline.recorded_plan import Plan

FIXED_NAME_INPUTS: dict[str, tuple[str, str]] = {
    "aws:cloudwatch/logGroup:LogGroup": ("name", "log group"),
    "aws:ssm/parameter:Parameter": ("name", "SSM parameter"),
    "aws:ecs/taskDefinition:TaskDefinition": ("family", "task family"),
    "aws:ecs/cluster:Cluster": ("name", "ECS cluster"),
    "aws:lb/loadBalancer:LoadBalancer": ("name", "load balancer"),
    "aws:lb/targetGroup:TargetGroup": ("name", "target group"),
    "aws:iam/role:Role": ("name", "IAM role"),
    "aws:ecr/repository:Repository": ("name", "ECR repository"),
}
"""Resource type → (the input holding its physical name, what to call it). Unset inputs are auto-named."""

NAMESPACE = "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace"


@dataclass(frozen=True)
class PhysicalName:
    kind: str  # "log group", …
    name: str  # the name, qualified where AWS scopes it (a namespace by its VPC)
    urn: str


def physical_names(plan: Plan) -> list[PhysicalName]:
    """Every fixed physical name the plan would create, in registration order."""
    names: list[PhysicalName] = []
    for resource in plan.resources:
        if resource.type == NAMESPACE:
            # A private DNS namespace name may repeat in another VPC; within one VPC it conflicts.
            vpc, name = resource.inputs.get("vpc"), resource.inputs.get("name")
            if isinstance(vpc, str) and isinstance(name, str):
                names.append(PhysicalName("Cloud Map namespace", f"{name} in {vpc}", resource.urn))
            continue
        entry = FIXED_NAME_INPUTS.get(resource.type)
        if entry is None:
            continue
        value = resource.inputs.get(entry[0])
        if isinstance(value, str) and value:
            names.append(PhysicalName(entry[1], value, resource.urn))
    return names


def name_clashes(plans: Mapping[str, Plan]) -> list[str]:
    """One line per fixed name that two stacks (or two resources of one stack) in one region both claim."""
    owners: dict[tuple[str, str, str], list[str]] = {}
    for stack, plan in plans.items():
        for physical in physical_names(plan):
            owners.setdefault((plan.region, physical.kind, physical.name), []).append(stack)
    lines = []
    for (region, kind, name), stacks in owners.items():
        if len(stacks) < 2:
            continue
        distinct = sorted(set(stacks))
        if len(distinct) == 1:
            lines.append(f"{kind} {name} ({region}): stack {distinct[0]} creates it {len(stacks)} times")
        else:
            lines.append(
                f"{kind} {name} ({region}): stacks {', '.join(distinct)} would all create it in one account; "
                "rename a stack or deploy them to different accounts"
            )
    return lines
