"""Shared conventions of the fargate-platform policy pack: safe property readers, the container-definition
parser, the resource view, the policy factories and the message voice. (The type tokens the rules cover are
in type_tokens.py.)

Imports: every pack module imports its siblings by top-level name (``import common``,
``from fargate import ...``). The CLI runs ``python -m pulumi.policy <engine> <pack dir>`` with the pack
directory as working directory, and ``pulumi.policy`` calls ``runpy.run_path(<pack dir>)``, which puts the
pack directory first on ``sys.path``; the tests put ``policy/`` on ``sys.path`` in tests/policy/conftest.py.
The pack imports nothing from the Pulumi program (it must run on any Pulumi AWS program).

Unknown values: during preview the SDK hands rules a proxy over the inputs that raises
``UnknownValueError`` when a rule *reads* a value that is not known yet; the SDK then reports one advisory
"can't run policy ... during preview" instead of a violation. Rules therefore read only the properties they
need, through ``get``/``as_int``/``as_bool``/``as_list``/``plain``, which also raise ``UnknownValueError`` for
the SDK's unknown sentinels in plain (unproxied) data, so a rule behaves the same on the proxy and on dicts.
An unknown value in a property the rule does not read never trips it.

Voice: names are kebab-case; descriptions start with "Checks that "; violation messages read
``"<Kind> '<name>' <thing> must <requirement>; <fix>."`` (built by ``violation``).
"""

from __future__ import annotations

import json
import os
import re
from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError, _ListProxy
from type_tokens import kind

# ---------------------------------------------------------------------------------------------------------
# Unknown-aware readers. All raise UnknownValueError (which the SDK reports as an advisory "can't run during
# preview") when the value they are asked for is unknown, and never look at anything else.
# ---------------------------------------------------------------------------------------------------------

UNKNOWN_SENTINELS = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # string
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
        "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
        "e48ece36-62e2-4504-bad9-02848725956a",  # archive
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
    }
)
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value in UNKNOWN_SENTINELS


def _check(value: Any, path: Sequence[Any]) -> Any:
    if is_unknown(value):
        raise UnknownValueError(value, [str(p) for p in path])
    return value


def get(obj: Any, *path: str | int, default: Any = None) -> Any:
    """Read ``obj[p0][p1]...``; ``default`` when a step is missing, None, or of the wrong shape.

    Raises UnknownValueError when a value on the path is unknown (preview)."""
    current = _check(obj, ())
    for depth, key in enumerate(path):
        if isinstance(key, int):
            if not _is_sequence(current) or not -len(current) <= key < len(current):
                return default
        elif not isinstance(current, Mapping):
            return default
        try:
            current = current[key]
        except (KeyError, IndexError):
            return default
        current = _check(current, path[: depth + 1])
        if current is None:
            return default
    return current


