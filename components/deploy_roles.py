"""The roles ECS itself assumes during a deployment that shifts traffic (blueGreen, canary, linear):

- the infrastructure role (one per stack): ECS moves ALB traffic between a service's two target groups with
  it. It carries AWS's managed policy for that, `AmazonECSInfrastructureRolePolicyForLoadBalancers`, attached
  and nothing else (terraform-aws-modules/terraform-aws-ecs modules/service attaches the same policy);
- a hook role per service with lifecycle hooks: ECS invokes exactly the service's hook functions with it
  (`lambda:InvokeFunction` on their ARNs, "Lifecycle hooks for Amazon ECS service deployments").
Both trust `ecs.amazonaws.com` (the ECS service, not its tasks). No condition is set on the trust: AWS's
documented trust policy for the infrastructure role has none, and a condition the service does not send
would make every deployment fail to assume the role.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.iam import PolicyDocument, statement
from components.naming import IAM_ROLE_LOGICAL_NAME_LIMIT, bounded_name

LOAD_BALANCER_POLICY = "AmazonECSInfrastructureRolePolicyForLoadBalancers"
"""AWS managed policy for ECS-managed ALB/NLB traffic shifting (arn:<partition>:iam::aws:policy/…)."""


def ecs_service_trust_policy() -> PolicyDocument:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ecs.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def hook_policy(function_arns: Sequence[str]) -> PolicyDocument:
    """Invoke exactly the service's hook functions."""
    return {
        "Version": "2012-10-17",
        "Statement": [statement("InvokeHooks", "lambda:InvokeFunction", sorted(set(function_arns)))],
    }


@dataclass
class DeploymentRolesArgs:
    partition: str = "aws"
    hooks: Mapping[str, Sequence[str]] = field(default_factory=dict)  # service → its hook function ARNs
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


class DeploymentRoles(pulumi.ComponentResource):
    """The infrastructure role of traffic-shifting deployments and the hook role of each hooked service."""

    infrastructure_role: aws.iam.Role
    hook_roles: dict[str, aws.iam.Role]
    hook_policies: dict[str, aws.iam.RolePolicy]

    def __init__(
        self, name: str, args: DeploymentRolesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        for service, arns in args.hooks.items():
            if not arns:
                raise ValueError(f"Hooks of `{service}` need at least one function ARN.")
        super().__init__("fargate-platform:index:DeploymentRoles", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        trust = json.dumps(ecs_service_trust_policy())
        self.infrastructure_role = aws.iam.Role(
            bounded_name(f"{name}-ecs-infra", IAM_ROLE_LOGICAL_NAME_LIMIT),
            assume_role_policy=trust,
            description="ECS shifts ALB traffic between target groups during deployments",
            tags=dict(args.tags),
            opts=child,
        )
        self.load_balancer_policy = aws.iam.RolePolicyAttachment(
            f"{name}-ecs-infra-lb",
            role=self.infrastructure_role.name,
            policy_arn=f"arn:{args.partition}:iam::aws:policy/{LOAD_BALANCER_POLICY}",
            opts=child,
        )
        self.hook_roles = {}
        self.hook_policies = {}
        for service, arns in args.hooks.items():
            role = aws.iam.Role(
                bounded_name(f"{name}-{service}-hooks", IAM_ROLE_LOGICAL_NAME_LIMIT),
                assume_role_policy=trust,
                description=f"ECS invokes the deployment hooks of {service}",
                tags={**args.tags, "Service": service},
                opts=child,
            )
            self.hook_roles[service] = role
            self.hook_policies[service] = aws.iam.RolePolicy(
                f"{name}-{service}-hooks",
                role=role.id,
                policy=json.dumps(hook_policy(arns)),
                opts=child,
            )
        self.register_outputs(
            {
                "infrastructureRoleArn": self.infrastructure_role.arn,
                "hookRoleArns": {k: v.arn for k, v in self.hook_roles.items()},
            }
        )

    def policies(self) -> list[pulumi.Resource]:
        """What a deployment needs in place before ECS assumes these roles."""
        return [self.load_balancer_policy, *self.hook_policies.values()]
