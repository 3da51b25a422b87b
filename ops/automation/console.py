"""Where a stack command writes and how it asks for confirmation (tests pass their own streams)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import IO


@dataclass
class Console:
    """Where a command writes and how it asks for confirmation (tests pass their own streams)."""

    out: IO[str] = field(default_factory=lambda: sys.stdout)
    err: IO[str] = field(default_factory=lambda: sys.stderr)
    stdin: IO[str] = field(default_factory=lambda: sys.stdin)

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def error(self, text: str) -> None:
        self.err.write(text + "\n")
        self.err.flush()

    def interactive(self) -> bool:
        try:
            return self.stdin.isatty()
        except (AttributeError, ValueError, OSError):  # closed or replaced stdin (CI, pytest)
            return False

    def ask(self, prompt: str) -> str:
        self.out.write(prompt)
        self.out.flush()
        answer = self.stdin.readline()
        if not answer:
            return ""
        return answer.strip()
