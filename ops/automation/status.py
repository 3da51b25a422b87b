"""`ops status`: what a deployed stack's services are doing, read from its outputs and from AWS.

- `targets_from_outputs`: the cluster, each service's ECS name and its alarm names, from the stack outputs
  (`clusterName`, `services.<svc>.serviceName`, `services.<svc>.alarmNames`) the Automation API returned;
- `aws_clients` and `read_status`: one refresh through boto3 (ECS DescribeServices in chunks of 10,
  CloudWatch DescribeAlarms in chunks of 100, paginated);
- the model (`Deployment`, `ServiceStatus`, `StackStatus`) and `judge`, the verdict of each service that
  `--watch` stops on;
- `aws_error`: a botocore failure phrased as one line naming the fix (an `OpsError`, exit 2).

boto3 and botocore are imported inside the functions that use them, so `python -m ops --help` never loads
them. The endpoint is boto3's own resolution: the standard AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_ECS and
AWS_ENDPOINT_URL_CLOUDWATCH) points it elsewhere, which is how the tests reach moto's server.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ops.automation.errors import EXIT_USAGE, OpsError

# A service's verdict (judge): the first three end a --watch with exit 1, `settled` everywhere with exit 0.
MISSING, FAILED, ROLLED_BACK, SETTLED, IN_PROGRESS = (
    "missing",
    "failed",
    "rolled-back",
    "settled",
    "in-progress",
)
PROBLEMS = (MISSING, FAILED, ROLLED_BACK)

ECS_CHUNK = 10  # DescribeServices takes at most 10 services per call
ALARM_CHUNK = 100  # DescribeAlarms takes at most 100 alarm names per call


@dataclass(frozen=True)
class ServiceTarget:
    """One service as the stack outputs name it: its config key, its ECS name, its alarms (None: not
    exported, as on stacks deployed before the alarms were)."""

    name: str
    service_name: str
    alarm_names: tuple[str, ...] | None


@dataclass(frozen=True)
class Targets:
    stack: str
    cluster: str
    services: tuple[ServiceTarget, ...]


def targets_from_outputs(stack: str, outputs: Mapping[str, Any]) -> Targets:
    """The cluster and services to read, from the stack outputs (their `.value`s)."""
    values = {key: getattr(out, "value", out) for key, out in outputs.items()}
    redeploy = f"deploy the current program with `python -m ops up --stack {stack}`, then run status again"
    if not values:
        raise OpsError(
            f"error: stack '{stack}' has no outputs (it has not been deployed); {redeploy}.", EXIT_USAGE
        )
    cluster, services = values.get("clusterName"), values.get("services")
    if not isinstance(cluster, str) or not cluster or not isinstance(services, dict):
        missing = [] if isinstance(cluster, str) and cluster else ["clusterName"]
        missing += [] if isinstance(services, dict) else ["services"]
        raise OpsError(
            f"error: stack '{stack}' has no usable output {' or '.join(repr(k) for k in missing)} "
            f"(outputs: {', '.join(sorted(values))}); {redeploy}.",
            EXIT_USAGE,
        )
    found: list[ServiceTarget] = []
    for name, spec in sorted(services.items()):
        service_name = spec.get("serviceName") if isinstance(spec, dict) else None
        if not isinstance(service_name, str) or not service_name:
            raise OpsError(
                f"error: stack '{stack}' output services.{name} has no serviceName; {redeploy}.", EXIT_USAGE
            )
        alarms = spec.get("alarmNames")
        if alarms is not None and not (isinstance(alarms, list) and all(isinstance(a, str) for a in alarms)):
            raise OpsError(
                f"error: stack '{stack}' output services.{name}.alarmNames is not a list of alarm names "
                f"({alarms!r}); {redeploy}.",
                EXIT_USAGE,
            )
        found.append(ServiceTarget(name, service_name, None if alarms is None else tuple(alarms)))
    return Targets(stack=stack, cluster=cluster, services=tuple(found))


@dataclass(frozen=True)
class Deployment:
    id: str
    status: str  # PRIMARY or ACTIVE (INACTIVE ones are dropped)
    rollout_state: str  # COMPLETED, IN_PROGRESS or FAILED; "-" when ECS reports none
    reason: str
    task_definition: str  # family:revision
    running: int
    desired: int
    pending: int
    failed_tasks: int


@dataclass(frozen=True)
class ServiceStatus:
    target: ServiceTarget
    absent: str | None  # why it is not there: DescribeServices' failure reason (MISSING), or INACTIVE
    running: int = 0
    desired: int = 0
    pending: int = 0
    deployments: tuple[Deployment, ...] = ()
    in_alarm: tuple[str, ...] = ()
    alarms_not_found: tuple[str, ...] = ()

    @property
    def primary(self) -> Deployment | None:
        return next((d for d in self.deployments if d.status == "PRIMARY"), None)

    @property
    def rollout(self) -> str:
        if self.absent is not None:
            return self.absent
        return self.primary.rollout_state if self.primary else "-"

    @property
    def task_definition(self) -> str | None:
        return self.primary.task_definition if self.primary else None

    @property
    def failed(self) -> Deployment | None:
        """The first deployment ECS marks FAILED (the primary's first)."""
        ordered = sorted(self.deployments, key=lambda d: d.status != "PRIMARY")
        return next((d for d in ordered if d.rollout_state == "FAILED"), None)

    @property
    def settled(self) -> bool:
        """One deployment, COMPLETED, every desired task running."""
        return (
            self.absent is None
            and len(self.deployments) == 1
            and self.rollout == "COMPLETED"
            and self.running == self.desired
        )


@dataclass(frozen=True)
class StackStatus:
    targets: Targets
    region: str
    services: tuple[ServiceStatus, ...]


def _revision(task_definition: str | None) -> tuple[str, int] | None:
    family, _, revision = (task_definition or "").rpartition(":")
    return (family, int(revision)) if family and revision.isdigit() else None


def judge(service: ServiceStatus, started_on: str | None = None) -> str:
    """The service's verdict; `started_on` is the primary's task definition when --watch began: settling on
    an older revision of that family means ECS rolled the deployment back."""
    if service.absent is not None:
        return MISSING
    if service.failed is not None:
        return FAILED
    if not service.settled:
        return IN_PROGRESS
    now, then = _revision(service.task_definition), _revision(started_on)
    if now and then and now[0] == then[0] and now[1] < then[1]:
        return ROLLED_BACK
    return SETTLED


def overall(verdicts: Sequence[str]) -> str:
    """failed (any problem), settled (every service), else in-progress."""
    if any(v in PROBLEMS for v in verdicts):
        return FAILED
    return SETTLED if all(v == SETTLED for v in verdicts) else IN_PROGRESS


# ------------------------------------------------------------------------------------ reading AWS


def aws_clients(stack: str, region: str | None) -> tuple[Any, Any, str]:
    """ECS and CloudWatch clients for `region` (None: boto3's own resolution), and the region used."""
    import boto3.session

    try:
        session = boto3.session.Session(region_name=region or None)
        return session.client("ecs"), session.client("cloudwatch"), str(session.region_name)
    except Exception as exc:
        raise aws_error(exc, stack=stack) from exc


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _task_definition(arn: str) -> str:
    """`family:revision` from a task definition ARN (or what ECS gave, if it is not one)."""
    return arn.rsplit("task-definition/", 1)[-1] if "task-definition/" in arn else arn.rsplit("/", 1)[-1]


def _deployment(raw: Mapping[str, Any]) -> Deployment:
    return Deployment(
        id=str(raw.get("id", "")),
        status=str(raw.get("status", "")),
        rollout_state=str(raw.get("rolloutState") or "-"),
        reason=str(raw.get("rolloutStateReason") or ""),
        task_definition=_task_definition(str(raw.get("taskDefinition", ""))),
        running=int(raw.get("runningCount", 0)),
        desired=int(raw.get("desiredCount", 0)),
        pending=int(raw.get("pendingCount", 0)),
        failed_tasks=int(raw.get("failedTasks", 0)),
    )


def _describe_services(ecs: Any, targets: Targets) -> tuple[dict[str, Any], dict[str, str]]:
    """ECS's view of each service by name, and the failure reason of those it did not return."""
    described: dict[str, Any] = {}
    failures: dict[str, str] = {}
    names = [s.service_name for s in targets.services]
    for chunk in _chunks(names, ECS_CHUNK):
        response = ecs.describe_services(cluster=targets.cluster, services=list(chunk))
        for raw in response.get("services", []):
            described[raw["serviceName"]] = raw
        for failure in response.get("failures", []):
            failures[str(failure.get("arn", "")).rsplit("/", 1)[-1]] = str(failure.get("reason", "MISSING"))
    return described, failures


def _alarm_states(cloudwatch: Any, names: Sequence[str]) -> dict[str, str]:
    """The state (OK, ALARM, INSUFFICIENT_DATA) of each alarm CloudWatch knows, metric or composite."""
    states: dict[str, str] = {}
    paginator = cloudwatch.get_paginator("describe_alarms")
    for chunk in _chunks(sorted(set(names)), ALARM_CHUNK):
        pages = paginator.paginate(AlarmNames=list(chunk), AlarmTypes=["MetricAlarm", "CompositeAlarm"])
        for page in pages:
            for alarm in [*page.get("MetricAlarms", []), *page.get("CompositeAlarms", [])]:
                states[alarm["AlarmName"]] = alarm["StateValue"]
    return states


def read_status(ecs: Any, cloudwatch: Any, targets: Targets, region: str) -> StackStatus:
    """One refresh: every service's deployments and counts, and its alarms in ALARM."""
    try:
        described, failures = _describe_services(ecs, targets)
        exported = [a for s in targets.services for a in (s.alarm_names or ())]
        states = _alarm_states(cloudwatch, exported) if exported else {}
    except Exception as exc:
        raise aws_error(exc, stack=targets.stack, cluster=targets.cluster, region=region) from exc
    services: list[ServiceStatus] = []
    for target in targets.services:
        alarms = target.alarm_names or ()
        in_alarm = tuple(a for a in alarms if states.get(a) == "ALARM")
        not_found = tuple(a for a in alarms if a not in states)
        raw = described.get(target.service_name)
        if raw is None or raw.get("status") == "INACTIVE":
            absent = "INACTIVE" if raw is not None else failures.get(target.service_name, "MISSING")
            services.append(ServiceStatus(target, absent, in_alarm=in_alarm, alarms_not_found=not_found))
            continue
        deployments = tuple(
            _deployment(d) for d in raw.get("deployments", []) if d.get("status") != "INACTIVE"
        )
        services.append(
            ServiceStatus(
                target,
                None,
                running=int(raw.get("runningCount", 0)),
                desired=int(raw.get("desiredCount", 0)),
                pending=int(raw.get("pendingCount", 0)),
                deployments=deployments,
                in_alarm=in_alarm,
                alarms_not_found=not_found,
            )
        )
    return StackStatus(targets=targets, region=region, services=tuple(services))


# ------------------------------------------------------------------------------------ AWS errors

CREDENTIALS_FIX = (
    "configure credentials for the stack's account (`aws configure`, `aws sso login` with AWS_PROFILE set, "
    "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
)
REJECTED_CODES = {
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
}
DENIED_CODES = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}


