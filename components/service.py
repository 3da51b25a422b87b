"""FargateService: everything one service needs besides the shared cluster, network and load balancer.

Children (all named `<name>-<suffix>`): the log group; images (ECR repository + awsx build when built
here); SSM SecureString parameters for generated, stack and composed secrets; EFS volumes; the execution
and task roles (a ServiceRoles component); the task definition (awsvpc, FARGATE, its container definitions
as JSON from containers.py); the Cloud Map service when discoverable; the ECS service (capacity provider
strategy, circuit breaker with rollback, load balancer registration); autoscaling target and policies.
Secrets reach containers only as `valueFrom` ARNs in the container `secrets` field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from components import containers as cdefs
from components.iam import EfsMountAccess, ServiceRoles, ServiceRolesArgs
from components.images import resolve_image
from components.secrets import (
    SecretsManagerRef,
    SsmParameterRef,
    StoredRef,
    create_parameters,
    secrets_manager_value_from,
    ssm_parameter_arn,
)
from components.service_args import (
    AutoscalingArgs,
    FargateServiceArgs,
    check_service_args,
    container_spec,
    ecs_alarms,
    ecs_deployment_configuration,
    ecs_load_balancers,
    scratch_paths,
    scratch_volume_name,
)
from components.storage import create_efs_volumes, task_definition_volume


class FargateService(pulumi.ComponentResource):
    """One ECS service on Fargate with its task definition, roles, logs, secrets and scaling."""

    service: aws.ecs.Service
    task_definition: aws.ecs.TaskDefinition
    log_group: aws.cloudwatch.LogGroup
    roles: ServiceRoles
    parameters: dict[str, aws.ssm.Parameter]
    discovery_service: aws.servicediscovery.Service | None
    discovery_name: str | None
    scaling_target: aws.appautoscaling.Target | None
    scaling_policies: dict[str, aws.appautoscaling.Policy]
    container_name: str
    container_port: int | None

    def __init__(
        self, name: str, args: FargateServiceArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        check_service_args(name, args)  # before anything is registered
        super().__init__("fargate-platform:index:FargateService", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        main = args.containers[0]
        self.container_name = main.name
        self.container_port = main.port

        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=args.log_group_name,
            retention_in_days=args.log_retention_days,
            tags=tags,
            # Retained, never protected (docs/resources.md, Stateful resources): `pulumi destroy` works and
            # the logs stay in AWS.
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=args.retain_logs),
        )

        images = {
            c.name: resolve_image(
                name if c is main else f"{name}-{c.name}",
                c.image,
                architecture=args.architecture,
                image_tag=args.image_tag,
                partition=args.partition,
                parent=self,
                tags=tags,
            )
            for c in args.containers
        }

        self.parameters = create_parameters(
            name,
            stored=args.stored_secrets,
            parameter_prefix=args.parameter_prefix,
            kms_key_arn=args.parameter_kms_key_arn,
            parent=self,
            tags=tags,
        )
        value_from, ssm_arns, secret_arns, kms_arns = self._secret_references(args)

        efs_mounts = create_efs_volumes(
            name,
            volumes=args.efs_volumes,
            vpc_id=args.vpc_id,
            subnet_ids=args.subnet_ids,
            subnet_count=args.subnet_count,
            task_security_group_id=args.security_group_ids[0],
            region=args.region,
            account_id=args.account_id,
            partition=args.partition,
            parent=self,
            tags=tags,
        )
        read_only_volumes = {
            m.source_volume
            for c in args.containers
            for m in c.mounts
            if m.read_only
            and all(
                n.read_only for d in args.containers for n in d.mounts if n.source_volume == m.source_volume
            )
        }

        self.roles = ServiceRoles(
            f"{name}-iam",
            ServiceRolesArgs(
                account_id=args.account_id,
                region=args.region,
                log_group_arn=self.log_group.arn,
                ecr_repository_arns=[
                    i.repository_arn for i in images.values() if i.repository_arn is not None
                ],
                ssm_parameter_arns=ssm_arns,
                secret_arns=secret_arns,
                kms_key_arns=kms_arns,
                task_permissions=args.task_permissions,
                efs=[
                    EfsMountAccess(m.file_system_arn, m.access_point_arn, m.volume_name in read_only_volumes)
                    for m in efs_mounts
                    if m.iam_authorization
                ],
                enable_execute_command=args.enable_execute_command,
                exec_log_group_arn=args.exec_log_group_arn,
                partition=args.partition,
                tags=tags,
            ),
            opts=child,
        )

        # from_input resolves the Outputs nested in these dicts (an empty dict stays a dict).
        container_definitions = pulumi.Output.from_input(
            {
                "images": {c: i.uri for c, i in images.items()},
                "secrets": value_from,
                "region": args.region,
                "log_group": self.log_group.name,
            }
        ).apply(lambda v: json.dumps(self._container_definitions(args, v)))

        volumes = [
            *(task_definition_volume(m) for m in efs_mounts),
            *(aws.ecs.TaskDefinitionVolumeArgs(name=v) for v in args.scratch_volumes),
        ] + [
            aws.ecs.TaskDefinitionVolumeArgs(name=scratch_volume_name(c.name, i))
            for c in args.containers
            for i, _ in enumerate(scratch_paths(c, args.enable_execute_command))
        ]
        self.task_definition = aws.ecs.TaskDefinition(
            f"{name}-task",
            family=args.family,
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            cpu=str(args.cpu),
            memory=str(args.memory),
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                cpu_architecture=args.architecture.upper(), operating_system_family="LINUX"
            ),
            execution_role_arn=self.roles.execution_role.arn,
            task_role_arn=self.roles.task_role.arn,
            container_definitions=container_definitions,
            volumes=volumes or None,
            ephemeral_storage=(
                aws.ecs.TaskDefinitionEphemeralStorageArgs(size_in_gib=args.ephemeral_storage_gib)
                if args.ephemeral_storage_gib
                else None
            ),
            # Keep replaced revisions ACTIVE: a service cannot be updated to an INACTIVE revision (botocore
            # ecs DeregisterTaskDefinition), so without this a rollback to the previous release fails once
            # Pulumi has deregistered it at the end of the update (pulumi_aws/ecs/task_definition.py
            # skip_destroy). Revisions cost nothing.
            skip_destroy=True,
            tags=tags,
            opts=child,
        )

        self.discovery_service = None
        self.discovery_name = None
        if args.discovery is not None:
            self.discovery_service = aws.servicediscovery.Service(
                f"{name}-discovery",
                name=args.discovery.name,
                dns_config=aws.servicediscovery.ServiceDnsConfigArgs(
                    namespace_id=args.discovery.namespace_id,
                    routing_policy="MULTIVALUE",
                    dns_records=[aws.servicediscovery.ServiceDnsConfigDnsRecordArgs(ttl=10, type="A")],
                ),
                # ECS deregisters task instances asynchronously; without this a destroy or replacement can
                # fail with "Service contains registered instances" (hashicorp/terraform-provider-aws#4853).
                force_destroy=True,
                # ECS reports each task's health to Cloud Map only with this block; without it DNS answers
                # with unhealthy tasks too. It cannot be added to an existing service (botocore
                # servicediscovery CreateService: "You can't add, update, or delete a HealthCheckCustomConfig
                # configuration from an existing service"), so it is set from the start. failure_threshold is
                # deprecated and AWS stores 1 whatever is sent; 1 is the only value that gives no diff
                # (hashicorp/terraform-provider-aws#44285, #35559). The dict form sends the same value
                # without the Args class's deprecation warning on every run (pulumi_aws/servicediscovery/
                # _inputs.py ServiceHealthCheckCustomConfigArgs).
                health_check_custom_config={"failure_threshold": 1},
                tags=tags,
                # The name is fixed and ForceNew (terraform-provider-aws internal/service/servicediscovery/
                # service.go): a replacement created before the old one is deleted fails with
                # ServiceAlreadyExists.
                opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
            )
            self.discovery_name = f"{args.discovery.name}.{args.discovery.namespace_name}"

        deployment = args.deployment
        self.service = aws.ecs.Service(
            f"{name}-service",
            cluster=args.cluster_arn,
            task_definition=self.task_definition.arn,
            desired_count=args.desired_count,
            capacity_provider_strategies=[
                aws.ecs.ServiceCapacityProviderStrategyArgs(
                    capacity_provider=share.provider, weight=share.weight, base=share.base
                )
                for share in args.capacity
            ],
            platform_version="LATEST",
            # The provider rejects any change of capacity_provider_strategies on an existing service unless
            # this is true (pulumi_aws/ecs/service.py docstring; terraform-provider-aws internal/service/ecs/
            # service.go capacityProviderStrategyCustomizeDiff). It adds no diff of its own: UpdateService is
            # called only when another argument changed, and then rolls the tasks.
            force_new_deployment=True,
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=args.subnet_ids,
                security_groups=list(args.security_group_ids),
                assign_public_ip=args.assign_public_ip,
            ),
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(
                enable=deployment.circuit_breaker, rollback=deployment.rollback
            ),
            deployment_minimum_healthy_percent=deployment.minimum_healthy_percent,
            deployment_maximum_percent=deployment.maximum_percent,
            health_check_grace_period_seconds=(
                deployment.health_check_grace_period if args.routing is not None else None
            ),
            enable_execute_command=args.enable_execute_command,
            # Changing the strategy is an update in place: UpdateService's deploymentConfiguration "doesn't
            # trigger a new service deployment" (botocore ecs UpdateService) and the provider forces no new
            # service for it ("Update the Amazon ECS deployment strategy", AWS ECS developer guide).
            deployment_configuration=ecs_deployment_configuration(deployment),
            alarms=ecs_alarms(deployment),
            load_balancers=ecs_load_balancers(args.routing, main.name, main.port or 0) or None,
            service_registries=(
                aws.ecs.ServiceServiceRegistriesArgs(registry_arn=self.discovery_service.arn)
                if self.discovery_service is not None
                else None
            ),
            propagate_tags="SERVICE",
            enable_ecs_managed_tags=True,
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                # The task definition names only the roles: their inline policies must exist before the
                # first task starts (image pull, secrets, logs, EFS mounts), or the first deployment's tasks
                # fail ("ECS was unable to assume the role" / AccessDenied, cf. telia-oss/terraform-aws-ecs-
                # fargate#58) and can trip the circuit breaker.
                depends_on=[
                    *args.depends_on,
                    *(args.routing.dependencies if args.routing else ()),
                    *(target for m in efs_mounts for target in m.mount_targets),
                    *self.roles.policies(),
                ],
                # Autoscaling owns the running count once it is on.
                ignore_changes=["desiredCount"] if args.autoscaling is not None else None,
            ),
        )

        self.scaling_target = None
        self.scaling_policies = {}
        if args.autoscaling is not None:
            self._autoscaling(name, args, args.autoscaling)

        self.register_outputs(
            {
                "serviceName": self.service.name,
                "taskDefinitionArn": self.task_definition.arn,
                "taskDefinitionFamily": self.task_definition.family,
                "taskDefinitionRevision": self.task_definition.revision,
                "containerName": self.container_name,
                "containerPort": self.container_port,
                "logGroup": self.log_group.name,
                "discoveryName": self.discovery_name,
            }
        )

    def _secret_references(
        self, args: FargateServiceArgs
    ) -> tuple[
        dict[str, dict[str, pulumi.Input[str]]],
        list[pulumi.Input[str]],
        list[pulumi.Input[str]],
        list[pulumi.Input[str]],
    ]:
        """Per container env-name → valueFrom, and the ARNs the execution role may read and decrypt."""
        value_from: dict[str, dict[str, pulumi.Input[str]]] = {}
        ssm_arns: dict[str, pulumi.Input[str]] = {}
        secret_arns: dict[str, pulumi.Input[str]] = {}
        kms_arns: dict[str, pulumi.Input[str]] = {}
        if args.parameter_kms_key_arn and self.parameters:
            kms_arns[args.parameter_kms_key_arn] = args.parameter_kms_key_arn
        context = pulumi.Output.all(args.region, args.account_id)
        for container in args.containers:
            refs: dict[str, pulumi.Input[str]] = {}
            for env, ref in container.secrets.items():
                if isinstance(ref, StoredRef):
                    arn: pulumi.Input[str] = self.parameters[ref.key].arn
                    ssm_arns[f"stored:{ref.key}"] = arn
                elif isinstance(ref, SsmParameterRef):
                    arn = context.apply(
                        lambda v, p=ref.parameter: ssm_parameter_arn(
                            p, region=v[0], account_id=v[1], partition=args.partition
                        )
                    )
                    ssm_arns[f"ssm:{ref.parameter}"] = arn
                else:
                    assert isinstance(ref, SecretsManagerRef)
                    arn = secrets_manager_value_from(ref)
                    secret_arns[ref.arn] = ref.arn
                if not isinstance(ref, StoredRef) and ref.kms_key_arn:
                    kms_arns[ref.kms_key_arn] = ref.kms_key_arn
                refs[env] = arn
            value_from[container.name] = refs
        return value_from, list(ssm_arns.values()), list(secret_arns.values()), list(kms_arns.values())

    @staticmethod
    def _container_definitions(args: FargateServiceArgs, resolved: Mapping[str, Any]) -> list[dict[str, Any]]:
        specs = [
            container_spec(
                c,
                args.enable_execute_command,
                image=resolved["images"][c.name],
                secrets=resolved["secrets"][c.name],
            )
            for c in args.containers
        ]
        logs = cdefs.LogSettings(group=resolved["log_group"], region=resolved["region"], stream_prefix="ecs")
        return cdefs.container_definitions(specs, logs)

    def _autoscaling(self, name: str, args: FargateServiceArgs, a: AutoscalingArgs) -> None:
        resource_id = pulumi.Output.all(args.cluster_name, self.service.name).apply(
            lambda v: f"service/{v[0]}/{v[1]}"
        )
        self.scaling_target = aws.appautoscaling.Target(
            f"{name}-scaling",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=resource_id,
            min_capacity=a.min_capacity,
            max_capacity=a.max_capacity,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        metrics: list[tuple[str, str, float, pulumi.Input[str] | None]] = []
        if a.cpu_target is not None:
            metrics.append(("cpu", "ECSServiceAverageCPUUtilization", a.cpu_target, None))
        if a.memory_target is not None:
            metrics.append(("memory", "ECSServiceAverageMemoryUtilization", a.memory_target, None))
        if a.requests_per_target is not None and args.routing is not None:
            label = pulumi.Output.all(
                args.routing.load_balancer_arn_suffix, args.routing.target_group_arn_suffix
            ).apply(lambda v: f"{v[0]}/{v[1]}")
            metrics.append(("requests", "ALBRequestCountPerTarget", float(a.requests_per_target), label))
        for suffix, metric, target, label in metrics:
            self.scaling_policies[suffix] = aws.appautoscaling.Policy(
                f"{name}-{suffix}-scaling",
                policy_type="TargetTrackingScaling",
                service_namespace=self.scaling_target.service_namespace,
                scalable_dimension=self.scaling_target.scalable_dimension,
                resource_id=self.scaling_target.resource_id,
                target_tracking_scaling_policy_configuration=(
                    aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                        target_value=target,
                        scale_in_cooldown=a.scale_in_cooldown,
                        scale_out_cooldown=a.scale_out_cooldown,
                        predefined_metric_specification=(
                            aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                                predefined_metric_type=metric, resource_label=label
                            )
                        ),
                    )
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
