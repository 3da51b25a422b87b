"""The dev and prod stacks (and every examples/*.yaml) end to end under mocks: issue 2's "Done when"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from program_support import (
    ECS_SERVICE,
    PROGRAM,
    PROJECT,
    ROOT,
    TASK_DEFINITION,
    container_definitions,
    example_config,
    minimal_platform,
    of_type,
    one,
    policy_document,
    run_platform,
    statements_by_sid,
)

import ops.offline.recording_monitor
from ops.offline.recording import Plan, ProgramConfigError, RecordedResource, run_program

CLUSTER = "aws:ecs/cluster:Cluster"
CAPACITY = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
ALB = "aws:lb/loadBalancer:LoadBalancer"
TG = "aws:lb/targetGroup:TargetGroup"
LISTENER = "aws:lb/listener:Listener"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ROLE = "aws:iam/role:Role"
NAMESPACE = "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace"
VPC = "awsx:ec2:Vpc"
SCALING_TARGET = "aws:appautoscaling/target:Target"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def role_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def assert_distinct_roles(plan: Plan) -> None:
    seen: list[str] = []
    for task in of_type(plan, TASK_DEFINITION):
        execution, task_role = task.inputs["executionRoleArn"], task.inputs["taskRoleArn"]
        assert execution != task_role, f"{task.urn}: execution and task role must differ"
        seen += [execution, task_role]
    assert len(seen) == len(set(seen)), "each service must have its own roles"
    task_roles = [r for r in of_type(plan, ROLE) if "ecs-tasks.amazonaws.com" in r.inputs["assumeRolePolicy"]]
    assert len(task_roles) == len(seen)


# ---------------------------------------------------------------------------------------------- dev


def test_dev_has_one_cluster_two_services_one_alb(dev_plan: Plan) -> None:
    assert len(of_type(dev_plan, CLUSTER)) == 1
    assert sorted(s.name for s in of_type(dev_plan, ECS_SERVICE)) == ["backend-service", "frontend-service"]
    assert len(of_type(dev_plan, ALB)) == 1


def test_dev_target_groups_are_ip_with_health_check_paths(dev_plan: Plan) -> None:
    paths = {tg.inputs["tags"]["Service"]: tg.inputs["healthCheck"]["path"] for tg in of_type(dev_plan, TG)}
    assert paths == {"backend": "/health", "frontend": "/"}
    for tg in of_type(dev_plan, TG):
        assert tg.inputs["targetType"] == "ip", tg.urn
        assert tg.inputs["deregistrationDelay"] <= 30, f"{tg.urn}: dev rollouts need a short drain"


def test_dev_log_groups_have_7_day_retention(dev_plan: Plan) -> None:
    groups = {g.inputs["name"]: g.inputs["retentionInDays"] for g in of_type(dev_plan, LOG_GROUP)}
    assert groups == {"/ecs/fargate-platform-dev/backend": 7, "/ecs/fargate-platform-dev/frontend": 7}


def test_dev_roles_are_distinct(dev_plan: Plan) -> None:
    assert_distinct_roles(dev_plan)


def test_dev_runs_on_fargate_spot(dev_plan: Plan) -> None:
    capacity = one(dev_plan, CAPACITY, "dev-capacity")
    assert capacity.inputs["defaultCapacityProviderStrategies"] == [
        {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}
    ], capacity.urn
    for service in of_type(dev_plan, ECS_SERVICE):
        providers = [s["capacityProvider"] for s in service.inputs["capacityProviderStrategies"]]
        assert providers == ["FARGATE_SPOT"], service.urn


def test_dev_backend_task_runs_postgres_first_until_healthy(dev_plan: Plan) -> None:
    task = one(dev_plan, TASK_DEFINITION, "backend-task")
    defs = container_definitions(task)
    assert [d["name"] for d in defs] == ["postgres", "backend"], task.urn
    postgres, backend = defs
    assert backend["dependsOn"] == [{"containerName": "postgres", "condition": "HEALTHY"}], task.urn
    assert postgres["healthCheck"]["command"] == ["CMD-SHELL", "pg_isready -U photoportal -d photoportal"]
    # The sidecar keeps its own reservation; the main container gets the rest of the task.
    assert postgres["cpu"] + backend["cpu"] == int(task.inputs["cpu"]), task.urn
    assert postgres["memory"] + backend["memory"] == int(task.inputs["memory"]), task.urn
    assert [s["name"] for s in postgres["secrets"]] == ["POSTGRES_PASSWORD"], task.urn
    assert [s["name"] for s in backend["secrets"]] == ["DATABASE_URL"], task.urn
    assert not [e for d in defs for e in d["environment"] if "PASSWORD" in e["name"] or "URL" in e["name"]]


def test_dev_database_url_carries_the_generated_password_url_encoded(dev_plan: Plan) -> None:
    params = {p.inputs["name"]: p for p in of_type(dev_plan, "aws:ssm/parameter:Parameter")}
    password = params["/fargate-platform/dev/backend/dbPassword"].inputs["value"]
    url = params["/fargate-platform/dev/backend/DATABASE_URL"].inputs["value"]
    from urllib.parse import quote

    assert url == f"postgresql://photoportal:{quote(password, safe='')}@localhost:5432/photoportal"


def test_dev_has_a_cloud_map_namespace_and_discoverable_services(dev_plan: Plan) -> None:
    namespace = one(dev_plan, NAMESPACE, "dev-ns")
    assert namespace.inputs["name"] == "dev.local", namespace.urn
    assert dev_plan.outputs["services"]["backend"]["discoveryName"] == "backend.dev.local"
    assert dev_plan.outputs["services"]["frontend"]["discoveryName"] == "frontend.dev.local"


def test_dev_has_no_nat_and_public_tasks_reachable_only_from_the_alb_and_peers(dev_plan: Plan) -> None:
    vpc = one(dev_plan, VPC, "dev-vpc")
    assert vpc.inputs["natGateways"] == {"strategy": "None"}, vpc.urn
    for service in of_type(dev_plan, ECS_SERVICE):
        assert service.inputs["networkConfiguration"]["assignPublicIp"] is True, service.urn
    open_rules = [r for r in of_type(dev_plan, INGRESS) if "cidrIpv4" in r.inputs or "cidrIpv6" in r.inputs]
    assert sorted({r.inputs["fromPort"] for r in open_rules}) == [80]
    assert all(r.name.startswith("dev-alb-in-") for r in open_rules)


def test_dev_http_listener_defaults_to_the_frontend(dev_plan: Plan) -> None:
    [listener] = of_type(dev_plan, LISTENER)
    assert (listener.inputs["port"], listener.inputs["protocol"]) == (80, "HTTP"), listener.urn
    [action] = listener.inputs["defaultActions"]
    assert action["type"] == "forward" and "/dev-frontend-tg-" in action["targetGroupArn"], listener.urn


def test_dev_outputs(dev_plan: Plan) -> None:
    out = dev_plan.outputs
    assert out["albUrl"].startswith("http://dev-alb-") and out["albUrl"].endswith(
        ".eu-west-2.elb.amazonaws.com"
    )
    assert out["clusterName"].startswith("dev-cluster-")
    assert out["clusterArn"] == f"arn:aws:ecs:eu-west-2:123456789012:cluster/{out['clusterName']}"
    backend = out["services"]["backend"]
    assert backend == {
        "serviceName": backend["serviceName"],
        "taskDefinitionArn": (
            "arn:aws:ecs:eu-west-2:123456789012:task-definition/fargate-platform-dev-backend:1"
        ),
        "taskDefinitionFamily": "fargate-platform-dev-backend",
        "taskDefinitionRevision": 1,
        "containerName": "backend",
        "containerPort": 8000,
        "logGroup": "/ecs/fargate-platform-dev/backend",
        # The tasks' own group (the first they join): what a database outside the stack admits.
        "securityGroupId": one(dev_plan, ECS_SERVICE, "backend-service").inputs["networkConfiguration"][
            "securityGroups"
        ][0],
        "discoveryName": "backend.dev.local",
        "alarmNames": [
            f"fargate-platform-dev-backend-{kind}"
            for kind in ("5xx-rate", "p95-latency", "unhealthy-hosts", "cpu", "memory")
        ],
    }
    assert backend["serviceName"].startswith("backend-service-")
    assert out["dashboardName"] == "fargate-platform-dev"
    assert (
        out["notificationTopicArn"].startswith("arn:aws:sns:eu-west-2:123456789012:")
        and "dev-alerts-" in out["notificationTopicArn"]
    )


# ---------------------------------------------------------------------------------------------- prod


def test_prod_autoscales_every_service_on_cpu_between_2_and_4(prod_plan: Plan) -> None:
    targets = {
        t.name: (t.inputs["minCapacity"], t.inputs["maxCapacity"]) for t in of_type(prod_plan, SCALING_TARGET)
    }
    assert targets == {"backend-scaling": (2, 4), "frontend-scaling": (2, 4), "worker-scaling": (2, 4)}
    for policy in of_type(prod_plan, SCALING_POLICY):
        config = policy.inputs["targetTrackingScalingPolicyConfiguration"]
        assert config["targetValue"] == 60, policy.urn
        assert (
            config["predefinedMetricSpecification"]["predefinedMetricType"]
            == "ECSServiceAverageCPUUtilization"
        )
    for service in of_type(prod_plan, ECS_SERVICE):
        assert service.inputs["desiredCount"] == 2, service.urn


def test_prod_https_listener_with_tls13_and_http_redirect(prod_plan: Plan) -> None:
    https = one(prod_plan, LISTENER, "prod-https")
    assert https.inputs["protocol"] == "HTTPS" and https.inputs["sslPolicy"].startswith(
        "ELBSecurityPolicy-TLS13-"
    )
    assert https.inputs["certificateArn"].startswith("arn:aws:acm:eu-west-2:123456789012:certificate/")
    http = one(prod_plan, LISTENER, "prod-http")
    assert http.inputs["defaultActions"] == [
        {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
    ], http.urn
    assert sorted({r.inputs["fromPort"] for r in of_type(prod_plan, INGRESS) if "cidrIpv4" in r.inputs}) == [
        80,
        443,
    ]


def test_prod_container_insights_and_protected_alb(prod_plan: Plan) -> None:
    cluster = one(prod_plan, CLUSTER, "prod-cluster")
    assert cluster.inputs["settings"] == [{"name": "containerInsights", "value": "enabled"}], cluster.urn
    alb = one(prod_plan, ALB, "prod-alb")
    assert alb.protect and alb.inputs["enableDeletionProtection"] is True, alb.urn
    assert alb.inputs["accessLogs"]["enabled"] is True, alb.urn


def test_prod_runs_in_private_subnets_on_an_on_demand_base(prod_plan: Plan) -> None:
    vpc = one(prod_plan, VPC, "prod-vpc")
    assert vpc.inputs["numberOfAvailabilityZones"] >= 2 and vpc.inputs["natGateways"] == {
        "strategy": "OnePerAz"
    }
    for service in of_type(prod_plan, ECS_SERVICE):
        assert service.inputs["networkConfiguration"]["assignPublicIp"] is False, service.urn
        assert service.inputs["capacityProviderStrategies"][0] == {
            "capacityProvider": "FARGATE",
            "weight": 1,
            "base": 2,
        }, service.urn


def test_prod_worker_is_internal_only(prod_plan: Plan) -> None:
    worker = one(prod_plan, ECS_SERVICE, "worker-service")
    assert "loadBalancers" not in worker.inputs, worker.urn
    # Two target groups per routed service: prod deploys by canary (the alternate group takes the canary).
    services = sorted(tg.inputs["tags"]["Service"] for tg in of_type(prod_plan, TG))
    assert services == ["backend", "backend", "frontend", "frontend"]


def test_prod_database_credentials_come_from_secrets_manager(prod_plan: Plan) -> None:
    arn = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/photoportal/db-Xy12Ab"
    defs = {d["name"]: d for d in container_definitions(one(prod_plan, TASK_DEFINITION, "backend-task"))}
    assert {s["name"]: s["valueFrom"] for s in defs["backend"]["secrets"]} == {
        "DATABASE_USER": f"{arn}:username::",
        "DATABASE_PASSWORD": f"{arn}:password::",
    }
    by_sid = statements_by_sid(policy_document(one(prod_plan, ROLE_POLICY, "backend-iam-exec")))
    assert by_sid["ReadSecrets"]["Resource"] == [arn]
    assert "ReadSecrets" not in statements_by_sid(
        policy_document(one(prod_plan, ROLE_POLICY, "frontend-iam-exec"))
    )


def test_prod_images_are_pinned_and_roles_distinct(prod_plan: Plan) -> None:
    for task in of_type(prod_plan, TASK_DEFINITION):
        for definition in container_definitions(task):
            assert not definition["image"].endswith(":latest"), f"{task.urn}: {definition['image']}"
    assert_distinct_roles(prod_plan)


def test_prod_outputs_use_https(prod_plan: Plan) -> None:
    assert prod_plan.outputs["albUrl"].startswith("https://prod-alb-")
    assert sorted(prod_plan.outputs["services"]) == ["backend", "frontend", "worker"]
    assert prod_plan.outputs["services"]["worker"]["containerPort"] == 8080
    assert prod_plan.outputs["services"]["worker"]["discoveryName"] == "worker.prod.local"


def test_prod_log_groups_are_retained(prod_plan: Plan) -> None:
    for group in of_type(prod_plan, LOG_GROUP):
        assert group.retain_on_delete and group.inputs["retentionInDays"] == 30, group.urn


# ---------------------------------------------------------------------------------------------- all


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_resource_belongs_to_a_component(stack: str, request: pytest.FixtureRequest) -> None:
    plan: Plan = request.getfixturevalue(f"{stack}_plan")
    components = {r.urn: r for r in plan.resources if not r.custom}
    for resource in plan.resources:
        if resource.custom:
            assert resource.parent in components, f"{resource.urn} has no component parent"
        if resource.parent:
            parent = components[resource.parent]
            assert resource.name.startswith(f"{parent.name}-"), (
                f"{resource.urn} is not named after {parent.name}"
            )
    top = sorted((r.type, r.name) for r in plan.resources if r.parent == "")
    assert [t for t, _ in top if not t.startswith("fargate-platform:index:")] == []


@pytest.mark.parametrize(
    ("stack", "listener", "waits_for"),
    [
        ("dev", "dev-http", {"backend": ["dev-backend-rule"], "frontend": []}),
        ("prod", "prod-https", {"backend": ["prod-backend-rule"], "frontend": [], "worker": None}),
    ],
)
def test_services_wait_for_what_their_first_deployment_needs(
    stack: str, listener: str, waits_for: dict[str, list[str] | None], request: pytest.FixtureRequest
) -> None:
    # On a real first `pulumi up`, an ECS service created before these fails: "capacity provider is not
    # associated with the cluster", "target group does not have an associated load balancer", or tasks that
    # cannot pull or read secrets before the execution role's policy exists.
    plan: Plan = request.getfixturevalue(f"{stack}_plan")
    capacity = one(plan, CAPACITY, f"{stack}-capacity").urn
    for name, rules in waits_for.items():
        service = one(plan, ECS_SERVICE, f"{name}-service")
        needed = [capacity, one(plan, ROLE_POLICY, f"{name}-iam-exec").urn]
        if rules is not None:  # routed: the listener and its rule attach the target group to the ALB
            needed += [one(plan, LISTENER, listener).urn]
            needed += [one(plan, "aws:lb/listenerRule:ListenerRule", rule).urn for rule in rules]
        missing = [urn for urn in needed if urn not in service.depends_on]
        assert missing == [], f"{service.urn} does not wait for {missing}"


@pytest.fixture(scope="module", params=[p.name for p in EXAMPLES])
def example_plan(request: pytest.FixtureRequest) -> Plan:
    return run_program(
        PROGRAM, project=PROJECT, stack="example", config=example_config(ROOT / "examples" / request.param)
    )


def test_examples_run_end_to_end(example_plan: Plan) -> None:
    assert of_type(example_plan, ECS_SERVICE), "an example must create at least one service"
    assert_distinct_roles(example_plan)
    for task in of_type(example_plan, TASK_DEFINITION):
        assert container_definitions(task), task.urn


def test_examples_retain_stateful_resources_and_destroy_works(example_plan: Plan) -> None:
    """Defect 6 of issue 9: a protected repository failed `pulumi destroy` of any stack building an image."""
    stateful = [
        r
        for r in example_plan.resources
        if r.type in ("aws:efs/fileSystem:FileSystem", "aws:ecr/repository:Repository")
    ]
    for resource in stateful:
        assert resource.retain_on_delete, f"{resource.urn} must be retained on delete"
    protected = [
        r.urn
        for r in example_plan.resources
        if r.protect
        and not (r.type == "aws:lb/loadBalancer:LoadBalancer" and r.inputs["enableDeletionProtection"])
    ]
    assert protected == [], "only an ALB with deletion protection may block `pulumi destroy`"


def test_seed_003_builds_its_image_and_keeps_sqlite_on_efs() -> None:
    plan = run_program(
        PROGRAM,
        project=PROJECT,
        stack="example",
        config=example_config(ROOT / "examples" / "seed-003-fsd-minimal.yaml"),
    )
    fs = one(plan, "aws:efs/fileSystem:FileSystem", "my-service-data-fs")
    assert fs.retain_on_delete and fs.inputs["encrypted"] is True, fs.urn
    repo = one(plan, "aws:ecr/repository:Repository", "my-service-repo")
    assert repo.retain_on_delete and repo.inputs["imageTagMutability"] == "IMMUTABLE", repo.urn
    image = one(plan, "awsx:ecr:Image", "my-service-image")
    assert image.inputs["platform"] == "linux/amd64" and len(image.inputs["imageTag"]) == 40, image.urn


def test_seed_004_reaches_its_existing_file_system_and_database_group() -> None:
    """Defect 3 of issue 9: tasks joined only the stack's own groups, and no rule admitted them anywhere."""
    plan = run_program(
        PROGRAM,
        project=PROJECT,
        stack="example",
        config=example_config(ROOT / "examples" / "seed-004-django.yaml"),
    )
    service = one(plan, ECS_SERVICE, "booking-service")
    own = service.inputs["networkConfiguration"]["securityGroups"][0]
    assert service.inputs["networkConfiguration"]["securityGroups"][1:] == ["sg-0b1c2d3e4f5a60730"]
    rule = one(plan, INGRESS, "booking-static-files-nfs-from-tasks")
    assert (rule.inputs["securityGroupId"], rule.inputs["referencedSecurityGroupId"]) == (
        "sg-0b1c2d3e4f5a60720",
        own,
    ), rule.urn
    assert rule.inputs["fromPort"] == rule.inputs["toPort"] == 2049, rule.urn
    assert rule.urn in service.depends_on, "the service must wait for the rule, or the first mount times out"
    assert plan.outputs["services"]["booking"]["securityGroupId"] == own


