"""Security rules over image and file storage: ECR repositories with immutable tags and scan on push, EFS file
systems encrypted at rest.
"""

from __future__ import annotations

import common
import type_tokens
from common import Config, Report, Resource, violation


def ecr_immutable_scanned(resource: Resource, config: Config, report: Report) -> None:
    if config.get_bool("requireImmutableTags"):
        accepted = ["IMMUTABLE"]
        if config.get_bool("allowImmutableWithExclusion"):
            accepted.append("IMMUTABLE_WITH_EXCLUSION")
        mutability = common.get(resource.props, "imageTagMutability") or "MUTABLE"
        if not isinstance(mutability, str) or mutability.upper() not in accepted:
            report(
                violation(
                    resource,
                    "",
                    f"have immutable image tags (imageTagMutability is {mutability})",
                    'set imageTagMutability to "IMMUTABLE" and push every build under a new tag',
                )
            )
    if config.get_bool("requireScanOnPush"):
        scan = common.as_bool(common.get(resource.props, "imageScanningConfiguration", "scanOnPush"))
        if scan is not True:
            report(
                violation(
                    resource,
                    "",
                    "scan images on push",
                    "set imageScanningConfiguration.scanOnPush to true (or set requireScanOnPush to false "
                    "when registry-level enhanced scanning covers the repository)",
                )
            )


def efs_encrypted(resource: Resource, config: Config, report: Report) -> None:
    if common.as_bool(common.get(resource.props, "encrypted")) is not True:
        report(
            violation(
                resource,
                "",
                "be encrypted at rest",
                "set encrypted to true (optionally with kmsKeyId); encryption cannot be turned on later "
                "without replacing the file system",
            )
        )


POLICIES = [
    common.resource_policy(
        "ecr-immutable-scanned",
        "Checks that ECR repositories have immutable image tags and scan images on push (Security Hub ECR.1, "
        "ECR.2; Checkov CKV_AWS_51, CKV_AWS_163).",
        type_tokens.ECR_REPOSITORY,
        ecr_immutable_scanned,
        enforcement_level=common.ADVISORY,
        config={
            "requireImmutableTags": common.flag(True, "Require imageTagMutability IMMUTABLE."),
            "allowImmutableWithExclusion": common.flag(
                False,
                "Also accept IMMUTABLE_WITH_EXCLUSION (tags matching its exclusion filters stay mutable).",
            ),
            "requireScanOnPush": common.flag(
                True,
                "Require imageScanningConfiguration.scanOnPush (false when registry-level "
                "enhanced scanning is used instead).",
            ),
        },
    ),
    common.resource_policy(
        "efs-encrypted",
        "Checks that EFS file systems are encrypted at rest (Security Hub EFS.1, Checkov CKV_AWS_42).",
        type_tokens.EFS_FILE_SYSTEM,
        efs_encrypted,
        enforcement_level=common.MANDATORY,
    ),
]
