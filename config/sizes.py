"""Fargate task sizes: the cpu and memory pairs AWS accepts (Linux)."""

from __future__ import annotations

from collections.abc import Sequence

FARGATE_CPU_MEMORY: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}
"""Valid Fargate (Linux) task sizes: cpu units → memory MiB (reference/policy-rules.md)."""


def fargate_memory_problem(cpu: int, memory: int) -> str | None:
    """`None` if (cpu, memory) is a valid Fargate size, else the message for the `memory` key."""
    valid = FARGATE_CPU_MEMORY.get(cpu)
    if valid is None or memory in valid:
        return None
    return f"{memory} is not valid with cpu {cpu}; valid: {_describe_values(valid)}"


def _describe_values(values: Sequence[int]) -> str:
    if len(values) <= 4:
        return ", ".join(str(v) for v in values)
    step = values[1] - values[0]
    return f"{values[0]} to {values[-1]} in steps of {step}"
