"""Which input changes make the provider replace a resource, per resource type the program registers.

Derived from the terraform-provider-aws schemas that pulumi-aws bridges (`ForceNew: true` fields of the
SDKv2 resources, `RequiresReplace` plan modifiers of the framework ones) and from terraform-provider-random
for `random:RandomPassword`. Keys are Pulumi input names (camelCase, list blocks plural as pulumi-aws names
them): `cpu`, `dnsConfig.namespaceId` (a nested field), `dnsConfig.dnsRecords[].type` (a field of each list
item). A change at or below a force-new path replaces the resource; `updatable` lists the top-level inputs
the provider changes in place. A test checks that every input the stacks set is listed in one or the other.

Read from the provider sources (hashicorp/terraform-provider-aws, main branch, 2026): the `source` of each
entry is the file holding its schema.
"""

from __future__ import annotations

from ops.offline.diff_force_new_alerts import ALERT_TYPES
from ops.offline.diff_force_new_dns import DNS_TYPES
from ops.offline.diff_force_new_front import FRONT_TYPES
from ops.offline.diff_force_new_types import TF_AWS, TypeRules

_TF_AWS = TF_AWS


# Both security group rule resources (framework): everything but the group is changed in place.
_SG_RULE_UPDATABLE = (
    "cidrIpv4",
    "cidrIpv6",
    "description",
    "fromPort",
    "ipProtocol",
    "prefixListId",
    "referencedSecurityGroupId",
    "tags",
    "toPort",
)


