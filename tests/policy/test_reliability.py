"""Reliability rules: each test starts from a known-good resource (conftest ``good``), changes one thing."""

from __future__ import annotations

import json

import pytest
import reliability
import type_tokens
from common import UNKNOWN_STRING as UNKNOWN
from pulumi_policy.proxy import UnknownValueError

TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
AWSX_SERVICE = "awsx:ecs:FargateService"
AWSX_TASK = "awsx:ecs:FargateTaskDefinition"
TARGET = "aws:appautoscaling/target:Target"
TARGET_GROUPS = type_tokens.TARGET_GROUP  # aws:lb, aws:alb and the legacy alias tokens


# --- ecs-deployment-circuit-breaker --------------------------------------------------------------------

BREAKER_FIX = "set deploymentCircuitBreaker {enable: true, rollback: true}"


def test_breaker_enabled_with_rollback_passes(run, good):
    assert run.resource(reliability.ECS_DEPLOYMENT_CIRCUIT_BREAKER, SERVICE, good.service()) == []


def test_breaker_without_rollback(run, good):
    props = good.service(deploymentCircuitBreaker={"enable": True, "rollback": False})
    assert run.resource(reliability.ECS_DEPLOYMENT_CIRCUIT_BREAKER, SERVICE, props) == [
        f"ECS service 'web' deploymentCircuitBreaker must be enabled with rollback; {BREAKER_FIX} "
        "(rollback missing)."
    ]


def test_breaker_missing(run, good):
    props = good.service()
    del props["deploymentCircuitBreaker"]
    assert run.resource(reliability.ECS_DEPLOYMENT_CIRCUIT_BREAKER, SERVICE, props) == [
        f"ECS service 'web' deploymentCircuitBreaker must be enabled with rollback; {BREAKER_FIX} "
        "(enable and rollback missing)."
    ]


def test_breaker_disabled_but_rollback_set(run, good):
    props = good.service(deploymentCircuitBreaker={"enable": False, "rollback": True})
    assert run.resource(reliability.ECS_DEPLOYMENT_CIRCUIT_BREAKER, SERVICE, props) == [
        f"ECS service 'web' deploymentCircuitBreaker must be enabled with rollback; {BREAKER_FIX} "
        "(enable missing)."
    ]


def test_breaker_not_applicable_to_code_deploy(run, good):
    props = good.service(deploymentController={"type": "CODE_DEPLOY"}, deploymentCircuitBreaker=None)
    assert run.resource(reliability.ECS_DEPLOYMENT_CIRCUIT_BREAKER, SERVICE, props) == []


def test_breaker_covers_awsx_service(run, good):
    props = good.awsx_fargate_service(deploymentCircuitBreaker=None)
    assert run.resource(reliability.ECS_DEPLOYMENT_CIRCUIT_BREAKER, AWSX_SERVICE, props) == [
        f"Fargate service 'web' deploymentCircuitBreaker must be enabled with rollback; {BREAKER_FIX} "
        "(enable and rollback missing)."
    ]


def test_breaker_not_tripped_by_unknown_task_definition_arn(run, good):
    props = good.service(taskDefinition=UNKNOWN, cluster=UNKNOWN)
    assert run.resource(reliability.ECS_DEPLOYMENT_CIRCUIT_BREAKER, SERVICE, props) == []


# --- target-group-health-check -------------------------------------------------------------------------


@pytest.mark.parametrize("token", TARGET_GROUPS)
def test_health_check_covers_every_target_group_token(run, good, token):
    assert run.resource(reliability.TARGET_GROUP_HEALTH_CHECK, token, good.target_group()) == []
    props = good.target_group(healthCheck={"enabled": False})
    assert run.resource(reliability.TARGET_GROUP_HEALTH_CHECK, token, props) == [
        "Target group 'web' healthCheck must be enabled; set healthCheck.enabled to true."
    ]


def test_health_check_missing(run, good):
    props = good.target_group()
    del props["healthCheck"]
    assert run.resource(reliability.TARGET_GROUP_HEALTH_CHECK, TARGET_GROUPS[0], props) == [
        "Target group 'web' healthCheck must be configured; set healthCheck with enabled: true and the "
        "application's health path, e.g. /health."
    ]


