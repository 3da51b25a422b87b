"""Monthly cost estimate of a stack's AWS resources: one price table per region and the estimate over them.

Standalone on purpose: this module imports only the standard library, so the pack's budget policy imports
it as ``import pricing`` (the pack directory is on ``sys.path``) and ``python -m ops check`` loads it by
file path.

Input: the stack's resources as plain dicts ``{"type", "name", "urn", "props"}`` (optionally ``"parent"``, a
URN, and ``"dependencies"``, a list of URNs), ``props`` being the resource's inputs with engine (camelCase)
names. Values that are unknown during preview (the Pulumi sentinel strings) are treated as "not known": the
estimate falls back to a documented default and says so in its notes.

Prices: ``prices.json`` next to this file, one entry per region with its source and date, copied from the
project's reference (``reference/pricing.md``) and checked by ``pricing_table.py`` (``PRICES``). A price that
was not found is null and stays missing: the line item is reported in ``Estimate.missing`` and left out of
the total, never guessed. Fargate Spot is modelled as
``Assumptions.spot_discount`` (70%) off on-demand, because AWS publishes "up to 70%" and no current official
Spot figure was found. Monthly = hourly x ``Assumptions.hours_per_month`` (730, the AWS convention).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

# ops/check.py loads this file by path, without the pack directory on sys.path: add it (last, so it shadows
# nothing) for the sibling modules imported below. In the pack and the tests it is on sys.path already.
_PACK_DIR = str(Path(__file__).resolve().parent)
if _PACK_DIR not in sys.path:
    sys.path.append(_PACK_DIR)

from pricing_table import (  # noqa: E402
    PRICES,
    SUPPORTED_REGIONS,
    RegionPrices,
    UnknownRegionError,
    prices_for,
)

__all__ = [
    "ASSUMPTION_DOCS",
    "PRICES",
    "SUPPORTED_REGIONS",
    "Assumptions",
    "Estimate",
    "LineItem",
    "RegionPrices",
    "UnknownRegionError",
    "camel_case",
    "estimate",
    "format_estimate",
    "is_unknown",
    "prices_for",
    "split_tasks",
]

# ---------------------------------------------------------------------------------------------------------
# Assumptions: the usage-based inputs of the estimate, explicit and printed with the total
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assumptions:
    """Usage inputs of the estimate. Every field has a documented default; callers override any of them."""

    hours_per_month: float = 730.0
    """Hours in a month (AWS and Infracost convention: 365 x 24 / 12)."""
    spot_discount: float = 0.70
    """Fargate Spot discount off on-demand. AWS states "up to 70%"; no current official figure was found."""
    alb_lcus: float = 1.0
    """Average load balancer capacity units per ALB per hour."""
    nat_gb_processed_per_month: float = 10.0
    """GB processed per month by the stack's NAT gateways (all of them together)."""
    log_gb_ingested_per_month: float = 1.0
    """GB ingested per month into each CloudWatch log group (the 5 GB free tier is ignored)."""
    log_retention_months_if_unset: float = 12.0
    """Months of logs kept in storage when a log group never expires (steady state otherwise)."""
    container_insights_metrics_per_cluster: int = 15
    """Classic Container Insights metrics per cluster (billed as custom metrics)."""
    container_insights_metrics_per_service: int = 15
    """Classic Container Insights metrics per service (billed as custom metrics)."""
    efs_gb_stored: float = 1.0
    """GB stored in each EFS file system (Standard class)."""
    ecr_gb_stored: float = 1.0
    """GB of images stored in each ECR repository."""
    default_desired_count: int = 1
    """Tasks assumed for a service whose desired count is unknown during preview."""

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Assumptions:
        """Assumptions from a mapping with snake_case or camelCase keys (policy config uses camelCase);
        unknown keys are ignored, so a policy's other config properties can be passed in whole."""
        names = {f.name: f for f in fields(cls)}
        camel = {camel_case(n): n for n in names}
        updates: dict[str, Any] = {}
        for key, value in values.items():
            name = key if key in names else camel.get(key)
            if name is None or value is None:
                continue
            kind = names[name].type
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"assumption {key!r} must be a number, got {value!r}")
            updates[name] = int(value) if kind == "int" else float(value)
        return replace(cls(), **updates)


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


