"""Generate the key reference tables of docs/configuration.md from the models in config/.

    ./venv/bin/python docs/config_reference.py          # rewrite the generated part of docs/configuration.md
    ./venv/bin/python docs/config_reference.py --check  # exit 1 if docs/configuration.md is out of date

Every key (nested ones too) gets its path, type and allowed values, default and description, read from the
pydantic fields, so the reference cannot drift from the code (tests/test_stack_files.py runs --check).
Sidecars are documented once: a sidecar takes a service's container keys, so its table lists only the keys
that differ (`documented_as` maps every real sidecar path to the row that documents it)."""

from __future__ import annotations

import sys
import typing
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import config  # noqa: E402

DOC = ROOT / "docs" / "configuration.md"
BEGIN = "<!-- BEGIN GENERATED REFERENCE (docs/config_reference.py) -->"
END = "<!-- END GENERATED REFERENCE -->"

PLACEHOLDERS = {
    "services": "<service>",
    "sidecars": "<sidecar>",
    "volumes": "<volume>",
    "secrets": "<VAR>",
    "environment": "<VAR>",
    "tags": "<key>",
    "dependsOn": "<container>",
    "s3Buckets": "<arn>",
    "dynamodbTables": "<arn>",
    "sqsQueues": "<arn>",
    "ssmPaths": "<path or arn>",
}
"""How a mapping's keys are shown in paths (`services.<service>.port`)."""

SIDECARS = "services.<service>.sidecars.<sidecar>"
SERVICE = "services.<service>"


@dataclass(frozen=True)
class Row:
    path: str
    type: str
    default: str
    description: str


