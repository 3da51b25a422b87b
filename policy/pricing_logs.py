"""Line items of logs and metrics: CloudWatch log ingestion and storage per log group, and classic
Container Insights billed as custom metrics (enhanced observability: price not found, reported)."""

from __future__ import annotations

from pricing_model import EstimateBuilder, fmt
from pricing_stack import CLUSTER, LOG_GROUP, SERVICE, StackResource, list_of, number, value_at


def price_logs(builder: EstimateBuilder, by_type: dict[str, list[StackResource]]) -> None:
    gb = builder.assumptions.log_gb_ingested_per_month
    for group in by_type.get(LOG_GROUP, []):
        builder.add(
            name=f"log ingestion (assumed {fmt(gb)} GB)",
            resource=group.name,
            quantity=gb,
            unit="GB",
            price_key="logs_ingested_gb",
            category="logs",
        )
        days = number(value_at(group.props, "retentionInDays"))
        if days is None or days <= 0:
            months = builder.assumptions.log_retention_months_if_unset
            label = f"never expires: {fmt(months)} months assumed"
        else:
            months = days / 30
            label = f"{fmt(days)} days retained"
        builder.add(
            name=f"log storage ({label})",
            resource=group.name,
            quantity=gb * months,
            unit="GB-months",
            price_key="logs_stored_gb_month",
            category="logs",
        )


def _insights_mode(cluster: StackResource) -> str:
    for setting in list_of(value_at(cluster.props, "settings")):
        if value_at(setting, "name") == "containerInsights":
            value = value_at(setting, "value")
            return value if isinstance(value, str) else "disabled"
    return "disabled"


def price_container_insights(builder: EstimateBuilder, by_type: dict[str, list[StackResource]]) -> None:
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


def _service_in_cluster(service: StackResource, cluster: StackResource, cluster_count: int) -> bool:
    if cluster_count == 1:
        return True
    ref = value_at(service.props, "cluster")
    names = {n for n in (value_at(cluster.props, "name"), cluster.name) if isinstance(n, str)}
    return (isinstance(ref, str) and ref.rsplit("/", 1)[-1] in names) or cluster.urn in service.dependencies
