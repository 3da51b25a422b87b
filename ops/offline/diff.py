"""What `pulumi preview` on an existing stack would do, from two recorded plans (the old config's and the
new one's).

Resources are matched by URN (or an alias of the new resource). For each match, the inputs are compared
(JSON strings such as containerDefinitions and policy documents are compared as data, so a change names the
field inside); `ignoreChanges` paths are dropped. A change replaces the resource when the provider's schema
says so (`diff_force_new.FORCE_NEW`), when the resource's `replaceOnChanges` covers it, or when an input
referencing a replaced resource's id or ARN becomes unknown (as the engine sees it during the preview).

Steps come in the engine's order: creates, updates and replacements in dependency order (a replacement is
create-before-delete unless the resource has deleteBeforeReplace: then its old copy is deleted first), then
the deletes (removed resources and the old copies of replaced ones) in reverse dependency order.
`diff_checks` then looks for the steps that AWS would refuse or that lose data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ops.offline.diff_force_new import FORCE_NEW, _covers, forcing_paths, replace_on_changes_paths
from ops.offline.recorded_plan import Plan, RecordedResource

CREATE, UPDATE, REPLACE, DELETE, RETAIN = "create", "update", "replace", "delete", "retain"
DELETE_REPLACED = "delete-replaced"  # the old copy of a replaced resource


@dataclass(frozen=True)
class Step:
    op: str  # create | update | replace | delete-replaced | delete | retain
    urn: str
    type: str
    name: str
    properties: tuple[str, ...] = ()  # changed top-level inputs (update, replace)
    forced_by: tuple[str, ...] = ()  # the changed paths that force the replacement
    reason: str = ""  # why it is replaced beyond the schema ("replaceOnChanges"), or why an update is refused
    delete_before_replace: bool = False
    custom: bool = True


@dataclass
class Diff:
    old: Plan
    new: Plan
    steps: list[Step]
    unchanged: int
    # urn → changed paths (normalised) of each matched resource, including inputs that became unknown
    changed: dict[str, list[str]] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)  # new urn → old urn matched through an alias

    def step_of(self, urn: str) -> Step | None:
        for step in self.steps:
            if step.urn == urn and step.op != DELETE_REPLACED:
                return step
        return None

    def ops(self) -> list[tuple[str, str]]:
        """(op, logical name) of every step, in order: what the tests assert."""
        return [(s.op, s.name) for s in self.steps]


# --------------------------------------------------------------------------------------------- values


def _parsed(value: Any) -> Any:
    """A JSON document held in a string (containerDefinitions, IAM policies) as data; else the value."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def changed_paths(old: Any, new: Any, path: str = "") -> list[str]:
    """Normalised paths (list indices as []) where `new` differs from `old`; the path of a value that
    appears, disappears or changes type is the value's own path."""
    old, new = _parsed(old), _parsed(new)
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in list(old) + [k for k in new if k not in old]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in old or key not in new:
                if old.get(key) is not None or new.get(key) is not None:
                    out.append(sub)
                continue
            out.extend(changed_paths(old[key], new[key], sub))
        return _unique(out)
    if isinstance(old, list) and isinstance(new, list):
        out = []
        item = f"{path}[]"
        for a, b in zip(old, new, strict=False):
            out.extend(changed_paths(a, b, item))
        if len(old) != len(new):
            out.append(item)
        return _unique(out)
    return [] if old == new else [path]


def _unique(paths: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(paths))


def top_level(paths: Iterable[str]) -> tuple[str, ...]:
    return tuple(_unique(p.split(".", 1)[0].split("[", 1)[0] for p in paths))


def _ignored(paths: list[str], ignore: tuple[str, ...]) -> list[str]:
    if not ignore:
        return paths
    patterns = [_normalise(p) for p in ignore]
    return [
        p
        for p in paths
        if not any(p == i or p.startswith(i + ".") or p.startswith(i + "[") for i in patterns)
    ]


def _normalise(path: str) -> str:
    out, depth = [], 0
    for ch in path.replace("[*]", "[]"):
        if ch == "[":
            depth += 1
            out.append("[")
        elif ch == "]":
            depth -= 1
            out.append("]")
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def paths_referencing(value: Any, ids: tuple[str, ...], path: str = "") -> list[str]:
    """Paths of string values that contain one of `ids` (an id or ARN of another resource)."""
    if isinstance(value, str):
        return [path] if any(i in value for i in ids) else []
    if isinstance(value, dict):
        return _unique(
            p for k, v in value.items() for p in paths_referencing(v, ids, f"{path}.{k}" if path else k)
        )
    if isinstance(value, list):
        return _unique(p for v in value for p in paths_referencing(v, ids, f"{path}[]"))
    return []


# --------------------------------------------------------------------------------------------- order


