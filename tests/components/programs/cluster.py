"""Component program: Cluster variants (Spot + namespace, weighted mix + exec logging, defaults)."""

from components.cluster import CapacityShare, Cluster, ClusterArgs

Cluster(
    "spot",
    ClusterArgs(
        container_insights="disabled",
        capacity=(CapacityShare("FARGATE_SPOT", weight=1),),
        namespace="dev.local",
        vpc_id="vpc-0123456789abcdef0",
    ),
)
Cluster(
    "mixed",
    ClusterArgs(
        container_insights="enhanced",
        capacity=(CapacityShare("FARGATE", weight=1, base=2), CapacityShare("FARGATE_SPOT", weight=3)),
        exec_enabled=True,
        exec_logging="cloudWatch",
        exec_log_retention_days=30,
        retain_logs=True,
    ),
)
Cluster("plain", ClusterArgs())
Cluster("execdefault", ClusterArgs(exec_enabled=True, exec_logging="default"))
