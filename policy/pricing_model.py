"""What goes into and comes out of the cost estimate: the usage ``Assumptions`` (explicit, printed with the
total), the ``LineItem``s and the ``Estimate``, and the ``EstimateBuilder`` the line-item rules add to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from pricing_table import RegionPrices

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
    deploys_per_month: float = 20.0
    """Deployments per service per month (about one per working day). Each deployment of a service with a
    traffic-shifting strategy (BLUE_GREEN, CANARY, LINEAR) runs a full green set of tasks next to blue for
    the deployment's duration (pricing_rollout.py's estimate)."""
    free_dashboards: int = 0
    """CloudWatch dashboards of the stack assumed free. AWS gives an account its first 3 dashboards free (up
    to 50 metrics each), but the account's other stacks share them: 0 prices every dashboard."""
    alb_million_requests_per_month: float = 1.0
    """Million requests per month to each load balancer a WAF web ACL protects (about 0.4 a second): each
    is inspected, and billed, by the web ACL."""

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
    "deploys_per_month": "deployments per service per month (traffic-shifting ones run a green set of tasks)",
    "free_dashboards": "CloudWatch dashboards assumed free (AWS: first 3 of an account; 0 = all priced)",
    "alb_million_requests_per_month": "million requests per month per load balancer a WAF web ACL inspects",
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
    # compute | network | load-balancing | logs | monitoring | secrets | storage | discovery | security
    category: str


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


def fmt(number: float) -> str:
    """A number as the estimate prints it in names and notes (``0.25``, ``730``, ``1e-05``)."""
    return f"{number:g}"


@dataclass
class EstimateBuilder:
    """Collects the line items, notes and not-priced items of one estimate."""

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
                f"{resource}: {name} ({fmt(quantity)} {unit}) has no {price_key} price for "
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

    def estimate(self) -> Estimate:
        """The estimate of everything added so far; the total is the sum of the line items."""
        return Estimate(
            region=self.prices.region,
            source=self.prices.source,
            date=self.prices.date,
            line_items=tuple(self.items),
            total=sum(item.monthly for item in self.items),
            assumptions=self.assumptions,
            notes=tuple(self.notes),
            missing=tuple(self.missing),
        )