def test_health_check_http_without_path(run, good):
    props = good.target_group(healthCheck={"enabled": True, "protocol": "HTTPS"})
    assert run.resource(reliability.TARGET_GROUP_HEALTH_CHECK, TARGET_GROUPS[1], props) == [
        "Target group 'web' healthCheck.path must be set for an HTTPS health check; set healthCheck.path to "
        "the application's health endpoint, e.g. /health."
    ]


def test_health_check_path_follows_target_group_protocol_when_check_protocol_unset(run, good):
    props = good.target_group(healthCheck={"enabled": True})
    assert len(run.resource(reliability.TARGET_GROUP_HEALTH_CHECK, TARGET_GROUPS[0], props)) == 1
    tcp = good.target_group(protocol="TCP", healthCheck={"enabled": True})
    assert run.resource(reliability.TARGET_GROUP_HEALTH_CHECK, TARGET_GROUPS[0], tcp) == []


def test_health_check_ignores_lambda_targets(run, good):
    props = good.target_group(targetType="lambda", healthCheck=None, protocol=None)
    assert run.resource(reliability.TARGET_GROUP_HEALTH_CHECK, TARGET_GROUPS[0], props) == []


def test_health_check_unknown_path_is_left_to_the_sdk(run, good):
    props = good.target_group(healthCheck={"enabled": True, "path": UNKNOWN})
    with pytest.raises(UnknownValueError):
        run.resource(reliability.TARGET_GROUP_HEALTH_CHECK, TARGET_GROUPS[0], props)


# --- ecs-service-min-tasks (stack) ---------------------------------------------------------------------


def _min_tasks_fix(n: int) -> str:
    return f"set desiredCount to {n} or more, or add an autoscaling target with minCapacity {n} or more."


def test_min_tasks_desired_count_passes(run, good):
    service = run.res(SERVICE, "web", good.service())
    assert run.stack(reliability.ECS_SERVICE_MIN_TASKS, [service]) == []


def test_min_tasks_desired_count_too_low(run, good):
    service = run.res(SERVICE, "web", good.service(desiredCount=1))
    assert run.stack(reliability.ECS_SERVICE_MIN_TASKS, [service]) == [
        (f"ECS service 'web' desiredCount 1 must be at least 2; {_min_tasks_fix(2)}", service.urn)
    ]


def test_min_tasks_desired_count_missing(run, good):
    props = good.service()
    del props["desiredCount"]
    service = run.res(SERVICE, "web", props)
    assert run.stack(reliability.ECS_SERVICE_MIN_TASKS, [service]) == [
        (
            "ECS service 'web' desiredCount (unset: 0) must be at least 2; " + _min_tasks_fix(2),
            service.urn,
        )
    ]


def test_min_tasks_unset_desired_count_follows_provider_defaults(run, good):
    awsx = good.awsx_fargate_service()
    del awsx["desiredCount"]
    service = run.res(AWSX_SERVICE, "api", awsx)
    assert run.stack(reliability.ECS_SERVICE_MIN_TASKS, [service], config={"minTasks": 1}) == []
    assert run.stack(reliability.ECS_SERVICE_MIN_TASKS, [service]) == [
        (
            f"Fargate service 'api' desiredCount (unset: 1) must be at least 2; {_min_tasks_fix(2)}",
            service.urn,
        )
    ]
    props = good.service()
    del props["desiredCount"]
    plain = run.res(SERVICE, "web", props)
    assert len(run.stack(reliability.ECS_SERVICE_MIN_TASKS, [plain], config={"minTasks": 1})) == 1


def test_min_tasks_config_override(run, good):
    service = run.res(SERVICE, "web", good.service(desiredCount=1))
    assert run.stack(reliability.ECS_SERVICE_MIN_TASKS, [service], config={"minTasks": 1.0}) == []
    assert len(run.stack(reliability.ECS_SERVICE_MIN_TASKS, [service], config={"minTasks": 3})) == 1


def test_min_tasks_uses_autoscaling_min_matched_by_dependency(run, good):
    service = run.res(SERVICE, "web", good.service(desiredCount=1))
    target = run.res(TARGET, "web-scaling", good.autoscaling_target(resourceId=UNKNOWN), deps=[service])
    assert run.stack(reliability.ECS_SERVICE_MIN_TASKS, [service, target]) == []


