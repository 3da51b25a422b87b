"""Deterministic stand-ins for the ids AWS and the providers generate: every value derives from a seed (a
resource's URN, an invoke's arguments), so two runs of the same program record identical plans."""

from __future__ import annotations

import hashlib
from typing import Any


def digest(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def hex_digest(seed: str, length: int) -> str:
    return digest(seed)[:length]


def digits(seed: str, length: int) -> str:
    return str(int(digest(seed), 16))[:length]


def uuid_of(seed: str) -> str:
    h = digest(seed)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def password(seed: str, length: int) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    value = int(digest(seed) + digest(seed + "/2"), 16)
    chars = []
    for _ in range(length):
        value, index = divmod(value, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


def last_segment(value: Any, sep: str = "/") -> str:
    return value.rsplit(sep, 1)[-1] if isinstance(value, str) else ""
