"""Container images: a full URI, an existing ECR repository + tag, or a build context built and pushed with
`awsx.ecr.Image` into a repository this program creates (immutable tags, scan on push, retained on delete),
tagged with the git commit SHA (`GITHUB_SHA` in CI, else `git rev-parse HEAD`); the repository keeps the
newest images and expires older ones.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

ECR_URI = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/(?P<repo>[^:@]+)(?:[:@].*)?$"
)
PLATFORM = {"x86_64": "linux/amd64", "arm64": "linux/arm64"}


def lifecycle_policy(keep: int) -> str:
    """ECR lifecycle policy: keep the newest `keep` images, expire the rest (storage is billed per GB)."""
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": f"Keep the newest {keep} images",
                    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep},
                    "action": {"type": "expire"},
                }
            ]
        }
    )


@dataclass(frozen=True)
class ImageUri:
    """A full image reference: `postgres:15-alpine`, `<account>.dkr.ecr.<region>.amazonaws.com/app:1.2`."""

    uri: str


@dataclass(frozen=True)
class EcrImage:
    """An image in an ECR repository of this account and region: an existing one (looked up by name), or one
    the stack creates (components/registry.py), whose URL and ARN are then given."""

    repository: str
    tag: str
    repository_url: pulumi.Input[str] | None = None
    repository_arn: pulumi.Input[str] | None = None


@dataclass(frozen=True)
class BuildImage:
    """A Docker build context, built for the task's architecture and pushed to a new ECR repository."""

    context: str
    keep: int  # images the new repository keeps (config/images.py KEEP_IMAGES); older ones expire
    dockerfile: str | None = None
    target: str | None = None


ImageSource = ImageUri | EcrImage | BuildImage


@dataclass(frozen=True)
class ResolvedImage:
    uri: pulumi.Input[str]
    repository_arn: pulumi.Input[str] | None  # the ECR repository to pull from, if any


def ecr_repository_arn_from_uri(uri: str, partition: str = "aws") -> str | None:
    """The ECR repository ARN of a private ECR image URI; None for any other registry."""
    match = ECR_URI.match(uri)
    if match is None:
        return None
    return f"arn:{partition}:ecr:{match['region']}:{match['account']}:repository/{match['repo']}"


def git_sha(cwd: Path | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The commit to tag built images with: GITHUB_SHA, else `git rev-parse HEAD`."""
    env = os.environ if environ is None else environ
    sha = env.get("GITHUB_SHA", "").strip()
    if sha:
        return sha
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, check=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise RuntimeError(
            "Cannot tag the built image: set GITHUB_SHA or run inside a git checkout with a commit."
        ) from exc
    return out.stdout.strip()


def resolve_image(
    name: str,
    source: ImageSource,
    *,
    architecture: Literal["x86_64", "arm64"],
    image_tag: str | None,
    partition: str,
    parent: pulumi.Resource,
    tags: Mapping[str, pulumi.Input[str]],
) -> ResolvedImage:
    """The image URI to run and the ECR repository it comes from; creates the repository for builds."""
    if isinstance(source, ImageUri):
        return ResolvedImage(
            uri=source.uri, repository_arn=ecr_repository_arn_from_uri(source.uri, partition)
        )
    if isinstance(source, EcrImage) and source.repository_url is not None:
        return ResolvedImage(
            uri=pulumi.Output.from_input(source.repository_url).apply(lambda url: f"{url}:{source.tag}"),
            repository_arn=source.repository_arn,
        )
    if isinstance(source, EcrImage):
        repository = aws.ecr.get_repository_output(
            name=source.repository, opts=pulumi.InvokeOptions(parent=parent)
        )
        return ResolvedImage(
            uri=repository.repository_url.apply(lambda url: f"{url}:{source.tag}"),
            repository_arn=repository.arn,
        )
    if not image_tag:
        raise ValueError(
            f"Image of `{name}` is built from {source.context}: an image tag (git SHA) is required."
        )
    repository = aws.ecr.Repository(
        f"{name}-repo",
        image_tag_mutability="IMMUTABLE",
        image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
        force_delete=False,
        tags=dict(tags),
        # Retained, not protected: `pulumi destroy` works and the images stay (force_delete=False keeps
        # a delete from ever emptying it).
        opts=pulumi.ResourceOptions(parent=parent, retain_on_delete=True),
    )
    aws.ecr.LifecyclePolicy(
        f"{name}-repo-lifecycle",
        repository=repository.name,
        policy=lifecycle_policy(source.keep),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    image = awsx.ecr.Image(
        f"{name}-image",
        awsx.ecr.ImageArgs(
            repository_url=repository.repository_url,
            context=source.context,
            dockerfile=source.dockerfile,
            target=source.target,
            platform=PLATFORM[architecture],
            image_tag=image_tag,
        ),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return ResolvedImage(uri=image.image_uri, repository_arn=repository.arn)
