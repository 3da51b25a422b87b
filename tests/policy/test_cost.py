"""Cost rules: each test starts from a known-good resource (conftest ``good``) and changes one thing."""

from __future__ import annotations

import cost
import cost_logs
import cost_network
import cost_tasks
import pytest
import type_tokens
from common import UNKNOWN_STRING as UNKNOWN
from pulumi_policy.proxy import UnknownValueError

TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
AWSX_SERVICE = "awsx:ecs:FargateService"
AWSX_TASK = "awsx:ecs:FargateTaskDefinition"
CCP = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
CLUSTER = "aws:ecs/cluster:Cluster"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
VPC = "awsx:ec2:Vpc"
NAT = "aws:ec2/natGateway:NatGateway"


# --- fargate-task-size ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [("256", "512"), ("256", "2048"), ("4096", "30720"), ("8192", "20480"), ("8192", "61440"),
     ("16384", "40960"), ("16384", "122880"), ("1 vCPU", "2 GB"), ("0.5 vCPU", "1024 MiB")],
)  # fmt: skip
def test_task_size_accepts_valid_sizes(run, good, cpu, memory):
    assert (
        run.resource(cost_tasks.FARGATE_TASK_SIZE, TASK, good.task_definition(cpu=cpu, memory=memory)) == []
    )


def test_task_size_rejects_memory_not_valid_with_cpu(run, good):
    assert run.resource(cost_tasks.FARGATE_TASK_SIZE, TASK, good.task_definition(memory="3072")) == [
        "ECS task definition 'web' memory 3072 MiB must be valid with cpu 256 on Fargate; "
        "use 512, 1024 or 2048 MiB, or cpu 512 or 1024 for 3072 MiB."
    ]


def test_task_size_rejects_1gib_steps_at_8_vcpu(run, good):
    # pulumi-awsx's size helper allows 17408 at 8 vCPU; AWS takes 4096-MiB steps only.
    assert run.resource(
        cost_tasks.FARGATE_TASK_SIZE, TASK, good.task_definition(cpu="8192", memory="17408")
    ) == [
        "ECS task definition 'web' memory 17408 MiB must be valid with cpu 8192 on Fargate; "
        "use 16384-61440 MiB in 4096-MiB steps, or cpu 4096 for 17408 MiB."
    ]


def test_task_size_rejects_4gib_steps_at_16_vcpu(run, good):
    assert run.resource(
        cost_tasks.FARGATE_TASK_SIZE, TASK, good.task_definition(cpu="16384", memory="69632")
    ) == [
        "ECS task definition 'web' memory 69632 MiB must be valid with cpu 16384 on Fargate; "
        "use 32768-122880 MiB in 8192-MiB steps."
    ]


def test_task_size_rejects_32_vcpu(run, good):
    assert run.resource(
        cost_tasks.FARGATE_TASK_SIZE, TASK, good.task_definition(cpu="32768", memory="65536")
    ) == [
        "ECS task definition 'web' cpu 32768 must be a Fargate cpu value; "
        "use one of 256, 512, 1024, 2048, 4096, 8192, 16384 (cpu units)."
    ]


def test_task_size_rejects_unparseable_memory(run, good):
    assert run.resource(cost_tasks.FARGATE_TASK_SIZE, TASK, good.task_definition(memory="lots")) == [
        "ECS task definition 'web' memory lots must be a number of MiB; "
        "use 512, 1024 or 2048 MiB with cpu 256."
    ]


def test_task_size_requires_task_level_sizes_on_fargate(run, good):
    props = good.task_definition()
    del props["memory"]
    assert run.resource(cost_tasks.FARGATE_TASK_SIZE, TASK, props) == [
        "ECS task definition 'web' must set task-level cpu and memory for Fargate; "
        "set cpu and memory to a valid Fargate size, e.g. cpu 256 with memory 512."
    ]


def test_task_size_ignores_ec2_task_definitions(run, good):
    props = good.task_definition(requiresCompatibilities=["EC2"], memory="3072")
    assert run.resource(cost_tasks.FARGATE_TASK_SIZE, TASK, props) == []


@pytest.mark.parametrize("size", [21, 200])
def test_task_size_accepts_ephemeral_storage_bounds(run, good, size):
    props = good.task_definition(ephemeralStorage={"sizeInGib": size})
    assert run.resource(cost_tasks.FARGATE_TASK_SIZE, TASK, props) == []