@dataclass(frozen=True)
class Section:
    path: str
    title: str
    rows: list[Row]


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (Union, UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _strip_annotated(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _bounds(field: FieldInfo) -> str:
    parts = []
    for meta in field.metadata:
        for attr, symbol in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<"), ("min_length", "min items")):
            value = getattr(meta, attr, None)
            if value is not None:
                parts.append(f"{symbol} {value}" if symbol != "min items" else f"at least {value} item")
    return ", ".join(parts)


def _type_name(annotation: Any) -> str:
    annotation = _strip_annotated(annotation)
    inner, optional = _unwrap_optional(annotation)
    origin = typing.get_origin(inner)
    if origin is Literal:
        text = " | ".join(f"`{v}`" for v in typing.get_args(inner))
    elif origin is list:
        text = f"list of {_type_name(typing.get_args(inner)[0])}"
    elif origin is dict:
        text = f"mapping of name → {_type_name(typing.get_args(inner)[1])}"
    elif isinstance(inner, type) and issubclass(inner, BaseModel):
        text = "mapping"
    else:
        text = {str: "string", int: "integer", float: "number", bool: "boolean"}.get(inner, str(inner))
    return f"{text} (optional)" if optional and not text.endswith("(optional)") else text


def _default(path: str, field: FieldInfo) -> str:
    section, _, key = path.partition(".")
    by_env = {
        env: values[section][key]
        for env, values in config.ENVIRONMENT_DEFAULTS.items()
        if section in values and key in values[section]
    }
    if by_env:
        return "; ".join(f"{env}: `{value}`" for env, value in by_env.items())
    if field.is_required():
        return "**required**"
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return "(all defaults)"
        return f"`{value}`" if value not in ({}, []) else "none"
    if field.default is None or field.default is PydanticUndefined:
        return "unset"
    if isinstance(field.default, bool):
        return f"`{str(field.default).lower()}`"
    return f"`{field.default}`"


def _models(annotation: Any) -> list[tuple[type[BaseModel], str]]:
    """Model types inside an annotation with the path suffix to reach them (`.<name>` for mappings)."""
    annotation = _strip_annotated(annotation)
    inner, _ = _unwrap_optional(annotation)
    origin = typing.get_origin(inner)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return [(inner, "")]
    if origin is dict:
        return [(m, ".{}" + s) for m, s in _models(typing.get_args(inner)[1])]
    if origin is list:
        return [(m, "[]" + s) for m, s in _models(typing.get_args(inner)[0])]
    return []


def _row(path: str, field: FieldInfo) -> Row:
    kind = _type_name(field.annotation)
    if path.endswith(".image") or path == "image":
        kind = "string (an image URI) or mapping"
    elif path == "cluster.capacity":
        kind = "`spot` | `onDemand` | mapping"
    elif path == f"{SIDECARS}.healthCheck":
        kind = f"mapping (optional): the keys of `{SERVICE}.healthCheck.container`"
    bounds = _bounds(field)
    return Row(
        path, f"{kind}{', ' + bounds if bounds else ''}", _default(path, field), field.description or ""
    )


def _sidecar_section() -> Section:
    """A sidecar's own keys: those SidecarConfig declares itself (the rest are a service's container keys)."""
    own = _sidecar_own_fields()
    shared = [f.alias or n for n, f in config.ContainerConfig.model_fields.items() if n not in own]
    service_only = [
        f.alias or n
        for n, f in config.ServiceConfig.model_fields.items()
        if n not in config.SidecarConfig.model_fields
    ]
    title = (
        "An extra container in the service's task (e.g. postgres next to the backend). A sidecar takes the "
        f"keys of a service's container with the same types, defaults and meaning — {_keys(shared)} (see "
        f"`{SERVICE}`) — and the keys below, which differ. The service-only keys ({_keys(service_only)}) "
        "do not apply to a sidecar."
    )
    return Section(SIDECARS, title, [_row(f"{SIDECARS}.{f.alias or n}", f) for n, f in own.items()])


def _sidecar_own_fields() -> dict[str, FieldInfo]:
    """The fields SidecarConfig declares itself (overriding or adding to ContainerConfig's)."""
    declared = vars(config.SidecarConfig).get("__annotations__", {})
    return {n: f for n, f in config.SidecarConfig.model_fields.items() if n in declared}


def _keys(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


def sections() -> list[Section]:
    out: list[Section] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        if model is config.SidecarConfig:
            out.append(_sidecar_section())
            return
        rows: list[Row] = []
        nested: list[tuple[type[BaseModel], str]] = []
        for name, field in model.model_fields.items():
            key = field.alias or name
            path = f"{prefix}.{key}" if prefix else key
            rows.append(_row(path, field))
            for sub, suffix in _models(field.annotation):
                nested.append((sub, path + suffix.replace("{}", PLACEHOLDERS.get(key, "<name>"))))
        title = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        out.append(Section(prefix or "(top level)", title, rows))
        for sub, path in nested:
            walk(sub, path)

    walk(config.PlatformConfig, "")
    return out


def every_key_path() -> list[str]:
    """The full path of every key the reference documents in a row of its own."""
    return [row.path for section in sections() for row in section.rows]


def all_key_paths() -> list[str]:
    """The full path of every key the config accepts, sidecar keys and their nested keys included."""
    paths: list[str] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            key = field.alias or name
            path = f"{prefix}.{key}" if prefix else key
            paths.append(path)
            for sub, suffix in _models(field.annotation):
                walk(sub, path + suffix.replace("{}", PLACEHOLDERS.get(key, "<name>")))

    walk(config.PlatformConfig, "")
    return paths


def documented_as(path: str) -> str:
    """The row that documents a key: itself, or for a sidecar key the service's container key it shares
    (a sidecar's `healthCheck.<key>` is the service's `healthCheck.container.<key>`)."""
    if not path.startswith(SIDECARS + "."):
        return path
    rest = path.removeprefix(SIDECARS + ".")
    key = rest.split(".")[0].split("[")[0]
    own = {f.alias or n for n, f in _sidecar_own_fields().items()}
    if key in own and "." not in rest:
        return path
    if rest.startswith("healthCheck."):
        return f"{SERVICE}.healthCheck.container.{rest.removeprefix('healthCheck.')}"
    return f"{SERVICE}.{rest}"


def render() -> str:
    lines = [BEGIN, ""]
    for section in sections():
        lines += [
            f"### `{section.path}`",
            "",
            section.title,
            "",
            "| Key | Type and allowed values | Default | Meaning |",
            "|---|---|---|---|",
        ]
        for row in section.rows:
            cells = [f"`{row.path}`", row.type, row.default, row.description]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def updated(text: str) -> str:
    head, sep, rest = text.partition(BEGIN)
    if not sep:
        return text.rstrip("\n") + "\n\n" + render() + "\n"
    _, sep2, tail = rest.partition(END)
    if not sep2:
        raise SystemExit(f"{DOC}: {BEGIN} without {END}; restore the end marker")
    return head + render() + tail


def main(argv: list[str]) -> int:
    current = DOC.read_text(encoding="utf-8")
    new = updated(current)
    if "--check" in argv:
        if new != current:
            print(f"{DOC} is out of date; run ./venv/bin/python docs/config_reference.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
