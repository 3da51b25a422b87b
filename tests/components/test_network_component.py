"""Network: awsx VPC inputs, security groups and every rule (recorded from programs/network.py)."""

from __future__ import annotations

import re

import pytest
from program_support import component_plan, of_type, one

from ops.offline.recording import Plan, RecordedResource

NETWORK = "fargate-platform:index:Network"
VPC = "awsx:ec2:Vpc"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return component_plan("network")


def sg_ids(plan: Plan) -> dict[str, str]:
    """Security group name → id, read from the rules that depend on that group alone."""
    out: dict[str, str] = {}
    for sg in of_type(plan, SG):
        for rule in of_type(plan, INGRESS) + of_type(plan, EGRESS):
            if rule.depends_on == (sg.urn,):
                out[sg.name] = rule.inputs["securityGroupId"]
    return out


def rules_of(plan: Plan, type_: str, group_id: str) -> list[RecordedResource]:
    return [r for r in of_type(plan, type_) if r.inputs["securityGroupId"] == group_id]


def test_every_child_is_parented_and_named_after_its_component(plan: Plan) -> None:
    for component in of_type(plan, NETWORK):
        children = [r for r in plan.resources if r.parent == component.urn]
        assert children, f"{component.urn} has no children"
        for child in children:
            assert child.name.startswith(f"{component.name}-"), (
                f"{child.urn} is not named after {component.name}"
            )
    assert all(r.parent for r in plan.resources if r.type != NETWORK)


def test_new_vpc_without_nat_has_only_public_subnets(plan: Plan) -> None:
    vpc = one(plan, VPC, "fresh-vpc")
    assert vpc.parent == one(plan, NETWORK, "fresh").urn, vpc.urn
    assert vpc.inputs["natGateways"] == {"strategy": "None"}, vpc.urn
    assert vpc.inputs["subnetSpecs"] == [{"type": "Public", "cidrMask": 20}], vpc.urn
    assert vpc.inputs["numberOfAvailabilityZones"] == 2, vpc.urn
    assert vpc.inputs["cidrBlock"] == "10.1.0.0/16", vpc.urn
    assert len(plan.outputs["freshPublic"]) == 2
    assert plan.outputs["freshPrivate"] == []


def test_new_vpc_with_nat_per_az_has_private_subnets(plan: Plan) -> None:
    vpc = one(plan, VPC, "nat-vpc")
    assert vpc.inputs["natGateways"] == {"strategy": "OnePerAz"}, vpc.urn
    assert [s["type"] for s in vpc.inputs["subnetSpecs"]] == ["Public", "Private"], vpc.urn
    assert len(plan.outputs["natPrivate"]) == 3


def test_existing_vpc_creates_no_vpc_and_uses_the_given_ids(plan: Plan) -> None:
    assert sorted(r.name for r in of_type(plan, VPC)) == ["fresh-vpc", "nat-vpc"]
    assert one(plan, SG, "existing-alb").inputs["vpcId"] == "vpc-0123456789abcdef0"
    assert plan.outputs["existingPublic"] == ["subnet-0000000000000000a", "subnet-0000000000000000b"]
    assert plan.outputs["existingPrivate"] == ["subnet-0000000000000000c"]


def test_load_balancer_group_is_open_only_on_its_listener_ports(plan: Plan) -> None:
    ids = sg_ids(plan)
    ingress = rules_of(plan, INGRESS, ids["fresh-alb"])
    seen = sorted(
        (r.inputs["fromPort"], r.inputs["toPort"], r.inputs.get("cidrIpv4", ""), r.inputs.get("cidrIpv6", ""))
        for r in ingress
    )
    assert seen == [
        (80, 80, "", "::/0"),
        (80, 80, "0.0.0.0/0", ""),
        (443, 443, "", "::/0"),
        (443, 443, "0.0.0.0/0", ""),
    ]
    only_http = rules_of(plan, INGRESS, ids["nat-alb"])
    assert sorted(r.inputs["fromPort"] for r in only_http) == [80, 80]


def test_load_balancer_group_sends_only_to_routed_task_groups(plan: Plan) -> None:
    ids = sg_ids(plan)
    egress = rules_of(plan, EGRESS, ids["fresh-alb"])
    assert [(r.inputs["referencedSecurityGroupId"], r.inputs["fromPort"]) for r in egress] == [
        (ids["fresh-api-tasks"], 8000)
    ]


def test_task_groups_accept_only_the_load_balancer_and_allowed_peers(plan: Plan) -> None:
    ids = sg_ids(plan)
    api_in = rules_of(plan, INGRESS, ids["fresh-api-tasks"])
    peers = one(plan, SG, "fresh-peers")
    peers_id = one(plan, INGRESS, "fresh-api-from-peers").inputs["referencedSecurityGroupId"]
    assert peers.urn in one(plan, INGRESS, "fresh-api-from-peers").depends_on
    assert sorted((r.name, r.inputs["referencedSecurityGroupId"], r.inputs["fromPort"]) for r in api_in) == [
        ("fresh-api-from-alb", ids["fresh-alb"], 8000),
        ("fresh-api-from-peers", peers_id, 8000),
    ]
    assert not [
        r for r in of_type(plan, INGRESS) + of_type(plan, EGRESS) if r.inputs["securityGroupId"] == peers_id
    ]
    assert [sg.name for sg in of_type(plan, SG) if sg.name.endswith("-peers")] == ["fresh-peers"]
    assert rules_of(plan, INGRESS, ids["fresh-worker-tasks"]) == []
    for rule in of_type(plan, INGRESS):
        if rule.inputs["securityGroupId"] not in (ids["fresh-alb"], ids["nat-alb"], ids["existing-alb"]):
            assert "cidrIpv4" not in rule.inputs and "cidrIpv6" not in rule.inputs, (
                f"{rule.urn} is open to a CIDR"
            )


def test_tasks_may_send_anywhere(plan: Plan) -> None:
    ids = sg_ids(plan)
    out = rules_of(plan, EGRESS, ids["fresh-worker-tasks"])
    assert [(r.inputs["ipProtocol"], r.inputs["cidrIpv4"]) for r in out] == [("-1", "0.0.0.0/0")]


def test_groups_have_no_inline_rules_and_carry_tags(plan: Plan) -> None:
    for sg in of_type(plan, SG):
        assert "ingress" not in sg.inputs and "egress" not in sg.inputs, sg.urn
        assert sg.inputs["tags"]["Name"] == sg.name, sg.urn
    assert one(plan, SG, "fresh-alb").inputs["tags"]["Team"] == "platform"


def test_every_task_joins_its_own_group_and_the_peers_group(plan: Plan) -> None:
    ids = sg_ids(plan)
    peers_id = one(plan, INGRESS, "fresh-api-from-peers").inputs["referencedSecurityGroupId"]
    assert plan.outputs["freshApiGroups"] == [ids["fresh-api-tasks"], peers_id]
    assert plan.outputs["freshWorkerGroups"] == [ids["fresh-worker-tasks"], peers_id]
    assert plan.outputs["natWebGroups"] == [ids["nat-web-tasks"]]


# AWS accepts only these characters in security group and rule descriptions (EC2 API GroupDescription).
SG_DESCRIPTION = re.compile(r"^[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{0,255}$")


def test_descriptions_use_only_characters_ec2_accepts(plan: Plan) -> None:
    for resource in of_type(plan, SG) + of_type(plan, INGRESS) + of_type(plan, EGRESS):
        assert SG_DESCRIPTION.match(resource.inputs["description"]), (
            f"{resource.urn}: {resource.inputs['description']}"
        )