FORCE_NEW: dict[str, TypeRules] = {
    "aws:ecs/service:Service": TypeRules(
        source=_TF_AWS + "ecs/service.go (schema; capacityProviderStrategyCustomizeDiff)",
        force_new=(
            "cluster",
            "name",
            "iamRole",
            "launchType",
            "schedulingStrategy",
            "deploymentController.type",
        ),
        updatable=(
            "alarms",
            "availabilityZoneRebalancing",
            "capacityProviderStrategies",
            "deploymentCircuitBreaker",
            "deploymentConfiguration",  # strategy, bake times, hooks: in place (UpdateService)
            "deploymentController",
            "deploymentMaximumPercent",
            "deploymentMinimumHealthyPercent",
            "desiredCount",
            "enableEcsManagedTags",
            "enableExecuteCommand",
            "forceDelete",
            "forceNewDeployment",
            "healthCheckGracePeriodSeconds",
            "loadBalancers",
            "networkConfiguration",
            "orderedPlacementStrategies",
            "placementConstraints",
            "platformVersion",
            "propagateTags",
            "serviceConnectConfiguration",
            "serviceRegistries",
            "tags",
            "taskDefinition",
            "triggers",
            "volumeConfiguration",
            "waitForSteadyState",
        ),
        # capacityProviderStrategyCustomizeDiff (v6, which pulumi-aws 7 bridges): on an existing service a
        # changed capacity_provider_strategy fails the plan with "force_new_deployment should be true when
        # capacity_provider_strategy is being updated" unless force_new_deployment is true; it no longer
        # forces a replacement (v5 did). pulumi_aws/ecs/service.py: "Updating this argument requires
        # `force_new_deployment = true`".
        conditional=(("capacityProviderStrategies", "forceNewDeployment"),),
    ),
    "aws:ecs/taskDefinition:TaskDefinition": TypeRules(
        source=_TF_AWS + "ecs/task_definition.go",
        # Task definitions are immutable: every argument but tags/skip_destroy/track_latest is ForceNew
        # (a new revision of the family is registered, the old one deregistered).
        force_new=(
            "containerDefinitions",
            "cpu",
            "ephemeralStorage",
            "executionRoleArn",
            "family",
            "inferenceAccelerators",
            "ipcMode",
            "memory",
            "networkMode",
            "pidMode",
            "placementConstraints",
            "proxyConfiguration",
            "requiresCompatibilities",
            "runtimePlatform",
            "taskRoleArn",
            "volumes",
        ),
        updatable=("skipDestroy", "tags", "trackLatest"),
    ),
    "aws:ecs/cluster:Cluster": TypeRules(
        source=_TF_AWS + "ecs/cluster.go",
        force_new=("name",),
        updatable=("configuration", "serviceConnectDefaults", "settings", "tags"),
    ),
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": TypeRules(
        source=_TF_AWS + "ecs/cluster_capacity_providers.go",
        force_new=("clusterName",),
        updatable=("capacityProviders", "defaultCapacityProviderStrategies"),
    ),
    "aws:lb/loadBalancer:LoadBalancer": TypeRules(
        source=_TF_AWS + "elbv2/load_balancer.go",
        # CustomizeDiff (elbv2/load_balancer.go): `subnets` of an application load balancer change in place;
        # a changed `subnetMappings` at the same count replaces it (customizeDiffLoadBalancerALB), and NLBs
        # replace on removed subnets (customizeDiffLoadBalancerNLB). The program sets only `subnets`.
        force_new=("name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool"),
        updatable=(
            "accessLogs",
            "connectionLogs",
            "desyncMitigationMode",
            "dropInvalidHeaderFields",
            "enableCrossZoneLoadBalancing",
            "enableDeletionProtection",
            "enableHttp2",
            "enableWafFailOpen",
            "idleTimeout",
            "ipAddressType",
            "preserveHostHeader",
            "securityGroups",
            "subnetMappings",
            "subnets",
            "tags",
            "xffHeaderProcessingMode",
        ),
    ),
    "aws:lb/targetGroup:TargetGroup": TypeRules(
        source=_TF_AWS + "elbv2/target_group.go",
        force_new=(
            "name",
            "namePrefix",
            "port",
            "protocol",
            "protocolVersion",
            "targetType",
            "vpcId",
            "ipAddressType",
        ),
        updatable=(
            "connectionTermination",
            "deregistrationDelay",
            "healthCheck",
            "loadBalancingAlgorithmType",
            "loadBalancingCrossZoneEnabled",
            "preserveClientIp",
            "proxyProtocolV2",
            "slowStart",
            "stickiness",
            "tags",
            "targetFailovers",
            "targetHealthStates",
        ),
    ),
    "aws:lb/listener:Listener": TypeRules(
        source=_TF_AWS + "elbv2/listener.go",
        force_new=("loadBalancerArn",),
        updatable=(
            "alpnPolicy",
            "certificateArn",
            "defaultActions",
            "mutualAuthentication",
            "port",
            "protocol",
            "sslPolicy",
            "tags",
        ),
    ),
    "aws:lb/listenerRule:ListenerRule": TypeRules(
        source=_TF_AWS + "elbv2/listener_rule.go",
        # priority is changed in place (SetRulePriorities); it must stay unique per listener meanwhile.
        force_new=("listenerArn",),
        updatable=("actions", "conditions", "priority", "tags"),
    ),
    "aws:ec2/securityGroup:SecurityGroup": TypeRules(
        source=_TF_AWS + "ec2/vpc_security_group.go",
        force_new=("name", "namePrefix", "description", "vpcId"),
        updatable=("egress", "ingress", "revokeRulesOnDelete", "tags"),
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": TypeRules(
        source=_TF_AWS + "ec2/vpc_security_group_ingress_rule.go (RequiresReplace on security_group_id)",
        force_new=("securityGroupId",),
        updatable=_SG_RULE_UPDATABLE,
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": TypeRules(
        source=_TF_AWS + "ec2/vpc_security_group_egress_rule.go (RequiresReplace on security_group_id)",
        force_new=("securityGroupId",),
        updatable=_SG_RULE_UPDATABLE,
    ),
    "aws:iam/role:Role": TypeRules(
        source=_TF_AWS + "iam/role.go",
        force_new=("name", "namePrefix", "path"),
        updatable=(
            "assumeRolePolicy",
            "description",
            "forceDetachPolicies",
            "inlinePolicies",
            "managedPolicyArns",
            "maxSessionDuration",
            "permissionsBoundary",
            "tags",
        ),
    ),
    "aws:iam/rolePolicy:RolePolicy": TypeRules(
        source=_TF_AWS + "iam/role_policy.go",
        force_new=("name", "namePrefix", "role"),
        updatable=("policy",),
    ),
    "aws:efs/fileSystem:FileSystem": TypeRules(
        source=_TF_AWS + "efs/file_system.go",
        force_new=("availabilityZoneName", "creationToken", "encrypted", "kmsKeyId", "performanceMode"),
        updatable=(
            "lifecyclePolicies",
            "protection",
            "provisionedThroughputInMibps",
            "tags",
            "throughputMode",
        ),
    ),
    "aws:efs/accessPoint:AccessPoint": TypeRules(
        source=_TF_AWS + "efs/access_point.go",
        force_new=("fileSystemId", "posixUser", "rootDirectory"),
        updatable=("tags",),
    ),
    "aws:efs/mountTarget:MountTarget": TypeRules(
        source=_TF_AWS + "efs/mount_target.go",
        force_new=("fileSystemId", "subnetId", "ipAddress", "ipAddressType", "ipv6Address"),
        updatable=("securityGroups",),
    ),
    "aws:servicediscovery/service:Service": TypeRules(
        source=_TF_AWS + "servicediscovery/service.go",
        force_new=(
            "name",
            "namespaceId",
            "type",
            "healthCheckCustomConfig",
            "healthCheckConfig.type",
            "dnsConfig.namespaceId",
            "dnsConfig.routingPolicy",
            "dnsConfig.dnsRecords[].type",
        ),
        updatable=("description", "dnsConfig", "forceDestroy", "healthCheckConfig", "tags"),
    ),
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": TypeRules(
        source=_TF_AWS + "servicediscovery/private_dns_namespace.go",
        force_new=("name", "vpc"),
        updatable=("description", "tags"),
    ),
    "aws:cloudwatch/logGroup:LogGroup": TypeRules(
        source=_TF_AWS + "logs/group.go",
        force_new=("name", "namePrefix", "logGroupClass"),
        updatable=("deletionProtectionEnabled", "kmsKeyId", "retentionInDays", "skipDestroy", "tags"),
    ),
    "aws:ssm/parameter:Parameter": TypeRules(
        source=_TF_AWS + "ssm/parameter.go",
        force_new=("name", "dataType"),
        updatable=(
            "allowedPattern",
            "arn",
            "description",
            "insecureValue",
            "keyId",
            "overwrite",
            "tags",
            "tier",
            "type",
            "value",
            "valueWo",
            "valueWoVersion",
        ),
    ),
    "aws:ecr/repository:Repository": TypeRules(
        source=_TF_AWS + "ecr/repository.go",
        force_new=("name", "encryptionConfigurations"),
        updatable=(
            "forceDelete",
            "imageScanningConfiguration",
            "imageTagMutability",
            "imageTagMutabilityExclusionFilters",
            "tags",
        ),
    ),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": TypeRules(
        source=_TF_AWS + "ecr/lifecycle_policy.go (no Update: every argument is ForceNew)",
        force_new=("policy", "repository"),
        updatable=(),
    ),
    "aws:appautoscaling/target:Target": TypeRules(
        source=_TF_AWS + "appautoscaling/target.go",
        force_new=("resourceId", "scalableDimension", "serviceNamespace"),
        updatable=("maxCapacity", "minCapacity", "roleArn", "suspendedState", "tags"),
    ),
    "aws:appautoscaling/policy:Policy": TypeRules(
        source=_TF_AWS + "appautoscaling/policy.go",
        force_new=("name", "resourceId", "scalableDimension", "serviceNamespace"),
        updatable=(
            "policyType",
            "predictiveScalingPolicyConfiguration",
            "stepScalingPolicyConfiguration",
            "targetTrackingScalingPolicyConfiguration",
        ),
    ),
    "random:index/randomPassword:RandomPassword": TypeRules(
        source="hashicorp/terraform-provider-random: internal/provider/resource_password.go "
        "(every attribute has a RequiresReplace plan modifier)",
        force_new=(
            "keepers",
            "length",
            "lower",
            "minLower",
            "minNumeric",
            "minSpecial",
            "minUpper",
            "number",
            "numeric",
            "overrideSpecial",
            "special",
            "upper",
        ),
        updatable=(),
    ),
    **ALERT_TYPES,
    **DNS_TYPES,
    **FRONT_TYPES,
}