def test_min_tasks_autoscaling_min_too_low(run, good):
    service = run.res(SERVICE, "web", good.service(desiredCount=4))
    target = run.res(TARGET, "web-scaling", good.autoscaling_target(minCapacity=1))
    assert run.stack(reliability.ECS_SERVICE_MIN_TASKS, [service, target]) == [
        (
            "ECS service 'web' autoscaling minCapacity 1 (target 'web-scaling') must be at least 2; "
            "set minCapacity to 2 or more.",
            service.urn,
        )
    ]


def test_min_tasks_matches_target_by_resource_id_and_property_dependency(run, good):
    service = run.res(SERVICE, "web-svc", good.service(name="web", desiredCount=1))
    by_id = run.res(TARGET, "t1", good.autoscaling_target(resourceId="service/main/web"))
    assert run.stack(reliability.ECS_SERVICE_MIN_TASKS, [service, by_id]) == []
    other = run.res(TARGET, "t2", good.autoscaling_target(resourceId="service/main/api"))
    assert len(run.stack(reliability.ECS_SERVICE_MIN_TASKS, [service, other])) == 1
    by_prop = run.res(
        TARGET, "t3", good.autoscaling_target(resourceId=UNKNOWN), property_deps={"resourceId": [service]}
    )
    assert run.stack(reliability.ECS_SERVICE_MIN_TASKS, [service, by_prop]) == []


def test_min_tasks_ignores_non_ecs_targets(run, good):
    service = run.res(SERVICE, "web", good.service(desiredCount=1))
    table = run.res(
        TARGET,
        "table",
        good.autoscaling_target(scalableDimension="dynamodb:table:ReadCapacityUnits", minCapacity=5),
        deps=[service],
    )
    assert len(run.stack(reliability.ECS_SERVICE_MIN_TASKS, [service, table])) == 1


def test_min_tasks_skips_daemon_services_and_covers_awsx(run, good):
    daemon = run.res(SERVICE, "agent", good.service(schedulingStrategy="DAEMON", desiredCount=None))
    awsx = run.res(AWSX_SERVICE, "api", good.awsx_fargate_service(desiredCount=1))
    assert run.stack(reliability.ECS_SERVICE_MIN_TASKS, [daemon, awsx]) == [
        (f"Fargate service 'api' desiredCount 1 must be at least 2; {_min_tasks_fix(2)}", awsx.urn)
    ]


def test_min_tasks_not_tripped_by_unknown_service_name(run, good):
    service = run.res(SERVICE, "web", good.service(name=UNKNOWN, desiredCount=2))
    target = run.res(TARGET, "t", good.autoscaling_target(resourceId=UNKNOWN, minCapacity=1))
    assert run.stack(reliability.ECS_SERVICE_MIN_TASKS, [service, target]) == []


# --- ecs-service-multi-az ------------------------------------------------------------------------------


def test_multi_az_two_subnets_pass(run, good):
    assert run.resource(reliability.ECS_SERVICE_MULTI_AZ, SERVICE, good.service()) == []


def test_multi_az_one_subnet(run, good):
    props = good.service(networkConfiguration={"subnets": ["subnet-0a1", "subnet-0a1"]})
    assert run.resource(reliability.ECS_SERVICE_MULTI_AZ, SERVICE, props) == [
        "ECS service 'web' networkConfiguration.subnets (1 distinct) must span at least 2 "
        "availability zones; list at least 2 subnets, one in each of 2 AZs."
    ]


def test_multi_az_missing_network_configuration(run, good):
    props = good.service()
    del props["networkConfiguration"]
    assert run.resource(reliability.ECS_SERVICE_MULTI_AZ, SERVICE, props) == [
        "ECS service 'web' networkConfiguration.subnets (0 distinct) must span at least 2 "
        "availability zones; list at least 2 subnets, one in each of 2 AZs."
    ]