# ---------------------------------------------------------------------------------------------- bad input


def record_even_on_failure(monkeypatch: pytest.MonkeyPatch) -> list[RecordedResource]:
    """The resources a run registered, kept even when the program fails."""
    registered: list[RecordedResource] = []
    original = ops.offline.recording_monitor.make_recording_monitor

    def spy(mocks: Any, records: list[RecordedResource], *rest: Any) -> Any:
        registered.clear()
        monitor = original(mocks, records, *rest)
        registered.append(records)  # type: ignore[arg-type]
        return monitor

    monkeypatch.setattr(ops.offline.recording_monitor, "make_recording_monitor", spy)
    return registered


@pytest.mark.parametrize(
    ("top", "problem"),
    [
        (
            minimal_platform(services={"web": {"image": "nginx:1.27.2", "cpu": 256, "memory": 4096}}),
            "services.web.memory: 4096 is not valid with cpu 256",
        ),
        (minimal_platform(servces={}), "servces: unknown key"),
        (
            minimal_platform(services={"web": {"image": "nginx:1.27.2", "port": 80, "discovery": True}}),
            "services.web.discovery: needs cluster.namespace",
        ),
    ],
)
def test_invalid_config_registers_no_resource(
    top: dict[str, Any], problem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered = record_even_on_failure(monkeypatch)
    with pytest.raises(ProgramConfigError) as err:
        run_platform(top)
    assert any(line.startswith(problem) for line in err.value.problems), err.value.problems
    [records] = registered
    assert records == [], [r.urn for r in records]  # type: ignore[union-attr]


def test_minimal_platform_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = run_platform(minimal_platform(), stack="mini")
    assert [s.name for s in of_type(plan, ECS_SERVICE)] == ["web-service"]
    assert (
        json.loads(one(plan, TASK_DEFINITION, "web-task").inputs["containerDefinitions"])[0]["portMappings"][
            0
        ]["containerPort"]
        == 8080
    )
    assert Path(PROGRAM).name == "__main__.py"


def test_existing_vpc_without_routes_needs_no_public_subnets() -> None:
    # No route, so no ALB: private subnets alone are enough (the config accepts this, so must the program).
    network = {
        "vpcId": "vpc-0123456789abcdef0",
        "privateSubnetIds": ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012"],
        "taskSubnets": "private",
    }
    worker = {"image": "nginx:1.27.2", "command": ["worker"]}
    plan = run_platform(minimal_platform(network=network, services={"worker": worker}))
    service = one(plan, ECS_SERVICE, "worker-service")
    assert service.inputs["networkConfiguration"]["subnets"] == network["privateSubnetIds"]
    assert of_type(plan, "aws:lb/loadBalancer:LoadBalancer") == []


def test_dev_backend_grace_period_covers_waiting_for_postgres(dev_plan: Plan) -> None:
    # ALB checks fail until postgres is HEALTHY and the backend has started; a 30 s grace would let ECS
    # replace the task first (postgres startPeriod alone is 30 s).
    backend = one(dev_plan, ECS_SERVICE, "backend-service")
    containers = container_definitions(one(dev_plan, TASK_DEFINITION, "backend-task"))
    postgres = next(c for c in containers if c["name"] == "postgres")
    assert backend.inputs["healthCheckGracePeriodSeconds"] > postgres["healthCheck"]["startPeriod"]
    assert one(dev_plan, ECS_SERVICE, "frontend-service").inputs["healthCheckGracePeriodSeconds"] == 30
