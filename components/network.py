"""Network: a new awsx VPC (NAT none/single/one per AZ) or an existing VPC, and the security groups.

Security groups (every rule a standalone resource, so tests and the policy pack see each one):
- the load balancer's group accepts only its listener ports (80, and 443 with a certificate) from anywhere
  (IPv4 and IPv6) and may send only to the task groups, on each service's port;
- one task group per service accepts only from the load balancer's group on the service's port (when the
  service is routed) and, when it is discoverable, from the peers group on its port: every service's tasks
  are members of the peers group, so one rule per discoverable service admits all the others (rules grow
  linearly with services and stay far below the per-group quota);
- no group has a default open ingress. Tasks may send anywhere (image pulls, AWS APIs, external services).
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

NatGateways = Literal["none", "single", "perAz"]

_NAT_STRATEGY = {
    "none": awsx.ec2.NatGatewayStrategy.NONE,
    "single": awsx.ec2.NatGatewayStrategy.SINGLE,
    "perAz": awsx.ec2.NatGatewayStrategy.ONE_PER_AZ,
}


@dataclass(frozen=True)
class NewVpcArgs:
    """Create a VPC with awsx: public subnets always, private subnets unless there is no NAT gateway."""

    cidr_block: str = "10.0.0.0/16"
    availability_zones: int = 2
    nat_gateways: NatGateways = "none"


@dataclass(frozen=True)
class ExistingVpcArgs:
    """Use an existing VPC and its subnets."""

    vpc_id: pulumi.Input[str]
    public_subnet_ids: Sequence[pulumi.Input[str]]
    private_subnet_ids: Sequence[pulumi.Input[str]] = ()


@dataclass(frozen=True)
class ServiceIngress:
    """Who may reach one service's tasks, on its port (a service without a port accepts nothing)."""

    port: int | None
    from_load_balancer: bool = False
    from_peers: bool = False  # the tasks of every service of the stack (service discovery)


@dataclass
class NetworkArgs:
    vpc: NewVpcArgs | ExistingVpcArgs
    services: Mapping[str, ServiceIngress]
    load_balancer_ports: Sequence[int] = (80,)
    test_listener_port: int | None = None  # reachable only from test_listener_cidrs
    test_listener_cidrs: Sequence[str] = ()
    # The group of an ALB the stack does not own (services on an existing listener): tasks admit it, and no
    # load balancer group is created.
    existing_load_balancer_security_group_id: str | None = None
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


SMALLEST_SUBNET = 27  # an ALB's subnets must be /27 or larger with 8 free addresses (ELB docs)


def subnet_mask(cidr_block: str, subnets: int) -> int:
    """The prefix length of each subnet: /20 where the VPC has room (space to grow), smaller when the VPC
    is small, never beyond /27 (the smallest subnet an ALB accepts; AWS's own minimum /28 is too small)."""
    prefix = ipaddress.IPv4Network(cidr_block, strict=True).prefixlen
    mask = max(prefix + math.ceil(math.log2(max(subnets, 1))), 20)
    if mask > SMALLEST_SUBNET:
        raise ValueError(
            f"cidr_block {cidr_block} cannot hold {subnets} subnets of at least /{SMALLEST_SUBNET}: use a "
            "larger VPC range or fewer availability zones."
        )
    return mask


def check_network_args(args: NetworkArgs) -> None:
    """Guard clauses; raise ValueError naming the argument and the fix."""
    if isinstance(args.vpc, NewVpcArgs):
        if args.vpc.nat_gateways not in _NAT_STRATEGY:
            raise ValueError(
                f"nat_gateways must be one of none, single, perAz; got {args.vpc.nat_gateways!r}."
            )
        if not 1 <= args.vpc.availability_zones <= 6:
            raise ValueError(
                f"availability_zones must be between 1 and 6, got {args.vpc.availability_zones}."
            )
        kinds = 1 if args.vpc.nat_gateways == "none" else 2
        subnet_mask(args.vpc.cidr_block, kinds * args.vpc.availability_zones)
    elif (
        not args.vpc.public_subnet_ids
        and args.existing_load_balancer_security_group_id is None
        and any(i.from_load_balancer for i in args.services.values())
    ):
        raise ValueError("An existing VPC needs public_subnet_ids for the load balancer.")
    elif not args.vpc.public_subnet_ids and not args.vpc.private_subnet_ids:
        raise ValueError("An existing VPC needs public_subnet_ids or private_subnet_ids for the tasks.")
    if args.test_listener_port is not None and not args.test_listener_cidrs:
        raise ValueError("test_listener_port needs test_listener_cidrs (who may reach the test listener).")
    for port in args.load_balancer_ports:
        if port not in (80, 443):
            raise ValueError(f"The load balancer may only listen on 80 and 443, got {port}.")
    for svc, ingress in args.services.items():
        if ingress.port is None and (ingress.from_load_balancer or ingress.from_peers):
            raise ValueError(f"Service `{svc}` accepts traffic, so it needs a port.")


