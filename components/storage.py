"""EFS volumes of one service: a created file system (encrypted, retained on delete, one mount target
per task subnet, reachable on 2049 only from the service's tasks) or an existing one (with an NFS rule
admitting the tasks added to its mount-target group when that group is given), each mounted through
an access point (optional) with transit encryption and IAM authorization (both on by default).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

NFS_PORT = 2049


@dataclass(frozen=True)
class EfsAccessPoint:
    """An access point created at `path`, owned by `uid`:`gid` so a non-root container user can write."""

    path: str = "/"
    uid: int = 1000
    gid: int = 1000
    permissions: str = "0750"


@dataclass(frozen=True)
class EfsVolume:
    """A persistent volume. Without `file_system_id` a new file system is created for it."""

    name: str
    file_system_id: str | None = None
    root_directory: str = "/"
    access_point: EfsAccessPoint | None = None
    transit_encryption: bool = True
    iam_authorization: bool = True
    # An existing file system's mount-target group: an NFS rule admitting the tasks is added to it.
    security_group_id: str | None = None


@dataclass(frozen=True)
class EfsMount:
    """What the task definition and the execution/task role need to know about one EFS volume."""

    volume_name: str
    file_system_id: pulumi.Input[str]
    file_system_arn: pulumi.Input[str]
    access_point_id: pulumi.Input[str] | None
    access_point_arn: pulumi.Input[str] | None
    root_directory: str
    transit_encryption: bool
    iam_authorization: bool
    mount_targets: Sequence[pulumi.Resource] = ()  # tasks can mount only once these exist


def _nfs_from_tasks(
    logical: str,
    group: pulumi.Input[str],
    task_security_group_id: pulumi.Input[str],
    service: str,
    tags: Mapping[str, pulumi.Input[str]],
    opts: pulumi.ResourceOptions,
) -> aws.vpc.SecurityGroupIngressRule:
    """The rule that lets a service's tasks reach mount targets in `group` on NFS."""
    return aws.vpc.SecurityGroupIngressRule(
        logical,
        security_group_id=group,
        referenced_security_group_id=task_security_group_id,
        ip_protocol="tcp",
        from_port=NFS_PORT,
        to_port=NFS_PORT,
        description=f"NFS from the tasks of {service}",
        tags=dict(tags),
        opts=opts,
    )