def test_multi_az_config_override(run, good):
    props = good.service(networkConfiguration={"subnets": ["subnet-0a1"]})
    assert run.resource(reliability.ECS_SERVICE_MULTI_AZ, SERVICE, props, config={"minAzs": 1}) == []
    assert (
        len(run.resource(reliability.ECS_SERVICE_MULTI_AZ, SERVICE, good.service(), config={"minAzs": 3}))
        == 1
    )


def test_multi_az_skips_ec2_launch_type_and_covers_awsx(run, good):
    ec2 = good.service(launchType="EC2", networkConfiguration=None)
    assert run.resource(reliability.ECS_SERVICE_MULTI_AZ, SERVICE, ec2) == []
    awsx = good.awsx_fargate_service(networkConfiguration={"subnets": ["subnet-0a1"]})
    assert len(run.resource(reliability.ECS_SERVICE_MULTI_AZ, AWSX_SERVICE, awsx)) == 1


def test_multi_az_counts_unknown_subnet_ids_as_distinct(run, good):
    # During preview the subnet ids of a VPC created in the same update are unknown, but their number is not.
    props = good.service(networkConfiguration={"subnets": [UNKNOWN, UNKNOWN]})
    assert run.resource(reliability.ECS_SERVICE_MULTI_AZ, SERVICE, props) == []
    props = good.service(networkConfiguration={"subnets": [UNKNOWN]})
    assert len(run.resource(reliability.ECS_SERVICE_MULTI_AZ, SERVICE, props)) == 1


def test_multi_az_unknown_subnet_list_is_left_to_the_sdk(run, good):
    props = good.service(networkConfiguration={"subnets": UNKNOWN})
    with pytest.raises(UnknownValueError):
        run.resource(reliability.ECS_SERVICE_MULTI_AZ, SERVICE, props)


# --- target-group-deregistration-delay -----------------------------------------------------------------


@pytest.mark.parametrize("token", TARGET_GROUPS)
def test_deregistration_covers_every_target_group_token(run, good, token):
    assert run.resource(reliability.TARGET_GROUP_DEREGISTRATION_DELAY, token, good.target_group()) == []
    props = good.target_group(deregistrationDelay=180)
    assert run.resource(reliability.TARGET_GROUP_DEREGISTRATION_DELAY, token, props) == [
        "Target group 'web' deregistrationDelay 180 must be at most 120 seconds; "
        "set deregistrationDelay to 120 or less."
    ]


def test_deregistration_missing_uses_aws_default(run, good):
    props = good.target_group()
    del props["deregistrationDelay"]
    assert run.resource(reliability.TARGET_GROUP_DEREGISTRATION_DELAY, TARGET_GROUPS[0], props) == [
        "Target group 'web' deregistrationDelay (unset: AWS default 300) must be at most 120 seconds; "
        "set deregistrationDelay to 120 or less."
    ]
    assert (
        run.resource(
            reliability.TARGET_GROUP_DEREGISTRATION_DELAY, TARGET_GROUPS[0], props, config={"maxSeconds": 300}
        )
        == []
    )


def test_deregistration_config_override_and_string_values(run, good):
    props = good.target_group(deregistrationDelay="45")  # older pulumi-aws typed it as a string
    dev = {"maxSeconds": 30}
    assert run.resource(
        reliability.TARGET_GROUP_DEREGISTRATION_DELAY, TARGET_GROUPS[0], props, config=dev
    ) == [
        "Target group 'web' deregistrationDelay 45 must be at most 30 seconds; "
        "set deregistrationDelay to 30 or less."
    ]


# --- ecs-image-pinned ----------------------------------------------------------------------------------

PIN_FIX = "use an immutable tag (e.g. the commit SHA) or an @sha256: digest."


@pytest.mark.parametrize(
    "image",
    ["nginx:1.27.0", "public.ecr.aws/nginx/nginx:1.27", "registry.local:5000/team/web:abc123",
     "nginx@sha256:" + "0f" * 32, "nginx:latest@sha256:" + "0f" * 32],
)  # fmt: skip
def test_pinned_images_pass(run, good, image):
    props = good.task_definition(containers=[good.container(image=image)])
    assert run.resource(reliability.ECS_IMAGE_PINNED, TASK, props) == []


