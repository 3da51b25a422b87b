"""config/hardening.py: read-only root, non-root user, capabilities, scratch paths.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

from typing import Any

import pytest
from config_cases import problems, svc, with_

import config

CASES: list[tuple[str, Any, list[str]]] = [
    (
        "imageDefaults with hardening keys it replaces",
        lambda r: svc(r, "frontend").update(
            hardening={"imageDefaults": True, "user": "101:101", "readOnlyRootFilesystem": False}
        ),
        [
            "services.frontend.hardening.readOnlyRootFilesystem: has no effect with imageDefaults: true; "
            "remove readOnlyRootFilesystem or imageDefaults",
            "services.frontend.hardening.user: has no effect with imageDefaults: true; remove user or "
            "imageDefaults",
        ],
    ),
    (
        "root user",
        lambda r: svc(r).update(hardening={"user": "0:0"}),
        ["services.backend.hardening.user: '0:0' runs as root; use a non-root uid such as 1000:1000"],
    ),
    (
        "root user by name",
        lambda r: svc(r).update(hardening={"user": "root"}),
        ["services.backend.hardening.user: 'root' runs as root; use a non-root uid such as 1000:1000"],
    ),
    (
        "bad user",
        lambda r: svc(r).update(hardening={"user": "1000:"}),
        ["services.backend.hardening.user: '1000:' is not a user; use uid[:gid] such as 1000:1000"],
    ),
    (
        "dangerous capability",
        lambda r: svc(r).update(hardening={"addCapabilities": ["SYS_ADMIN"]}),
        [
            "services.backend.hardening.addCapabilities: SYS_ADMIN is too powerful to add; remove it "
            "(allowed: " + ", ".join(config.ALLOWED_ADD_CAPABILITIES) + ")"
        ],
    ),
    (
        "unknown capability",
        lambda r: svc(r).update(hardening={"addCapabilities": ["NET_BIND"]}),
        [
            "services.backend.hardening.addCapabilities: 'NET_BIND' is not a Linux capability; use one of: "
            + ", ".join(config.ALLOWED_ADD_CAPABILITIES)
        ],
    ),
    (
        "unknown dropped capability",
        lambda r: svc(r).update(hardening={"dropCapabilities": ["EVERYTHING"]}),
        [
            "services.backend.hardening.dropCapabilities: 'EVERYTHING' is not a Linux capability; use ALL "
            "or names "
            "such as NET_RAW"
        ],
    ),
    (
        "add and drop the same",
        lambda r: svc(r).update(hardening={"dropCapabilities": ["CHOWN"], "addCapabilities": ["CHOWN"]}),
        [
            "services.backend.hardening.addCapabilities: CHOWN is also in dropCapabilities; remove it from "
            "one list"
        ],
    ),
    (
        "scratch path relative",
        lambda r: svc(r).update(hardening={"scratchPaths": ["tmp"]}),
        [
            "services.backend.hardening.scratchPaths: 'tmp' is not an absolute path below /; use a path "
            "such as /tmp "
            "or /mnt/efs"
        ],
    ),
    (
        "scratch path twice",
        lambda r: svc(r).update(hardening={"scratchPaths": ["/tmp", "/tmp"]}),
        ["services.backend.hardening.scratchPaths: lists a path twice; list each path once"],
    ),
    (
        "scratch tmpfs larger than half the memory",
        lambda r: svc(r)["sidecars"]["postgres"]["hardening"].update(scratchSize=200),
        [
            "services.backend.sidecars.postgres.hardening.scratchSize: 2 scratch path(s) of 200 MiB = "
            "400 MiB of tmpfs is more than half of the container's 512 MiB memory; lower scratchSize or "
            "raise memory"
        ],
    ),
    (
        "main container scratch counts against what the sidecars leave",
        lambda r: svc(r).update(hardening={"scratchPaths": ["/tmp", "/var/cache"], "scratchSize": 200}),
        [
            "services.backend.hardening.scratchSize: 2 scratch path(s) of 200 MiB = 400 MiB of tmpfs is more "
            "than half of the container's 512 MiB memory; lower scratchSize or raise memory"
        ],
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_problems(case: str, mutate: Any, expected: list[str]) -> None:
    assert problems(with_(mutate)) == expected