def create_efs_volumes(
    name: str,
    *,
    volumes: Sequence[EfsVolume],
    vpc_id: pulumi.Input[str],
    subnet_ids: pulumi.Input[Sequence[str]],
    subnet_count: int,
    task_security_group_id: pulumi.Input[str],
    region: pulumi.Input[str],
    account_id: pulumi.Input[str],
    partition: str,
    parent: pulumi.Resource,
    tags: Mapping[str, pulumi.Input[str]],
) -> list[EfsMount]:
    """Create what each volume needs; the number of mount targets comes from the plain `subnet_count`."""
    mounts: list[EfsMount] = []
    child = pulumi.ResourceOptions(parent=parent)
    efs_sg: aws.ec2.SecurityGroup | None = None
    for volume in volumes:
        prefix = f"{name}-{volume.name}"
        if volume.file_system_id is None:
            if subnet_count < 1:
                raise ValueError(f"EFS volume `{volume.name}` of `{name}` needs at least one subnet.")
            if efs_sg is None:
                efs_sg = aws.ec2.SecurityGroup(
                    f"{name}-efs",
                    description=f"EFS of {name}: NFS only from its tasks",
                    vpc_id=vpc_id,
                    tags={**tags, "Name": f"{name}-efs"},
                    opts=child,
                )
                _nfs_from_tasks(
                    f"{name}-efs-from-tasks", efs_sg.id, task_security_group_id, name, tags, child
                )
            file_system = aws.efs.FileSystem(
                f"{prefix}-fs",
                encrypted=True,
                performance_mode="generalPurpose",
                throughput_mode="elastic",
                tags={**tags, "Name": prefix},
                # Retained, not protected: `pulumi destroy` deletes the mount targets and leaves the file
                # system and its data in AWS (a protected resource would fail the whole destroy).
                opts=pulumi.ResourceOptions(parent=parent, retain_on_delete=True),
            )
            mount_targets = [
                aws.efs.MountTarget(
                    f"{prefix}-mt-{index + 1}",
                    file_system_id=file_system.id,
                    subnet_id=pulumi.Output.from_input(subnet_ids).apply(lambda ids, i=index: ids[i]),
                    security_groups=[efs_sg.id],
                    opts=child,
                )
                for index in range(subnet_count)
            ]
            file_system_id: pulumi.Input[str] = file_system.id
            file_system_arn: pulumi.Input[str] = file_system.arn
            depends: list[pulumi.Resource] = list(mount_targets)
        else:
            file_system_id = volume.file_system_id
            file_system_arn = pulumi.Output.all(region, account_id).apply(
                lambda v, fs=volume.file_system_id: (
                    f"arn:{partition}:elasticfilesystem:{v[0]}:{v[1]}:file-system/{fs}"
                )
            )
            depends = []
            if volume.security_group_id is not None:
                # Without it the first deployment's mount times out and tasks never start, while
                # `pulumi up` reports success (ECS accepted the deployment).
                logical = f"{prefix}-nfs-from-tasks"
                group = volume.security_group_id
                depends.append(_nfs_from_tasks(logical, group, task_security_group_id, name, tags, child))
        access_point_id: pulumi.Input[str] | None = None
        access_point_arn: pulumi.Input[str] | None = None
        if volume.access_point is not None:
            ap = volume.access_point
            access_point = aws.efs.AccessPoint(
                f"{prefix}-ap",
                file_system_id=file_system_id,
                posix_user=aws.efs.AccessPointPosixUserArgs(uid=ap.uid, gid=ap.gid),
                root_directory=aws.efs.AccessPointRootDirectoryArgs(
                    path=ap.path,
                    creation_info=aws.efs.AccessPointRootDirectoryCreationInfoArgs(
                        owner_uid=ap.uid, owner_gid=ap.gid, permissions=ap.permissions
                    ),
                ),
                tags={**tags, "Name": prefix},
                opts=pulumi.ResourceOptions(parent=parent, depends_on=depends),
            )
            access_point_id = access_point.id
            access_point_arn = access_point.arn
        mounts.append(
            EfsMount(
                volume_name=volume.name,
                file_system_id=file_system_id,
                file_system_arn=file_system_arn,
                access_point_id=access_point_id,
                access_point_arn=access_point_arn,
                root_directory=volume.root_directory,
                transit_encryption=volume.transit_encryption,
                iam_authorization=volume.iam_authorization,
                mount_targets=depends,
            )
        )
    return mounts


def task_definition_volume(mount: EfsMount) -> aws.ecs.TaskDefinitionVolumeArgs:
    """The task-definition volume: through the access point when there is one (its root is then `/`)."""
    authorization = None
    if mount.access_point_id is not None or mount.iam_authorization:
        authorization = aws.ecs.TaskDefinitionVolumeEfsVolumeConfigurationAuthorizationConfigArgs(
            access_point_id=mount.access_point_id,
            iam="ENABLED" if mount.iam_authorization else "DISABLED",
        )
    return aws.ecs.TaskDefinitionVolumeArgs(
        name=mount.volume_name,
        efs_volume_configuration=aws.ecs.TaskDefinitionVolumeEfsVolumeConfigurationArgs(
            file_system_id=mount.file_system_id,
            root_directory=None if mount.access_point_id is not None else mount.root_directory,
            transit_encryption="ENABLED" if mount.transit_encryption else "DISABLED",
            authorization_config=authorization,
        ),
    )
