"""`hardening` of a container: read-only root filesystem, non-root user, Linux capabilities, scratch paths."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from config.base import ConfigModel, check_absolute_path
from config.errors import ConfigProblems, fail, raise_if, short_repr

DOCKER_DEFAULT_CAPABILITIES: tuple[str, ...] = (
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
)
"""Capabilities a container gets from Docker by default. Fargate only accepts `SYS_PTRACE` in
`linuxParameters.capabilities.add`, so keeping one of these is expressed by *not dropping* it."""


ALLOWED_ADD_CAPABILITIES: tuple[str, ...] = (
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
)
"""Capabilities `hardening.addCapabilities` may keep (harmless defaults of Docker)."""


DANGEROUS_CAPABILITIES: tuple[str, ...] = (
    "ALL",
    "AUDIT_CONTROL",
    "BLOCK_SUSPEND",
    "DAC_READ_SEARCH",
    "IPC_LOCK",
    "IPC_OWNER",
    "LEASE",
    "LINUX_IMMUTABLE",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "MKNOD",
    "NET_ADMIN",
    "NET_BROADCAST",
    "NET_RAW",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_MODULE",
    "SYS_NICE",
    "SYS_PACCT",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "SYSLOG",
    "WAKE_ALARM",
)
"""Capabilities rejected in `addCapabilities` (they widen the kernel attack surface)."""


ALL_CAPABILITIES: tuple[str, ...] = tuple(sorted({*ALLOWED_ADD_CAPABILITIES, *DANGEROUS_CAPABILITIES}))


USER_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?\Z")


IMAGE_DEFAULTS_DROP: tuple[str, ...] = ("NET_RAW",)
"""Capabilities dropped even with `imageDefaults: true`."""

TMPFS_MOUNT_OPTIONS: tuple[str, ...] = ("nosuid", "nodev", "mode=1777")
"""Mount options of scratch tmpfs mounts: no setuid binaries, no device files, and writable by any user.

