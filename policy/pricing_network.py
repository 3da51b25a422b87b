"""Line items of the network: application load balancers (hours, LCUs, their public IPv4 addresses), NAT
gateways (hours, Elastic IPs, data processed; an awsx Vpc's by its strategy), loose Elastic IPs and VPC
interface endpoints."""

from __future__ import annotations

from pricing_model import EstimateBuilder, fmt
from pricing_stack import (
    AWSX_VPC,
    EIP,
    LOAD_BALANCERS,
    NAT_GATEWAY,
    VPC_ENDPOINT,
    StackResource,
    boolean,
    is_child_of,
    list_of,
    number,
    value_at,
)

MIN_ALB_AZS = 2


def price_load_balancers(builder: EstimateBuilder, stack: list[StackResource]) -> None:
    for lb in (r for r in stack if r.type in LOAD_BALANCERS):
        lb_type = value_at(lb.props, "loadBalancerType") or "application"
        if lb_type != "application":
            builder.missing.append(f"{lb.name}: {lb_type} load balancers have no price in the table")
            continue
        builder.add(
            name="ALB hours",
            resource=lb.name,
            quantity=builder.hours,
            unit="hours",
            price_key="alb_hour",
            category="load-balancing",
        )
        lcus = builder.assumptions.alb_lcus
        builder.add(
            name=f"ALB LCUs (assumed {fmt(lcus)} LCU)",
            resource=lb.name,
            quantity=lcus * builder.hours,
            unit="LCU-hours",
            price_key="alb_lcu_hour",
            category="load-balancing",
        )
        if (
            boolean(value_at(lb.props, "internal"))
            or value_at(lb.props, "ipAddressType") == "dualstack-without-public-ipv4"
        ):
            continue  # no public IPv4 addresses
        subnets = list_of(value_at(lb.props, "subnets")) or list_of(value_at(lb.props, "subnetMappings"))
        azs = max(MIN_ALB_AZS, len(subnets))
        if not subnets:
            builder.notes.append(f"{lb.name}: subnets unknown; assumed {MIN_ALB_AZS} AZs (public IPv4 count)")
        builder.add(
            name=f"ALB public IPv4 addresses ({azs} AZs)",
            resource=lb.name,
            quantity=azs * builder.hours,
            unit="IPv4-hours",
            price_key="public_ipv4_hour",
            category="network",
        )


def _awsx_vpc_nat_count(vpc: StackResource) -> tuple[int, str]:
    """NAT gateways an awsx Vpc creates, with the reason (strategy and AZ count)."""
    props = vpc.props
    az_names = list_of(value_at(props, "availabilityZoneNames"))
    azs = len(az_names) or int(number(value_at(props, "numberOfAvailabilityZones")) or 3)
    strategy = value_at(props, "natGateways", "strategy")
    if strategy is None:
        specs = list_of(value_at(props, "subnetSpecs"))
        kinds = {value_at(s, "type") for s in specs}
        has_both = not specs or {"Public", "Private"} <= kinds
        strategy = "OnePerAz" if has_both else "None"
        reason = f"awsx default {strategy}"
    else:
        reason = f"strategy {strategy}"
    if strategy == "None":
        return 0, reason
    if strategy == "Single":
        return 1, reason
    return azs, f"{reason} x {azs} AZs"


def price_nat(builder: EstimateBuilder, by_type: dict[str, list[StackResource]]) -> None:
    nats = by_type.get(NAT_GATEWAY, [])
    vpcs = by_type.get(AWSX_VPC, [])
    gateways: list[tuple[str, str, bool]] = []  # (resource, label, has a public address)
    for nat in nats:
        public = (value_at(nat.props, "connectivityType") or "public") == "public"
        gateways.append((nat.name, "NAT gateway", public))
    for vpc in vpcs:
        if any(is_child_of(nat, vpc) for nat in nats):
            continue  # its NAT gateways are visible as resources (real preview): counted above, not twice
        count, reason = _awsx_vpc_nat_count(vpc)
        gateways.extend((vpc.name, f"NAT gateway ({reason})", True) for _ in range(count))
    if not gateways:
        return
    grouped: dict[tuple[str, str], list[bool]] = {}
    for resource, label, public in gateways:
        grouped.setdefault((resource, label), []).append(public)
    for (resource, label), publics in grouped.items():
        n = len(publics)
        builder.add(
            name=f"{label} hours" if n == 1 else f"{label} hours x {n}",
            resource=resource,
            quantity=n * builder.hours,
            unit="hours",
            price_key="nat_gateway_hour",
            category="network",
        )
        public_count = sum(publics)
        builder.add(
            name="NAT gateway public IPv4 (Elastic IP)" + (f" x {public_count}" if public_count > 1 else ""),
            resource=resource,
            quantity=public_count * builder.hours,
            unit="IPv4-hours",
            price_key="public_ipv4_hour",
            category="network",
        )
    gb = builder.assumptions.nat_gb_processed_per_month
    builder.add(
        name=f"NAT data processed (assumed {fmt(gb)} GB)",
        resource="NAT gateways",
        quantity=gb,
        unit="GB",
        price_key="nat_gb_processed",
        category="network",
    )
    nat_deps = {d for nat in nats for d in nat.dependencies}
    loose = [
        eip
        for eip in by_type.get(EIP, [])
        if eip.urn not in nat_deps and not any(is_child_of(eip, vpc) for vpc in vpcs)
    ]
    for eip in loose:
        builder.add(
            name="Elastic IP (public IPv4)",
            resource=eip.name,
            quantity=builder.hours,
            unit="IPv4-hours",
            price_key="public_ipv4_hour",
            category="network",
        )


def price_vpc_endpoints(builder: EstimateBuilder, by_type: dict[str, list[StackResource]]) -> None:
    for endpoint in by_type.get(VPC_ENDPOINT, []):
        if (value_at(endpoint.props, "vpcEndpointType") or "Gateway") != "Interface":
            continue  # S3/DynamoDB gateway endpoints are free
        azs = max(1, len(list_of(value_at(endpoint.props, "subnetIds"))))
        builder.add(
            name=f"VPC interface endpoint ({azs} AZ{'s' if azs > 1 else ''})",
            resource=endpoint.name,
            quantity=azs * builder.hours,
            unit="AZ-hours",
            price_key="vpc_interface_endpoint_az_hour",
            category="network",
        )
