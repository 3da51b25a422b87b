"""How `ops status` shows a refresh: the table of services, the lines that explain a problem, the summary,
the one-line progress of `--watch` without a terminal, and the JSON document of `--json`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ops.automation.status import (
    FAILED,
    IN_PROGRESS,
    MISSING,
    ROLLED_BACK,
    SETTLED,
    Deployment,
    ServiceStatus,
    StackStatus,
    overall,
)

COLUMNS = ("SERVICE", "ROLLOUT", "DEPLOYMENTS", "RUNNING", "DESIRED", "PENDING", "TASK DEFINITION", "ALARMS")
NUMERIC = {"DEPLOYMENTS", "RUNNING", "DESIRED", "PENDING"}
LABELS = {MISSING: "missing in AWS", FAILED: "deployment FAILED", ROLLED_BACK: "rolled back"}


def header(status: StackStatus) -> str:
    targets = status.targets
    return f"Status of stack '{targets.stack}': cluster {targets.cluster} in {status.region}"


def alarms_cell(service: ServiceStatus) -> str:
    names = service.target.alarm_names
    if names is None:
        return "no alarms exported"
    if not names:
        return "none defined"
    text = f"ALARM: {', '.join(service.in_alarm)}" if service.in_alarm else f"none of {len(names)} in ALARM"
    if service.alarms_not_found:
        text += f"; not found: {', '.join(service.alarms_not_found)}"
    return text


def row(service: ServiceStatus) -> tuple[str, ...]:
    absent = service.absent is not None
    counts = (
        ("-", "-", "-", "-")
        if absent
        else (
            str(len(service.deployments)),
            str(service.running),
            str(service.desired),
            str(service.pending),
        )
    )
    return (
        service.target.name,
        service.rollout,
        *counts,
        service.task_definition or "-",
        alarms_cell(service),
    )


def table(status: StackStatus) -> list[str]:
    """The services as an aligned table (two-space indent, a rule under the header)."""
    rows = [row(s) for s in status.services]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(COLUMNS)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(w) if COLUMNS[i] in NUMERIC else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return ("  " + "  ".join(parts)).rstrip()

    return [line(COLUMNS), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def details(status: StackStatus, verdicts: Sequence[str], started: dict[str, str | None]) -> list[str]:
    """One line per problem, and each deployment of a service that has more than one."""
    targets = status.targets
    lines: list[str] = []
    for service, verdict in zip(status.services, verdicts, strict=True):
        name, ecs_name = service.target.name, service.target.service_name
        failed = service.failed
        if verdict == MISSING:
            what = "is INACTIVE (deleted)" if service.absent == "INACTIVE" else "was not found"
            lines.append(
                f"  {name}: ECS service '{ecs_name}' {what} in cluster '{targets.cluster}' "
                f"(DescribeServices: {service.absent}); was it deleted outside Pulumi? "
                f"Check with `python -m ops drift --stack {targets.stack}`."
            )
        elif verdict == FAILED and failed is not None:
            tasks = f", {failed.failed_tasks} task(s) failed" if failed.failed_tasks else ""
            reason = f": {failed.reason}" if failed.reason else ""
            lines.append(f"  {name}: deployment {failed.id} ({failed.task_definition}) FAILED{tasks}{reason}")
        elif verdict == ROLLED_BACK:
            lines.append(
                f"  {name}: rolled back to {service.task_definition} (the watch began on {started.get(name)})"
            )
        if len(service.deployments) > 1:
            for d in service.deployments:
                lines.append(
                    f"  {name}: {d.status:<7} {d.id}  {d.task_definition}  {d.rollout_state}  "
                    f"{d.running}/{d.desired} running, {d.pending} pending"
                )
    return lines


def summary(status: StackStatus, verdicts: Sequence[str]) -> str:
    names = [s.target.name for s in status.services]
    result = overall(verdicts)
    if result == FAILED:
        problems = [f"{n} ({LABELS[v]})" for n, v in zip(names, verdicts, strict=True) if v in LABELS]
        return f"FAILED: {', '.join(problems)}."
    if result == SETTLED:
        return (
            f"Settled: all {len(names)} service(s) have one COMPLETED deployment, every desired task running."
        )
    deploying = [n for n, v in zip(names, verdicts, strict=True) if v == IN_PROGRESS]
    done = len(names) - len(deploying)
    return f"In progress: {done} of {len(names)} service(s) settled; still deploying: {', '.join(deploying)}."


def _fragment(service: ServiceStatus, verdict: str) -> str:
    name = service.target.name
    if verdict == SETTLED:
        return f"{name} settled {service.task_definition}"
    if verdict == ROLLED_BACK:
        return f"{name} rolled back to {service.task_definition}"
    if verdict in (MISSING, FAILED):
        return f"{name} {verdict.upper()}"
    return (
        f"{name} {service.rollout} {service.running}/{service.desired} running, {service.pending} pending, "
        f"{len(service.deployments)} deployment(s)"
    )


def progress_line(refresh: int, status: StackStatus, verdicts: Sequence[str]) -> str:
    """One refresh of --watch on one line (when the output is not a terminal)."""
    settled = sum(v == SETTLED for v in verdicts)
    fragments = "; ".join(_fragment(s, v) for s, v in zip(status.services, verdicts, strict=True))
    return f"[{refresh}] {settled}/{len(verdicts)} settled: {fragments}"


def _deployment(d: Deployment) -> dict[str, Any]:
    return {
        "id": d.id,
        "status": d.status,
        "rolloutState": d.rollout_state,
        "rolloutStateReason": d.reason,
        "taskDefinition": d.task_definition,
        "running": d.running,
        "desired": d.desired,
        "pending": d.pending,
        "failedTasks": d.failed_tasks,
    }


def document(status: StackStatus, verdicts: Sequence[str], *, refreshes: int = 1) -> dict[str, Any]:
    """The JSON document of --json: the stack, the overall result and each service by its config name."""
    services: dict[str, Any] = {}
    for service, verdict in zip(status.services, verdicts, strict=True):
        names = service.target.alarm_names
        services[service.target.name] = {
            "serviceName": service.target.service_name,
            "state": verdict,
            "missing": service.absent,
            "rolloutState": None if service.absent else service.rollout,
            "deployments": [_deployment(d) for d in service.deployments],
            "running": service.running,
            "desired": service.desired,
            "pending": service.pending,
            "taskDefinition": service.task_definition,
            "alarms": None
            if names is None
            else {
                "names": list(names),
                "inAlarm": list(service.in_alarm),
                "notFound": list(service.alarms_not_found),
            },
        }
    return {
        "stack": status.targets.stack,
        "cluster": status.targets.cluster,
        "region": status.region,
        "result": overall(verdicts),
        "refreshes": refreshes,
        "services": services,
    }