ASSUMPTION_DOCS: dict[str, str] = {
    "hours_per_month": "hours in a month",
    "spot_discount": "Fargate Spot discount off on-demand (AWS: 'up to 70%')",
    "alb_lcus": "average LCUs per ALB per hour",
    "nat_gb_processed_per_month": "GB processed per month by the NAT gateways together",
    "log_gb_ingested_per_month": "GB ingested per month per log group (free tier ignored)",
    "log_retention_months_if_unset": "months of logs stored when a log group never expires",
    "container_insights_metrics_per_cluster": "Container Insights (classic) metrics per cluster",
    "container_insights_metrics_per_service": "Container Insights (classic) metrics per service",
    "efs_gb_stored": "GB stored per EFS file system",
    "ecr_gb_stored": "GB of images per ECR repository",
    "default_desired_count": "tasks per service when the desired count is unknown",
}

# ---------------------------------------------------------------------------------------------------------
# The estimate
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineItem:
    name: str  # what is priced, e.g. "Fargate on-demand x86 (0.25 vCPU, 0.5 GB)"
    resource: str  # the logical name of the resource it belongs to
    quantity: float  # units per month
    unit: str  # e.g. "task-hours"
    unit_price: float  # USD per unit
    monthly: float  # USD per month = quantity x unit_price
    category: str  # compute | network | load-balancing | logs | secrets | storage | discovery


@dataclass(frozen=True)
class Estimate:
    region: str
    source: str
    date: str
    line_items: tuple[LineItem, ...]
    total: float
    assumptions: Assumptions
    notes: tuple[str, ...]
    missing: tuple[str, ...] = ()  # items that exist in the stack but have no price in the table

    def by_category(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for item in self.line_items:
            totals[item.category] = totals.get(item.category, 0.0) + item.monthly
        return totals

    def to_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "source": self.source,
            "date": self.date,
            "currency": "USD",
            "total": round(self.total, 2),
            "lineItems": [
                {
                    "name": i.name,
                    "resource": i.resource,
                    "category": i.category,
                    "quantity": round(i.quantity, 4),
                    "unit": i.unit,
                    "unitPrice": i.unit_price,
                    "monthly": round(i.monthly, 2),
                }
                for i in self.line_items
            ],
            "assumptions": {camel_case(k): v for k, v in self.assumptions.as_dict().items()},
            "notes": list(self.notes),
            "missing": list(self.missing),
        }


# Type tokens (kept here rather than shared: this module stands alone).
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

FARGATE = "FARGATE"
FARGATE_SPOT = "FARGATE_SPOT"
FREE_EPHEMERAL_GB = 20
MIN_ALB_AZS = 2


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value in _UNKNOWN_SENTINELS


def _get(obj: Any, *path: str | int) -> Any:
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


def _list(value: Any) -> list[Any]:
    return [value[i] for i in range(len(value))] if _is_list(value) else []


def _number(value: Any) -> float | None:
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


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _fmt(number: float) -> str:
    return f"{number:g}"


@dataclass
class _Resource:
    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    parent: str
    dependencies: tuple[str, ...]

    @staticmethod
    def of(raw: Mapping[str, Any]) -> _Resource:
        props = raw.get("props")
        if props is None:
            props = raw.get("properties", raw.get("inputs", {}))
        return _Resource(
            type=str(raw.get("type", "")),
            name=str(raw.get("name", "")),
            urn=str(raw.get("urn", "")),
            props=props if isinstance(props, Mapping) else {},
            parent=str(raw.get("parent") or ""),
            dependencies=tuple(str(d) for d in (raw.get("dependencies") or ())),
        )