def test_latest_tag_fails(run, good):
    props = good.task_definition(
        containers=[good.container(), good.container(name="proxy", image="envoy:latest")]
    )
    assert run.resource(reliability.ECS_IMAGE_PINNED, TASK, props) == [
        f"ECS task definition 'web' container 'proxy' image envoy:latest must be pinned to a version tag or "
        f"digest; {PIN_FIX}"
    ]


def test_missing_tag_fails_even_with_registry_port(run, good):
    props = good.task_definition(containers=[good.container(image="registry.local:5000/team/web")])
    assert run.resource(reliability.ECS_IMAGE_PINNED, TASK, props) == [
        "ECS task definition 'web' container 'web' image registry.local:5000/team/web (no tag: latest) "
        f"must be pinned to a version tag or digest; {PIN_FIX}"
    ]


def test_pinning_not_required_in_dev(run, good):
    props = good.task_definition(containers=[good.container(image="nginx")])
    assert run.resource(reliability.ECS_IMAGE_PINNED, TASK, props, config={"requirePinned": False}) == []


def test_pinned_reads_list_shaped_definitions_and_awsx(run, good):
    props = good.task_definition(containerDefinitions=[good.container(image="nginx:latest")])
    assert len(run.resource(reliability.ECS_IMAGE_PINNED, TASK, props)) == 1
    awsx = good.awsx_fargate_service()
    assert run.resource(reliability.ECS_IMAGE_PINNED, AWSX_SERVICE, awsx) == []
    awsx["taskDefinitionArgs"]["containers"]["web"]["image"] = "nginx"
    assert run.resource(reliability.ECS_IMAGE_PINNED, AWSX_SERVICE, awsx) == [
        f"Fargate service 'web' container 'web' image nginx (no tag: latest) must be pinned to a version tag "
        f"or digest; {PIN_FIX}"
    ]
    task = {"container": {"name": "app", "image": {"imageUri": "web:latest"}}}
    assert len(run.resource(reliability.ECS_IMAGE_PINNED, AWSX_TASK, task)) == 1


def test_pinned_not_tripped_by_unknown_sibling_values(run, good):
    # awsx containers are structured: an unknown secret ARN next to a pinned image does not matter.
    awsx = good.awsx_fargate_service()
    awsx["taskDefinitionArgs"]["containers"]["web"]["secrets"] = [{"name": "X", "valueFrom": UNKNOWN}]
    assert run.resource(reliability.ECS_IMAGE_PINNED, AWSX_SERVICE, awsx) == []


def test_pinned_unknown_definitions_are_left_to_the_sdk(run, good):
    with pytest.raises(UnknownValueError) as caught:
        run.resource(reliability.ECS_IMAGE_PINNED, TASK, good.task_definition(containerDefinitions=UNKNOWN))
    assert caught.value.message == "string value at .containerDefinitions can't be known during preview"


def test_malformed_definitions_are_left_to_aws(run, good):
    props = good.task_definition(containerDefinitions=json.dumps({"not": "a list"})[:-3])
    assert run.resource(reliability.ECS_IMAGE_PINNED, TASK, props) == []


# --- unknown values elsewhere never trip a rule ----------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "token", "builder", "keep"),
    [
        (reliability.ECS_DEPLOYMENT_CIRCUIT_BREAKER, SERVICE, "service", ("deploymentCircuitBreaker",)),
        (
            reliability.TARGET_GROUP_HEALTH_CHECK,
            TARGET_GROUPS[0],
            "target_group",
            ("healthCheck", "protocol", "targetType"),
        ),
        (reliability.ECS_SERVICE_MULTI_AZ, SERVICE, "service", ("networkConfiguration",)),
        (
            reliability.TARGET_GROUP_DEREGISTRATION_DELAY,
            TARGET_GROUPS[0],
            "target_group",
            ("deregistrationDelay",),
        ),
        (reliability.ECS_IMAGE_PINNED, TASK, "task_definition", ("containerDefinitions",)),
    ],
)
def test_unknown_unrelated_properties_do_not_matter(run, good, policy, token, builder, keep):
    props = good.unknown_except(getattr(good, builder)(), *keep)
    assert sum(v == UNKNOWN for v in props.values()) >= 1
    assert run.resource(policy, token, props) == []