@pytest.mark.parametrize("size", [20, 201])
def test_task_size_rejects_ephemeral_storage_out_of_range(run, good, size):
    props = good.task_definition(ephemeralStorage={"sizeInGib": size})
    assert run.resource(cost_tasks.FARGATE_TASK_SIZE, TASK, props) == [
        f"ECS task definition 'web' ephemeralStorage.sizeInGib {size} must be between 21 and 200 GiB; "
        "set sizeInGib to 21-200, or remove ephemeralStorage for the default 20 GiB."
    ]


def test_task_size_covers_awsx_task_definition_and_service(run, good):
    assert run.resource(cost_tasks.FARGATE_TASK_SIZE, AWSX_TASK, {"cpu": "512", "memory": "8192"}) == [
        "Fargate task definition 'web' memory 8192 MiB must be valid with cpu 512 on Fargate; "
        "use 1024-4096 MiB in 1024-MiB steps, or cpu 1024 or 2048 or 4096 for 8192 MiB."
    ]
    service = good.awsx_fargate_service()
    assert run.resource(cost_tasks.FARGATE_TASK_SIZE, AWSX_SERVICE, service) == []
    service["taskDefinitionArgs"]["memory"] = "512"
    assert run.resource(cost_tasks.FARGATE_TASK_SIZE, AWSX_SERVICE, service) == [
        "Fargate service 'web' memory 512 MiB must be valid with cpu 512 on Fargate; "
        "use 1024-4096 MiB in 1024-MiB steps, or cpu 256 for 512 MiB."
    ]


def test_task_size_lets_awsx_compute_missing_sizes(run):
    assert run.resource(cost_tasks.FARGATE_TASK_SIZE, AWSX_TASK, {"container": {"image": "nginx:1"}}) == []


def test_task_size_ignores_other_types(run, good):
    assert run.resource(cost_tasks.FARGATE_TASK_SIZE, SERVICE, good.task_definition(memory="3072")) == []


def test_task_size_is_not_tripped_by_unknown_container_definitions(run, good):
    # An image URI from an ECR output makes the whole JSON string unknown during preview: this rule does not
    # read it, so it still checks the sizes.
    props = good.task_definition(containerDefinitions=UNKNOWN, memory="3072")
    assert len(run.resource(cost_tasks.FARGATE_TASK_SIZE, TASK, props)) == 1


def test_task_size_reports_unknown_cpu_to_the_sdk(run, good):
    with pytest.raises(UnknownValueError) as caught:
        run.resource(cost_tasks.FARGATE_TASK_SIZE, TASK, good.task_definition(cpu=UNKNOWN))
    assert caught.value.message == "string value at .cpu can't be known during preview"


# --- fargate-max-task-size -----------------------------------------------------------------------------


def test_max_task_size_default_allows_4_vcpu(run, good):
    props = good.task_definition(cpu="4096", memory="30720")
    assert run.resource(cost_tasks.FARGATE_MAX_TASK_SIZE, TASK, props) == []


def test_max_task_size_default_rejects_8_vcpu(run, good):
    props = good.task_definition(cpu="8192", memory="32768")
    assert run.resource(cost_tasks.FARGATE_MAX_TASK_SIZE, TASK, props) == [
        "ECS task definition 'web' cpu 8192 must be at most 4096 in this stack; "
        "lower cpu to 4096 or less, or raise the policy's maxCpu.",
        "ECS task definition 'web' memory 32768 MiB must be at most 30720 MiB in this stack; "
        "lower memory to 30720 MiB or less, or raise the policy's maxMemory.",
    ]


def test_max_task_size_config_override(run, good):
    config = {"maxCpu": 512.0, "maxMemory": 1024.0}  # numbers arrive as floats through Configure
    assert run.resource(cost_tasks.FARGATE_MAX_TASK_SIZE, TASK, good.task_definition(), config=config) == []
    props = good.task_definition(cpu="1 vCPU", memory="2 GB")
    assert run.resource(cost_tasks.FARGATE_MAX_TASK_SIZE, TASK, props, config=config) == [
        "ECS task definition 'web' cpu 1024 must be at most 512 in this stack; "
        "lower cpu to 512 or less, or raise the policy's maxCpu.",
        "ECS task definition 'web' memory 2048 MiB must be at most 1024 MiB in this stack; "
        "lower memory to 1024 MiB or less, or raise the policy's maxMemory.",
    ]


