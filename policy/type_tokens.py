"""The type tokens the pack's rules cover, and the human label of each ("ECS service").

Each tuple lists every token the resource is registered under: the current module (``aws:lb/...``), the
pulumi-aws ``alb`` module that creates the same resource under its own token, and the legacy tokens
pulumi-aws declares as aliases (``aws:applicationloadbalancing/...``, ``aws:elasticloadbalancingv2/...``),
which older stacks still carry. A rule covers a whole tuple, never part of it.
"""

from __future__ import annotations


def _lb_tokens(resource: str, cls: str) -> tuple[str, ...]:
    return tuple(
        f"aws:{module}/{resource}:{cls}"
        for module in ("lb", "alb", "applicationloadbalancing", "elasticloadbalancingv2")
    )


LOAD_BALANCER = _lb_tokens("loadBalancer", "LoadBalancer")
LISTENER = _lb_tokens("listener", "Listener")
LISTENER_RULE = _lb_tokens("listenerRule", "ListenerRule")
LISTENER_CERTIFICATE = _lb_tokens("listenerCertificate", "ListenerCertificate")
TARGET_GROUP = _lb_tokens("targetGroup", "TargetGroup")
TARGET_GROUP_ATTACHMENT = _lb_tokens("targetGroupAttachment", "TargetGroupAttachment")

CLUSTER = ("aws:ecs/cluster:Cluster",)
CLUSTER_CAPACITY_PROVIDERS = ("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",)
SERVICE = ("aws:ecs/service:Service",)
TASK_DEFINITION = ("aws:ecs/taskDefinition:TaskDefinition",)
TASK_SET = ("aws:ecs/taskSet:TaskSet",)
AUTOSCALING_TARGET = ("aws:appautoscaling/target:Target",)
AUTOSCALING_POLICY = ("aws:appautoscaling/policy:Policy",)
LOG_GROUP = ("aws:cloudwatch/logGroup:LogGroup",)
METRIC_ALARM = ("aws:cloudwatch/metricAlarm:MetricAlarm",)
DASHBOARD = ("aws:cloudwatch/dashboard:Dashboard",)
SNS_TOPIC = ("aws:sns/topic:Topic",)

SECURITY_GROUP = ("aws:ec2/securityGroup:SecurityGroup",)
SECURITY_GROUP_RULE = ("aws:ec2/securityGroupRule:SecurityGroupRule",)
SECURITY_GROUP_INGRESS_RULE = ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",)
SECURITY_GROUP_EGRESS_RULE = ("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",)
NAT_GATEWAY = ("aws:ec2/natGateway:NatGateway",)
SUBNET = ("aws:ec2/subnet:Subnet",)

IAM_ROLE = ("aws:iam/role:Role",)
IAM_ROLE_POLICY = ("aws:iam/rolePolicy:RolePolicy",)
IAM_POLICY = ("aws:iam/policy:Policy",)
IAM_ROLE_POLICY_ATTACHMENT = ("aws:iam/rolePolicyAttachment:RolePolicyAttachment",)

SSM_PARAMETER = ("aws:ssm/parameter:Parameter",)
SECRETS_MANAGER_SECRET = ("aws:secretsmanager/secret:Secret",)
ECR_REPOSITORY = ("aws:ecr/repository:Repository",)
EFS_FILE_SYSTEM = ("aws:efs/fileSystem:FileSystem",)

# The front door: certificates, DNS records and the web application firewall.
ACM_CERTIFICATE = ("aws:acm/certificate:Certificate",)
ROUTE53_RECORD = ("aws:route53/record:Record",)
WAF_WEB_ACL = ("aws:wafv2/webAcl:WebAcl",)
WAF_WEB_ACL_ASSOCIATION = ("aws:wafv2/webAclAssociation:WebAclAssociation",)
WAF_LOGGING_CONFIGURATION = ("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",)

# awsx components: in a real preview their children (aws:...) are visible too; under mocks only the
# component itself is registered. Rules that read a component's inputs must not count its children twice.
AWSX_VPC = ("awsx:ec2:Vpc",)
AWSX_FARGATE_SERVICE = ("awsx:ecs:FargateService",)
AWSX_FARGATE_TASK_DEFINITION = ("awsx:ecs:FargateTaskDefinition",)
AWSX_LOAD_BALANCER = ("awsx:lb:ApplicationLoadBalancer",)
AWSX_ECR_REPOSITORY = ("awsx:ecr:Repository",)

_KIND_LABELS: dict[str, str] = {
    **dict.fromkeys(LOAD_BALANCER, "Load balancer"),
    **dict.fromkeys(LISTENER, "Listener"),
    **dict.fromkeys(LISTENER_RULE, "Listener rule"),
    **dict.fromkeys(LISTENER_CERTIFICATE, "Listener certificate"),
    **dict.fromkeys(TARGET_GROUP, "Target group"),
    **dict.fromkeys(TARGET_GROUP_ATTACHMENT, "Target group attachment"),
    CLUSTER[0]: "ECS cluster",
    CLUSTER_CAPACITY_PROVIDERS[0]: "ECS cluster capacity providers",
    SERVICE[0]: "ECS service",
    TASK_DEFINITION[0]: "ECS task definition",
    TASK_SET[0]: "ECS task set",
    AUTOSCALING_TARGET[0]: "Autoscaling target",
    AUTOSCALING_POLICY[0]: "Autoscaling policy",
    LOG_GROUP[0]: "Log group",
    METRIC_ALARM[0]: "CloudWatch alarm",
    DASHBOARD[0]: "CloudWatch dashboard",
    SNS_TOPIC[0]: "SNS topic",
    SECURITY_GROUP[0]: "Security group",
    SECURITY_GROUP_RULE[0]: "Security group rule",
    SECURITY_GROUP_INGRESS_RULE[0]: "Security group ingress rule",
    SECURITY_GROUP_EGRESS_RULE[0]: "Security group egress rule",
    NAT_GATEWAY[0]: "NAT gateway",
    SUBNET[0]: "Subnet",
    IAM_ROLE[0]: "IAM role",
    IAM_ROLE_POLICY[0]: "IAM role policy",
    IAM_POLICY[0]: "IAM policy",
    IAM_ROLE_POLICY_ATTACHMENT[0]: "IAM role policy attachment",
    SSM_PARAMETER[0]: "SSM parameter",
    SECRETS_MANAGER_SECRET[0]: "Secrets Manager secret",
    ECR_REPOSITORY[0]: "ECR repository",
    EFS_FILE_SYSTEM[0]: "EFS file system",
    ACM_CERTIFICATE[0]: "ACM certificate",
    ROUTE53_RECORD[0]: "Route 53 record",
    WAF_WEB_ACL[0]: "WAF web ACL",
    WAF_WEB_ACL_ASSOCIATION[0]: "WAF web ACL association",
    WAF_LOGGING_CONFIGURATION[0]: "WAF logging configuration",
    AWSX_VPC[0]: "VPC",
    AWSX_FARGATE_SERVICE[0]: "Fargate service",
    AWSX_FARGATE_TASK_DEFINITION[0]: "Fargate task definition",
    AWSX_LOAD_BALANCER[0]: "Load balancer",
    AWSX_ECR_REPOSITORY[0]: "ECR repository",
}


def kind(type_token: str) -> str:
    """Human label of a type token ("ECS service"); unknown tokens give their class name."""
    return _KIND_LABELS.get(type_token, type_token.rsplit(":", 1)[-1])