The mode is explicit because without `mode=` runc gives the mount the mode of the directory it covers in the
image (often 0755 root), and a non-root user then cannot write (moby/moby#39466, docker/docs#15594; an
explicit mode wins since opencontainers/runc#3912). ECS passes the options to the runtime (botocore ecs
Tmpfs.mountOptions lists `mode`)."""


@dataclass(frozen=True)
class TmpfsMount:
    """One `linuxParameters.tmpfs` entry."""

    container_path: str
    size: int  # MiB
    mount_options: tuple[str, ...]


class HardeningConfig(ConfigModel):
    """Container hardening. Defaults are the secure posture: read-only root, non-root user, no
    capabilities."""

    read_only_root_filesystem: bool = Field(
        default=True, description="Mount the container's root filesystem read-only."
    )
    user: str = Field(default="1000:1000", description="uid[:gid] or user name to run as; root is rejected.")
    drop_capabilities: list[str] = Field(
        default_factory=lambda: ["ALL"], description="Linux capabilities to drop (default ALL)."
    )
    add_capabilities: list[str] = Field(
        default_factory=list,
        description="Capabilities to keep despite dropping ALL (e.g. NET_BIND_SERVICE, CHOWN).",
    )
    scratch_paths: list[str] = Field(
        default_factory=lambda: ["/tmp"],
        description="Writable empty directories, each a tmpfs mount (memory-backed, writable by any user), "
        "for a read-only root filesystem.",
    )
    scratch_size: int = Field(
        default=64, ge=1, le=8192, description="Size limit (MiB) of each scratchPaths tmpfs mount."
    )
    image_defaults: bool = Field(
        default=False,
        description="Opt out: run the container as its image defines it — the image's own USER (root for "
        "nginx, httpd and most stock images), a writable root filesystem, Docker's default capabilities "
        "minus NET_RAW — for images that cannot run hardened (docs/hardening.md). The policy pack reports "
        "it.",
    )

    @field_validator("user")
    @classmethod
    def _user(cls, value: str) -> str:
        if not USER_RE.match(value):
            raise fail(f"{short_repr(value)} is not a user; use uid[:gid] such as 1000:1000")
        if value.split(":")[0] in ("0", "root"):
            raise fail(f"{short_repr(value)} runs as root; use a non-root uid such as 1000:1000")
        return value

    @field_validator("drop_capabilities")
    @classmethod
    def _drop(cls, value: list[str]) -> list[str]:
        for cap in value:
            if cap not in ALL_CAPABILITIES:
                raise fail(f"{short_repr(cap)} is not a Linux capability; use ALL or names such as NET_RAW")
        return value

    @field_validator("add_capabilities")
    @classmethod
    def _add(cls, value: list[str]) -> list[str]:
        for cap in value:
            if cap in ALLOWED_ADD_CAPABILITIES:
                continue
            allowed = ", ".join(ALLOWED_ADD_CAPABILITIES)
            if cap in DANGEROUS_CAPABILITIES:
                raise fail(f"{cap} is too powerful to add; remove it (allowed: {allowed})")
            raise fail(f"{short_repr(cap)} is not a Linux capability; use one of: {allowed}")
        return value

    @field_validator("scratch_paths")
    @classmethod
    def _scratch(cls, value: list[str]) -> list[str]:
        for path in value:
            message = check_absolute_path(path)
            if message:
                raise fail(message)
        if len(set(value)) != len(value):
            raise fail("lists a path twice; list each path once")
        return value

    @model_validator(mode="after")
    def _rules(self) -> HardeningConfig:
        if self.image_defaults:
            overridden = [
                f
                for f in ("read_only_root_filesystem", "user", "drop_capabilities", "add_capabilities")
                if self.explicitly_set(f)
            ]
            raise_if(
                [
                    (
                        (to_camel(f),),
                        f"has no effect with imageDefaults: true; remove {to_camel(f)} or imageDefaults",
                    )
                    for f in overridden
                ]
            )
        if self.add_capabilities and "ALL" not in self.drop_capabilities:
            dropped = set(self.drop_capabilities)
            kept = [c for c in self.add_capabilities if c in dropped]
            if kept:
                raise ConfigProblems(
                    [
                        (
                            ("addCapabilities",),
                            f"{kept[0]} is also in dropCapabilities; remove it from one list",
                        )
                    ]
                )
        return self

    @property
    def tmpfs_mounts(self) -> list[TmpfsMount]:
        """`linuxParameters.tmpfs` entries for `scratchPaths` (Fargate supports tmpfs since January 2026).

        tmpfs rather than bind-mounted task volumes: an empty bind mount is owned by root with mode 0755, so
        a non-root user cannot write to it; a tmpfs mount is world-writable (mode 1777)."""
        return [TmpfsMount(path, self.scratch_size, TMPFS_MOUNT_OPTIONS) for path in self.scratch_paths]

    @property
    def tmpfs_total(self) -> int:
        """MiB the scratch tmpfs mounts may hold together (they count against the container's memory)."""
        return self.scratch_size * len(self.scratch_paths)

    @property
    def read_only_root(self) -> bool:
        """`readonlyRootFilesystem` of the container definition."""
        return self.read_only_root_filesystem and not self.image_defaults

    @property
    def run_as(self) -> str | None:
        """`user` of the container definition; None: the image's own USER (imageDefaults)."""
        return None if self.image_defaults else self.user

    @property
    def linux_capabilities(self) -> tuple[list[str], list[str]]:
        """`(drop, add)` for `linuxParameters.capabilities` that Fargate accepts.

        Fargate only allows adding SYS_PTRACE, so "drop ALL, add X" becomes "drop every Docker default except
        X" (same effective set). imageDefaults keeps Docker's defaults but NET_RAW (raw sockets: ARP and
        packet spoofing inside the VPC)."""
        if self.image_defaults:
            return list(IMAGE_DEFAULTS_DROP), []
        if "ALL" in self.drop_capabilities and self.add_capabilities:
            keep = set(self.add_capabilities)
            return [c for c in DOCKER_DEFAULT_CAPABILITIES if c not in keep], []
        return list(self.drop_capabilities), []