def test_max_task_size_missing_sizes_pass(run, good):
    props = good.task_definition()
    del props["cpu"], props["memory"]
    assert run.resource(cost_tasks.FARGATE_MAX_TASK_SIZE, TASK, props, config={"maxCpu": 256}) == []


def test_max_task_size_covers_awsx_service(run, good):
    service = good.awsx_fargate_service()
    assert run.resource(cost_tasks.FARGATE_MAX_TASK_SIZE, AWSX_SERVICE, service, config={"maxCpu": 256}) == [
        "Fargate service 'web' cpu 512 must be at most 256 in this stack; "
        "lower cpu to 256 or less, or raise the policy's maxCpu."
    ]


# --- fargate-spot-in-non-prod --------------------------------------------------------------------------

SPOT_ON = {"requireSpot": True}
SPOT_FIX = 'add {capacityProvider: "FARGATE_SPOT", weight: 1} to the capacity provider strategy.'


def test_spot_not_required_by_default(run, good):
    props = good.service(capacityProviderStrategies=None, launchType="FARGATE")
    assert run.resource(cost_tasks.FARGATE_SPOT_IN_NON_PROD, SERVICE, props) == []


def test_spot_service_with_spot_weight_passes(run, good):
    assert run.resource(cost_tasks.FARGATE_SPOT_IN_NON_PROD, SERVICE, good.service(), config=SPOT_ON) == []


def test_spot_service_without_spot_in_strategy(run, good):
    props = good.service(capacityProviderStrategies=[{"capacityProvider": "FARGATE", "weight": 1}])
    assert run.resource(cost_tasks.FARGATE_SPOT_IN_NON_PROD, SERVICE, props, config=SPOT_ON) == [
        f"ECS service 'web' capacityProviderStrategies must give FARGATE_SPOT a weight; {SPOT_FIX}"
    ]


