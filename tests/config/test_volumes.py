"""config/volumes.py: EFS and scratch volumes and their mounts.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import frontend_volume, problems, svc, with_

EXISTING_VPC = {
    "vpcId": "vpc-0123456789abcdef0",
    "publicSubnetIds": ["subnet-0000000000000000a", "subnet-0000000000000000b"],
    "taskSubnets": "public",
}


def existing_vpc(raw: dict[str, Any]) -> dict[str, Any]:
    raw["network"] = dict(EXISTING_VPC)
    return raw


CASES: list[tuple[str, Any, list[str]]] = [
    (
        "an existing file system with a new VPC",
        lambda r: frontend_volume(r, {"efs": {"fileSystemId": "fs-0123456789abcdef0"}}),
        [
            "services.frontend.volumes.data.efs.fileSystemId: is reachable only from the VPC of its mount "
            "targets, and this stack creates its own; set network.vpcId (with its subnets) to that VPC"
        ],
    ),
    (
        "a mount-target group on a created file system",
        lambda r: frontend_volume(r, {"efs": {"securityGroupId": "sg-0123456789abcdef0"}}),
        [
            "services.frontend.volumes.data.efs.securityGroupId: applies to an existing file system "
            "(fileSystemId); remove it (a file system the stack creates gets its own group)"
        ],
    ),
    (
        "a mount-target group that is not a group id",
        lambda r: frontend_volume(
            existing_vpc(r), {"efs": {"fileSystemId": "fs-0123456789abcdef0", "securityGroupId": "sg-x"}}
        ),
        [
            "services.frontend.volumes.data.efs.securityGroupId: 'sg-x' is not a security group id; use ids "
            "such as sg-0123456789abcdef0"
        ],
    ),
    (
        "extra task groups with a new VPC",
        lambda r: svc(r).update(securityGroups=["sg-0123456789abcdef0"]),
        [
            "services.backend.securityGroups: are groups of an existing VPC, and this stack creates its own; "
            "set network.vpcId (with its subnets) to their VPC, or remove securityGroups"
        ],
    ),
    (
        "extra task groups beyond AWS's five per task",
        lambda r: svc(existing_vpc(r)).update(securityGroups=[f"sg-012345678{i}abcdef0" for i in range(4)]),
        ["services.backend.securityGroups: has more than 3 item(s); remove some"],
    ),
    (
        "an extra task group twice",
        lambda r: svc(existing_vpc(r)).update(securityGroups=["sg-0123456789abcdef0"] * 2),
        ["services.backend.securityGroups: lists a group twice; list each group once"],
    ),
    (
        "volume both kinds",
        lambda r: frontend_volume(r, {"efs": {}, "scratch": True}),
        ["services.frontend.volumes.data: needs exactly one of efs: {…} or scratch: true; keep one"],
    ),
    (
        "volume no kind",
        lambda r: frontend_volume(r, {}),
        ["services.frontend.volumes.data: needs exactly one of efs: {…} or scratch: true; keep one"],
    ),
    (
        "efs id",
        lambda r: frontend_volume(r, {"efs": {"fileSystemId": "efs-1"}}),
        [
            "services.frontend.volumes.data.efs.fileSystemId: 'efs-1' is not an EFS file system id; use e.g. "
            "fs-0123456789abcdef0"
        ],
    ),
    (
        "access point with root directory",
        lambda r: frontend_volume(r, {"efs": {"rootDirectory": "/data", "accessPoint": {"path": "/app"}}}),
        [
            "services.frontend.volumes.data.efs.rootDirectory: must be / when accessPoint is set; put the "
            "directory in "
            "accessPoint.path"
        ],
    ),
    (
        "transit encryption off",
        lambda r: frontend_volume(r, {"efs": {"transitEncryption": "DISABLED"}}),
        [
            "services.frontend.volumes.data.efs.transitEncryption: DISABLED is not allowed with "
            "accessPoint or "
            "iamAuthorization; set transitEncryption: ENABLED"
        ],
    ),
    (
        "access point permissions",
        lambda r: frontend_volume(r, {"efs": {"accessPoint": {"permissions": "rwx"}}}),
        [
            "services.frontend.volumes.data.efs.accessPoint.permissions: 'rwx' is not octal permissions; "
            "use e.g. 0750"
        ],
    ),
    (
        "mount unknown volume",
        lambda r: svc(r, "frontend").update(mounts=[{"volume": "data", "path": "/data"}]),
        [
            "services.frontend.mounts[0].volume: 'data' is not in volumes (known: none); add it to volumes "
            "or fix the "
            "name"
        ],
    ),
    (
        "volume not mounted",
        lambda r: svc(r, "frontend").update(volumes={"data": {"scratch": True}}),
        ["services.frontend.volumes.data: is not mounted by any container; add a mount or remove it"],
    ),
    (
        "mount path relative",
        lambda r: svc(r, "frontend").update(
            volumes={"data": {"scratch": True}}, mounts=[{"volume": "data", "path": "data"}]
        ),
        [
            "services.frontend.mounts[0].path: 'data' is not an absolute path below /; use a path such as "
            "/tmp or "
            "/mnt/efs"
        ],
    ),
    (
        "mount over scratch path",
        lambda r: svc(r, "frontend").update(
            volumes={"data": {"scratch": True}}, mounts=[{"volume": "data", "path": "/tmp"}]
        ),
        [
            "services.frontend.mounts[0].path: /tmp is already mounted (by hardening.scratchPaths); use a "
            "different "
            "path"
        ],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected
