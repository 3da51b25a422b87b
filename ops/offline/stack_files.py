"""Reading Pulumi.yaml and Pulumi.<stack>.yaml: UTF-8 text, one YAML document, plain data.

Every way a file can be unreadable ends in a `ProjectError` naming the file and the fix, never in a
traceback: not UTF-8 (Latin-1 `José`, UTF-16 as PowerShell's `>` writes it, with or without a byte order
mark; a NUL byte is never text), invalid YAML (with the line), several documents, values nested absurdly
deep, or anchors and aliases that expand beyond any real stack file ("billion laughs"). What is returned is
plain JSON-like data: string keys, YAML timestamps as their text, binary values and sets as strings and
lists.
"""

from __future__ import annotations

import base64
import datetime
from pathlib import Path
from typing import Any

MAX_DEPTH = 64  # a stack file needs about 8 levels (services.<name>.sidecars.<name>.healthCheck.command[0])
MAX_VALUES = 500_000  # values after expanding aliases; a 100-service stack file holds about 10,000


class ProjectError(Exception):
    """Missing or invalid project or stack files; the message names the file (and line) and the fix."""


def read_yaml(path: Path) -> Any:
    """The YAML document in `path` as plain data (None for an empty file). Raises ProjectError."""
    import yaml

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ProjectError(f"{path}: file not found") from None
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read: {exc.strerror}") from None
    text = decode_utf8(path.name, data)
    loader = _loader()
    try:
        _check_depth(text, loader, path.name)
        document = yaml.load(text, Loader=loader)  # a safe loader (C or Python)
    except yaml.YAMLError as exc:
        raise ProjectError(_yaml_problem(path.name, exc)) from None
    except RecursionError:
        raise ProjectError(_too_deep(path.name)) from None
    except (ValueError, TypeError, OverflowError) as exc:  # a tagged value its constructor rejects: !!int x
        raise ProjectError(
            f"{path.name}: invalid YAML value: {' '.join(str(exc).split())}; quote it to keep it as text"
        ) from None
    return plain_data(document, path.name)


_LOADER: Any = None


def _loader() -> Any:
    """A safe loader (libyaml's when installed: ~10x faster on a big stack file) that keeps timestamps as
    the text they are, as the Pulumi CLI hands them over (`2024-02-30` must not fail as a date)."""
    global _LOADER
    if _LOADER is None:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        class StackFileLoader(base):  # type: ignore[misc,valid-type]
            pass

        StackFileLoader.add_constructor("tag:yaml.org,2002:timestamp", base.construct_yaml_str)
        _LOADER = StackFileLoader
    return _LOADER


def _check_depth(text: str, loader: Any, name: str) -> None:
    """Refuse nesting beyond MAX_DEPTH before a document is built: libyaml's parser is iterative, but the
    C composer that builds nodes from its events recurses per level and overflows the C stack (a segfault,
    not an exception) on a few tens of thousands of `[`."""
    import yaml

    starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, starts):
            depth += 1
            if depth > MAX_DEPTH:
                raise ProjectError(_too_deep(name))
        elif isinstance(event, ends):
            depth -= 1


def decode_utf8(name: str, data: bytes) -> str:
    """`data` as UTF-8 text, or a ProjectError naming the first byte that is not text and where it is."""
    nul = data.find(b"\0")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = nul if 0 <= nul < exc.start else exc.start
        raise ProjectError(_not_utf8(name, data, offset)) from None
    if nul >= 0:  # valid UTF-8, yet no text file holds NUL (UTF-16 without a byte order mark does)
        raise ProjectError(_not_utf8(name, data, nul))
    return text


def _not_utf8(name: str, data: bytes, offset: int) -> str:
    return f"{name}: not UTF-8 text (byte 0x{data[offset]:02x} at offset {offset}); save it as UTF-8"


def _yaml_problem(name: str, exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f"{name}:{mark.line + 1}" if mark is not None else name
    problem = getattr(exc, "problem", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
    context = getattr(exc, "context", None)
    detail = f"{context}, {problem}" if context else problem
    detail = " ".join(str(detail).split())  # one line, whatever the parser said
    fix = "fix the file's indentation or quoting"
    if "expected a single document" in detail:
        fix = "the file holds one document: remove the second `---` and what follows"
    return f"{where}: invalid YAML: {detail}; {fix}"


def _too_deep(name: str) -> str:
    return f"{name}: values nested more than {MAX_DEPTH} levels deep; a stack file needs a few levels"


class _Budget:
    def __init__(self, name: str) -> None:
        self.name = name
        self.left = MAX_VALUES

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise ProjectError(
                f"{self.name}: expands to more than {MAX_VALUES:,} values (YAML anchors and aliases "
                "repeated inside each other?); write the values out instead of nesting aliases"
            )


def plain_data(value: Any, name: str) -> Any:
    """A copy of a loaded YAML document as JSON-like data, within MAX_DEPTH and MAX_VALUES."""
    return _plain(value, 0, _Budget(name))


def _plain(value: Any, depth: int, budget: _Budget) -> Any:
    budget.spend()
    if depth > MAX_DEPTH:
        raise ProjectError(_too_deep(budget.name))
    if isinstance(value, dict):
        return {_key(k): _plain(v, depth + 1, budget) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, depth + 1, budget) for v in value]
    if isinstance(value, set | frozenset):  # !!set
        return [_plain(v, depth + 1, budget) for v in sorted(value, key=repr)]
    return _scalar(value)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    value = _scalar(key)
    return value if isinstance(value, str) else str(value)


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime.date):  # also datetime.datetime
        return value.isoformat()
    if isinstance(value, bytes):  # !!binary
        return base64.b64encode(value).decode("ascii")
    return str(value)