def test_spot_with_zero_weight_counts_as_missing(run, good):
    props = good.service(
        capacityProviderStrategies=[
            {"capacityProvider": "FARGATE", "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 0},
        ]
    )
    assert len(run.resource(cost_tasks.FARGATE_SPOT_IN_NON_PROD, SERVICE, props, config=SPOT_ON)) == 1


def test_spot_launch_type_fargate_bypasses_capacity_providers(run, good):
    props = good.service(capacityProviderStrategies=None, launchType="FARGATE")
    assert run.resource(cost_tasks.FARGATE_SPOT_IN_NON_PROD, SERVICE, props, config=SPOT_ON) == [
        "ECS service 'web' launch type FARGATE must be replaced by a capacity provider strategy with "
        f"FARGATE_SPOT; remove launchType and {SPOT_FIX}"
    ]


def test_spot_service_on_cluster_default_is_judged_at_the_cluster(run, good):
    props = good.service(capacityProviderStrategies=None)
    assert run.resource(cost_tasks.FARGATE_SPOT_IN_NON_PROD, SERVICE, props, config=SPOT_ON) == []
    ccp = good.cluster_capacity_providers()
    assert run.resource(cost_tasks.FARGATE_SPOT_IN_NON_PROD, CCP, ccp, name="main", config=SPOT_ON) == []
    ccp = good.cluster_capacity_providers(
        capacityProviders=["FARGATE"],
        defaultCapacityProviderStrategies=[{"capacityProvider": "FARGATE", "weight": 1}],
    )
    assert run.resource(cost_tasks.FARGATE_SPOT_IN_NON_PROD, CCP, ccp, name="main", config=SPOT_ON) == [
        "ECS cluster capacity providers 'main' capacityProviders must include FARGATE_SPOT; "
        "add FARGATE_SPOT.",
        f"ECS cluster capacity providers 'main' default strategy must give FARGATE_SPOT a weight; {SPOT_FIX}",
    ]


def test_spot_awsx_service_defaults_to_launch_type_fargate(run, good):
    props = good.awsx_fargate_service(capacityProviderStrategies=None)
    assert run.resource(cost_tasks.FARGATE_SPOT_IN_NON_PROD, AWSX_SERVICE, props, config=SPOT_ON) == [
        "Fargate service 'web' launch type FARGATE must be replaced by a capacity provider strategy with "
        f"FARGATE_SPOT; remove launchType and {SPOT_FIX}"
    ]
    props["useClusterDefaultCapacityProviderStrategy"] = True
    assert run.resource(cost_tasks.FARGATE_SPOT_IN_NON_PROD, AWSX_SERVICE, props, config=SPOT_ON) == []
    good_props = good.awsx_fargate_service()
    assert run.resource(cost_tasks.FARGATE_SPOT_IN_NON_PROD, AWSX_SERVICE, good_props, config=SPOT_ON) == []


# --- nat-gateway-count ---------------------------------------------------------------------------------

NAT_FIX = (
    'use natGateways strategy "Single" or "None" on awsx VPCs, remove NAT gateways, '
    "or raise the policy's maxNatGateways."
)


def test_nat_count_none_strategy_passes(run, good):
    vpc = run.res(VPC, "vpc", good.awsx_vpc())
    assert run.stack(cost_network.NAT_GATEWAY_COUNT, [vpc], config={"maxNatGateways": 0}) == []


def test_nat_count_awsx_default_is_one_per_az(run, good):
    props = good.awsx_vpc()
    del props["natGateways"], props["numberOfAvailabilityZones"]
    vpc = run.res(VPC, "vpc", props)
    assert run.stack(cost_network.NAT_GATEWAY_COUNT, [vpc], config={"maxNatGateways": 1}) == [
        (
            f"Stack 'dev' NAT gateways (3: VPC 'vpc' strategy OnePerAz x 3 AZs)"
            f" must number at most 1; {NAT_FIX}",
            None,
        )
    ]


def test_nat_count_uses_az_names_over_number(run, good):
    props = good.awsx_vpc(
        natGateways={"strategy": "OnePerAz"}, availabilityZoneNames=["eu-west-2a", "eu-west-2b"]
    )
    vpc = run.res(VPC, "vpc", props)
    assert run.stack(cost_network.NAT_GATEWAY_COUNT, [vpc], config={"maxNatGateways": 2}) == []
    assert len(run.stack(cost_network.NAT_GATEWAY_COUNT, [vpc], config={"maxNatGateways": 1})) == 1


def test_nat_count_counts_awsx_children_once(run, good):
    vpc = run.res(VPC, "vpc", good.awsx_vpc(natGateways={"strategy": "Single"}))
    child = run.res(NAT, "vpc-1", good.nat_gateway(), parent=vpc)
    assert run.stack(cost_network.NAT_GATEWAY_COUNT, [vpc, child], config={"maxNatGateways": 1}) == []


def test_nat_count_adds_standalone_gateways(run, good):
    vpc = run.res(VPC, "vpc", good.awsx_vpc(natGateways={"strategy": "Single"}))
    loose = run.res(NAT, "egress", good.nat_gateway())
    assert run.stack(cost_network.NAT_GATEWAY_COUNT, [vpc, loose], config={"maxNatGateways": 1}) == [
        (
            "Stack 'dev' NAT gateways (2: VPC 'vpc' strategy Single; NAT gateway 'egress')"
            " must number at most 1; " + NAT_FIX,
            None,
        )
    ]


def test_nat_count_default_allows_three(run, good):
    gateways = [run.res(NAT, f"nat-{i}", good.nat_gateway()) for i in range(3)]
    assert run.stack(cost_network.NAT_GATEWAY_COUNT, gateways) == []
    assert (
        len(run.stack(cost_network.NAT_GATEWAY_COUNT, [*gateways, run.res(NAT, "nat-3", good.nat_gateway())]))
        == 1
    )


def test_nat_count_is_not_tripped_by_unknown_nat_inputs(run, good):
    # A NAT gateway's subnetId is an output of its subnet: unknown during preview, and never read here.
    gateway = run.res(NAT, "nat", good.nat_gateway(subnetId=UNKNOWN, allocationId=UNKNOWN))
    assert len(run.stack(cost_network.NAT_GATEWAY_COUNT, [gateway], config={"maxNatGateways": 0})) == 1


# --- log-group-retention -------------------------------------------------------------------------------

DEV_RETENTION = {"minDays": 1, "maxDays": 14}


def test_retention_valid_value_passes(run, good):
    assert run.resource(cost_logs.LOG_GROUP_RETENTION, LOG_GROUP, good.log_group()) == []


def test_retention_missing_keeps_logs_forever(run, good):
    props = good.log_group()
    del props["retentionInDays"]
    assert run.resource(cost_logs.LOG_GROUP_RETENTION, LOG_GROUP, props, config=DEV_RETENTION) == [
        "Log group 'web' retentionInDays must be set (unset keeps logs forever); "
        "set retentionInDays to one of 1, 3, 5, 7, 14."
    ]
    assert len(run.resource(cost_logs.LOG_GROUP_RETENTION, LOG_GROUP, good.log_group(retentionInDays=0))) == 1


def test_retention_rejects_value_cloudwatch_refuses(run, good):
    assert run.resource(cost_logs.LOG_GROUP_RETENTION, LOG_GROUP, good.log_group(retentionInDays=10),
                        config=DEV_RETENTION) == [
        "Log group 'web' retentionInDays 10 must be a value CloudWatch Logs accepts; "
        "use one of 1, 3, 5, 7, 14."
    ]  # fmt: skip


def test_retention_outside_stack_range(run, good):
    prod = {"minDays": 30, "maxDays": 400}
    assert run.resource(cost_logs.LOG_GROUP_RETENTION, LOG_GROUP, good.log_group(), config=prod) == [
        "Log group 'web' retentionInDays 14 must be between 30 and 400 days in this stack; "
        "use one of 30, 60, 90, 120, 150, 180, 365, 400."
    ]
    props = good.log_group(retentionInDays=90)
    assert run.resource(cost_logs.LOG_GROUP_RETENTION, LOG_GROUP, props, config=prod) == []


def test_retention_default_config_accepts_any_valid_value(run, good):
    assert run.resource(cost_logs.LOG_GROUP_RETENTION, LOG_GROUP, good.log_group(retentionInDays=3653)) == []


# --- container-insights --------------------------------------------------------------------------------

INSIGHTS_FIX = 'set {name: "containerInsights", value: "%s"} in settings.'


def test_insights_default_requires_enabled(run, good):
    assert run.resource(cost_logs.CONTAINER_INSIGHTS, CLUSTER, good.cluster(), name="main") == []
    props = good.cluster(settings=[{"name": "containerInsights", "value": "disabled"}])
    assert run.resource(cost_logs.CONTAINER_INSIGHTS, CLUSTER, props, name="main") == [
        "ECS cluster 'main' Container Insights (disabled) must be enabled in this stack; "
        + INSIGHTS_FIX % "enabled"
    ]


def test_insights_missing_setting(run, good):
    props = good.cluster()
    del props["settings"]
    assert run.resource(cost_logs.CONTAINER_INSIGHTS, CLUSTER, props, name="main") == [
        "ECS cluster 'main' Container Insights (unset: the account default, disabled unless changed) must be "
        "enabled in this stack; " + INSIGHTS_FIX % "enabled"
    ]


def test_insights_enhanced_satisfies_enabled(run, good):
    props = good.cluster(settings=[{"name": "containerInsights", "value": "enhanced"}])
    assert run.resource(cost_logs.CONTAINER_INSIGHTS, CLUSTER, props) == []


@pytest.mark.parametrize(
    ("mode", "value", "ok"),
    [("any", "enhanced", True), ("any", None, True), ("disabled", "disabled", True), ("disabled", None, True),
     ("disabled", "enabled", False), ("enhanced", "enabled", False), ("enhanced", "enhanced", True)],
)  # fmt: skip
def test_insights_modes(run, good, mode, value, ok):
    settings = [{"name": "containerInsights", "value": value}] if value else []
    props = good.cluster(settings=settings)
    found = run.resource(cost_logs.CONTAINER_INSIGHTS, CLUSTER, props, config={"mode": mode})
    assert (found == []) == ok


def test_insights_disabled_mode_message(run, good):
    assert run.resource(cost_logs.CONTAINER_INSIGHTS, CLUSTER, good.cluster(), name="main",
                        config={"mode": "disabled"}) == [
        "ECS cluster 'main' Container Insights (enabled) must be disabled in this stack; "
        + INSIGHTS_FIX % "disabled"
    ]  # fmt: skip


def test_insights_reads_setting_shape(run, good):
    props = good.cluster(settings=None, setting={"name": "containerInsights", "value": "enabled"})
    assert run.resource(cost_logs.CONTAINER_INSIGHTS, CLUSTER, props) == []
    props = good.cluster(settings=None, setting=[{"name": "containerInsights", "value": "disabled"}])
    assert len(run.resource(cost_logs.CONTAINER_INSIGHTS, CLUSTER, props)) == 1


def test_insights_not_tripped_by_unknown_cluster_name(run, good):
    props = good.cluster(name=UNKNOWN, configuration={"executeCommandConfiguration": {"kmsKeyId": UNKNOWN}})
    assert run.resource(cost_logs.CONTAINER_INSIGHTS, CLUSTER, props) == []


# --- unknown values elsewhere never trip a rule ----------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "token", "builder", "keep", "config"),
    [
        (
            cost_tasks.FARGATE_TASK_SIZE,
            TASK,
            "task_definition",
            ("cpu", "memory", "requiresCompatibilities"),
            None,
        ),
        (
            cost_tasks.FARGATE_MAX_TASK_SIZE,
            TASK,
            "task_definition",
            ("cpu", "memory", "requiresCompatibilities"),
            None,
        ),
        (cost_tasks.FARGATE_SPOT_IN_NON_PROD, SERVICE, "service", ("capacityProviderStrategies",), SPOT_ON),
        (cost_logs.LOG_GROUP_RETENTION, LOG_GROUP, "log_group", ("retentionInDays",), None),
        (cost_logs.CONTAINER_INSIGHTS, CLUSTER, "cluster", ("settings",), None),
    ],
)
def test_unknown_unrelated_properties_do_not_matter(run, good, policy, token, builder, keep, config):
    props = good.unknown_except(getattr(good, builder)(), *keep)
    assert sum(v == UNKNOWN for v in props.values()) >= 1
    assert run.resource(policy, token, props, config=config) == []


