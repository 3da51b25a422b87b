"""Component program: an HTTPS load balancer with a default route, an HTTP one without, long names."""

from components.load_balancer import LoadBalancer, LoadBalancerArgs, Route, TargetHealthCheck

CERT = "arn:aws:acm:eu-west-2:123456789012:certificate/11111111-2222-3333-4444-555555555555"
LoadBalancer(
    "edge",
    LoadBalancerArgs(
        vpc_id="vpc-0123456789abcdef0",
        subnet_ids=["subnet-0000000000000000a", "subnet-0000000000000000b"],
        security_group_id="sg-0123456789abcdef0",
        routes=[
            Route(
                "api",
                8000,
                TargetHealthCheck(path="/health", matcher="200"),
                path_patterns=["/api/*"],
                priority=100,
            ),
            Route("admin", 8001, host_patterns=["admin.example.com"], priority=5, deregistration_delay=10),
            Route("web", 3000, TargetHealthCheck(path="/"), default=True),
        ],
        https=True,
        certificate_arn=CERT,
        idle_timeout=120,
        deletion_protection=True,
        access_logs_bucket="alb-logs-bucket",
        access_logs_prefix="edge",
    ),
)
LoadBalancer(
    "plain",
    LoadBalancerArgs(
        vpc_id="vpc-0123456789abcdef0",
        subnet_ids=["subnet-0000000000000000a", "subnet-0000000000000000b"],
        security_group_id="sg-0123456789abcdef0",
        routes=[Route("api", 8000, path_patterns=["/api/*", "/v2/*"], priority=10)],
    ),
)
LoadBalancer(
    "review-stack-1234567",
    LoadBalancerArgs(
        vpc_id="vpc-0123456789abcdef0",
        subnet_ids=["subnet-0000000000000000a", "subnet-0000000000000000b"],
        security_group_id="sg-0123456789abcdef0",
        routes=[Route("twenty-char-service1", 8000, default=True)],
    ),
)