@dataclass
class _Builder:
    prices: RegionPrices
    assumptions: Assumptions
    items: list[LineItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def add(
        self,
        *,
        name: str,
        resource: str,
        quantity: float,
        unit: str,
        price_key: str,
        category: str,
        factor: float = 1.0,
    ) -> None:
        """A line item priced at ``prices.<price_key> x factor`` per unit; reported missing when unknown."""
        unit_price = getattr(self.prices, price_key)
        if unit_price is None:
            self.missing.append(
                f"{resource}: {name} ({_fmt(quantity)} {unit}) has no {price_key} price for "
                f"{self.prices.region}; left out of the total"
            )
            return
        price = unit_price * factor
        if quantity <= 0:
            return
        self.items.append(LineItem(name, resource, quantity, unit, price, quantity * price, category))

    def add_priced(
        self, *, name: str, resource: str, quantity: float, unit: str, unit_price: float, category: str
    ) -> None:
        if quantity <= 0:
            return
        self.items.append(
            LineItem(name, resource, quantity, unit, unit_price, quantity * unit_price, category)
        )

    @property
    def hours(self) -> float:
        return self.assumptions.hours_per_month


def estimate(
    resources: Iterable[Mapping[str, Any]],
    region: str | None,
    assumptions: Assumptions | None = None,
) -> Estimate:
    """The monthly estimate of ``resources`` in ``region``. Raises UnknownRegionError for a region that has
    no price table (never guesses)."""
    prices = prices_for(region)
    builder = _Builder(prices, assumptions or Assumptions())
    stack = _expand_awsx_components([_Resource.of(r) for r in resources], builder)
    by_type: dict[str, list[_Resource]] = {}
    for r in stack:
        by_type.setdefault(r.type, []).append(r)

    task_counts = _price_services(builder, stack, by_type)
    _price_load_balancers(builder, stack)
    _price_nat(builder, stack, by_type)
    _price_vpc_endpoints(builder, by_type)
    _price_logs(builder, by_type)
    _price_container_insights(builder, by_type)
    _price_cloud_map(builder, by_type, task_counts)
    _price_secrets(builder, by_type)
    _price_storage(builder, by_type)

    total = sum(item.monthly for item in builder.items)
    return Estimate(
        region=prices.region,
        source=prices.source,
        date=prices.date,
        line_items=tuple(builder.items),
        total=total,
        assumptions=builder.assumptions,
        notes=tuple(builder.notes),
        missing=tuple(builder.missing),
    )


# ---------------------------------------------------------------------------------------------------------
# awsx components: under mocks only the component is registered (its children are invisible); in a real
# preview the children are visible too. A component is priced from its inputs only when none of the aws
# resources it creates is visible, so nothing is counted twice.
# ---------------------------------------------------------------------------------------------------------


def _expand_awsx_components(stack: list[_Resource], builder: _Builder) -> list[_Resource]:
    out = list(stack)
    for component in stack:
        if component.type == AWSX_FARGATE_SERVICE:
            if not any(r.type == SERVICE and _is_child_of(r, component) for r in stack):
                out.extend(_awsx_fargate_service(component))
                builder.notes.append(f"{component.name}: priced from the awsx FargateService's inputs")
        elif component.type == AWSX_LOAD_BALANCER:
            if not any(r.type in LOAD_BALANCERS and _is_child_of(r, component) for r in stack):
                props = component.props
                subnets = _get(props, "subnetIds") or _get(props, "subnets") or _get(props, "subnetMappings")
                lb_props = {k: _get(props, k) for k in ("internal", "ipAddressType", "loadBalancerType")}
                out.append(_synthetic(component, LOAD_BALANCERS_PRIMARY, {**lb_props, "subnets": subnets}))
        elif component.type == AWSX_ECR_REPOSITORY and not any(
            r.type == ECR_REPOSITORY and _is_child_of(r, component) for r in stack
        ):
            out.append(_synthetic(component, ECR_REPOSITORY, {}))
    return out


def _synthetic(
    component: _Resource, type_token: str, props: Mapping[str, Any], suffix: str = ""
) -> _Resource:
    return _Resource(
        type=type_token,
        name=component.name + suffix,
        urn=f"{component.urn}#{type_token}",
        props={k: v for k, v in props.items() if v is not None},
        parent=component.urn,
        dependencies=(),
    )


def _awsx_fargate_service(component: _Resource) -> list[_Resource]:
    """An aws:ecs/service and its task definition as the awsx FargateService would create them."""
    props = component.props
    network = dict(_get(props, "networkConfiguration") or {})
    assign = _get(props, "assignPublicIp")
    if assign is not None:
        network["assignPublicIp"] = assign
    strategies = _get(props, "capacityProviderStrategies")
    use_cluster_default = _bool(_get(props, "useClusterDefaultCapacityProviderStrategy"))
    launch_type = _get(props, "launchType") or (None if strategies or use_cluster_default else FARGATE)
    desired = props.get("desiredCount") if isinstance(props, Mapping) else None
    service_props: dict[str, Any] = {
        "cluster": _get(props, "cluster"),
        "desiredCount": 1 if desired is None else desired,  # awsx's default
        "capacityProviderStrategies": strategies,
        "launchType": launch_type,
        "networkConfiguration": network,
        "serviceRegistries": _get(props, "serviceRegistries"),
    }
    args = _get(props, "taskDefinitionArgs")
    if not isinstance(args, Mapping):
        service_props["taskDefinition"] = _get(props, "taskDefinition")
        return [_synthetic(component, SERVICE, service_props)]
    family = f"{component.name}-task"
    service_props["taskDefinition"] = f"task-definition/{family}:1"
    containers = []
    single = _get(args, "container")
    if isinstance(single, Mapping):
        containers.append(single)
    many = _get(args, "containers")
    if isinstance(many, Mapping):
        containers.extend({"name": key, **value} for key, value in many.items() if isinstance(value, Mapping))
    td_props = {
        "family": family,
        "cpu": _get(args, "cpu"),
        "memory": _get(args, "memory"),
        "runtimePlatform": _get(args, "runtimePlatform"),
        "ephemeralStorage": _get(args, "ephemeralStorage"),
        "containerDefinitions": json.dumps(containers, default=str),
    }
    return [
        _synthetic(component, SERVICE, service_props),
        _synthetic(component, TASK_DEFINITION, td_props, suffix="-task"),
    ]


# ---------------------------------------------------------------------------------------------------------
# Fargate services
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Strategy:
    provider: str
    weight: float
    base: float


def _strategies(value: Any) -> list[_Strategy]:
    out: list[_Strategy] = []
    for entry in _list(value):
        provider = _get(entry, "capacityProvider")
        if not isinstance(provider, str):
            continue
        out.append(
            _Strategy(provider, _number(_get(entry, "weight")) or 0.0, _number(_get(entry, "base")) or 0.0)
        )
    return out


def split_tasks(tasks: float, strategies: Sequence[_Strategy]) -> dict[str, float]:
    """Tasks per capacity provider: each provider's ``base`` first (in strategy order), the rest by weight.

    The split is the long-run average (fractions allowed), which is what a monthly estimate needs."""
    shares: dict[str, float] = {s.provider: 0.0 for s in strategies}
    remaining = tasks
    for s in strategies:
        placed = min(s.base, remaining)
        shares[s.provider] += placed
        remaining -= placed
    total_weight = sum(s.weight for s in strategies)
    if remaining > 0:
        if total_weight > 0:
            for s in strategies:
                shares[s.provider] += remaining * s.weight / total_weight
        elif strategies:
            shares[strategies[0].provider] += remaining
    return shares


_TASK_DEF_ARN = re.compile(r"task-definition/([^:/]+)(?::\d+)?$")


def _find_task_definition(service: _Resource, task_defs: list[_Resource]) -> _Resource | None:
    ref = _get(service.props, "taskDefinition")
    if isinstance(ref, str):
        match = _TASK_DEF_ARN.search(ref)
        family = match.group(1) if match else ref
        for td in task_defs:
            if family in (_get(td.props, "family"), td.name) or ref == _get(td.props, "arn"):
                return td
    linked = [td for td in task_defs if td.urn and td.urn in service.dependencies]
    if len(linked) == 1:
        return linked[0]
    if service.parent:
        siblings = [td for td in task_defs if td.parent == service.parent]
        if len(siblings) == 1:
            return siblings[0]
    return None


def _autoscaling_min(service: _Resource, targets: list[_Resource], services: list[_Resource]) -> float | None:
    """The minCapacity of the service's ECS DesiredCount target: named by its resourceId
    (``service/<cluster>/<name>``), or depending on the service, or the only target beside the only
    service under the same parent component."""
    own_name = _get(service.props, "name")
    names = {n for n in (own_name, service.name) if isinstance(n, str) and n}
    ecs_targets = [
        t for t in targets if _get(t.props, "scalableDimension") in (None, "ecs:service:DesiredCount")
    ]
    for target in ecs_targets:
        resource_id = _get(target.props, "resourceId")
        by_id = isinstance(resource_id, str) and any(resource_id.endswith("/" + n) for n in names)
        by_dep = bool(service.urn) and service.urn in target.dependencies
        if by_id or by_dep:
            return _number(_get(target.props, "minCapacity"))
    if service.parent:
        siblings = [t for t in ecs_targets if t.parent == service.parent]
        sibling_services = [s for s in services if s.parent == service.parent]
        if len(siblings) == 1 and len(sibling_services) == 1:
            return _number(_get(siblings[0].props, "minCapacity"))
    return None


def _cluster_default_strategy(service: _Resource, by_type: dict[str, list[_Resource]]) -> list[_Strategy]:
    providers = by_type.get(CLUSTER_CAPACITY_PROVIDERS, [])
    if not providers:
        return []
    cluster_ref = _get(service.props, "cluster")
    if isinstance(cluster_ref, str):
        cluster_name = cluster_ref.rsplit("/", 1)[-1]
        for p in providers:
            if _get(p.props, "clusterName") in (cluster_name, cluster_ref):
                return _strategies(_get(p.props, "defaultCapacityProviderStrategies"))
        clusters = {c.urn: c for c in by_type.get(CLUSTER, [])}
        for p in providers:
            for dep in p.dependencies:
                cluster = clusters.get(dep)
                if cluster is not None and cluster_name in (_get(cluster.props, "name"), cluster.name):
                    return _strategies(_get(p.props, "defaultCapacityProviderStrategies"))
    if len(providers) == 1:
        return _strategies(_get(providers[0].props, "defaultCapacityProviderStrategies"))
    return []


def _service_tasks(
    builder: _Builder, service: _Resource, targets: list[_Resource], services: list[_Resource]
) -> float:
    minimum = _autoscaling_min(service, targets, services)
    if minimum is not None:
        builder.notes.append(f"{service.name}: priced at the autoscaling minimum of {_fmt(minimum)} task(s)")
        return minimum
    raw = service.props.get("desiredCount") if isinstance(service.props, Mapping) else None
    if is_unknown(raw):
        count = builder.assumptions.default_desired_count
        builder.notes.append(f"{service.name}: desired count unknown during preview; assumed {count} task(s)")
        return float(count)
    desired = _number(raw)
    # The provider's default desired count is 0.
    return desired if desired is not None else 0.0


def _price_services(
    builder: _Builder, stack: list[_Resource], by_type: dict[str, list[_Resource]]
) -> dict[str, float]:
    """Fargate tasks of every ECS service; returns the task count per service URN."""
    task_defs = by_type.get(TASK_DEFINITION, [])
    targets = by_type.get(AUTOSCALING_TARGET, [])
    counts: dict[str, float] = {}
    hours = builder.hours
    for service in by_type.get(SERVICE, []):
        launch_type = _get(service.props, "launchType")
        strategies = _strategies(_get(service.props, "capacityProviderStrategies"))
        if not strategies and launch_type is None:
            strategies = _cluster_default_strategy(service, by_type)
            if not strategies:
                builder.notes.append(
                    f"{service.name}: no launch type or capacity provider strategy; "
                    "priced as FARGATE on-demand"
                )
        if launch_type is not None and launch_type != FARGATE:
            builder.notes.append(f"{service.name}: launch type {launch_type} is not Fargate; not priced")
            continue
        if not strategies:
            strategies = [_Strategy(FARGATE, 1.0, 0.0)]
        others = [s.provider for s in strategies if s.provider not in (FARGATE, FARGATE_SPOT)]
        if others:
            builder.notes.append(
                f"{service.name}: capacity provider(s) {', '.join(others)} are not Fargate; not priced"
            )
            continue

        tasks = _service_tasks(builder, service, targets, by_type.get(SERVICE, []))
        counts[service.urn or service.name] = tasks
        td = _find_task_definition(service, task_defs)
        if td is None:
            builder.notes.append(
                f"{service.name}: its task definition was not found in the stack; tasks not priced"
            )
            continue
        cpu_units = _number(_get(td.props, "cpu"))
        memory_mib = _number(_get(td.props, "memory"))
        if cpu_units is None or memory_mib is None:
            builder.notes.append(
                f"{service.name}: task definition '{td.name}' has no known task-level cpu and memory; "
                "tasks not priced"
            )
            continue
        vcpu, gb = cpu_units / 1024, memory_mib / 1024
        os_family = _get(td.props, "runtimePlatform", "operatingSystemFamily") or "LINUX"
        if os_family != "LINUX":
            builder.missing.append(
                f"{service.name}: Fargate {os_family} has no price in the table; "
                f"{_fmt(tasks)} task(s) left out of the total"
            )
            continue
        arm = _get(td.props, "runtimePlatform", "cpuArchitecture") == "ARM64"
        arch = "ARM" if arm else "x86"
        vcpu_key = "fargate_arm_vcpu_hour" if arm else "fargate_x86_vcpu_hour"
        gb_key = "fargate_arm_gb_hour" if arm else "fargate_x86_gb_hour"
        vcpu_price, gb_price = getattr(builder.prices, vcpu_key), getattr(builder.prices, gb_key)
        shares = split_tasks(tasks, strategies)
        spot = shares.get(FARGATE_SPOT, 0.0)
        on_demand = shares.get(FARGATE, 0.0)
        size = f"{_fmt(vcpu)} vCPU, {_fmt(gb)} GB"
        if vcpu_price is None or gb_price is None:
            builder.missing.append(f"{service.name}: no Fargate {arch} price for {builder.prices.region}")
            continue
        task_hour = vcpu * vcpu_price + gb * gb_price
        builder.add_priced(
            name=f"Fargate on-demand {arch} ({size})",
            resource=service.name,
            quantity=on_demand * hours,
            unit="task-hours",
            unit_price=task_hour,
            category="compute",
        )
        builder.add_priced(
            name=f"Fargate Spot {arch} ({size}, {_fmt(builder.assumptions.spot_discount * 100)}% off)",
            resource=service.name,
            quantity=spot * hours,
            unit="task-hours",
            unit_price=task_hour * (1 - builder.assumptions.spot_discount),
            category="compute",
        )
        storage = _number(_get(td.props, "ephemeralStorage", "sizeInGib"))
        if storage is not None and storage > FREE_EPHEMERAL_GB:
            extra = storage - FREE_EPHEMERAL_GB
            builder.add(
                name=f"ephemeral storage above {FREE_EPHEMERAL_GB} GB ({_fmt(extra)} GB per task)",
                resource=service.name,
                quantity=extra * tasks * hours,
                unit="GB-hours",
                price_key="ephemeral_storage_gb_hour",
                category="compute",
            )
        if _bool(_get(service.props, "networkConfiguration", "assignPublicIp")):
            builder.add(
                name="public IPv4 address per task",
                resource=service.name,
                quantity=tasks * hours,
                unit="IPv4-hours",
                price_key="public_ipv4_hour",
                category="network",
            )
        if any(_get(v, "efsVolumeConfiguration") is not None for v in _list(_get(td.props, "volumes"))):
            builder.notes.append(
                f"{service.name}: mounts EFS; the file system is priced with its aws:efs/fileSystem resource"
            )
    standalone = {td.urn for td in task_defs} - {
        td.urn for s in by_type.get(SERVICE, []) if (td := _find_task_definition(s, task_defs)) is not None
    }
    if standalone:
        names = sorted(td.name for td in task_defs if td.urn in standalone)
        builder.notes.append(
            f"task definition(s) without a service ({', '.join(names)}) run only on demand; not priced"
        )
    return counts


# ---------------------------------------------------------------------------------------------------------
# Load balancers, NAT, endpoints
# ---------------------------------------------------------------------------------------------------------


def _price_load_balancers(builder: _Builder, stack: list[_Resource]) -> None:
    for lb in (r for r in stack if r.type in LOAD_BALANCERS):
        lb_type = _get(lb.props, "loadBalancerType") or "application"
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
            name=f"ALB LCUs (assumed {_fmt(lcus)} LCU)",
            resource=lb.name,
            quantity=lcus * builder.hours,
            unit="LCU-hours",
            price_key="alb_lcu_hour",
            category="load-balancing",
        )
        if (
            _bool(_get(lb.props, "internal"))
            or _get(lb.props, "ipAddressType") == "dualstack-without-public-ipv4"
        ):
            continue  # no public IPv4 addresses
        subnets = _list(_get(lb.props, "subnets")) or _list(_get(lb.props, "subnetMappings"))
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


