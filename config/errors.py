"""Config errors: `ConfigError` (one `<key.path>: <what is wrong>; <fix>` line per problem) and the
translation of pydantic's validation errors into that form, with camelCase key paths and "did you mean"
suggestions."""

from __future__ import annotations

import difflib
import json
import re
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Union

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

PathPart = str | int
Path = tuple[PathPart, ...]
Issue = tuple[Path, str]
"""A problem found by a `check_*` function: the key path relative to the checked model, and
`<what is wrong>; <fix>`."""


class ConfigError(Exception):
    """An invalid stack config: `problems` has one line per problem, `<key.path>: <what is wrong>; <fix>`."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: list[str] = list(problems)
        super().__init__("\n".join(self.problems))

    def __str__(self) -> str:
        return "\n".join(self.problems)


class ConfigProblems(ValueError):
    """Raised inside validators: carries relative paths so the translation can name the exact key."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues: list[Issue] = list(issues)
        super().__init__("; ".join(f"{format_path(p)}: {m}" for p, m in self.issues))


def format_path(path: Iterable[PathPart]) -> str:
    """`("services", "backend", "command", 0)` → `services.backend.command[0]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif len(str(part)) > 60:  # a pasted value used as a key: name it, never echo it whole
            out += f"[{json.dumps(str(part)[:57] + '...')}]"
        elif not _PLAIN_KEY_RE.match(str(part)):
            out += f"[{json.dumps(str(part))}]"  # keys with spaces, dots, newlines…: quoted, on one line
        else:
            out += f".{part}" if out else str(part)
    return out


SEE_REFERENCE = "see docs/configuration.md"
"""Where a message that cannot name the fix itself points the reader."""

_PLAIN_KEY_RE = re.compile(r"^[^\s.\[\]\"\x00-\x1f\x7f]+\Z")


def raise_if(issues: Sequence[Issue]) -> None:
    if issues:
        raise ConfigProblems(issues)


def fail(message: str) -> ConfigProblems:
    return ConfigProblems([((), message)])


def translate_errors(exc: ValidationError, root: type[BaseModel]) -> list[str]:
    """pydantic errors → `<key.path>: <what is wrong>; <fix>` lines (camelCase paths, in order, no
    duplicates)."""
    lines: list[str] = []
    for err in exc.errors(include_url=False):
        for line in _translate_one(err, root):
            if line not in lines:
                lines.append(line)
    return lines


def _translate_one(err: Mapping[str, Any], root: type[BaseModel]) -> list[str]:
    loc: Path = tuple(p for p in err["loc"] if p != "[key]")
    key_error = "[key]" in err["loc"]
    typ: str = err["type"]
    ctx: Mapping[str, Any] = err.get("ctx") or {}
    error = ctx.get("error")
    if isinstance(error, ConfigProblems):
        return [_line((*loc, *path), message) for path, message in error.issues]
    inp = err.get("input")
    shown = _show(inp, loc)
    if typ == "extra_forbidden":
        return [_line(loc, _unknown_key_message(loc, root))]
    if typ == "missing":
        return [_line(loc, f"is required; set {loc[-1] if loc else 'it'}")]
    if typ == "literal_error":
        return [_line(loc, f"{shown} is not allowed; use one of: {_expected(ctx)}")]
    if typ in ("int_type", "int_parsing", "int_from_float"):
        return [
            _line(
                loc, f"expected a whole number, got {shown}; {_number_hint(root, loc, 'a whole number', 30)}"
            )
        ]
    if typ in ("float_type", "float_parsing"):
        return [_line(loc, f"expected a number, got {shown}; {_number_hint(root, loc, 'a number', 60)}")]
    if typ in ("bool_type", "bool_parsing"):
        return [_line(loc, f"expected true or false, got {shown}; write true or false")]
    if typ in ("string_type", "string_unicode"):
        return [_line(loc, f"expected a string, got {shown}; quote the value")]
    if typ in ("list_type", "tuple_type"):
        return [_line(loc, f"expected a list, got {shown}; write [a, b] or one '- item' per line")]
    if typ in ("dict_type", "model_type", "model_attributes_type"):
        model = _model_at(root, loc)
        shorthand = getattr(model, "SHORTHAND", None) if model is not None else None
        if shorthand:
            return [_line(loc, f"expected {shorthand} or a mapping, got {shown}; {SEE_REFERENCE}")]
        return [_line(loc, f"expected a mapping, got {shown}; write key: value pairs")]
    if typ in ("greater_than_equal", "greater_than"):
        bound = _number(ctx.get("ge", ctx.get("gt")))
        op = "≥" if typ == "greater_than_equal" else ">"
        return [_line(loc, f"{shown} is too small; use a value {op} {bound}")]
    if typ in ("less_than_equal", "less_than"):
        bound = _number(ctx.get("le", ctx.get("lt")))
        op = "≤" if typ == "less_than_equal" else "<"
        return [_line(loc, f"{shown} is too large; use a value {op} {bound}")]
    if typ == "too_short":
        return [_line(loc, f"needs at least {ctx.get('min_length')} item(s); add them")]
    if typ == "string_too_long":
        length = len(inp) if isinstance(inp, str) else "too many"
        return [_line(loc, f"is {length} characters, longer than {ctx.get('max_length')}; shorten it")]
    if typ == "too_long":
        return [_line(loc, f"has more than {ctx.get('max_length')} item(s); remove some")]
    if typ == "value_error":
        message = str(err.get("msg", "")).removeprefix("Value error, ")
        return [_line(loc, f"{message}; {SEE_REFERENCE}")]
    if key_error:
        return [_line(loc, f"is not a valid key; {err.get('msg')}")]
    return [_line(loc, f"{err.get('msg')}; {SEE_REFERENCE}")]


def _number_hint(root: type[BaseModel], loc: Path, kind: str, example: int) -> str:
    """What to write instead: the field's own hint (`json_schema_extra={"hint": …}`), else its range
    (`write a whole number from 1 to 65535`), else an example."""
    field = _field_at(root, loc)
    if field is None:
        return f"write e.g. {example}"
    extra = field.json_schema_extra
    if isinstance(extra, dict) and isinstance(extra.get("hint"), str):
        return str(extra["hint"])
    bounds: dict[str, Any] = {}
    for rule in field.metadata:
        for name in ("ge", "gt", "le", "lt"):
            if getattr(rule, name, None) is not None:
                bounds[name] = _number(getattr(rule, name))
    if "ge" in bounds and "le" in bounds:
        return f"write {kind} from {bounds['ge']} to {bounds['le']}"
    parts = [
        f"{op} {bounds[name]}"
        for name, op in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<"))
        if name in bounds
    ]
    return f"write {kind} {' and '.join(parts)}" if parts else f"write e.g. {example}"


def _field_at(root: type[BaseModel], loc: Path) -> FieldInfo | None:
    model = _model_at(root, loc[:-1]) if loc else None
    if model is None:
        return None
    return next((f for n, f in model.model_fields.items() if loc[-1] in (n, f.alias)), None)


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _line(path: Path, message: str) -> str:
    return f"{format_path(path) or '(root)'}: {message}"


def short_repr(value: object, limit: int = 100) -> str:
    """`repr(value)`, a string cut to `limit` characters (a pasted file is never echoed whole)."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[: limit - 3] + "...")
    return repr(value)