# --- catalogue-wide: aliases and schemas --------------------------------------------------------------


def test_every_cost_rule_has_defaults_for_its_config():
    for policy in cost.POLICIES:
        schema = policy.config_schema
        if schema is not None:
            assert all("default" in prop for prop in schema.properties.values()), policy.name


def test_log_group_rule_covers_its_only_token():
    assert cost_logs.LOG_GROUP_RETENTION.types == frozenset(type_tokens.LOG_GROUP)  # type: ignore[attr-defined]


def test_nat_count_counts_unknown_az_names(run, good):
    # AZ names often come from an aws.getAvailabilityZones output: unknown during preview, yet countable.
    props = good.awsx_vpc(natGateways={"strategy": "OnePerAz"}, availabilityZoneNames=[UNKNOWN, UNKNOWN])
    vpc = run.res(VPC, "vpc", props)
    assert run.stack(cost_network.NAT_GATEWAY_COUNT, [vpc], config={"maxNatGateways": 2}) == []
    assert run.stack(cost_network.NAT_GATEWAY_COUNT, [vpc], config={"maxNatGateways": 1}) == [
        (
            f"Stack 'dev' NAT gateways (2: VPC 'vpc' strategy OnePerAz x 2 AZs)"
            f" must number at most 1; {NAT_FIX}",
            None,
        )
    ]


def test_fargate_size_table_matches_the_aws_table():
    import fargate

    assert {cpu: (m[0], m[-1], len(m)) for cpu, m in fargate.TASK_SIZES.items()} == {
        256: (512, 2048, 3),
        512: (1024, 4096, 4),
        1024: (2048, 8192, 7),
        2048: (4096, 16384, 13),
        4096: (8192, 30720, 23),
        8192: (16384, 61440, 12),
        16384: (32768, 122880, 12),
    }
    assert 32768 not in fargate.TASK_SIZES  # no AWS source for 32 vCPU
    assert (
        fargate.parse_cpu("0.25 vCPU"),
        fargate.parse_memory("0.5 GB"),
        fargate.parse_memory("3 GiB"),
    ) == (
        256,
        512,
        3072,
    )
    assert (fargate.parse_cpu("1.1 vCPU"), fargate.parse_memory("lots"), fargate.parse_cpu(True)) == (
        None,
        None,
        None,
    )