def _tcp_rule(
    rule: type[aws.vpc.SecurityGroupIngressRule] | type[aws.vpc.SecurityGroupEgressRule],
    logical: str,
    group: pulumi.Input[str],
    peer: pulumi.Input[str],
    port: int,
    description: str,
    *,
    tags: Mapping[str, pulumi.Input[str]],
    opts: pulumi.ResourceOptions,
) -> None:
    """One TCP port between two security groups: `group` holds the rule, `peer` is the other side."""
    rule(
        logical,
        security_group_id=group,
        referenced_security_group_id=peer,
        ip_protocol="tcp",
        from_port=port,
        to_port=port,
        description=description,
        tags=dict(tags),
        opts=opts,
    )


class Network(pulumi.ComponentResource):
    """The VPC (new or existing) and the security groups of the load balancer and of each service."""

    vpc_id: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]
    vpc: awsx.ec2.Vpc | None
    load_balancer_security_group: aws.ec2.SecurityGroup | None  # None: an existing ALB's group is used
    load_balancer_security_group_id: pulumi.Input[str]
    service_security_groups: dict[str, aws.ec2.SecurityGroup]
    peers_security_group: aws.ec2.SecurityGroup | None

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        check_network_args(args)  # before anything is registered
        super().__init__("fargate-platform:index:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        if isinstance(args.vpc, NewVpcArgs):
            kinds = [awsx.ec2.SubnetType.PUBLIC]
            if args.vpc.nat_gateways != "none":
                kinds.append(awsx.ec2.SubnetType.PRIVATE)
            mask = subnet_mask(args.vpc.cidr_block, len(kinds) * args.vpc.availability_zones)
            subnet_specs = [awsx.ec2.SubnetSpecArgs(type=kind, cidr_mask=mask) for kind in kinds]
            self.vpc = awsx.ec2.Vpc(
                f"{name}-vpc",
                awsx.ec2.VpcArgs(
                    cidr_block=args.vpc.cidr_block,
                    number_of_availability_zones=args.vpc.availability_zones,
                    nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(
                        strategy=_NAT_STRATEGY[args.vpc.nat_gateways]
                    ),
                    subnet_strategy=awsx.ec2.SubnetAllocationStrategy.AUTO,
                    subnet_specs=subnet_specs,
                    enable_dns_hostnames=True,
                    enable_dns_support=True,
                    tags=tags,
                ),
                opts=child,
            )
            self.vpc_id = self.vpc.vpc_id
            self.public_subnet_ids = self.vpc.public_subnet_ids.apply(list)
            self.private_subnet_ids = self.vpc.private_subnet_ids.apply(list)
        else:
            self.vpc = None
            self.vpc_id = pulumi.Output.from_input(args.vpc.vpc_id)
            self.public_subnet_ids = pulumi.Output.all(*args.vpc.public_subnet_ids).apply(list)
            self.private_subnet_ids = pulumi.Output.all(*args.vpc.private_subnet_ids).apply(list)

        def security_group(logical: str, description: str) -> aws.ec2.SecurityGroup:
            """A security group of the VPC without inline rules (every rule is its own resource)."""
            return aws.ec2.SecurityGroup(
                logical,
                description=description,
                vpc_id=self.vpc_id,
                tags={**tags, "Name": logical},
                opts=child,
            )

        existing_alb = args.existing_load_balancer_security_group_id
        self.load_balancer_security_group = None
        if existing_alb is None:
            self.load_balancer_security_group = security_group(
                f"{name}-alb", "Load balancer: HTTP(S) from anywhere, out only to the service tasks"
            )
            alb_sg_id: pulumi.Input[str] = self.load_balancer_security_group.id
        else:
            alb_sg_id = existing_alb
        self.load_balancer_security_group_id = alb_sg_id
        for port in sorted(set(args.load_balancer_ports)) if existing_alb is None else ():
            for family, cidr in (("v4", "0.0.0.0/0"), ("v6", "::/0")):
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-alb-in-{port}-{family}",
                    security_group_id=alb_sg_id,
                    ip_protocol="tcp",
                    from_port=port,
                    to_port=port,
                    cidr_ipv4=cidr if family == "v4" else None,
                    cidr_ipv6=cidr if family == "v6" else None,
                    description=f"Clients to the load balancer on {port}",
                    tags=tags,
                    opts=child,
                )

        # Named by CIDR, not position: reordering the list must not rewrite one rule into another's CIDR
        # (AWS rejects a duplicate rule while both exist).
        for cidr in args.test_listener_cidrs if args.test_listener_port is not None else ():
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-alb-in-test-{cidr.replace('.', '-').replace('/', '-')}",
                security_group_id=alb_sg_id,
                ip_protocol="tcp",
                from_port=args.test_listener_port,
                to_port=args.test_listener_port,
                cidr_ipv4=cidr,
                description=f"Testers to the test listener on {args.test_listener_port}",
                tags=tags,
                opts=child,
            )

        self.service_security_groups = {
            svc: security_group(
                f"{name}-{svc}-tasks", f"Tasks of {svc}: only from the load balancer and allowed peers"
            )
            for svc in args.services
        }
        # Decided from plain values: a peers group only when some service accepts its peers.
        self.peers_security_group = None
        if any(i.from_peers and i.port is not None for i in args.services.values()):
            self.peers_security_group = security_group(
                f"{name}-peers",
                "Every service task is a member; discoverable services admit it on their port",
            )
        for svc, ingress in args.services.items():
            task_sg_id = self.service_security_groups[svc].id
            port = ingress.port
            if ingress.from_load_balancer and port is not None:
                described = f"Load balancer to {svc} on {port}"
                pairs: list[tuple[Any, str, pulumi.Input[str], pulumi.Input[str]]] = [
                    (aws.vpc.SecurityGroupIngressRule, f"{name}-{svc}-from-alb", task_sg_id, alb_sg_id)
                ]
                if existing_alb is None:  # an existing ALB's group is its owner's: its egress is not ours
                    pairs.append(
                        (aws.vpc.SecurityGroupEgressRule, f"{name}-alb-to-{svc}", alb_sg_id, task_sg_id)
                    )
                for rule, logical, group, peer in pairs:
                    _tcp_rule(rule, logical, group, peer, port, described, tags=tags, opts=child)
            if ingress.from_peers and port is not None and self.peers_security_group is not None:
                described = f"Peer services to {svc} on {port} (service discovery)"
                peers_sg_id = self.peers_security_group.id
                logical = f"{name}-{svc}-from-peers"
                rule = aws.vpc.SecurityGroupIngressRule
                _tcp_rule(rule, logical, task_sg_id, peers_sg_id, port, described, tags=tags, opts=child)
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-{svc}-out",
                security_group_id=task_sg_id,
                ip_protocol="-1",
                cidr_ipv4="0.0.0.0/0",
                description="Outbound: image pulls, AWS APIs, peers and external services",
                tags=tags,
                opts=child,
            )

        self.register_outputs(
            {
                "vpcId": self.vpc_id,
                "publicSubnetIds": self.public_subnet_ids,
                "privateSubnetIds": self.private_subnet_ids,
                "loadBalancerSecurityGroupId": alb_sg_id,
                "serviceSecurityGroupIds": {k: v.id for k, v in self.service_security_groups.items()},
            }
        )

    def task_security_group_ids(self, service: str) -> list[pulumi.Output[str]]:
        """The groups a service's tasks join: its own first, then the peers group when there is one."""
        groups = [self.service_security_groups[service].id]
        if self.peers_security_group is not None:
            groups.append(self.peers_security_group.id)
        return groups
