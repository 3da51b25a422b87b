"""Stack configuration of fargate-platform: pydantic models, their rules, and the one place defaults live.

`__main__.py` calls `read_stack_config()` (every `fargate-platform:*` key of the Pulumi stack config)
before it registers any resource; tests call `load_config(raw)` with already-parsed values. Both raise
`ConfigError`, whose `problems` hold one line per problem: `<key.path>: <what is wrong>; <fix>`.

One module per part of the stack config, each holding its models and their rules (plain `check_*` functions
returning `(path, message)` pairs, called by the models' `model_validator(mode="after")` and by the tests):

    base           the base model, the project name, names and key types every section shares
    environment    environment defaults (dev | staging | prod) and the known AWS regions
    network        network            cluster      cluster            logs         logs
    load_balancer  loadBalancer, a service's route and target-group healthCheck
    images         a container's image                hardening    a container's hardening
    secrets        a container's secrets (and no secret in plain environment)
    volumes        a service's volumes and mounts     permissions  a service's task-role permissions
    autoscaling    a service's autoscaling            deployment   a service's deployment (strategy, hooks)
    alarms         a service's alarms and the stack's notifications
    sizes          the Fargate cpu/memory table
    containers     what every container has (main container and sidecars), dependsOn conditions
    services       services.<name>: task size and the rules across a service's containers
    stack          the whole config and the rules across sections
    loading        reading values (load_config, read_stack_config) and the stack-level checks
    errors         ConfigError and the translation of pydantic's errors into problem lines

Imports go one way, down this list from `stack`/`loading` to `base` and `errors`: no cycles. Keys are
camelCase in YAML (field aliases); Python uses snake_case attributes. Unknown keys are errors at every level
(`extra="forbid"`). The reference of every key is docs/configuration.md, generated from these models."""

from config.autoscaling import AutoscalingConfig
from config.base import NAME_MAX_LENGTH, PROJECT, check_label, to_snake
from config.cluster import CapacityConfig, CapacityProviderItem, ClusterConfig
from config.containers import ContainerConfig, ContainerHealthCheck, SidecarConfig
from config.deployment import DeploymentConfig
from config.environment import ENVIRONMENT_DEFAULTS
from config.errors import ConfigError, ConfigProblems, Issue, Path, format_path
from config.hardening import (
    ALLOWED_ADD_CAPABILITIES,
    DANGEROUS_CAPABILITIES,
    DOCKER_DEFAULT_CAPABILITIES,
    HardeningConfig,
    TmpfsMount,
)
from config.images import ImageConfig, check_image, image_is_pinned
from config.load_balancer import (
    TLS_POLICIES,
    AccessLogsConfig,
    HealthCheckConfig,
    LoadBalancerConfig,
    RouteConfig,
    check_route,
)
from config.loading import load_config, load_stack_values, read_stack_config, stack_secret_config_key
from config.logs import LOG_RETENTION_DAYS, LogsConfig
from config.network import NetworkConfig, check_network
from config.permissions import PermissionsConfig, check_permissions
from config.secrets import (
    SecretSource,
    TemplateRef,
    check_environment,
    check_secret_source,
    parse_template,
    render_template,
    secret_name_word,
    secret_value_kind,
)
from config.services import ServiceConfig, check_depends_on, check_service
from config.sizes import FARGATE_CPU_MEMORY, fargate_memory_problem
from config.stack import TOP_LEVEL_KEYS, PlatformConfig, check_platform
from config.volumes import AccessPointConfig, EfsVolumeConfig, MountConfig, VolumeConfig

__all__ = [
    "ALLOWED_ADD_CAPABILITIES",
    "DANGEROUS_CAPABILITIES",
    "DOCKER_DEFAULT_CAPABILITIES",
    "ENVIRONMENT_DEFAULTS",
    "FARGATE_CPU_MEMORY",
    "LOG_RETENTION_DAYS",
    "NAME_MAX_LENGTH",
    "PROJECT",
    "TLS_POLICIES",
    "TOP_LEVEL_KEYS",
    "AccessLogsConfig",
    "AccessPointConfig",
    "AutoscalingConfig",
    "CapacityConfig",
    "CapacityProviderItem",
    "ClusterConfig",
    "ConfigError",
    "ConfigProblems",
    "ContainerConfig",
    "ContainerHealthCheck",
    "DeploymentConfig",
    "EfsVolumeConfig",
    "HardeningConfig",
    "HealthCheckConfig",
    "ImageConfig",
    "Issue",
    "LoadBalancerConfig",
    "LogsConfig",
    "MountConfig",
    "NetworkConfig",
    "Path",
    "PermissionsConfig",
    "PlatformConfig",
    "RouteConfig",
    "SecretSource",
    "ServiceConfig",
    "SidecarConfig",
    "TemplateRef",
    "TmpfsMount",
    "VolumeConfig",
    "check_depends_on",
    "check_environment",
    "check_image",
    "check_label",
    "check_network",
    "check_permissions",
    "check_platform",
    "check_route",
    "check_secret_source",
    "check_service",
    "fargate_memory_problem",
    "format_path",
    "image_is_pinned",
    "load_config",
    "load_stack_values",
    "parse_template",
    "read_stack_config",
    "render_template",
    "secret_name_word",
    "secret_value_kind",
    "stack_secret_config_key",
    "to_snake",
]
