"""Line items of secrets, keys and storage: Secrets Manager secrets (created in the stack, or referenced by
ARN from a container and created elsewhere), SSM advanced parameters, KMS customer-managed keys, EFS and ECR
storage."""

from __future__ import annotations

import json
import re

from pricing_model import EstimateBuilder, fmt
from pricing_stack import (
    ECR_REPOSITORY,
    EFS_FILE_SYSTEM,
    KMS_KEYS,
    SECRETS_MANAGER_SECRET,
    SSM_PARAMETER,
    TASK_DEFINITION,
    StackResource,
    list_of,
    value_at,
)

_SECRET_ARN = re.compile(r"^arn:aws[\w-]*:secretsmanager:[^:]*:[^:]*:secret:([^:]+)")


def _referenced_secret_names(task_defs: list[StackResource]) -> dict[str, str]:
    """Secrets Manager secrets named in containers' ``secrets``/``repositoryCredentials``: name -> user."""
    found: dict[str, str] = {}
    for td in task_defs:
        raw = value_at(td.props, "containerDefinitions")
        if isinstance(raw, str):
            try:
                containers = json.loads(raw)
            except ValueError:
                continue
        else:
            containers = raw
        for container in list_of(containers):
            refs = [value_at(s, "valueFrom") for s in list_of(value_at(container, "secrets"))]
            refs.append(value_at(container, "repositoryCredentials", "credentialsParameter"))
            for ref in refs:
                match = _SECRET_ARN.match(ref) if isinstance(ref, str) else None
                if match:
                    # Secrets Manager appends "-" + 6 random characters to the name in the ARN.
                    name = re.sub(r"-[A-Za-z0-9]{6}$", "", match.group(1))
                    found.setdefault(name, td.name)
    return found


def price_secrets(builder: EstimateBuilder, by_type: dict[str, list[StackResource]]) -> None:
    created = by_type.get(SECRETS_MANAGER_SECRET, [])
    created_names: set[str] = set()
    for secret in created:
        created_names.update(
            n
            for n in (value_at(secret.props, "name"), value_at(secret.props, "namePrefix"), secret.name)
            if n
        )
        builder.add(
            name="Secrets Manager secret (created)",
            resource=secret.name,
            quantity=1,
            unit="secret-months",
            price_key="secrets_manager_secret_month",
            category="secrets",
        )
    for name, user in sorted(_referenced_secret_names(by_type.get(TASK_DEFINITION, [])).items()):
        if name in created_names or any(name.startswith(str(p)) for p in created_names):
            continue
        builder.add(
            name=f"Secrets Manager secret '{name}' (referenced)",
            resource=user,
            quantity=1,
            unit="secret-months",
            price_key="secrets_manager_secret_month",
            category="secrets",
        )
    for parameter in by_type.get(SSM_PARAMETER, []):
        if value_at(parameter.props, "tier") == "Advanced":
            builder.add(
                name="SSM advanced parameter",
                resource=parameter.name,
                quantity=1,
                unit="parameter-months",
                price_key="ssm_advanced_parameter_month",
                category="secrets",
            )
    for kms_type in sorted(KMS_KEYS):
        for key in by_type.get(kms_type, []):
            builder.add(
                name="KMS customer-managed key",
                resource=key.name,
                quantity=1,
                unit="key-months",
                price_key="kms_key_month",
                category="secrets",
            )


def price_storage(builder: EstimateBuilder, by_type: dict[str, list[StackResource]]) -> None:
    a = builder.assumptions
    for fs in by_type.get(EFS_FILE_SYSTEM, []):
        builder.add(
            name=f"EFS Standard storage (assumed {fmt(a.efs_gb_stored)} GB)",
            resource=fs.name,
            quantity=a.efs_gb_stored,
            unit="GB-months",
            price_key="efs_standard_gb_month",
            category="storage",
        )
    for repo in by_type.get(ECR_REPOSITORY, []):
        builder.add(
            name=f"ECR storage (assumed {fmt(a.ecr_gb_stored)} GB)",
            resource=repo.name,
            quantity=a.ecr_gb_stored,
            unit="GB-months",
            price_key="ecr_gb_month",
            category="storage",
        )