def _is_sequence(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def plain(value: Any, _path: tuple[Any, ...] = ()) -> Any:
    """A plain dict/list copy of ``value`` (unwrapping the SDK proxies); raises UnknownValueError at the first
    unknown inside. Use only on the sub-structure a rule needs in full (e.g. one policy document)."""
    _check(value, _path)
    if isinstance(value, Mapping):
        return {k: plain(value[k], (*_path, k)) for k in value}
    if _is_sequence(value):
        return [plain(value[i], (*_path, i)) for i in range(len(value))]
    return value


def known_or_none(read: Callable[[], Any]) -> Any:
    """``read()``, or None when it hits an unknown value. For stack policies that must not give up on the
    whole stack because one resource's unrelated property is unknown (e.g. matching resources by name)."""
    try:
        return read()
    except UnknownValueError:
        return None


def as_int(value: Any) -> int | None:
    """An integer from an int, an integral float (protobuf numbers) or a numeric string; else None."""
    _check(value, ())
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def as_bool(value: Any) -> bool | None:
    """A bool from a bool or a "true"/"false" string; else None."""
    _check(value, ())
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def as_list(value: Any) -> list[Any]:
    """The elements of a list-like value; [] for None or a non-list. The elements themselves are not checked:
    an unknown element stays a sentinel until a reader (``as_str``, ``get``...) touches it, so counting a
    list (``len(as_list(...))``) works even when its elements are unknown."""
    _check(value, ())
    if isinstance(value, _ListProxy):
        value = value["__target"]  # the SDK proxy's own escape hatch (its serializer uses it too)
    if _is_sequence(value):
        return [value[i] for i in range(len(value))]
    return []


def as_str(value: Any) -> str | None:
    _check(value, ())
    return value if isinstance(value, str) else None


def parse_json(value: Any) -> Any:
    """A JSON document given as a string (parsed) or as structured data (copied with ``plain``).

    Returns None for a missing or malformed document (AWS and the provider reject malformed JSON
    themselves); raises UnknownValueError when the document is not known yet."""
    _check(value, ())
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return plain(value)


# ---------------------------------------------------------------------------------------------------------
# Container definitions
# ---------------------------------------------------------------------------------------------------------


def container_definitions(props: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The containers of a task definition's inputs.

    ``aws:ecs/taskDefinition`` carries ``containerDefinitions`` as a JSON string (a list as structured data
    is accepted too); an ``awsx:ecs:FargateTaskDefinition`` / ``FargateService`` carries ``container``
    (one) or ``containers`` (a name → definition map), in the service's ``taskDefinitionArgs``. Returns the
    container mappings (non-mappings dropped); [] when none. Raises UnknownValueError when the definitions
    are unknown (during preview a definition that embeds an output, e.g. an image URI, is unknown whole)."""
    raw = get(props, "containerDefinitions")
    if raw is not None:
        parsed = parse_json(raw)
        return [c for c in as_list(parsed) if isinstance(c, Mapping)]
    source: Any = props
    task_args = get(props, "taskDefinitionArgs")
    if isinstance(task_args, Mapping):
        source = task_args
    containers: list[Mapping[str, Any]] = []
    single = get(source, "container")
    if isinstance(single, Mapping):
        containers.append(single)
    many = get(source, "containers")
    if isinstance(many, Mapping):
        for key in many:
            definition = get(many, key)
            if isinstance(definition, Mapping):
                containers.append(_named(definition, key))
    return containers


def _named(definition: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """awsx keys its ``containers`` map by container name; make sure the definition carries it (without
    reading any other value of the definition, which may be unknown)."""
    if get(definition, "name") is not None:
        return definition
    return ChainMap({"name": key}, definition)  # type: ignore[arg-type]


def container_name(container: Mapping[str, Any], index: int) -> str:
    name = get(container, "name")
    return name if isinstance(name, str) and name else f"#{index}"


# ---------------------------------------------------------------------------------------------------------
# Resource view, config and messages
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """What a rule sees of one resource, the same for resource and stack policies."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    parent: str = ""
    dependencies: tuple[str, ...] = ()  # URNs this resource depends on (stack policies only)

    @property
    def kind(self) -> str:
        return kind(self.type)

    @staticmethod
    def from_args(args: ResourceValidationArgs) -> Resource:
        parent = args.opts.parent if args.opts is not None and args.opts.parent else ""
        return Resource(args.resource_type, args.name, args.urn, args.props, parent)

    @staticmethod
    def from_policy_resource(resource: PolicyResource) -> Resource:
        urns = [d.urn for d in resource.dependencies]
        for deps in resource.property_dependencies.values():
            urns.extend(d.urn for d in deps)
        return Resource(
            resource.resource_type,
            resource.name,
            resource.urn,
            resource.props,
            parent_urn(resource),
            tuple(dict.fromkeys(urns)),
        )


def parent_urn(resource: PolicyResource) -> str:
    """A stack resource's parent URN: the resolved parent, else the parent option, else ""."""
    if resource.parent is not None:
        return resource.parent.urn
    if resource.opts is not None and resource.opts.parent:
        return resource.opts.parent
    return ""


def violation(resource: Resource, subject: str, requirement: str, fix: str) -> str:
    """``"<Kind> '<name>' <subject> must <requirement>; <fix>."`` — the one voice of every message.

    ``subject`` may be "" ("ECS service 'api' must ..."); ``fix`` says what to change, imperative."""
    head = f"{resource.kind} '{resource.name}'"
    if subject:
        head += f" {subject}"
    return f"{head} must {requirement}; {fix.rstrip('.')}."


def stack_violation(subject: str, requirement: str, fix: str) -> str:
    """``"Stack '<stack>' <subject> must <requirement>; <fix>."`` — the voice of stack-wide findings, which
    belong to no single resource. The stack is the one the CLI (or ``ops check``) analyses."""
    head = f"Stack '{os.environ.get('PULUMI_STACK') or 'unknown'}'"
    if subject:
        head += f" {subject}"
    return f"{head} must {requirement}; {fix.rstrip('.')}."


class Config:
    """A policy's configuration with the schema's defaults filled in.

    The CLI merges schema defaults before ``Configure``; the SDK does not, and numbers arrive as floats.
    Reading through this class gives the same values either way."""

    def __init__(self, values: Mapping[str, Any] | None, defaults: Mapping[str, Any]) -> None:
        self._values = {**defaults, **(dict(values) if values else {})}

    def raw(self, key: str) -> Any:
        return self._values.get(key)

    def get_int(self, key: str) -> int | None:
        value = self._values.get(key)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def get_bool(self, key: str) -> bool:
        return bool(self._values.get(key))

    def get_str(self, key: str) -> str | None:
        value = self._values.get(key)
        return value if isinstance(value, str) else None


def config_schema(properties: Mapping[str, Mapping[str, Any]]) -> PolicyConfigSchema:
    """A PolicyConfigSchema whose every property carries a ``default`` and a ``description``."""
    for key, prop in properties.items():
        if "default" not in prop or "description" not in prop:
            raise ValueError(f"config property {key!r} must have a default and a description")
    return PolicyConfigSchema(properties={k: dict(v) for k, v in properties.items()})


def schema_defaults(schema: PolicyConfigSchema | None) -> dict[str, Any]:
    if schema is None:
        return {}
    return {k: v["default"] for k, v in schema.properties.items() if "default" in v}


Report = Callable[[str], None]
ResourceCheck = Callable[[Resource, Config, Report], None]
StackCheck = Callable[[list[Resource], Config, ReportViolation], None]

_NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _check_voice(name: str, description: str) -> None:
    if not _NAME_RE.match(name):
        raise ValueError(f"policy name {name!r} must be kebab-case")
    if not description.startswith("Checks that "):
        raise ValueError(f"policy {name!r} description must start with 'Checks that '")


class CoveredResourcePolicy(ResourceValidationPolicy):
    """A ResourceValidationPolicy that also says which type tokens it covers (``types``)."""

    def __init__(self, types: frozenset[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.types = types


def flag(default: bool, description: str) -> dict[str, Any]:
    """A boolean config property of a policy's schema."""
    return {"type": "boolean", "default": default, "description": description}


def string_list(default: Iterable[str], description: str, *, allowed: Iterable[str] = ()) -> dict[str, Any]:
    """A list-of-strings config property of a policy's schema (``allowed``: the strings it may hold)."""
    items: dict[str, Any] = {"type": "string"}
    if allowed:
        items["enum"] = list(allowed)
    return {"type": "array", "items": items, "default": list(default), "description": description}


def resource_policy(
    name: str,
    description: str,
    types: Iterable[str],
    check: ResourceCheck,
    *,
    enforcement_level: EnforcementLevel,
    config: Mapping[str, Mapping[str, Any]] | None = None,
) -> ResourceValidationPolicy:
    """A ResourceValidationPolicy that runs ``check(resource, config, report)`` on every resource whose type
    is one of ``types`` (all aliases of the resource) and ignores every other resource."""
    _check_voice(name, description)
    covered = frozenset(types)
    schema = config_schema(config) if config else None
    defaults = schema_defaults(schema)

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in covered:
            return
        resource = Resource.from_args(args)
        check(resource, Config(args.get_config(), defaults), lambda message: report_violation(message, None))

    return CoveredResourcePolicy(
        covered,
        name=name,
        description=description,
        validate=validate,
        enforcement_level=enforcement_level,
        config_schema=schema,
    )


def stack_policy(
    name: str,
    description: str,
    check: StackCheck,
    *,
    enforcement_level: EnforcementLevel,
    config: Mapping[str, Mapping[str, Any]] | None = None,
) -> StackValidationPolicy:
    """A StackValidationPolicy that runs ``check(resources, config, report)`` once over the whole stack;
    ``report(message, urn)`` attaches a violation to one resource (urn) or to the stack (None)."""
    _check_voice(name, description)
    schema = config_schema(config) if config else None
    defaults = schema_defaults(schema)

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [Resource.from_policy_resource(r) for r in args.resources]
        check(resources, Config(args.get_config(), defaults), report_violation)

    return StackValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=enforcement_level,
        config_schema=schema,
    )


def of_types(resources: Iterable[Resource], types: Iterable[str]) -> list[Resource]:
    wanted = frozenset(types)
    return [r for r in resources if r.type in wanted]


ADVISORY = EnforcementLevel.ADVISORY
MANDATORY = EnforcementLevel.MANDATORY
DISABLED = EnforcementLevel.DISABLED
