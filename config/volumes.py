"""`volumes` of a service (EFS or scratch) and the `mounts` of its containers."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from config.base import ConfigModel, check_absolute_path, check_security_group_id
from config.errors import Issue, fail, raise_if, short_repr


class AccessPointConfig(ConfigModel):
    """An EFS access point: the directory the task sees as root and the POSIX identity it writes with."""

    path: str = Field(
        default="/", description="Directory in the file system (created with uid/gid/permissions)."
    )
    uid: int = Field(
        default=1000, ge=0, le=4294967295, description="POSIX user id of files the task creates."
    )
    gid: int = Field(
        default=1000, ge=0, le=4294967295, description="POSIX group id of files the task creates."
    )
    permissions: str = Field(default="0750", description="Octal permissions of a newly created path.")

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        if value != "/" and check_absolute_path(value):
            raise fail(f"{short_repr(value)} is not an absolute path; use e.g. /data")
        return value

    @field_validator("permissions")
    @classmethod
    def _permissions(cls, value: str) -> str:
        if not re.match(r"^0?[0-7]{3}\Z", value):
            raise fail(f"{short_repr(value)} is not octal permissions; use e.g. 0750")
        return value


class EfsVolumeConfig(ConfigModel):
    """An EFS volume: a file system created by the stack (retained on delete) or an existing one."""

    file_system_id: str | None = Field(
        default=None, description="Existing file system id (fs-…); unset: create one."
    )
    root_directory: str = Field(
        default="/", description="Directory of the file system to mount (without accessPoint)."
    )
    access_point: AccessPointConfig | None = Field(default=None, description="Mount through an access point.")
    transit_encryption: Literal["ENABLED", "DISABLED"] = Field(
        default="ENABLED", description="TLS between task and EFS."
    )
    iam_authorization: bool = Field(
        default=True, description="Authorize mounts with the task role (needs transit encryption)."
    )
    security_group_id: str | None = Field(
        default=None,
        description="Security group of the existing file system's mount targets (sg-…): the stack adds a "
        "rule admitting NFS (2049) from the service's tasks, so the first deployment can mount it. Only "
        "with fileSystemId.",
    )

    @field_validator("security_group_id")
    @classmethod
    def _sg_id(cls, value: str | None) -> str | None:
        message = check_security_group_id(value) if value is not None else None
        if message:
            raise fail(message)
        return value

    @field_validator("file_system_id")
    @classmethod
    def _fs_id(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^fs-[0-9a-f]{8,17}\Z", value):
            raise fail(f"{short_repr(value)} is not an EFS file system id; use e.g. fs-0123456789abcdef0")
        return value

    @field_validator("root_directory")
    @classmethod
    def _root(cls, value: str) -> str:
        if value != "/" and check_absolute_path(value):
            raise fail(f"{short_repr(value)} is not an absolute path; use e.g. /static")
        return value

    @model_validator(mode="after")
    def _rules(self) -> EfsVolumeConfig:
        issues: list[Issue] = []
        if self.security_group_id is not None and self.file_system_id is None:
            issues.append(
                (
                    ("securityGroupId",),
                    "applies to an existing file system (fileSystemId); remove it (a file system the stack "
                    "creates gets its own group)",
                )
            )
        if self.access_point is not None and self.root_directory != "/":
            issues.append(
                (
                    ("rootDirectory",),
                    "must be / when accessPoint is set; put the directory in accessPoint.path",
                )
            )
        if self.transit_encryption == "DISABLED" and (
            self.access_point is not None or self.iam_authorization
        ):
            issues.append(
                (
                    ("transitEncryption",),
                    "DISABLED is not allowed with accessPoint or "
                    "iamAuthorization; set transitEncryption: ENABLED",
                )
            )
        raise_if(issues)
        return self


class VolumeConfig(ConfigModel):
    """A task volume: `efs: {…}` (persistent) or `scratch: true` (task storage, lost when the task stops)."""

    efs: EfsVolumeConfig | None = Field(default=None, description="An EFS volume.")
    scratch: bool = Field(default=False, description="An empty volume on the task's ephemeral storage.")

    @model_validator(mode="after")
    def _rules(self) -> VolumeConfig:
        if (self.efs is None) == (not self.scratch):
            raise fail("needs exactly one of efs: {…} or scratch: true; keep one")
        return self


class MountConfig(ConfigModel):
    """A volume mounted into a container."""

    volume: str = Field(description="Name of a volume in the service's `volumes`.")
    path: str = Field(description="Absolute path inside the container.")
    read_only: bool = Field(default=False, description="Mount read-only.")

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        message = check_absolute_path(value)
        if message:
            raise fail(message)
        return value
