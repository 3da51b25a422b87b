"""The base model of every config section, the project name, and the names and key types the sections
share (service, sidecar and volume names, environment variable names, tags) with their checks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from config.errors import Path, fail, short_repr

PROJECT = "fargate-platform"
NAME_MAX_LENGTH = 20
"""Service, sidecar and volume names. Components name children `<service>-tg`, `<service>-sg`, …; Pulumi
appends `-` + 7 random characters, and ALB / target-group names are limited to 32 characters:
20 + len("-tg") + 8 = 31 ≤ 32, leaving room for a one-character longer suffix."""


LABEL_RE = re.compile(r"^[a-z]([a-z0-9-]*[a-z0-9])?\Z")
ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
IDENT_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\Z")
DNS_NAME_RE = re.compile(
    r"^(?=.{1,253}\Z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+\Z"
)


ACCOUNT = r"\d{12}"
REGION = r"[a-z]{2}(?:-[a-z]+)+-\d"
PARTITION = r"aws(?:-cn|-us-gov)?"


STR_MAX_LENGTH = 4096
"""Longest string any key takes (Linux PATH_MAX; ECS caps a whole task definition at 64 KiB). It also keeps
problem lines, which repeat the value they reject, short."""


class ConfigModel(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        alias_generator=to_camel,
        frozen=True,
        strict=True,
        str_max_length=STR_MAX_LENGTH,
    )

    def explicitly_set(self, field: str) -> bool:
        """True when the stack config set this key (as opposed to taking the default)."""
        return field in self.model_fields_set


def check_label(name: str, what: str = "name") -> str | None:
    """A short lowercase DNS label (service, sidecar and volume names): message or None."""
    if len(name) > NAME_MAX_LENGTH:
        return (
            f"{what} {short_repr(name)} is {len(name)} characters, longer than {NAME_MAX_LENGTH}; shorten it "
            "(derived AWS "
            f"names such as the target group '<name>-tg-xxxxxxx' must fit in 32 characters)"
        )
    if not LABEL_RE.match(name):
        return (
            f"{what} {short_repr(name)} is not a lowercase DNS label; use lowercase letters, digits and "
            "'-', starting "
            f"with a letter and not ending with '-' (e.g. 'backend')"
        )
    return None


def _label_key(what: str) -> Callable[[str], str]:
    def check(name: str) -> str:
        message = check_label(name, what)
        if message:
            raise fail(message)
        return name

    return check


def _env_name(name: str) -> str:
    if not ENV_NAME_RE.match(name) or len(name) > 255:
        raise fail(
            f"{short_repr(name)} is not a valid environment variable name; use letters, digits and '_', "
            "not starting "
            f"with a digit"
        )
    return name


def _tag_key(key: str) -> str:
    if not 1 <= len(key) <= 128 or key.lower().startswith("aws:"):
        raise fail(
            f"tag key {short_repr(key)} must be 1 to 128 characters and not start with 'aws:'; rename the tag"
        )
    return key


ServiceName = Annotated[str, AfterValidator(_label_key("service name"))]


ContainerName = Annotated[str, AfterValidator(_label_key("sidecar name"))]


VolumeName = Annotated[str, AfterValidator(_label_key("volume name"))]


EnvName = Annotated[str, AfterValidator(_env_name)]


TagKey = Annotated[str, AfterValidator(_tag_key)]


def _tag_value(value: str) -> str:
    if len(value) > 256:
        raise fail(f"tag value is {len(value)} characters; shorten it to at most 256")
    return value


TagValue = Annotated[str, AfterValidator(_tag_value)]


Tags = dict[TagKey, TagValue]


def check_absolute_path(path: str) -> str | None:
    if not path.startswith("/") or path == "/" or "//" in path or "/../" in f"{path}/" or len(path) > 4096:
        return f"{short_repr(path)} is not an absolute path below /; use a path such as /tmp or /mnt/efs"
    return None


SECURITY_GROUP_ID = re.compile(r"^sg-[0-9a-f]{8,17}\Z")


def check_security_group_id(value: str) -> str | None:
    if not SECURITY_GROUP_ID.match(value):
        return f"{short_repr(value)} is not a security group id; use ids such as sg-0123456789abcdef0"
    return None


def to_snake(camel: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", camel).lower()


def container_prefix(cname: str) -> Path:
    return () if cname == "" else ("sidecars", cname)
