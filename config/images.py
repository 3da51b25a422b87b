"""`image` of a container: an image URI, an existing ECR repository, or a Docker build, and their rules."""

from __future__ import annotations

import re
from pathlib import Path as FilePath
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from config.base import ACCOUNT, REGION, ConfigModel
from config.errors import Issue, raise_if, short_repr

KEEP_IMAGES = 30  # images an ECR repository the stack creates keeps (one per commit deployed); older expire
ECR_REPO_RE = re.compile(r"^(?=.{2,256}\Z)[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*\Z")
IMAGE_RE = re.compile(
    r"^(?:(?P<registry>[a-zA-Z0-9.-]+(?::\d+)?)/)?"
    r"(?P<path>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
    r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?"
    r"(?:@(?P<digest>sha256:[a-f0-9]{64}))?\Z"
)


ECR_URI_RE = re.compile(rf"^{ACCOUNT}\.dkr\.ecr\.{REGION}\.amazonaws\.com(?:\.cn)?/")
DOCKER_TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\Z")


def image_is_pinned(uri: str) -> bool:
    """True for an image reference with a digest or an explicit tag other than `latest`."""
    match = IMAGE_RE.match(uri)
    if match is None:
        return False
    if match.group("digest"):
        return True
    tag = match.group("tag")
    return tag is not None and tag != "latest"


class ImageConfig(ConfigModel):
    """Where a container image comes from. YAML accepts a plain image URI string as shorthand for `{uri}`."""

    SHORTHAND: ClassVar[str] = "an image URI string"

    uri: str | None = Field(
        default=None, description="Full image reference (registry/name:tag or @sha256:digest)."
    )
    repository: str | None = Field(
        default=None,
        description="Name of an ECR repository in the stack's account: an existing one, or with create: true "
        "one the stack creates.",
    )
    create: bool = Field(
        default=False,
        description="Create the repository (with repository): immutable tags, scan on push, encrypted, the "
        "newest `keep` images kept; its URL is the stack output repositories.<name>.",
    )
    keep: int = Field(
        default=KEEP_IMAGES,
        ge=1,
        le=1000,
        description="Images a created repository keeps (older ones expire).",
    )
    tag: str | None = Field(
        default=None, description="Tag in `repository` (default latest; must be pinned in prod)."
    )
    build: str | None = Field(
        default=None,
        description="Docker build context (directory relative to the project), built with "
        "awsx.ecr.Image into a new ECR repository and tagged with the git commit SHA.",
    )
    dockerfile: str | None = Field(default=None, description="Dockerfile path relative to the build context.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"uri": data}
        return data

    @model_validator(mode="after")
    def _rules(self) -> ImageConfig:
        raise_if(check_image(self))
        return self

    @property
    def kind(self) -> Literal["uri", "repository", "build"]:
        if self.repository is not None:
            return "repository"
        if self.build is not None:
            return "build"
        return "uri"

    @property
    def effective_tag(self) -> str:
        """The tag used with `repository` (default `latest`)."""
        return self.tag or "latest"

    @property
    def is_ecr(self) -> bool:
        """True when the image is pulled from ECR (repository, build, or an ECR URI)."""
        return self.kind != "uri" or bool(self.uri and ECR_URI_RE.match(self.uri))

    @property
    def is_pinned(self) -> bool:
        """True when the image cannot silently change: a digest, a non-latest tag, or a git-SHA build."""
        if self.kind == "build":
            return True
        if self.kind == "repository":
            return self.effective_tag != "latest"
        return image_is_pinned(self.uri or "")


def check_image(image: ImageConfig) -> list[Issue]:
    sources = [k for k in ("uri", "repository", "build") if getattr(image, k) is not None]
    if len(sources) != 1:
        given = ", ".join(sources) if sources else "none"
        return [((), f"needs exactly one of uri, repository or build (given: {given}); keep one")]
    issues: list[Issue] = []
    if image.tag is not None and image.repository is None:
        issues.append(
            (
                ("tag",),
                "applies only to repository; remove tag (put it in the uri, or let build tag "
                "with the git SHA)",
            )
        )
    if image.create and image.repository is None:
        issues.append((("create",), "applies only to repository; set repository (its name) or remove create"))
    if image.explicitly_set("keep") and not image.create:
        issues.append(
            (("keep",), "applies only to a repository the stack creates; set create: true or remove keep")
        )
    if image.create and image.repository is not None and image.effective_tag == "latest":
        issues.append(
            (
                ("tag",),
                "must be pinned with create: true: the repository's tags are immutable, so latest could be "
                "pushed only once; set the tag CI pushes (e.g. the git SHA)",
            )
        )
    if image.dockerfile is not None and image.build is None:
        issues.append((("dockerfile",), "applies only to build; remove dockerfile or set build"))
    if image.uri is not None and not IMAGE_RE.match(image.uri):
        issues.append(
            (
                ("uri",),
                f"{short_repr(image.uri)} is not an image reference; use e.g. postgres:15-alpine or "
                "123456789012.dkr.ecr.eu-west-2.amazonaws.com/app:1.4.2",
            )
        )
    if image.repository is not None and not ECR_REPO_RE.match(image.repository):
        issues.append(
            (
                ("repository",),
                f"{short_repr(image.repository)} is not an ECR repository name; use lowercase "
                "letters, digits, '.', '_', '-' and '/' (the name, not the URI)",
            )
        )
    if image.tag is not None and not DOCKER_TAG_RE.match(image.tag):
        issues.append(
            (("tag",), f"{short_repr(image.tag)} is not a Docker tag; use letters, digits, '_', '.', '-'")
        )
    if image.build is not None and (image.build.startswith("/") or ".." in image.build.split("/")):
        issues.append(
            (
                ("build",),
                f"{short_repr(image.build)} must be a directory inside the project; use a relative "
                "path such as ./backend",
            )
        )
    if image.dockerfile is not None and (
        image.dockerfile.startswith("/") or ".." in image.dockerfile.split("/")
    ):
        issues.append(
            (
                ("dockerfile",),
                f"{short_repr(image.dockerfile)} must be relative to the build context; use e.g. "
                "Dockerfile.prod",
            )
        )
    return issues


def check_build_context(image: ImageConfig, project_dir: FilePath) -> list[Issue]:
    """A `build` image needs its context directory and Dockerfile on disk: awsx.ecr.Image reads the context
    relative to the directory Pulumi runs the program in (the project directory), and the Dockerfile
    defaults to `Dockerfile` in the context (pulumi_awsx/ecr/image.py, `context` and `dockerfile`)."""
    if image.build is None:
        return []
    context = project_dir / image.build
    if not context.is_dir():
        return [
            (
                ("build",),
                f"{image.build} is not a directory of the project ({project_dir}); create it or fix the path",
            )
        ]
    dockerfile = context / (image.dockerfile or "Dockerfile")
    if dockerfile.is_file():
        return []
    shown = f"{image.build.rstrip('/')}/{image.dockerfile or 'Dockerfile'}"
    if image.dockerfile is not None:
        return [(("dockerfile",), f"{shown} does not exist; add it, or fix dockerfile (relative to build)")]
    return [(("build",), f"{shown} does not exist; add a Dockerfile, or set dockerfile to the one to use")]
