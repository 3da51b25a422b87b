"""config/services.py: the Fargate size table and a task's sizes.

Each case starts from a known-good config (config_cases.good) and changes one thing."""

from __future__ import annotations

import pytest
from config_cases import good, ok, problems, svc

# --- the example from the issue, and the Fargate size table -------------------------------------------------


def test_memory_not_valid_with_cpu_exact_message() -> None:
    raw = good()
    svc(raw, "frontend").update(cpu=256, memory=4096)
    assert problems(raw) == [
        "services.frontend.memory: 4096 is not valid with cpu 256; valid: 512, 1024, 2048"
    ]


@pytest.mark.parametrize(
    ("cpu", "memory", "valid"),
    [
        (512, 512, "1024, 2048, 3072, 4096"),
        (1024, 1024, "2048 to 8192 in steps of 1024"),
        (4096, 31744, "8192 to 30720 in steps of 1024"),
        (8192, 17408, "16384 to 61440 in steps of 4096"),  # 1 GiB steps are rejected by AWS at 8 vCPU
        (16384, 36864, "32768 to 122880 in steps of 8192"),
    ],
)
def test_memory_steps_follow_the_fargate_table(cpu: int, memory: int, valid: str) -> None:
    raw = good()
    svc(raw, "frontend").update(cpu=cpu, memory=memory)
    assert problems(raw) == [
        f"services.frontend.memory: {memory} is not valid with cpu {cpu}; valid: {valid}"
    ]


@pytest.mark.parametrize(("cpu", "memory"), [(8192, 20480), (16384, 40960), (4096, 30720), (256, 2048)])
def test_valid_large_sizes_are_accepted(cpu: int, memory: int) -> None:
    raw = good()
    svc(raw, "frontend").update(cpu=cpu, memory=memory)
    assert ok(raw).services["frontend"].memory == memory


def test_invalid_cpu() -> None:
    raw = good()
    svc(raw, "frontend")["cpu"] = 300
    assert problems(raw) == [
        "services.frontend.cpu: 300 is not a Fargate cpu value; valid: 256, 512, 1024, 2048, 4096, 8192, "
        "16384"
    ]


def test_ephemeral_storage_bounds() -> None:
    raw = good()
    svc(raw, "frontend")["ephemeralStorage"] = 20
    assert problems(raw) == ["services.frontend.ephemeralStorage: 20 is too small; use a value ≥ 21"]
    svc(raw, "frontend")["ephemeralStorage"] = 201
    assert problems(raw) == ["services.frontend.ephemeralStorage: 201 is too large; use a value ≤ 200"]


def test_sidecars_must_fit_the_task() -> None:
    raw = good()
    svc(raw)["sidecars"]["postgres"].update(cpu=1024, memory=1024)
    assert problems(raw) == [
        "services.backend.cpu: 512 is less than the sidecars' 1024 cpu units; raise cpu or lower the "
        "sidecars' cpu",
        "services.backend.memory: 1024 leaves 0 MiB for the main container after the sidecars' 1024 MiB "
        "(needs ≥ 128); raise memory or lower the sidecars' memory",
    ]
