"""The security rules of the pack, by area (each module exports ``POLICIES``); ``__main__.py`` adds
``security.POLICIES`` to the pack.

- security_secrets.py: ecs-no-plaintext-secrets, ecs-secrets-from-managed-stores, ssm-secret-parameters-secure
- security_containers.py: ecs-readonly-root-filesystem, ecs-non-root-user, ecs-not-privileged,
  ecs-capabilities-dropped, ecs-container-logging
- security_tasks.py: ecs-no-host-namespaces, ecs-distinct-task-roles, ecs-efs-transit-encryption,
  ecs-no-public-ip, ecs-platform-version
- security_iam.py: iam-task-role-no-wildcards (a stack policy)
- security_load_balancers.py: alb-https-redirect, alb-tls-policy, alb-drop-invalid-headers,
  alb-desync-mitigation, alb-deletion-protection, alb-access-logs
- security_groups.py: security-group-ingress
- security_storage.py: ecr-immutable-scanned, efs-encrypted
"""

from __future__ import annotations

import security_containers
import security_groups
import security_iam
import security_load_balancers
import security_secrets
import security_storage
import security_tasks
from pulumi_policy import Policy

POLICIES: list[Policy] = [
    *security_secrets.POLICIES,
    *security_containers.POLICIES,
    *security_tasks.POLICIES,
    *security_iam.POLICIES,
    *security_load_balancers.POLICIES,
    *security_groups.POLICIES,
    *security_storage.POLICIES,
]
