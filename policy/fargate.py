"""Fargate task sizes (Linux): the cpu → memory combinations AWS accepts, and the ephemeral storage range.

Source: the AWS ECS API reference, TaskDefinition ``memory`` parameter, and the "invalid CPU or memory value"
troubleshooting page. At 8 vCPU memory goes in 4096-MiB steps and
at 16 vCPU in 8192-MiB steps (both need platform version 1.4.0+); pulumi-awsx's own size helper uses 1-GiB
steps there, which AWS rejects. A 32 vCPU size appears in some third-party schemas but not in AWS's docs, so
it is not accepted here.
"""

from __future__ import annotations

import re


def _steps(low: int, high: int, step: int) -> tuple[int, ...]:
    return tuple(range(low, high + 1, step))


# cpu units → valid memory values in MiB
TASK_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: _steps(1024, 4096, 1024),
    1024: _steps(2048, 8192, 1024),
    2048: _steps(4096, 16384, 1024),
    4096: _steps(8192, 30720, 1024),
    8192: _steps(16384, 61440, 4096),
    16384: _steps(32768, 122880, 8192),
}

VALID_CPUS: tuple[int, ...] = tuple(TASK_SIZES)

# ephemeralStorage.sizeInGib: 20 GiB is the default when unset; an explicit size must be 21-200.
EPHEMERAL_MIN_GIB = 21
EPHEMERAL_MAX_GIB = 200
EPHEMERAL_DEFAULT_GIB = 20


def is_valid_size(cpu: int, memory: int) -> bool:
    return memory in TASK_SIZES.get(cpu, ())


def memory_range(cpu: int) -> str:
    """A short description of the memory values valid with ``cpu`` ("1024-4096 MiB in 1024-MiB steps")."""
    values = TASK_SIZES[cpu]
    if cpu == 256:
        return "512, 1024 or 2048 MiB"
    step = values[1] - values[0]
    return f"{values[0]}-{values[-1]} MiB in {step}-MiB steps"


def cpus_for_memory(memory: int) -> tuple[int, ...]:
    """The cpu values with which ``memory`` is valid."""
    return tuple(cpu for cpu, values in TASK_SIZES.items() if memory in values)


def parse_cpu(value: object) -> int | None:
    """CPU units from what ECS accepts: "256", 256, "0.25 vCPU", "1 vcpu". None when unparseable."""
    return _parse_units(value, r"v?cpu", 1024)


def parse_memory(value: object) -> int | None:
    """Memory in MiB from what ECS accepts: "512", 512, "512 MiB", "2 GB", "0.5GB". None when unparseable."""
    return _parse_units(value, r"(?:gb|gib)", 1024, plain_suffix=r"(?:mb|mib)")


def _parse_units(value: object, unit: str, factor: int, plain_suffix: str = "") -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    match = re.fullmatch(rf"(\d+)\s*(?:{plain_suffix})?" if plain_suffix else r"(\d+)", text)
    if match:
        return int(match.group(1))
    match = re.fullmatch(rf"(\d+(?:\.\d+)?)\s*{unit}", text)
    if match:
        scaled = float(match.group(1)) * factor
        return int(scaled) if scaled.is_integer() else None
    return None