def _awsx_vpc_nat_count(vpc: _Resource) -> tuple[int, str]:
    """NAT gateways an awsx Vpc creates, with the reason (strategy and AZ count)."""
    props = vpc.props
    az_names = _list(_get(props, "availabilityZoneNames"))
    azs = len(az_names) or int(_number(_get(props, "numberOfAvailabilityZones")) or 3)
    strategy = _get(props, "natGateways", "strategy")
    if strategy is None:
        specs = _list(_get(props, "subnetSpecs"))
        kinds = {_get(s, "type") for s in specs}
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


def _is_child_of(resource: _Resource, parent: _Resource) -> bool:
    """Whether ``resource`` is a child of the component ``parent``: by its recorded parent, or (no parent
    recorded) by its URN, whose qualified type starts with the component's type, and its derived name."""
    if resource.parent:
        return resource.parent == parent.urn
    return f"{parent.type}$" in resource.urn and resource.name.startswith(parent.name)


def _price_nat(builder: _Builder, stack: list[_Resource], by_type: dict[str, list[_Resource]]) -> None:
    nats = by_type.get(NAT_GATEWAY, [])
    vpcs = by_type.get(AWSX_VPC, [])
    gateways: list[tuple[str, str, bool]] = []  # (resource, label, has a public address)
    for nat in nats:
        public = (_get(nat.props, "connectivityType") or "public") == "public"
        gateways.append((nat.name, "NAT gateway", public))
    for vpc in vpcs:
        if any(_is_child_of(nat, vpc) for nat in nats):
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
        name=f"NAT data processed (assumed {_fmt(gb)} GB)",
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
        if eip.urn not in nat_deps and not any(_is_child_of(eip, vpc) for vpc in vpcs)
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