# Inputs every bridged resource accepts that are never sent to the provider's diff as arguments.
ENGINE_INPUTS = frozenset({"__defaults"})


def _covers(force: str, changed: str) -> bool:
    """A change at `changed` (normalised path, list indices as []) touches the force-new path `force`:
    it is that path, lies below it, or contains it (a whole block added or removed)."""
    if changed == force:
        return True
    for a, b in ((force, changed), (changed, force)):
        if b.startswith(a + ".") or b.startswith(a + "["):
            return True
    return False


def forcing_paths(type_token: str, changed: list[str]) -> list[str]:
    """The changed paths (normalised) that replace a resource of this type, per the table."""
    rules = FORCE_NEW.get(type_token)
    if rules is None:
        return []
    return [c for c in changed if any(_covers(f, c) for f in rules.force_new)]


def replace_on_changes_paths(patterns: tuple[str, ...], changed: list[str]) -> list[str]:
    """The changed paths a resource's `replaceOnChanges` option covers ("*" covers every input)."""
    if not patterns:
        return []
    if "*" in patterns:
        return list(changed)
    normalised = [p.replace("[*]", "[]") for p in patterns]
    return [c for c in changed if any(_covers(p, c) for p in normalised)]


def known_inputs(type_token: str) -> frozenset[str]:
    """Top-level inputs the table classifies (force-new or updatable) for a type; empty if unknown."""
    rules = FORCE_NEW.get(type_token)
    if rules is None:
        return frozenset()
    tops = {f.split(".", 1)[0].split("[", 1)[0] for f in rules.force_new}
    return frozenset(tops | set(rules.updatable))
