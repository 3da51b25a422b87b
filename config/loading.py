"""Reading the stack config: parsed values (`load_config`), the Pulumi runtime's config (`read_stack_config`)
and the stack-level checks (unknown keys, stack secrets, region, build contexts on disk)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path as FilePath
from typing import Any

from pydantic import ValidationError

from config.base import PROJECT, container_prefix
from config.environment import check_region
from config.errors import ConfigError, format_path, suggest_key, translate_errors
from config.images import check_build_context
from config.stack import TOP_LEVEL_KEYS, PlatformConfig


def load_config(raw: Mapping[str, Any]) -> PlatformConfig:
    """Validate already-parsed top-level values (keys without the `fargate-platform:` prefix)."""
    if not isinstance(raw, Mapping):
        raise ConfigError(
            [f"(root): expected a mapping of config keys, got {type(raw).__name__}; pass a dict"]
        )
    try:
        return PlatformConfig.model_validate(dict(raw))
    except ValidationError as exc:
        raise ConfigError(translate_errors(exc, PlatformConfig)) from None


def _parse_value(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key == "environment":
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def read_stack_config(project: str | None = None) -> PlatformConfig:
    """Read and validate every `<project>:*` key of the running Pulumi program's stack config.

    Raises ConfigError (before any resource is registered) for invalid values, unknown keys, and stack secrets
    that are missing or were not set with `--secret`."""
    from pulumi import get_project
    from pulumi.runtime import config as runtime_config

    namespace = project or get_project()
    everything: dict[str, Any] = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | set(runtime_config._SECRET_KEYS.get())
    return load_stack_values(everything, secret_keys, namespace)


def load_stack_values(
    values: Mapping[str, Any],
    secret_keys: Iterable[str],
    namespace: str = PROJECT,
    project_dir: FilePath | None = None,
) -> PlatformConfig:
    """`read_stack_config` without the Pulumi runtime: full config keys → raw string/JSON values.

    `project_dir` (default: the working directory, where Pulumi runs the program) is where `image.build`
    contexts are looked up."""
    secret = set(secret_keys)
    raw: dict[str, Any] = {}
    extra: list[str] = []
    for full_key, value in values.items():
        ns, sep, key = full_key.partition(":")
        if not sep or ns != namespace:
            continue
        if key in TOP_LEVEL_KEYS:
            raw[key] = _parse_value(key, value)
        else:
            extra.append(key)
    region = values.get("aws:region")
    region_problem = check_region(region) if isinstance(region, str) else None
    try:
        cfg = load_config(raw)
    except ConfigError as exc:
        # Without a valid config the keys stackSecrets name are unknown: report the extra keys that look like
        # a misspelt platform key (`servics`), which usually explain the problems that follow.
        typos = [line for line in _unknown_key_lines(extra, set(), namespace) if "did you mean" in line]
        raise ConfigError([*typos, *exc.problems, *([region_problem] if region_problem else [])]) from None
    referenced = {_stack_key(k, namespace) for k in cfg.stack_secret_keys}
    problems = _unknown_key_lines(extra, referenced, namespace)
    for full in sorted(referenced):
        shown = full.removeprefix(f"{namespace}:")
        if full not in values:
            problems.append(
                f"{shown}: stack secret is not set; run pulumi config set --secret {shown} <value>"
            )
        elif full not in secret:
            problems.append(
                f"{shown}: stack secret was set in plain text; run pulumi config set --secret {shown} <value>"
            )
    problems += [region_problem] if region_problem else _region_problems(cfg, region)
    problems += _build_problems(cfg, project_dir or FilePath.cwd())
    if problems:
        raise ConfigError(problems)
    return cfg


def _unknown_key_lines(extra: Iterable[str], referenced: set[str], namespace: str) -> list[str]:
    lines: list[str] = []
    for key in sorted(extra):
        if f"{namespace}:{key}" in referenced:
            continue
        close = suggest_key(key, TOP_LEVEL_KEYS)
        hint = (
            f"did you mean {close[0]}?"
            if close
            else (f"allowed: {', '.join(TOP_LEVEL_KEYS)} (or a key a stackSecret names)")
        )
        lines.append(f"{key}: unknown key; {hint}")
    return lines


def _build_problems(cfg: PlatformConfig, project_dir: FilePath) -> list[str]:
    """Build contexts and Dockerfiles that are not on disk."""
    lines: list[str] = []
    for name, svc in cfg.services.items():
        for cname, container in svc.containers():
            for path, message in check_build_context(container.image, project_dir):
                key = format_path(("services", name, *container_prefix(cname), "image", *path))
                lines.append(f"{key}: {message}")
    return lines


def _region_problems(cfg: PlatformConfig, region: Any) -> list[str]:
    """Values that must be in the stack's own region (`aws:region`), when it is set."""
    cert = cfg.load_balancer.certificate_arn
    cert_region = cert.split(":")[3] if cert is not None else None
    if not isinstance(region, str) or cert_region is None or cert_region == region:
        return []
    return [
        f"loadBalancer.certificateArn: the certificate is in {cert_region} but aws:region is {region}; "
        f"an ALB uses only ACM certificates of its own region, so request or import one in {region}"
    ]


def _stack_key(key: str, namespace: str) -> str:
    return key if ":" in key else f"{namespace}:{key}"


def stack_secret_config_key(key: str, namespace: str = PROJECT) -> str:
    """The full Pulumi config key of a `stackSecret` reference: `djangoKey` → `fargate-platform:djangoKey`."""
    return _stack_key(key, namespace)
