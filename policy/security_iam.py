"""Security rule over the IAM permissions of ECS task roles: no ``*`` action, no ``service:*`` action, no
``*`` resource (Security Hub IAM.1 / IAM.21), except actions that AWS only grants on ``*``.

A stack policy, because the documents that apply to a role live on other resources:
- the role's own ``inlinePolicies`` (``aws:iam/role:Role``),
- ``aws:iam/rolePolicy:RolePolicy`` resources whose ``role`` is the role,
- ``aws:iam/rolePolicyAttachment:RolePolicyAttachment`` (and the role's ``managedPolicyArns``) pointing at a
  customer-managed ``aws:iam/policy:Policy`` in the stack (its document is checked) or at an AWS managed
  policy (checked by name: AdministratorAccess, PowerUserAccess and ``*FullAccess*`` grant ``service:*``).

Which roles: those whose trust policy lets ``ecs-tasks.amazonaws.com`` assume them. That covers task roles
AND execution roles (both are assumed by ECS tasks). A role is treated as an EXECUTION role when a task
definition in the stack references it as ``executionRoleArn`` and none as ``taskRoleArn``, or, when no task
definition references it, when AWS's AmazonECSTaskExecutionRolePolicy is attached to it; every other trusted
role is a task role. Execution roles may also use the ``executionRoleWildcardResourceActions`` on ``*``
(``ecr:GetAuthorizationToken``, which has no resource-level permissions); task roles may use the
``allowedWildcardResourceActions`` (ECS Exec's four ``ssmmessages`` actions, which AWS requires on ``*``).

Links between resources are made by value (a RolePolicy's ``role`` equals the role's name, id or ARN; a task
definition's ``executionRoleArn`` equals the role's ARN) and, where values are unknown during preview, by the
engine's property dependencies and then by plain dependencies. A document that is unknown during preview is
skipped: the stack check runs again on the final state of ``pulumi up``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import common
import type_tokens
from common import Config, Resource, violation
from pulumi_policy import ReportViolation, StackValidationArgs, StackValidationPolicy
from pulumi_policy.proxy import UnknownValueError

ECS_TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com"
EXECUTION_ROLE_POLICY = "AmazonECSTaskExecutionRolePolicy"
ECS_EXEC_ACTIONS = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)
_AWS_MANAGED = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/(?:.*/)?([^/]+)$")
_SERVICE_WILDCARD = re.compile(r"^[a-z0-9-]+:\*+$")

T = TypeVar("T")


def _known(read: Callable[[], T]) -> T | None:
    try:
        return read()
    except UnknownValueError:
        return None


@dataclass
class Node:
    resource: Resource
    dependencies: frozenset[str] = frozenset()
    property_dependencies: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def get(self, *path: str | int) -> Any:
        return _known(lambda: common.get(self.resource.props, *path))


@dataclass
class Role:
    node: Node
    execution: bool = False

    @property
    def label(self) -> str:
        return f"ECS {'execution' if self.execution else 'task'} role '{self.node.resource.name}'"


def _nodes(args: StackValidationArgs) -> list[Node]:
    nodes = []
    for r in args.resources:
        deps = frozenset(d.urn for d in r.dependencies)
        prop_deps = {k: frozenset(d.urn for d in v) for k, v in r.property_dependencies.items()}
        nodes.append(Node(Resource.from_policy_resource(r), deps, prop_deps))
    return nodes


def _as_list(value: Any) -> list[Any]:
    """IAM's "one or many": None → [], a string or object → [it], a list (or the SDK's proxy) → its items."""
    if value is None:
        return []
    if isinstance(value, str | Mapping):
        return [value]
    if not isinstance(value, Sequence):
        return []
    items = []
    for index in range(len(value)):
        item = _known(lambda index=index: value[index])  # the proxy raises for an unknown element
        if item is not None:
            items.append(item)
    return items


def _statements(document: Any) -> list[Mapping[str, Any]]:
    if not isinstance(document, Mapping):
        return []
    return [s for s in _as_list(document.get("Statement")) if isinstance(s, Mapping)]


def trusts_ecs_tasks(role: Node) -> bool:
    document = _known(lambda: common.parse_json(common.get(role.resource.props, "assumeRolePolicy")))
    for statement in _statements(document):
        if str(statement.get("Effect", "Allow")) != "Allow":
            continue
        principal = statement.get("Principal")
        services = _as_list(principal.get("Service")) if isinstance(principal, Mapping) else []
        if ECS_TASKS_PRINCIPAL in services:
            return True
    return False


def _identities(node: Node) -> frozenset[str]:
    values = (node.get(key) for key in ("name", "id", "arn", "uniqueId"))
    return frozenset(v for v in values if isinstance(v, str) and v)


_AUTONAME = re.compile(r"^(?P<base>.+)-[0-9a-f]{7}$")


class Lookup(Generic[T]):
    """Finds the target a reference (name, id or ARN) points at.

    Matching, in order: a value the target carries (``name``, ``id``, ``arn``, ``uniqueId``); the name part of
    an IAM ARN (``arn:aws:iam::<account>:role/<path>/<name>``) against those values; that name against the
    target's logical name, plain or auto-named by Pulumi (``<logical name>-<7 hex characters>``). The last
    one links inputs that do not carry the auto-name yet (program mocks); logical names shared by two
    targets are not used."""

    def __init__(self, targets: Mapping[str, T], node_of: Callable[[T], Node]) -> None:
        self.targets = targets
        self.by_value: dict[str, T] = {}
        logical: dict[str, list[T]] = {}
        for target in targets.values():
            node = node_of(target)
            for identity in _identities(node):
                self.by_value.setdefault(identity, target)
            logical.setdefault(node.resource.name, []).append(target)
        self.by_logical = {name: found[0] for name, found in logical.items() if len(found) == 1}

    def find(self, value: Any) -> T | None:
        if not isinstance(value, str) or not value:
            return None
        if value in self.by_value:
            return self.by_value[value]
        name = value.rsplit("/", 1)[-1] if value.startswith("arn:") else value
        if name in self.by_value:
            return self.by_value[name]
        match = _AUTONAME.match(name)
        for candidate in (name, match.group("base") if match else None):
            if candidate is not None and candidate in self.by_logical:
                return self.by_logical[candidate]
        return None


def _link(node: Node, key: str, lookup: Lookup[T], *, dependencies: bool = True) -> list[T]:
    """The targets ``node.<key>`` points at: by reference (``Lookup``), else by the engine's property
    dependencies, else (when ``dependencies``) by plain dependencies."""
    found = lookup.find(node.get(key))
    if found is not None:
        return [found]
    candidates = [node.property_dependencies.get(key, frozenset())]
    if dependencies:
        candidates.append(node.dependencies)
    for urns in candidates:
        linked = [lookup.targets[u] for u in sorted(urns) if u in lookup.targets]
        if linked:
            return linked
    return []


def _managed_name(arn: Any) -> str | None:
    match = _AWS_MANAGED.match(arn) if isinstance(arn, str) else None
    return match.group(1) if match else None


@dataclass(frozen=True)
class Document:
    source: Resource  # the resource that carries the document (reported against)
    subject: str  # "", "inline policy 'x'"
    role: Role
    document: Any


def _allowed(role: Role, config: Config) -> frozenset[str]:
    keys = ["allowedWildcardResourceActions"]
    if role.execution:
        keys.append("executionRoleWildcardResourceActions")
    return frozenset(a.lower() for key in keys for a in common.as_list(config.raw(key)) if isinstance(a, str))


def _statement_findings(statement: Mapping[str, Any], allowed: frozenset[str]) -> list[tuple[str, str]]:
    """(requirement, fix) pairs for one statement."""
    if str(statement.get("Effect", "Allow")) != "Allow":
        return []
    findings: list[tuple[str, str]] = []
    actions = [a for a in _as_list(statement.get("Action")) if isinstance(a, str)]
    if "NotAction" in statement:
        findings.append(("not use NotAction with Allow", "list the allowed actions in Action instead"))
    if any(a.strip() in ("*", "*:*") for a in actions):
        findings.append(('not allow every action ("*")', "list only the actions the task needs"))
    service_wildcards = sorted({a for a in actions if _SERVICE_WILDCARD.match(a.strip().lower())})
    if service_wildcards:
        findings.append(
            (
                f"not allow every action of a service ({', '.join(service_wildcards)})",
                "list the individual actions the task needs",
            )
        )
    resources = [r for r in _as_list(statement.get("Resource")) if isinstance(r, str)]
    if "NotResource" in statement:
        findings.append(("not use NotResource with Allow", "list the resources in Resource instead"))
    elif "*" in (r.strip() for r in resources):
        broad = sorted({a for a in actions if a.strip().lower() not in allowed and a.strip() not in ("*",)})
        if broad or "NotAction" in statement:
            what = ", ".join(broad) if broad else "its actions"
            findings.append(
                (
                    f'not allow {what} on every resource ("*")',
                    'scope Resource to the ARNs the task uses (actions AWS grants only on "*" can be '
                    "listed in allowedWildcardResourceActions)",
                )
            )
    return findings


def _check_documents(documents: Iterable[Document], config: Config, report: ReportViolation) -> None:
    seen: set[tuple[str, str]] = set()
    for doc in documents:
        allowed = _allowed(doc.role, config)
        for index, statement in enumerate(_statements(doc.document)):
            sid = statement.get("Sid")
            where = f"statement '{sid}'" if isinstance(sid, str) and sid else f"statement {index}"
            subject = f"{doc.subject} {where}".strip()
            for requirement, fix in _statement_findings(statement, allowed):
                message = violation(doc.source, subject, requirement, f"{fix} ({doc.role.label} uses it)")
                if (doc.source.urn, message) not in seen:
                    seen.add((doc.source.urn, message))
                    report(message, doc.source.urn)


def check_task_role_wildcards(args: StackValidationArgs, config: Config, report: ReportViolation) -> None:
    nodes = _nodes(args)
    roles: dict[str, Role] = {}
    for node in nodes:
        if node.resource.type in type_tokens.IAM_ROLE and trusts_ecs_tasks(node):
            roles[node.resource.urn] = Role(node)
    if not roles:
        return
    role_lookup = Lookup(roles, lambda role: role.node)
    policies = Lookup(
        {n.resource.urn: n for n in nodes if n.resource.type in type_tokens.IAM_POLICY}, lambda n: n
    )
    attachments = [n for n in nodes if n.resource.type in type_tokens.IAM_ROLE_POLICY_ATTACHMENT]

    _classify(nodes, role_lookup, attachments)

    documents: list[Document] = []
    pattern = _denied_pattern(config)
    for role in roles.values():
        for index, inline in enumerate(_as_list(role.node.get("inlinePolicies"))):
            name = _known(lambda inline=inline: common.get(inline, "name")) or f"#{index}"
            text = _known(lambda inline=inline: common.parse_json(common.get(inline, "policy")))
            documents.append(Document(role.node.resource, f"inline policy '{name}'", role, text))
        for arn in _as_list(role.node.get("managedPolicyArns")):
            _check_attached(role.node.resource, "managedPolicyArns", role, arn, pattern, report)
            policy = policies.find(arn)
            if policy is not None:
                documents.append(_policy_document(policy, role))
    for node in nodes:
        if node.resource.type in type_tokens.IAM_ROLE_POLICY:
            for role in _link(node, "role", role_lookup):
                text = _known(lambda node=node: common.parse_json(common.get(node.resource.props, "policy")))
                documents.append(Document(node.resource, "", role, text))
    for attachment in attachments:
        for role in _link(attachment, "role", role_lookup):
            arn = attachment.get("policyArn")
            _check_attached(attachment.resource, "", role, arn, pattern, report)
            for policy in _link(attachment, "policyArn", policies):
                documents.append(_policy_document(policy, role))
    _check_documents(documents, config, report)


def _denied_pattern(config: Config) -> re.Pattern[str]:
    text = config.get_str("deniedManagedPolicyPattern") or r"^$"
    try:
        return re.compile(text)
    except re.error as e:
        raise ValueError(
            f"iam-task-role-no-wildcards: deniedManagedPolicyPattern {text!r} is not a valid regular "
            f"expression ({e}); fix it in the policy pack config"
        ) from e


def _policy_document(policy: Node, role: Role) -> Document:
    text = _known(lambda: common.parse_json(common.get(policy.resource.props, "policy")))
    return Document(policy.resource, "", role, text)


def _check_attached(
    source: Resource, subject: str, role: Role, arn: Any, pattern: re.Pattern[str], report: ReportViolation
) -> None:
    name = _managed_name(arn)
    if name is not None and pattern.search(name):
        report(
            violation(
                source,
                subject,
                f"not attach the AWS managed policy {name} to {role.label}",
                "attach a policy that lists only the actions and resources the task needs",
            ),
            source.urn,
        )


def _classify(nodes: list[Node], roles: Lookup[Role], attachments: list[Node]) -> None:
    """Mark execution roles (see the module docstring)."""
    as_execution: set[str] = set()
    as_task: set[str] = set()
    for node in nodes:
        if node.resource.type in type_tokens.TASK_DEFINITION:
            # A task definition depends on both of its roles: plain dependencies cannot tell them apart.
            for key, bucket in (("executionRoleArn", as_execution), ("taskRoleArn", as_task)):
                linked = _link(node, key, roles, dependencies=False)
                bucket.update(r.node.resource.urn for r in linked)
    with_execution_policy: set[str] = set()
    for attachment in attachments:
        if _managed_name(attachment.get("policyArn")) == EXECUTION_ROLE_POLICY:
            with_execution_policy.update(r.node.resource.urn for r in _link(attachment, "role", roles))
    for urn, role in roles.targets.items():
        managed = _as_list(role.node.get("managedPolicyArns"))
        if any(_managed_name(a) == EXECUTION_ROLE_POLICY for a in managed):
            with_execution_policy.add(urn)
        if urn in as_task:
            role.execution = False
        elif urn in as_execution:
            role.execution = True
        else:
            role.execution = urn in with_execution_policy


_CONFIG = {
    "allowedWildcardResourceActions": common.string_list(
        ECS_EXEC_ACTIONS,
        'Actions a task role may allow on Resource "*" (default: the ssmmessages actions ECS Exec needs, '
        "which AWS only grants on *).",
    ),
    "executionRoleWildcardResourceActions": common.string_list(
        ["ecr:GetAuthorizationToken"], 'Further actions an execution role may allow on Resource "*".'
    ),
    "deniedManagedPolicyPattern": {
        "type": "string",
        "default": "^(AdministratorAccess|PowerUserAccess|.*FullAccess.*)$",
        "description": "Regular expression over the names of AWS managed policies that must not be attached "
        "to roles assumed by ECS tasks.",
    },
}


def _policy() -> StackValidationPolicy:
    name = "iam-task-role-no-wildcards"
    description = (
        'Checks that policies of roles assumed by ECS tasks allow no "*" action, no "service:*" action and '
        'no "*" resource (Security Hub IAM.1, IAM.21), except actions AWS grants only on "*" (ECS Exec, ECR '
        "authorization) and that no admin-like AWS managed policy is attached."
    )
    schema = common.config_schema(_CONFIG)
    defaults = common.schema_defaults(schema)

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        check_task_role_wildcards(args, Config(args.get_config(), defaults), report_violation)

    return StackValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=common.MANDATORY,
        config_schema=schema,
    )


POLICIES = [_policy()]