def _price_vpc_endpoints(builder: _Builder, by_type: dict[str, list[_Resource]]) -> None:
    for endpoint in by_type.get(VPC_ENDPOINT, []):
        if (_get(endpoint.props, "vpcEndpointType") or "Gateway") != "Interface":
            continue  # S3/DynamoDB gateway endpoints are free
        azs = max(1, len(_list(_get(endpoint.props, "subnetIds"))))
        builder.add(
            name=f"VPC interface endpoint ({azs} AZ{'s' if azs > 1 else ''})",
            resource=endpoint.name,
            quantity=azs * builder.hours,
            unit="AZ-hours",
            price_key="vpc_interface_endpoint_az_hour",
            category="network",
        )


# ---------------------------------------------------------------------------------------------------------
# Logs, Container Insights, Cloud Map
# ---------------------------------------------------------------------------------------------------------


def _price_logs(builder: _Builder, by_type: dict[str, list[_Resource]]) -> None:
    gb = builder.assumptions.log_gb_ingested_per_month
    for group in by_type.get(LOG_GROUP, []):
        builder.add(
            name=f"log ingestion (assumed {_fmt(gb)} GB)",
            resource=group.name,
            quantity=gb,
            unit="GB",
            price_key="logs_ingested_gb",
            category="logs",
        )
        days = _number(_get(group.props, "retentionInDays"))
        if days is None or days <= 0:
            months = builder.assumptions.log_retention_months_if_unset
            label = f"never expires: {_fmt(months)} months assumed"
        else:
            months = days / 30
            label = f"{_fmt(days)} days retained"
        builder.add(
            name=f"log storage ({label})",
            resource=group.name,
            quantity=gb * months,
            unit="GB-months",
            price_key="logs_stored_gb_month",
            category="logs",
        )


