"""Registry: the ECR repositories the stack creates for the images CI pushes (`image: {create: true}`).

Each repository has the name the config gives it (CI pushes to `<account>.dkr.ecr.<region>.amazonaws.com/
<name>:<git sha>`, the stack output `repositories.<name>`), immutable tags, scan on push, AES-256 encryption
at rest (ECR's default, stated), and a lifecycle policy that keeps the newest images. Repositories hold data:
they are retained on delete and never protected (`pulumi destroy` works and the images stay; `force_delete`
stays off so no delete can empty one). A repository that already exists must be imported first
(`pulumi import aws:ecr/repository:Repository <logical name> <name>`), or the create fails
(RepositoryAlreadyExistsException).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pulumi
import pulumi_aws as aws

from components.images import EcrImage, lifecycle_policy
from components.service_args import ContainerArgs


@dataclass
class RegistryArgs:
    repositories: Mapping[str, int]  # repository name → images kept
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


class Registry(pulumi.ComponentResource):
    repositories: dict[str, aws.ecr.Repository]
    lifecycle_policies: dict[str, aws.ecr.LifecyclePolicy]

    def __init__(self, name: str, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        for repository, keep in args.repositories.items():
            if keep < 1:
                raise ValueError(f"Repository `{repository}` must keep at least one image, got {keep}.")
        super().__init__("fargate-platform:index:Registry", name, None, opts)
        self.repositories = {}
        self.lifecycle_policies = {}
        for repository, keep in args.repositories.items():
            logical = f"{name}-{repository.replace('/', '-')}"
            self.repositories[repository] = aws.ecr.Repository(
                logical,
                name=repository,
                image_tag_mutability="IMMUTABLE",
                image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(
                    scan_on_push=True
                ),
                encryption_configurations=[
                    aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="AES256")
                ],
                force_delete=False,
                tags=dict(args.tags),
                opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
            )
            self.lifecycle_policies[repository] = aws.ecr.LifecyclePolicy(
                f"{logical}-lifecycle",
                repository=self.repositories[repository].name,
                policy=lifecycle_policy(keep),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({"repositoryUrls": {k: v.repository_url for k, v in self.repositories.items()}})


def in_created_repositories(containers: Sequence[ContainerArgs], registry: Registry) -> list[ContainerArgs]:
    """The containers, each image of a repository the registry created pointing at that repository's URL and
    ARN (no lookup: the repository does not exist before the first `pulumi up`)."""
    out: list[ContainerArgs] = []
    for container in containers:
        image = container.image
        if isinstance(image, EcrImage) and image.repository in registry.repositories:
            repository = registry.repositories[image.repository]
            image = replace(image, repository_url=repository.repository_url, repository_arn=repository.arn)
        out.append(replace(container, image=image))
    return out
