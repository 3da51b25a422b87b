"""EFS volumes of one service: a created file system (encrypted, protected from deletion, one mount target
per task subnet, reachable on 2049 only from the service's tasks) or an existing one, each mounted through
an access point with transit encryption and IAM authorization.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

NFS_PORT = 2049


@dataclass(frozen=True)
class EfsVolume:
    """A persistent volume. Without `file_system_id` a new file system is created for it.

    Without `access_point_id` an access point is created at `root_directory`, owned by `uid`:`gid`, so the
    non-root container user can write to it.
    """

    name: str
    file_system_id: str | None = None
    access_point_id: str | None = None
    root_directory: str = "/data"
    uid: int = 1000
    gid: int = 1000
    permissions: str = "750"


@dataclass(frozen=True)
class EfsMount:
    """What the task definition and the execution/task role need to know about one EFS volume."""

    volume_name: str
    file_system_id: pulumi.Input[str]
    access_point_id: pulumi.Input[str]
    file_system_arn: pulumi.Input[str]
    access_point_arn: pulumi.Input[str] | None


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
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-efs-from-tasks",
                    security_group_id=efs_sg.id,
                    referenced_security_group_id=task_security_group_id,
                    ip_protocol="tcp",
                    from_port=NFS_PORT,
                    to_port=NFS_PORT,
                    description=f"NFS from the tasks of {name}",
                    tags=dict(tags),
                    opts=child,
                )
            file_system = aws.efs.FileSystem(
                f"{prefix}-fs",
                encrypted=True,
                performance_mode="generalPurpose",
                throughput_mode="elastic",
                tags={**tags, "Name": prefix},
                opts=pulumi.ResourceOptions(parent=parent, protect=True, retain_on_delete=True),
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
        if volume.access_point_id is None:
            access_point = aws.efs.AccessPoint(
                f"{prefix}-ap",
                file_system_id=file_system_id,
                posix_user=aws.efs.AccessPointPosixUserArgs(uid=volume.uid, gid=volume.gid),
                root_directory=aws.efs.AccessPointRootDirectoryArgs(
                    path=volume.root_directory,
                    creation_info=aws.efs.AccessPointRootDirectoryCreationInfoArgs(
                        owner_uid=volume.uid, owner_gid=volume.gid, permissions=volume.permissions
                    ),
                ),
                tags={**tags, "Name": prefix},
                opts=pulumi.ResourceOptions(parent=parent, depends_on=depends),
            )
            access_point_id: pulumi.Input[str] = access_point.id
            access_point_arn: pulumi.Input[str] | None = access_point.arn
        else:
            access_point_id = volume.access_point_id
            access_point_arn = pulumi.Output.all(region, account_id).apply(
                lambda v, ap=volume.access_point_id: (
                    f"arn:{partition}:elasticfilesystem:{v[0]}:{v[1]}:access-point/{ap}"
                )
            )
        mounts.append(
            EfsMount(
                volume_name=volume.name,
                file_system_id=file_system_id,
                access_point_id=access_point_id,
                file_system_arn=file_system_arn,
                access_point_arn=access_point_arn,
            )
        )
    return mounts


def task_definition_volume(mount: EfsMount) -> aws.ecs.TaskDefinitionVolumeArgs:
    """The task-definition volume: transit encryption on, IAM authorization through the access point."""
    return aws.ecs.TaskDefinitionVolumeArgs(
        name=mount.volume_name,
        efs_volume_configuration=aws.ecs.TaskDefinitionVolumeEfsVolumeConfigurationArgs(
            file_system_id=mount.file_system_id,
            transit_encryption="ENABLED",
            authorization_config=aws.ecs.TaskDefinitionVolumeEfsVolumeConfigurationAuthorizationConfigArgs(
                access_point_id=mount.access_point_id, iam="ENABLED"
            ),
        ),
    )