def _insights_mode(cluster: _Resource) -> str:
    for setting in _list(_get(cluster.props, "settings")):
        if _get(setting, "name") == "containerInsights":
            value = _get(setting, "value")
            return value if isinstance(value, str) else "disabled"
    return "disabled"


def _price_container_insights(builder: _Builder, by_type: dict[str, list[_Resource]]) -> None:
    clusters = by_type.get(CLUSTER, [])
    services = by_type.get(SERVICE, [])
    a = builder.assumptions
    for cluster in clusters:
        mode = _insights_mode(cluster)
        if mode == "disabled":
            continue
        if mode == "enhanced":
            builder.missing.append(
                f"{cluster.name}: Container Insights with enhanced observability is billed per "
                "observation; price not found, left out of the total"
            )
            continue
        in_cluster = [s for s in services if _service_in_cluster(s, cluster, len(clusters))]
        metrics = a.container_insights_metrics_per_cluster + a.container_insights_metrics_per_service * len(
            in_cluster
        )
        builder.add(
            name=(
                f"Container Insights (classic): {a.container_insights_metrics_per_cluster} metrics per "
                f"cluster + {a.container_insights_metrics_per_service} per service x {len(in_cluster)} "
                "(assumed)"
            ),
            resource=cluster.name,
            quantity=metrics,
            unit="metric-months",
            price_key="custom_metric_month",
            category="logs",
        )


def _service_in_cluster(service: _Resource, cluster: _Resource, cluster_count: int) -> bool:
    if cluster_count == 1:
        return True
    ref = _get(service.props, "cluster")
    names = {n for n in (_get(cluster.props, "name"), cluster.name) if isinstance(n, str)}
    return (isinstance(ref, str) and ref.rsplit("/", 1)[-1] in names) or cluster.urn in service.dependencies


def _price_cloud_map(
    builder: _Builder, by_type: dict[str, list[_Resource]], task_counts: dict[str, float]
) -> None:
    for service in by_type.get(SERVICE, []):
        tasks = task_counts.get(service.urn or service.name)
        if not tasks:
            continue
        registries = 1 if _get(service.props, "serviceRegistries", "registryArn") is not None else 0
        connect = _get(service.props, "serviceConnectConfiguration")
        if _bool(_get(connect, "enabled")) and _list(_get(connect, "services")):
            registries += 1
        if registries:
            builder.add(
                name="Cloud Map registered instances (one per task)",
                resource=service.name,
                quantity=tasks * registries,
                unit="instance-months",
                price_key="cloud_map_instance_month",
                category="discovery",
            )
    for instance in by_type.get(CLOUD_MAP_INSTANCE, []):
        builder.add(
            name="Cloud Map registered instance",
            resource=instance.name,
            quantity=1,
            unit="instance-months",
            price_key="cloud_map_instance_month",
            category="discovery",
        )


# ---------------------------------------------------------------------------------------------------------
# Secrets, keys, storage
# ---------------------------------------------------------------------------------------------------------

_SECRET_ARN = re.compile(r"^arn:aws[\w-]*:secretsmanager:[^:]*:[^:]*:secret:([^:]+)")


