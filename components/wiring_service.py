"""Wiring of one service: a validated ServiceConfig → the parts of its FargateServiceArgs (containers,
images, secrets, EFS volumes, task permissions). With wiring.py, which assembles the platform, the only
modules of `components/` that know config/; decisions are made from plain config values, never Outputs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pulumi

from components import containers as cdefs
from components.iam import TaskPermissions
from components.images import BuildImage, EcrImage, ImageSource, ImageUri
from components.secrets import (
    ComposedSecret,
    GeneratedSecret,
    Placeholder,
    SecretRef,
    SecretsManagerRef,
    SsmParameterRef,
    StackSecret,
    StoredRef,
    StoredSecret,
)
from components.service_args import (
    ContainerArgs,
)
from components.storage import EfsAccessPoint, EfsVolume
from config import ContainerConfig, ImageConfig, SecretSource, ServiceConfig, SidecarConfig

StackSecretReader = Callable[[str], pulumi.Output[str]]
"""Reads one stack secret by the key a `stackSecret` names (e.g. `pulumi.Config().require_secret`)."""


def image_source(image: ImageConfig) -> ImageSource:
    if image.kind == "repository":
        assert image.repository is not None
        return EcrImage(repository=image.repository, tag=image.effective_tag)
    if image.kind == "build":
        assert image.build is not None
        dockerfile = f"{image.build.rstrip('/')}/{image.dockerfile}" if image.dockerfile else None
        return BuildImage(context=image.build, keep=image.keep, dockerfile=dockerfile)
    assert image.uri is not None
    return ImageUri(uri=image.uri)


def service_secrets(
    name: str, svc: ServiceConfig, read_stack_secret: StackSecretReader
) -> tuple[dict[str, StoredSecret], dict[str, dict[str, SecretRef]]]:
    """The secrets the service stores (generated, stack, composed) and each container's env → reference.

    Stored keys (the last segment of the SSM parameter name): a generated secret's name, a stack secret's
    config key (`:` → `.`), a composed secret's env name (`<container>.<ENV>` for sidecars); a key claimed by
    two kinds is qualified with its kind (`generated.x`, `stack.x`, `composed.x`) so none can collide.
    """
    generated = dict(svc.generated_secrets)
    stack_keys: set[str] = set()
    composed: dict[tuple[str, str], SecretSource] = {}
    for cname, container in svc.containers():
        container_name = cname or name
        for env, src in container.secrets.items():
            if src.stack_secret is not None:
                stack_keys.add(src.stack_secret)
            stack_keys.update(r.name for r in src.template_refs if r.kind == "stackSecret")
            if src.kind == "template":
                composed[(container_name, env)] = src

    preferred: dict[tuple[str, str], str] = {("generated", g): g for g in generated}
    preferred |= {("stack", k): k.replace(":", ".") for k in stack_keys}
    preferred |= {("composed", f"{c}.{e}"): e if c == name else f"{c}.{e}" for c, e in composed}
    claims: dict[str, int] = {}
    for key in preferred.values():
        claims[key] = claims.get(key, 0) + 1
    keys = {ident: key if claims[key] == 1 else f"{ident[0]}.{key}" for ident, key in preferred.items()}

    stored: dict[str, StoredSecret] = {}
    for g, length in generated.items():
        stored[keys[("generated", g)]] = GeneratedSecret(length)
    for k in sorted(stack_keys):
        stored[keys[("stack", k)]] = StackSecret(read_stack_secret(k))
    for (c, e), src in composed.items():
        assert src.template is not None
        placeholders = {
            ref.text: Placeholder(
                key=keys[("stack" if ref.kind == "stackSecret" else "generated", ref.name)],
                url_encode=ref.filter == "urlencode",
            )
            for ref in src.template_refs
        }
        stored[keys[("composed", f"{c}.{e}")]] = ComposedSecret(
            template=src.template, placeholders=placeholders
        )

    refs: dict[str, dict[str, SecretRef]] = {}
    for cname, container in svc.containers():
        container_name = cname or name
        refs[container_name] = {}
        for env, src in container.secrets.items():
            ref: SecretRef
            if src.generate is not None:
                ref = StoredRef(keys[("generated", src.generate)])
            elif src.stack_secret is not None:
                ref = StoredRef(keys[("stack", src.stack_secret)])
            elif src.ssm_parameter is not None:
                ref = SsmParameterRef(parameter=src.ssm_parameter)
            elif src.secrets_manager is not None:
                ref = SecretsManagerRef(arn=src.secrets_manager, json_key=src.json_key)
            else:
                ref = StoredRef(keys[("composed", f"{container_name}.{env}")])
            refs[container_name][env] = ref
    return stored, refs


def _container_args(
    container_name: str,
    container: ContainerConfig,
    refs: Mapping[str, SecretRef],
    *,
    cpu: int | None,
    memory: int | None,
    essential: bool,
    health_check: cdefs.HealthCheck | None,
) -> ContainerArgs:
    drop, add = container.hardening.linux_capabilities
    return ContainerArgs(
        name=container_name,
        image=image_source(container.image),
        port=container.port,
        cpu=cpu,
        memory=memory,
        essential=essential,
        command=container.command,
        entry_point=container.entry_point,
        environment=dict(container.environment),
        secrets=dict(refs),
        health_check=health_check,
        depends_on=dict(container.depends_on),
        readonly_root_filesystem=container.hardening.read_only_root,
        user=container.hardening.run_as,
        drop_capabilities=drop,
        add_capabilities=add,
        tmpfs=[
            cdefs.Tmpfs(t.container_path, t.size, tuple(t.mount_options))
            for t in container.hardening.tmpfs_mounts
        ],
        mounts=[cdefs.MountPoint(m.volume, m.path, m.read_only) for m in container.mounts],
    )


def _health_check(check: Any) -> cdefs.HealthCheck | None:
    if check is None:
        return None
    return cdefs.HealthCheck(
        command=list(check.command),
        interval=check.interval,
        timeout=check.timeout,
        retries=check.retries,
        start_period=check.start_period,
    )


def containers_of(
    name: str, svc: ServiceConfig, refs: Mapping[str, Mapping[str, SecretRef]]
) -> list[ContainerArgs]:
    """The main container (named like the service) first, then the sidecars."""
    has_sidecars = bool(svc.sidecars)
    out = [
        _container_args(
            name,
            svc,
            refs[name],
            cpu=svc.container_cpu if has_sidecars else None,
            memory=svc.container_memory if has_sidecars else None,
            essential=True,
            health_check=_health_check(svc.health_check.container),
        )
    ]
    for sname, sidecar in svc.sidecars.items():
        assert isinstance(sidecar, SidecarConfig)
        out.append(
            _container_args(
                sname,
                sidecar,
                refs[sname],
                cpu=sidecar.cpu,
                memory=sidecar.memory,
                essential=sidecar.essential,
                health_check=_health_check(sidecar.health_check),
            )
        )
    return out


def efs_volumes(svc: ServiceConfig) -> list[EfsVolume]:
    volumes = []
    for vname, volume in svc.volumes.items():
        if volume.efs is None:
            continue
        efs = volume.efs
        ap = efs.access_point
        volumes.append(
            EfsVolume(
                name=vname,
                file_system_id=efs.file_system_id,
                root_directory=efs.root_directory,
                access_point=(
                    EfsAccessPoint(path=ap.path, uid=ap.uid, gid=ap.gid, permissions=ap.permissions)
                    if ap is not None
                    else None
                ),
                transit_encryption=efs.transit_encryption == "ENABLED",
                iam_authorization=efs.iam_authorization,
                security_group_id=efs.security_group_id,
            )
        )
    return volumes


def task_permissions(svc: ServiceConfig) -> TaskPermissions:
    p = svc.permissions
    return TaskPermissions(
        s3=dict(p.s3_buckets), dynamodb=dict(p.dynamodb_tables), sqs=dict(p.sqs_queues), ssm=dict(p.ssm_paths)
    )
