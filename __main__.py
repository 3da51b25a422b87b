"""fargate-platform: a declarative ECS Fargate platform from stack config.

Reads and validates the stack config first (an invalid config fails here, before any resource is
registered), builds the components (components/wiring.py) and exports the stack outputs.
"""

import pulumi

from components.wiring import build_platform
from config import read_stack_config, stack_secret_config_key

project, stack = pulumi.get_project(), pulumi.get_stack()
cfg = read_stack_config(project)


def read_stack_secret(key: str) -> pulumi.Output[str]:
    namespace, _, bare = stack_secret_config_key(key, project).partition(":")
    return pulumi.Config(namespace).require_secret(bare)


platform = build_platform(
    cfg,
    project=project,
    stack=stack,
    read_stack_secret=read_stack_secret,
    region_name=pulumi.Config("aws").get("region"),
)

pulumi.export("vpcId", platform.network.vpc_id)
pulumi.export("clusterName", platform.cluster.name)
pulumi.export("clusterArn", platform.cluster.arn)
if platform.load_balancer is not None:
    pulumi.export("albUrl", platform.load_balancer.url)
    pulumi.export("albDnsName", platform.load_balancer.dns_name)
urls = platform.front.urls(cfg)
if urls:
    # With a domain: the stack's https URL and that of each host-routed service.
    pulumi.export("url", urls.pop("(stack)"))
    pulumi.export("serviceUrls", urls)
pulumi.export(
    "services",
    {
        name: {
            "serviceName": service.service.name,
            "taskDefinitionArn": service.task_definition.arn,
            "taskDefinitionFamily": service.task_definition.family,
            "taskDefinitionRevision": service.task_definition.revision,
            "containerName": service.container_name,
            "containerPort": service.container_port,
            "logGroup": service.log_group.name,
            "discoveryName": service.discovery_name,
            # What a database or file system outside the stack admits to let this service in.
            "securityGroupId": platform.network.service_security_groups[name].id,
            # What `python -m ops status` reads: the alarms to show in ALARM (fixed names).
            "alarmNames": list(platform.alarms[name].names.values()) if name in platform.alarms else [],
        }
        for name, service in platform.services.items()
    },
)
if platform.registry is not None:
    # What CI pushes to: `<url>:<git sha>` (the tag the stack config names).
    pulumi.export("repositories", {k: v.repository_url for k, v in platform.registry.repositories.items()})
pulumi.export("dashboardName", platform.dashboard.dashboard.dashboard_name)
if platform.notifications is not None:
    pulumi.export("notificationTopicArn", platform.notifications.topic.arn)
