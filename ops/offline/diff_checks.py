"""Would AWS accept the steps of a diff, and do any of them lose data? Findings (each fails the diff, exit 1)
and notes (worth knowing, not failures).

- Uniqueness while old and new both exist: walking the steps in order, each create, update or replacement
  must not take a key another live resource still holds (listener-rule priority per listener; explicit
  names of log groups, SSM parameters, Cloud Map services per namespace, IAM roles, target groups, load
  balancers, clusters, ECS services per cluster, ECR repositories, namespaces, security groups). Task
  definition families may repeat: they are revisions.
- Provider rules: an ECS capacity provider strategy change without forceNewDeployment (the provider refuses
  it at preview); a target group replaced under a listener or an ECS service.
- Data at risk: a replacement or delete of a stateful resource (EFS file system, ECR repository, a log group
  in prod, an SSM parameter holding a generated password, a RandomPassword); protected resources (Pulumi
  refuses). A delete of a resource with retainOnDelete is a `retain` step, not a finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ops.offline.diff import CREATE, DELETE, DELETE_REPLACED, REPLACE, UPDATE, Diff, Step
from ops.offline.recorded_plan import RecordedResource

RULE = "aws:lb/listenerRule:ListenerRule"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
ECS_SERVICE = "aws:ecs/service:Service"
PASSWORD = "random:index/randomPassword:RandomPassword"


@dataclass(frozen=True)
class Finding:
    rule: str  # priority-in-use | name-in-use | ecs-capacity-provider-change | target-group-in-use | ...
    urn: str
    type: str
    name: str
    property: str
    message: str  # names the resource, the property, what AWS would answer and the fix


# Explicit names that must be unique while two copies live: type → (scope inputs, error AWS answers with).
_NAMED: dict[str, tuple[tuple[str, ...], str]] = {
    "aws:cloudwatch/logGroup:LogGroup": ((), "ResourceAlreadyExistsException"),
    "aws:ssm/parameter:Parameter": ((), "ParameterAlreadyExists"),
    "aws:servicediscovery/service:Service": (
        ("dnsConfig.namespaceId", "namespaceId"),
        "ServiceAlreadyExists",
    ),
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": (("vpc",), "ConflictingDomainExists"),
    "aws:iam/role:Role": ((), "EntityAlreadyExists"),
    TARGET_GROUP: ((), "DuplicateTargetGroupName"),
    "aws:lb/loadBalancer:LoadBalancer": ((), "DuplicateLoadBalancerName"),
    "aws:ecs/cluster:Cluster": (
        (),
        "the existing cluster of that name is returned, then deleted with the old one",
    ),
    ECS_SERVICE: (("cluster",), "InvalidParameterException: Creation of service was not idempotent"),
    "aws:ecr/repository:Repository": ((), "RepositoryAlreadyExistsException"),
    "aws:ec2/securityGroup:SecurityGroup": (("vpcId",), "InvalidGroup.Duplicate"),
}


def _get(inputs: dict[str, Any], path: str) -> Any:
    value: Any = inputs
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def _scope(inputs: dict[str, Any], paths: tuple[str, ...]) -> str:
    for path in paths:
        if "." in path:
            head, rest = path.split(".", 1)
            block = inputs.get(head)
            block = block[0] if isinstance(block, list) and block else block
            value = block.get(rest) if isinstance(block, dict) else None
        else:
            value = inputs.get(path)
        if value:
            return str(value)
    return ""


def unique_key(r: RecordedResource) -> tuple[str, ...] | None:
    if r.type == RULE:
        priority = r.inputs.get("priority")
        return ("priority", str(r.inputs.get("listenerArn")), str(priority)) if priority is not None else None
    named = _NAMED.get(r.type)
    name = r.inputs.get("name")
    if named is None or not isinstance(name, str) or not name:
        return None
    return (r.type, _scope(r.inputs, named[0]), name)


class _Checker:
    def __init__(self, diff: Diff, prod: bool) -> None:
        self.diff = diff
        self.prod = prod
        self.old = {r.urn: r for r in diff.old.resources}
        self.new = {r.urn: r for r in diff.new.resources}
        self.findings: list[Finding] = []
        self.notes: list[str] = []

    def label(self, r: RecordedResource | Step) -> str:
        return f"{r.type} {r.name}"

    def owner_of(self, value: str) -> str:
        for r in (*self.diff.new.resources, *self.diff.old.resources):
            if value in r.output_ids:
                return r.name
        return value

    def add(self, step: Step | RecordedResource, rule: str, prop: str, message: str) -> None:
        self.findings.append(
            Finding(rule, step.urn, step.type, step.name, prop, f"{self.label(step)}: {message}")
        )

    # ----------------------------------------------------------------------------------- uniqueness

    def fate(self, urn: str) -> str:
        for step in self.diff.steps:
            if step.urn == urn and step.op in (DELETE, DELETE_REPLACED):
                return "until it is deleted at the end of the update"
            if step.urn == urn and step.op == UPDATE:
                return "until its own update, later in this update"
        return "(it keeps it)"

    def uniqueness(self) -> None:
        held: dict[tuple[str, ...], list[tuple[str, str]]] = {}  # key → [(urn, "old"|"new")]
        for r in self.diff.old.resources:
            key = unique_key(r)
            if key is not None:
                held.setdefault(key, []).append((r.urn, "old"))

        def release(urn: str, copy: str) -> None:
            for holders in held.values():
                if (urn, copy) in holders:
                    holders.remove((urn, copy))

        for step in self.diff.steps:
            old_urn = self.diff.renamed.get(step.urn, step.urn)
            if step.op in (DELETE, DELETE_REPLACED, "retain"):
                release(old_urn, "old")
                continue
            if step.op not in (CREATE, UPDATE, REPLACE):
                continue
            r = self.new[step.urn]
            if step.op == UPDATE:
                release(old_urn, "old")
            key = unique_key(r)
            if key is None:
                continue
            holders = held.setdefault(key, [])
            others = [(u, c) for u, c in holders if not (u == old_urn and c == "old" and step.op != REPLACE)]
            if others:
                self.conflict(step, r, key, others[0])
            holders.append((step.urn, "new"))

    def conflict(
        self, step: Step, r: RecordedResource, key: tuple[str, ...], holder: tuple[str, str]
    ) -> None:
        urn, _copy = holder
        holder_res = self.old.get(urn) or self.new.get(urn)
        holder_name = holder_res.name if holder_res else urn
        itself = urn == self.diff.renamed.get(step.urn, step.urn)
        if key[0] == "priority":
            listener = self.owner_of(key[1])
            if itself:
                return  # the same rule, replaced in place of itself: the old rule keeps it (rare)
            self.add(
                step,
                "priority-in-use",
                "priority",
                f"priority {key[2]} on listener {listener} is still held by {holder_name} {self.fate(urn)} "
                "(PriorityInUse); "
                + (
                    "give each service a stable route.priority"
                    if "deleted" in self.fate(urn)
                    else "move one rule to a free priority first, in an update of its own"
                ),
            )
            return
        error = _NAMED[r.type][1]
        if itself:
            forced = ", ".join(step.forced_by) or "a replacement"
            fix = (
                "set deleteBeforeReplace on it (the old one is deleted first)"
                if r.type != "aws:servicediscovery/service:Service"
                else "set deleteBeforeReplace on the Cloud Map service (it is recreated under the same name)"
            )
            self.add(
                step,
                "name-in-use",
                "name",
                f"{forced} forces a replacement, created while the old one still holds the name {key[2]!r} "
                f"({error}); {fix}, or let Pulumi name it",
            )
            return
        self.add(
            step,
            "name-in-use",
            "name",
            f"the name {key[2]!r} is still used by {holder_name} {self.fate(urn)} ({error}); keep the old "
            "resource's logical name (an alias) or free the name in an earlier update",
        )

    # ----------------------------------------------------------------------------------- provider rules

    def provider_rules(self) -> None:
        replaced = {s.urn: s for s in self.diff.steps if s.op == REPLACE}
        for step in self.diff.steps:
            if step.op == UPDATE and step.type == ECS_SERVICE and "forceNewDeployment" in step.reason:
                self.add(
                    step,
                    "ecs-capacity-provider-change",
                    "capacityProviderStrategies",
                    "capacityProviderStrategies changes without forceNewDeployment: true, so the provider "
                    'refuses the update at preview ("force_new_deployment should be true when '
                    'capacity_provider_strategy is being updated"); set forceNewDeployment: true on the '
                    "service so the strategy is changed in place by a new deployment",
                )
        for urn, step in replaced.items():
            if step.type != TARGET_GROUP:
                continue
            self.target_group_replaced(self.new[urn], step)

    def target_group_replaced(self, tg: RecordedResource, step: Step) -> None:
        before = self.old.get(self.diff.renamed.get(tg.urn, tg.urn))
        ids = before.output_ids if before else tg.output_ids
        users = [r for r in self.diff.new.resources if tg.urn in r.depends_on and r.type != TARGET_GROUP]
        forwarders = []
        for r in users:
            prop = "defaultActions" if r.type == "aws:lb/listener:Listener" else "actions"
            if r.type not in ("aws:lb/listener:Listener", RULE) or not _mentions(r.inputs.get(prop), ids):
                continue
            forwarders.append(r)
            if step.delete_before_replace:
                self.add(
                    step,
                    "target-group-in-use",
                    prop,
                    f"deleteBeforeReplace deletes it while {r.name}'s {prop} still forwards to it "
                    "(ResourceInUse); drop deleteBeforeReplace so the replacement is created first",
                )
            elif any(_normal(i) in (prop, f"{prop}[]") for i in r.ignore_changes):
                self.add(
                    r,
                    "target-group-in-use",
                    prop,
                    f"ignoreChanges keeps {prop} on the replaced target group {tg.name}, whose delete then "
                    f"fails (ResourceInUse); remove {prop} from ignoreChanges",
                )
            else:
                self.notes.append(
                    f"{r.type} {r.name}: {prop} moves to the replacement of {tg.name} "
                    f"({', '.join(step.forced_by)}); "
                    "the new target group has no healthy targets until the service's tasks register in it"
                )
        for r in users:
            if r.type != ECS_SERVICE or not forwarders:
                continue
            if not any(self.depends(r.urn, f.urn) for f in forwarders):
                self.add(
                    r,
                    "target-group-not-attached",
                    "loadBalancers",
                    f"the service moves to the replacement of {tg.name} before any listener forwards to it "
                    "(InvalidParameterException: the target group does not have an associated load "
                    "balancer); "
                    "make the service depend on its listener rule",
                )

    def depends(self, urn: str, target: str, seen: set[str] | None = None) -> bool:
        seen = seen if seen is not None else set()
        r = self.new.get(urn)
        if r is None or urn in seen:
            return False
        seen.add(urn)
        return target in r.depends_on or any(self.depends(d, target, seen) for d in r.depends_on)

    # ----------------------------------------------------------------------------------- data at risk

    def data_at_risk(self) -> None:
        passwords = {r.urn for r in self.diff.old.resources if r.type == PASSWORD}
        for step in self.diff.steps:
            if step.op not in (REPLACE, DELETE):
                continue
            old = self.old.get(self.diff.renamed.get(step.urn, step.urn))
            if old is None:
                continue
            verb = "replaced" if step.op == REPLACE else "deleted"
            if old.protect:
                self.add(
                    step,
                    "protected",
                    ", ".join(step.forced_by) or "-",
                    f"it is protected and would be {verb}: Pulumi refuses the whole update; if that is "
                    "intended, unprotect it first (pulumi state unprotect), else undo the change",
                )
                continue
            why = self.stateful(old, passwords, replaced=step.op == REPLACE)
            if why:
                cause = f" ({', '.join(step.forced_by)} forces it)" if step.forced_by else ""
                kept = " (retainOnDelete keeps the old one in AWS, but the stack moves to a new one)"
                fix = (
                    "undo the change, or rotate the password where it is stored first (a database keeps the "
                    "old one)"
                    if old.type == PASSWORD or "password" in why
                    else "undo the change, or move the data first and set retainOnDelete"
                )
                self.add(
                    step,
                    "data-loss",
                    ", ".join(step.forced_by) or "-",
                    f"{why} would be {verb}{cause}{kept if old.retain_on_delete else ''}; {fix}",
                )

    def stateful(self, r: RecordedResource, passwords: set[str], *, replaced: bool) -> str:
        if r.type == "aws:efs/fileSystem:FileSystem":
            return "an EFS file system (its files)"
        if r.type == "aws:ecr/repository:Repository":
            return "an ECR repository (its images)"
        if r.type == "aws:cloudwatch/logGroup:LogGroup" and self.prod:
            return "a prod log group (its logs)"
        if r.type == PASSWORD and replaced:
            return "a generated password (every database or service using it gets a new one)"
        if r.type == "aws:ssm/parameter:Parameter" and passwords & set(r.depends_on):
            return "an SSM parameter holding a generated password"
        return ""


def _mentions(value: Any, ids: tuple[str, ...]) -> bool:
    if isinstance(value, str):
        return any(i in value for i in ids)
    if isinstance(value, dict):
        return any(_mentions(v, ids) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, ids) for v in value)
    return False


def _normal(path: str) -> str:
    return path.replace("[*]", "[]").replace("[0]", "[]")


def check_diff(diff: Diff, *, prod: bool) -> tuple[list[Finding], list[str]]:
    """Findings (each a step AWS would refuse, or data lost) and notes, in step order."""
    checker = _Checker(diff, prod)
    checker.uniqueness()
    checker.provider_rules()
    checker.data_at_risk()
    order: dict[str, int] = {}
    for i, s in enumerate(diff.steps):
        order.setdefault(s.urn, i)
    findings = sorted(checker.findings, key=lambda f: order.get(f.urn, len(order)))
    return findings, checker.notes