def _referenced_secret_names(task_defs: list[_Resource]) -> dict[str, str]:
    """Secrets Manager secrets named in containers' ``secrets``/``repositoryCredentials``: name -> user."""
    found: dict[str, str] = {}
    for td in task_defs:
        raw = _get(td.props, "containerDefinitions")
        if isinstance(raw, str):
            try:
                containers = json.loads(raw)
            except ValueError:
                continue
        else:
            containers = raw
        for container in _list(containers):
            refs = [_get(s, "valueFrom") for s in _list(_get(container, "secrets"))]
            refs.append(_get(container, "repositoryCredentials", "credentialsParameter"))
            for ref in refs:
                match = _SECRET_ARN.match(ref) if isinstance(ref, str) else None
                if match:
                    # Secrets Manager appends "-" + 6 random characters to the name in the ARN.
                    name = re.sub(r"-[A-Za-z0-9]{6}$", "", match.group(1))
                    found.setdefault(name, td.name)
    return found


def _price_secrets(builder: _Builder, by_type: dict[str, list[_Resource]]) -> None:
    created = by_type.get(SECRETS_MANAGER_SECRET, [])
    created_names: set[str] = set()
    for secret in created:
        created_names.update(
            n for n in (_get(secret.props, "name"), _get(secret.props, "namePrefix"), secret.name) if n
        )
        builder.add(
            name="Secrets Manager secret (created)",
            resource=secret.name,
            quantity=1,
            unit="secret-months",
            price_key="secrets_manager_secret_month",
            category="secrets",
        )
    for name, user in sorted(_referenced_secret_names(by_type.get(TASK_DEFINITION, [])).items()):
        if name in created_names or any(name.startswith(str(p)) for p in created_names):
            continue
        builder.add(
            name=f"Secrets Manager secret '{name}' (referenced)",
            resource=user,
            quantity=1,
            unit="secret-months",
            price_key="secrets_manager_secret_month",
            category="secrets",
        )
    for parameter in by_type.get(SSM_PARAMETER, []):
        if _get(parameter.props, "tier") == "Advanced":
            builder.add(
                name="SSM advanced parameter",
                resource=parameter.name,
                quantity=1,
                unit="parameter-months",
                price_key="ssm_advanced_parameter_month",
                category="secrets",
            )
    for kms_type in sorted(KMS_KEYS):
        for key in by_type.get(kms_type, []):
            builder.add(
                name="KMS customer-managed key",
                resource=key.name,
                quantity=1,
                unit="key-months",
                price_key="kms_key_month",
                category="secrets",
            )


def _price_storage(builder: _Builder, by_type: dict[str, list[_Resource]]) -> None:
    a = builder.assumptions
    for fs in by_type.get(EFS_FILE_SYSTEM, []):
        builder.add(
            name=f"EFS Standard storage (assumed {_fmt(a.efs_gb_stored)} GB)",
            resource=fs.name,
            quantity=a.efs_gb_stored,
            unit="GB-months",
            price_key="efs_standard_gb_month",
            category="storage",
        )
    for repo in by_type.get(ECR_REPOSITORY, []):
        builder.add(
            name=f"ECR storage (assumed {_fmt(a.ecr_gb_stored)} GB)",
            resource=repo.name,
            quantity=a.ecr_gb_stored,
            unit="GB-months",
            price_key="ecr_gb_month",
            category="storage",
        )


# ---------------------------------------------------------------------------------------------------------
# Text output
# ---------------------------------------------------------------------------------------------------------


def format_estimate(est: Estimate) -> str:
    """Line items, assumptions, notes and the monthly total as plain text (no colours)."""
    rows = [
        (
            item.resource,
            item.name,
            f"{_fmt(round(item.quantity, 4))} {item.unit}",
            f"${item.unit_price:g}",
            f"${item.monthly:,.2f}",
        )
        for item in est.line_items
    ]
    header = ("resource", "item", "quantity", "unit price", "monthly")
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = [f"Estimated monthly cost, {est.region} (prices: {est.source}; {est.date})"]

    def row(cells: Sequence[str]) -> str:
        left = "  ".join(c.ljust(w) for c, w in zip(cells[:3], widths[:3], strict=True))
        right = "  ".join(c.rjust(w) for c, w in zip(cells[3:], widths[3:], strict=True))
        return f"  {left}  {right}"

    lines.append(row(header))
    lines.extend(row(r) for r in rows)
    lines.append(f"  Total: ${est.total:,.2f} per month")
    lines.append("  Assumptions:")
    for key, value in est.assumptions.as_dict().items():
        lines.append(f"    {camel_case(key)} = {_fmt(value)}  ({ASSUMPTION_DOCS.get(key, '')})")
    if est.missing:
        lines.append("  Not priced (price not found):")
        lines.extend(f"    - {m}" for m in est.missing)
    if est.notes:
        lines.append("  Notes:")
        lines.extend(f"    - {n}" for n in est.notes)
    return "\n".join(lines)