def aws_error(exc: BaseException, *, stack: str = "", cluster: str = "", region: str = "") -> OpsError:
    """A boto3/botocore failure as one line naming the fix (exit 2); anything else is re-raised."""
    from botocore import exceptions as bce

    again = f"then run `python -m ops status --stack {stack}` again" if stack else "then run it again"
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, (bce.NoCredentialsError, bce.PartialCredentialsError)):
        message = f"error: no usable AWS credentials ({first}); {CREDENTIALS_FIX}, {again}."
    elif isinstance(exc, bce.ProfileNotFound):
        message = f"error: {first}; set AWS_PROFILE to one of `aws configure list-profiles`, {again}."
    elif isinstance(exc, (bce.SSOError, bce.TokenRetrievalError, bce.SSOTokenLoadError)):
        message = f"error: the AWS SSO session is missing or expired ({first}); run `aws sso login`, {again}."
    elif isinstance(exc, bce.NoRegionError):
        message = (
            f"error: no AWS region: the stack config sets no aws:region and boto3 found none; set it with "
            f"`pulumi config set aws:region REGION --stack {stack or 'STACK'}` (or AWS_REGION), {again}."
        )
    elif isinstance(exc, bce.ClientError):
        error = exc.response.get("Error", {})
        code, text = str(error.get("Code", "")), str(error.get("Message", "")) or first
        operation = exc.operation_name
        if code in REJECTED_CODES:
            message = f"error: AWS rejected the credentials ({code}: {text}); {CREDENTIALS_FIX}, {again}."
        elif code in DENIED_CODES:
            message = (
                f"error: AWS denied {operation} ({code}: {text}); the credentials need ecs:DescribeServices "
                f"and cloudwatch:DescribeAlarms on the stack's resources, {again}."
            )
        elif code == "ClusterNotFoundException":
            message = (
                f"error: cluster '{cluster}' (output clusterName of stack '{stack}') was not found in "
                f"{region}; use credentials for the stack's account (check `aws sts get-caller-identity`), "
                f"or redeploy it with `python -m ops up --stack {stack}`."
            )
        else:
            message = f"error: AWS {operation} failed in {region or 'the region'} ({code}: {text}); {again}."
    elif isinstance(exc, bce.BotoCoreError):
        message = f"error: could not read AWS ({first}); check the network and the endpoint, {again}."
    else:
        raise exc
    return OpsError(message, EXIT_USAGE)
