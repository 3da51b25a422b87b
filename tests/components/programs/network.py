"""Component program: three Network variants (new VPC without NAT, new VPC with NAT per AZ, existing VPC)."""

import pulumi

from components.network import ExistingVpcArgs, Network, NetworkArgs, NewVpcArgs, ServiceIngress

fresh = Network(
    "fresh",
    NetworkArgs(
        vpc=NewVpcArgs(cidr_block="10.1.0.0/16", availability_zones=2, nat_gateways="none"),
        services={
            "api": ServiceIngress(8000, from_load_balancer=True, from_peers=True),
            "worker": ServiceIngress(None),
        },
        load_balancer_ports=[80, 443],
        tags={"Team": "platform"},
    ),
)
nat = Network(
    "nat",
    NetworkArgs(
        vpc=NewVpcArgs(availability_zones=3, nat_gateways="perAz"),
        services={"web": ServiceIngress(3000, from_load_balancer=True)},
    ),
)
existing = Network(
    "existing",
    NetworkArgs(
        vpc=ExistingVpcArgs(
            vpc_id="vpc-0123456789abcdef0",
            public_subnet_ids=["subnet-0000000000000000a", "subnet-0000000000000000b"],
            private_subnet_ids=["subnet-0000000000000000c"],
        ),
        services={"web": ServiceIngress(3000, from_load_balancer=True)},
    ),
)
pulumi.export("freshPublic", fresh.public_subnet_ids)
pulumi.export("freshPrivate", fresh.private_subnet_ids)
pulumi.export("natPrivate", nat.private_subnet_ids)
pulumi.export("existingVpc", existing.vpc_id)
pulumi.export("existingPublic", existing.public_subnet_ids)
pulumi.export("existingPrivate", existing.private_subnet_ids)
pulumi.export("freshApiGroups", fresh.task_security_group_ids("api"))
pulumi.export("freshWorkerGroups", fresh.task_security_group_ids("worker"))
pulumi.export("natWebGroups", nat.task_security_group_ids("web"))