def dependency_order(resources: list[RecordedResource]) -> list[RecordedResource]:
    """Each resource after its parent and its dependencies; otherwise in recorded order."""
    index = {r.urn: i for i, r in enumerate(resources)}
    deps = {r.urn: {d for d in (*r.depends_on, r.parent) if d in index and d != r.urn} for r in resources}
    done: set[str] = set()
    ordered: list[RecordedResource] = []
    visiting: set[str] = set()

    def visit(r: RecordedResource) -> None:
        if r.urn in done or r.urn in visiting:
            return
        visiting.add(r.urn)
        for d in sorted(deps[r.urn], key=index.__getitem__):
            visit(resources[index[d]])
        visiting.discard(r.urn)
        done.add(r.urn)
        ordered.append(r)

    for r in resources:
        visit(r)
    return ordered


def _alias_urns(resource: RecordedResource) -> list[str]:
    """The URNs a resource's aliases stand for (URN aliases as given; specs rebuilt from the URN)."""
    urns = []
    head, _, _name = resource.urn.rpartition("::")
    for alias in resource.aliases:
        if alias.startswith("urn:"):
            urns.append(alias)
            continue
        spec = dict(part.split("=", 1) for part in alias.split(",") if "=" in part)
        prefix = head
        if spec.get("type"):
            qualified = prefix.rsplit("::", 1)
            types = qualified[1].split("$")
            types[-1] = spec["type"]
            prefix = qualified[0] + "::" + "$".join(types)
        urns.append(f"{prefix}::{spec.get('name') or _name}")
    return urns


# --------------------------------------------------------------------------------------------- diff


def _replacement(new: RecordedResource, old: RecordedResource, changed: list[str]) -> tuple[list[str], str]:
    """(forcing paths, reason) of a change; no paths when it is made in place."""
    forced = forcing_paths(new.type, changed)
    reason = ""
    by_option = replace_on_changes_paths(new.replace_on_changes, changed)
    if by_option:
        forced.extend(by_option)
        reason = reason or "replaceOnChanges"
    return _unique(forced), reason


def _refusal(new: RecordedResource, changed: list[str]) -> str:
    """Why the provider refuses an in-place change at preview, or "" (TypeRules.conditional)."""
    rules = FORCE_NEW.get(new.type)
    for prop, flag in rules.conditional if rules else ():
        if new.inputs.get(flag) is not True and any(_covers(prop, c) for c in changed):
            return f"{prop} changes without {flag}: true"
    return ""


def diff_plans(old: Plan, new: Plan) -> Diff:
    """The steps an update from `old` to `new` takes (see the module docstring)."""
    old_by_urn = {r.urn: r for r in old.resources}
    new_urns = {r.urn for r in new.resources}
    renamed: dict[str, str] = {}
    for r in new.resources:
        if r.urn not in old_by_urn:
            for alias in _alias_urns(r):
                if alias in old_by_urn and alias not in new_urns:
                    renamed[r.urn] = alias
                    break

    steps: list[Step] = []
    changed_of: dict[str, list[str]] = {}
    replaced_ids: dict[str, tuple[str, ...]] = {}  # urn of a replaced resource → its old ids
    unchanged = 0
    for r in dependency_order(new.resources):
        before = old_by_urn.get(renamed.get(r.urn, r.urn))
        if before is None:
            steps.append(Step(CREATE, r.urn, r.type, r.name, custom=r.custom))
            continue
        if not r.custom:
            unchanged += 1
            continue
        changed = changed_paths(before.inputs, r.inputs)
        ids = tuple(i for d in r.depends_on if d in replaced_ids for i in replaced_ids[d])
        if ids:  # inputs that hold a replaced resource's id or ARN are unknown until it is created
            changed = _unique([*changed, *paths_referencing(r.inputs, ids)])
        changed = _ignored(changed, r.ignore_changes)
        changed_of[r.urn] = changed
        if not changed:
            unchanged += 1
            continue
        forced, reason = _replacement(r, before, changed)
        props = top_level(changed)
        if not forced:
            steps.append(Step(UPDATE, r.urn, r.type, r.name, props, reason=_refusal(r, changed)))
            continue
        replaced_ids[r.urn] = before.output_ids
        dbr = r.delete_before_replace
        if dbr:
            steps.append(Step(DELETE_REPLACED, before.urn, r.type, r.name, delete_before_replace=True))
        steps.append(Step(REPLACE, r.urn, r.type, r.name, props, tuple(forced), reason, dbr))

    kept = new_urns | set(renamed.values())
    replaced_late = {
        renamed.get(s.urn, s.urn) for s in steps if s.op == REPLACE and not s.delete_before_replace
    }
    for r in reversed(dependency_order(old.resources)):
        if r.urn in replaced_late:
            steps.append(Step(DELETE_REPLACED, r.urn, r.type, r.name))
        elif r.urn not in kept:
            op = RETAIN if r.retain_on_delete else DELETE
            steps.append(Step(op, r.urn, r.type, r.name, custom=r.custom))
    return Diff(old, new, steps, unchanged, changed_of, renamed)