def _show(value: Any, loc: Path) -> str:
    """A short, safe rendering of an input value (never values under environment/secrets)."""
    if "environment" in loc[1:]:  # container environment values may be secrets pasted by mistake
        return "this value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return short_repr(value, 60)
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _expected(ctx: Mapping[str, Any]) -> str:
    expected = str(ctx.get("expected", ""))
    return ", ".join(part.strip().strip("'") for part in re.split(r",| or ", expected) if part.strip())


def _unknown_key_message(loc: Path, root: type[BaseModel]) -> str:
    key = str(loc[-1]) if loc else ""
    allowed = allowed_keys(root, loc[:-1])
    if not allowed:
        return "unknown key; remove it"
    close = suggest_key(key, allowed)
    if close:
        return f"unknown key; did you mean {close[0]}?"
    return f"unknown key; allowed: {', '.join(allowed)}"


def suggest_key(key: str, allowed: Sequence[str]) -> list[str]:
    """The key a typo most likely meant: a case-insensitive match, a unique prefix, or a close spelling."""
    lowered = {a.lower(): a for a in allowed}
    if key.lower() in lowered:
        return [lowered[key.lower()]]
    prefixed = [a for a in allowed if len(key) >= 3 and a.lower().startswith(key.lower())]
    if len(prefixed) == 1:
        return prefixed
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return close
    close_lower = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.6)
    return [lowered[close_lower[0]]] if close_lower else []


def allowed_keys(root: type[BaseModel], path: Path) -> list[str]:
    """The camelCase keys the model at `path` (below `root`) accepts; [] if `path` is not a model."""
    model = _model_at(root, path)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _model_at(root: type[BaseModel], path: Path) -> type[BaseModel] | None:
    current: Any = root
    for part in path:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = next((f for n, f in current.model_fields.items() if part in (n, f.alias)), None)
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        elif typing.get_origin(current) is list and isinstance(part, int):
            current = typing.get_args(current)[0]
        else:
            return None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation
