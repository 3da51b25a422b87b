"""`python -m ops status` against moto's server mode: a real HTTP endpoint on localhost that boto3 reaches
through the standard AWS_ENDPOINT_URL, with the cluster, task definitions, services and alarms created by
boto3 calls. The stack outputs come from the Automation API double of test_stack_commands.py (checked
against the real SDK's signatures).

moto 5.2.5 gives every service one deployment whose counts it never moves (`update_service` does not start a
second deployment), so a rollout in progress, a FAILED one and a rollback are set on moto's own service
objects (`ecs_backends`, in this process, as the server thread is), then read back through DescribeServices.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pulumi.automation as real
import pytest
from moto.ecs.models import ecs_backends
from moto.server import ThreadedMotoServer
from test_stack_commands import FakeAutomation, fake_pulumi_on_path

from ops.automation.console import Console
from ops.automation.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    PULUMI_MISSING_MESSAGE,
    OpsError,
)
from ops.automation.project import Project
from ops.automation.status import targets_from_outputs
from ops.cli import build_parser

REGION = "eu-west-2"  # the stack config's aws:region (FakeAutomation's dev config)
ACCOUNT = "123456789012"  # moto's default account
CLUSTER = "dev-cluster"
AWS_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_ECS",
    "AWS_ENDPOINT_URL_CLOUDWATCH",
)


# ------------------------------------------------------------------------------------ moto's server


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def no_aws_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No AWS variable of the developer's, empty credentials and config files, no instance metadata."""
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "aws-credentials").write_text("")
    (tmp_path / "aws-config").write_text("")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


class Aws:
    """boto3 clients on moto's server, and moto's own service objects for what its API cannot set."""

    def __init__(self, region: str = REGION) -> None:
        self.region = region
        self.ecs = boto3.client("ecs", region_name=region)
        self.cloudwatch = boto3.client("cloudwatch", region_name=region)
        self.ecs.create_cluster(clusterName=CLUSTER)

    def task_definition(self, family: str) -> str:
        response = self.ecs.register_task_definition(
            family=family,
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": "app", "image": "nginx:1.27", "memory": 512, "essential": True}],
        )
        return response["taskDefinition"]["taskDefinitionArn"]

    def service(self, name: str, task_definition: str, desired: int, running: int, deployment: str) -> None:
        self.ecs.create_service(
            cluster=CLUSTER,
            serviceName=name,
            taskDefinition=task_definition,
            desiredCount=desired,
            launchType="FARGATE",
        )
        service = self.moto_service(name)
        service.running_count, service.pending_count = running, desired - running
        service.deployments[0].update(
            id=deployment,
            runningCount=running,
            pendingCount=desired - running,
            rolloutState="COMPLETED" if running == desired else "IN_PROGRESS",
        )

    def moto_service(self, name: str) -> Any:
        return ecs_backends[ACCOUNT][self.region].services[f"{CLUSTER}:{name}"]

    def roll(self, name: str, task_definition: str, deployment: str, running: int) -> None:
        """A rolling update to `task_definition` (update_service): its deployment PRIMARY, the old ACTIVE."""
        self.ecs.update_service(cluster=CLUSTER, service=name, taskDefinition=task_definition)
        service = self.moto_service(name)
        old = service.deployments[-1]
        old.update(status="ACTIVE")
        desired = service.desired_count
        new = dict(
            old,
            id=deployment,
            status="PRIMARY",
            taskDefinition=task_definition,
            rolloutState="IN_PROGRESS",
            rolloutStateReason=f"ECS deployment {deployment} in progress.",
            runningCount=running,
            pendingCount=desired - running,
            desiredCount=desired,
        )
        service.deployments = [new, old]
        service.running_count = running + old["runningCount"]
        service.pending_count = desired - running

    def scale(self, name: str, running: int) -> None:
        """The new (PRIMARY) deployment of a rolling update has `running` tasks up."""
        service = self.moto_service(name)
        primary = service.deployments[0]
        primary.update(runningCount=running, pendingCount=primary["desiredCount"] - running)
        service.running_count = sum(d["runningCount"] for d in service.deployments)
        service.pending_count = primary["pendingCount"]

    def settle(self, name: str, keep: int = 0, **primary: Any) -> None:
        """Every deployment but deployments[keep] gone; that one PRIMARY and COMPLETED, all tasks running."""
        service = self.moto_service(name)
        deployment = service.deployments[keep]
        desired = service.desired_count
        deployment.update(
            status="PRIMARY", rolloutState="COMPLETED", runningCount=desired, pendingCount=0, **primary
        )
        service.deployments = [deployment]
        service.running_count, service.pending_count = desired, 0

    def alarm(self, name: str, state: str | None = None) -> None:
        self.cloudwatch.put_metric_alarm(
            AlarmName=name,
            Namespace="AWS/ECS",
            MetricName="CPUUtilization",
            Statistic="Average",
            Period=60,
            EvaluationPeriods=1,
            Threshold=80,
            ComparisonOperator="GreaterThanThreshold",
        )
        if state is not None:
            self.cloudwatch.set_alarm_state(AlarmName=name, StateValue=state, StateReason="test")


@pytest.fixture
def aws(moto_url: str, no_aws_environment: None, monkeypatch: pytest.MonkeyPatch) -> Aws:
    """A fresh moto with dev's cluster, credentials for it, and a default region that is not the stack's."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")).close()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)  # boto3's standard endpoint override
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # the stack config's aws:region must win
    return Aws()


# ------------------------------------------------------------------------------------ the stack


def outputs(services: dict[str, Any], cluster: str = CLUSTER) -> dict[str, real.OutputValue]:
    return {
        "clusterName": real.OutputValue(cluster, False),
        "vpcId": real.OutputValue("vpc-1", False),
        "services": real.OutputValue(services, False),
    }


DEV_SERVICES = {
    "backend": {
        "serviceName": "backend-service",
        "alarmNames": ["backend-cpu-high", "backend-5xx", "backend-memory-high"],
    },
    "frontend": {"serviceName": "frontend-service"},  # deployed before alarms were exported
}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    (tmp_path / "Pulumi.yaml").write_text("name: fargate-platform\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-2\n")
    return Project(tmp_path)


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeAutomation:
    fake_pulumi_on_path(tmp_path / "bin", monkeypatch, 99)
    fake = FakeAutomation()
    fake.outputs = outputs(DEV_SERVICES)
    return fake


@pytest.fixture
def dev(aws: Aws) -> Aws:
    """backend rolling from dev-backend:1 to :2 (1 of 2 new tasks up), frontend settled; backend-cpu-high
    in ALARM, backend-5xx OK, backend-memory-high not in CloudWatch."""
    backend_1 = aws.task_definition("dev-backend")
    backend_2 = aws.task_definition("dev-backend")
    frontend = aws.task_definition("dev-frontend")
    aws.service("backend-service", backend_1, desired=2, running=2, deployment="ecs-svc/1001")
    aws.roll("backend-service", backend_2, deployment="ecs-svc/1002", running=1)
    aws.service("frontend-service", frontend, desired=2, running=2, deployment="ecs-svc/2001")
    aws.alarm("backend-cpu-high", "ALARM")
    aws.alarm("backend-5xx")
    return aws


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def run(
    argv: list[str],
    fake: FakeAutomation | None,
    project: Project,
    *,
    sleep: Callable[[float], None] | None = None,
    out: io.StringIO | None = None,
    load: Any = None,
) -> Run:
    args = build_parser().parse_args(argv)
    out = out if out is not None else io.StringIO()
    err = io.StringIO()
    console = Console(out=out, err=err, stdin=io.StringIO())
    extra = {"sleep": sleep} if sleep is not None else {}
    code = args.handler(args, load=load or (lambda: fake), console=console, project=project, **extra)
    return Run(code, out.getvalue(), err.getvalue())


# ------------------------------------------------------------------------------------ one look


# Each row split before its ALARMS cell (the line limit).
DEV_TABLE = (
    "Status of stack 'dev': cluster dev-cluster in eu-west-2\n"
    "  SERVICE   ROLLOUT      DEPLOYMENTS  RUNNING  DESIRED  PENDING  TASK DEFINITION  "
    "ALARMS\n"
    "  --------  -----------  -----------  -------  -------  -------  ---------------  "
    "-------------------------------------------------------\n"
    "  backend   IN_PROGRESS            2        3        2        1  dev-backend:2    "
    "ALARM: backend-cpu-high; not found: backend-memory-high\n"
    "  frontend  COMPLETED              1        2        2        0  dev-frontend:1   "
    "no alarms exported\n"
    "  backend: PRIMARY ecs-svc/1002  dev-backend:2  IN_PROGRESS  1/2 running, 1 pending\n"
    "  backend: ACTIVE  ecs-svc/1001  dev-backend:1  COMPLETED  2/2 running, 0 pending\n"
)


def test_status_shows_each_services_rollout_tasks_revision_and_alarms(
    dev: Aws, fake: FakeAutomation, project: Project
) -> None:
    result = run(["status", "--stack", "dev"], fake, project)
    assert result.err == ""
    assert result.out == DEV_TABLE + ("In progress: 1 of 2 service(s) settled; still deploying: backend.\n")
    assert result.code == EXIT_OK
    # The stack is selected and read as `outputs` reads it; the region is the stack config's.
    assert fake.names() == ["LocalWorkspace", "Stack.select", "outputs", "get_all_config"]
    assert fake.kwargs("Stack.select") == {"stack_name": "dev", "work_dir": str(project.root)}


def test_docs_ops_shows_what_status_prints(dev: Aws, fake: FakeAutomation, project: Project) -> None:
    result = run(["status", "--stack", "dev"], fake, project)
    docs = (Path(__file__).resolve().parents[3] / "docs" / "ops.md").read_text(encoding="utf-8")
    assert f"```\n$ python -m ops status --stack dev\n{result.out}```\n" in docs


def test_status_json_is_one_document(dev: Aws, fake: FakeAutomation, project: Project) -> None:
    result = run(["status", "--stack", "dev", "--json"], fake, project)
    assert result.code == EXIT_OK
    document = json.loads(result.out)
    backend = document["services"]["backend"]
    assert document["stack"] == "dev" and document["cluster"] == CLUSTER and document["region"] == REGION
    assert document["result"] == "in-progress" and document["refreshes"] == 1
    assert [d["id"] for d in backend["deployments"]] == ["ecs-svc/1002", "ecs-svc/1001"]
    assert backend["deployments"][0] == {
        "id": "ecs-svc/1002",
        "status": "PRIMARY",
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": "ECS deployment ecs-svc/1002 in progress.",
        "taskDefinition": "dev-backend:2",
        "running": 1,
        "desired": 2,
        "pending": 1,
        "failedTasks": 0,
    }
    assert {k: v for k, v in backend.items() if k != "deployments"} == {
        "serviceName": "backend-service",
        "state": "in-progress",
        "missing": None,
        "rolloutState": "IN_PROGRESS",
        "running": 3,
        "desired": 2,
        "pending": 1,
        "taskDefinition": "dev-backend:2",
        "alarms": {
            "names": ["backend-cpu-high", "backend-5xx", "backend-memory-high"],
            "inAlarm": ["backend-cpu-high"],
            "notFound": ["backend-memory-high"],
        },
    }
    frontend = document["services"]["frontend"]
    assert frontend["state"] == "settled" and frontend["alarms"] is None
    assert frontend["taskDefinition"] == "dev-frontend:1" and len(frontend["deployments"]) == 1


def test_a_service_missing_in_aws_is_reported_and_exits_1(
    dev: Aws, fake: FakeAutomation, project: Project
) -> None:
    fake.outputs = outputs({**DEV_SERVICES, "worker": {"serviceName": "worker-service", "alarmNames": []}})
    result = run(["status", "--stack", "dev"], fake, project)
    assert result.code == EXIT_FAILED
    lines = result.out.splitlines()
    assert (
        lines[5]
        == "  worker    MISSING                -        -        -        -  -                none defined"
    )
    assert (
        "  worker: ECS service 'worker-service' was not found in cluster 'dev-cluster' (DescribeServices: "
        "MISSING); was it deleted outside Pulumi? Check with `python -m ops drift --stack dev`."
    ) in lines
    assert lines[-1] == "FAILED: worker (missing in AWS)."


def test_region_falls_back_to_boto3s_own_resolution(aws: Aws, fake: FakeAutomation, project: Project) -> None:
    del fake.config["dev"]["aws:region"]
    east = Aws("us-east-1")  # AWS_DEFAULT_REGION
    east.service(
        "frontend-service", east.task_definition("dev-frontend"), desired=1, running=1, deployment="d"
    )
    fake.outputs = outputs({"frontend": DEV_SERVICES["frontend"]})
    result = run(["status", "--stack", "dev"], fake, project)
    assert result.out.splitlines()[0] == "Status of stack 'dev': cluster dev-cluster in us-east-1"
    assert result.out.splitlines()[3] == (
        "  frontend  COMPLETED            1        1        1        0  dev-frontend:1   no alarms exported"
    )
    assert result.out.splitlines()[-1] == (
        "Settled: all 1 service(s) have one COMPLETED deployment, every desired task running."
    )
    assert result.code == EXIT_OK


# ------------------------------------------------------------------------------------ --watch


class Script:
    """The `sleep` of --watch: records each interval, sleeps it for real, then moves moto to the next step."""

    def __init__(self, *steps: Callable[[], None], real: bool = True) -> None:
        self.steps = list(steps)
        self.real = real
        self.intervals: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.intervals.append(seconds)
        if self.real:
            time.sleep(seconds)
        self.steps.pop(0)()


def test_watch_refreshes_until_every_deployment_settles_then_exits_0(
    dev: Aws, fake: FakeAutomation, project: Project
) -> None:
    script = Script(lambda: dev.scale("backend-service", 2), lambda: dev.settle("backend-service"))
    result = run(["status", "--stack", "dev", "--watch", "--interval", "0.05"], fake, project, sleep=script)
    assert result.code == EXIT_OK, result.err
    assert script.intervals == [0.05, 0.05]
    lines = result.out.splitlines()
    assert lines[:4] == [
        "Watching stack 'dev' (cluster dev-cluster in eu-west-2) every 0.05s until every service settles; "
        "Ctrl-C to stop.",
        "[1] 1/2 settled: backend IN_PROGRESS 3/2 running, 1 pending, 2 deployment(s); "
        "frontend settled dev-frontend:1",
        "[2] 1/2 settled: backend IN_PROGRESS 4/2 running, 0 pending, 2 deployment(s); "
        "frontend settled dev-frontend:1",
        "[3] 2/2 settled: backend settled dev-backend:2; frontend settled dev-frontend:1",
    ]
    assert lines[4] == "Status of stack 'dev': cluster dev-cluster in eu-west-2"
    assert lines[7].startswith(
        "  backend   COMPLETED            1        2        2        0  dev-backend:2 "
    )
    assert lines[-1] == (
        "Settled: all 2 service(s) have one COMPLETED deployment, every desired task running. (3 refresh(es))"
    )
    assert len(lines) == 10  # no deployment lines once each service has one


def test_watch_exits_1_when_the_deployment_fails(dev: Aws, fake: FakeAutomation, project: Project) -> None:
    def fail() -> None:
        dev.moto_service("backend-service").deployments[0].update(
            rolloutState="FAILED",
            rolloutStateReason="ECS deployment circuit breaker: tasks failed to start.",
            failedTasks=3,
        )

    script = Script(fail)
    result = run(["status", "--stack", "dev", "--watch", "--interval", "0.01"], fake, project, sleep=script)
    assert result.code == EXIT_FAILED
    lines = result.out.splitlines()
    assert lines[2] == "[2] 1/2 settled: backend FAILED; frontend settled dev-frontend:1"
    assert lines[-4:] == [
        "  backend: deployment ecs-svc/1002 (dev-backend:2) FAILED, 3 task(s) failed: ECS deployment circuit "
        "breaker: tasks failed to start.",
        "  backend: PRIMARY ecs-svc/1002  dev-backend:2  FAILED  1/2 running, 1 pending",
        "  backend: ACTIVE  ecs-svc/1001  dev-backend:1  COMPLETED  2/2 running, 0 pending",
        "FAILED: backend (deployment FAILED). (2 refresh(es))",
    ]


def test_watch_exits_1_when_the_service_settles_rolled_back(
    dev: Aws, fake: FakeAutomation, project: Project
) -> None:
    """The FAILED deployment was not seen between two refreshes: the service settled on an older revision."""
    script = Script(lambda: dev.settle("backend-service", keep=1))
    result = run(["status", "--stack", "dev", "--watch", "--interval", "0.01"], fake, project, sleep=script)
    assert result.code == EXIT_FAILED
    lines = result.out.splitlines()
    assert (
        lines[2] == "[2] 1/2 settled: backend rolled back to dev-backend:1; frontend settled dev-frontend:1"
    )
    assert lines[-2:] == [
        "  backend: rolled back to dev-backend:1 (the watch began on dev-backend:2)",
        "FAILED: backend (rolled back). (2 refresh(es))",
    ]


def test_ctrl_c_stops_the_watch_with_130_and_changes_nothing(
    dev: Aws, fake: FakeAutomation, project: Project
) -> None:
    def interrupt() -> None:
        raise KeyboardInterrupt

    script = Script(interrupt, real=False)
    result = run(["status", "--stack", "dev", "--watch"], fake, project, sleep=script)
    assert script.intervals == [10.0]  # the default interval
    assert result.code == EXIT_INTERRUPTED
    assert result.err == "Stopped watching stack 'dev' (Ctrl-C) after 1 refresh(es); nothing was changed.\n"
    assert len(result.out.splitlines()) == 2  # the watching line and the first refresh


def test_watch_on_a_terminal_rewrites_the_table_in_place(
    dev: Aws, fake: FakeAutomation, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    script = Script(lambda: dev.settle("backend-service"))
    result = run(
        ["status", "--stack", "dev", "--watch", "--interval", "0.01"],
        fake,
        project,
        sleep=script,
        out=Terminal(),
    )
    assert result.code == EXIT_OK
    first, second = result.out.split("\x1b[8A\r\x1b[J")  # up over the 8 lines shown, clear to the end
    footer = "every 0.01s until every service settles; Ctrl-C to stop."
    assert first == DEV_TABLE + f"Refresh 1, {footer}\n"
    assert second.splitlines()[0] == "Status of stack 'dev': cluster dev-cluster in eu-west-2"
    assert second.splitlines()[-2:] == [
        f"Refresh 2, {footer}",
        "Settled: all 2 service(s) have one COMPLETED deployment, every desired task running. "
        "(2 refresh(es))",
    ]
    assert len(second.splitlines()) == 7


def test_watch_json_prints_one_document_at_the_end_and_progress_on_stderr(
    dev: Aws, fake: FakeAutomation, project: Project
) -> None:
    script = Script(lambda: dev.settle("backend-service"))
    argv = ["status", "--stack", "dev", "--watch", "--interval", "0.01", "--json"]
    result = run(argv, fake, project, sleep=script)
    assert result.code == EXIT_OK
    document = json.loads(result.out)
    assert document["result"] == "settled" and document["refreshes"] == 2
    assert {name: s["state"] for name, s in document["services"].items()} == {
        "backend": "settled",
        "frontend": "settled",
    }
    assert result.err.splitlines()[-1] == (
        "[2] 2/2 settled: backend settled dev-backend:2; frontend settled dev-frontend:1"
    )


# ------------------------------------------------------------------------------------ could not read it


def test_without_aws_credentials_one_line_names_the_fix(
    no_aws_environment: None, fake: FakeAutomation, project: Project
) -> None:
    result = run(["status", "--stack", "dev"], fake, project)
    assert result.code == EXIT_USAGE
    assert result.err == (
        "error: no usable AWS credentials (Unable to locate credentials); configure credentials for the "
        "stack's account (`aws configure`, `aws sso login` with AWS_PROFILE set, or AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY), then run `python -m ops status --stack dev` again.\n"
    )
    assert result.out == ""


def test_a_stack_without_outputs_says_to_deploy_it_and_never_reads_aws(
    no_aws_environment: None, fake: FakeAutomation, project: Project
) -> None:
    fake.outputs = {}
    result = run(["status", "--stack", "dev", "--watch"], fake, project)
    assert result.code == EXIT_USAGE
    assert result.err == (
        "error: stack 'dev' has no outputs (it has not been deployed); deploy the current program with "
        "`python -m ops up --stack dev`, then run status again.\n"
    )
    assert "get_all_config" not in fake.names()


def test_outputs_without_the_cluster_name_the_missing_output(
    no_aws_environment: None, fake: FakeAutomation, project: Project
) -> None:
    fake.outputs = {"vpcId": real.OutputValue("vpc-1", False), "services": real.OutputValue({}, False)}
    result = run(["status", "--stack", "dev"], fake, project)
    assert result.code == EXIT_USAGE
    assert result.err == (
        "error: stack 'dev' has no usable output 'clusterName' (outputs: services, vpcId); deploy the "
        "current program with `python -m ops up --stack dev`, then run status again.\n"
    )


def test_the_programs_own_outputs_give_each_service_its_ecs_name_and_alarms(dev_plan: Any) -> None:
    """What __main__.py exports (recorded under mocks, tests/conftest.py) is what status reads."""
    targets = targets_from_outputs("dev", dev_plan.outputs)
    assert targets.cluster == dev_plan.outputs["clusterName"]
    assert [(s.name, s.service_name) for s in targets.services] == [
        (name, dev_plan.outputs["services"][name]["serviceName"])
        for name in sorted(dev_plan.outputs["services"])
    ]
    backend = next(s for s in targets.services if s.name == "backend")
    assert backend.alarm_names == tuple(
        f"fargate-platform-dev-backend-{alarm}"
        for alarm in ("5xx-rate", "p95-latency", "unhealthy-hosts", "cpu", "memory")
    )


def test_alarm_names_that_are_not_a_list_of_strings_are_an_error() -> None:
    services = {"api": {"serviceName": "api-service", "alarmNames": "api-cpu"}}
    with pytest.raises(OpsError) as raised:
        targets_from_outputs("dev", {"clusterName": "c", "services": services})
    assert raised.value.exit_code == EXIT_USAGE
    assert raised.value.message.startswith(
        "error: stack 'dev' output services.api.alarmNames is not a list of alarm names ('api-cpu'); "
    )


def test_without_the_pulumi_cli_the_install_message_and_nothing_loaded(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "")

    def load() -> Any:
        raise AssertionError("pulumi.automation must not be loaded without a CLI")

    result = run(["status", "--stack", "dev", "--watch"], None, project, load=load)
    assert result.code == EXIT_USAGE
    assert result.err == PULUMI_MISSING_MESSAGE + "\n"


def test_an_unknown_stack_is_the_automation_apis_error(
    aws: Aws, fake: FakeAutomation, project: Project
) -> None:
    result = run(["status", "--stack", "qa"], fake, project)
    assert result.code == EXIT_USAGE
    assert result.err.startswith("error: stack 'qa' does not exist in the current Pulumi backend.")


def test_a_cluster_missing_in_aws_names_the_account_and_the_fix(
    aws: Aws, fake: FakeAutomation, project: Project
) -> None:
    fake.outputs = outputs(DEV_SERVICES, cluster="old-cluster")
    result = run(["status", "--stack", "dev"], fake, project)
    assert result.code == EXIT_USAGE
    assert result.err == (
        "error: cluster 'old-cluster' (output clusterName of stack 'dev') was not found in eu-west-2; use "
        "credentials for the stack's account (check `aws sts get-caller-identity`), or redeploy it with "
        "`python -m ops up --stack dev`.\n"
    )


def test_no_region_anywhere_says_where_to_set_it(
    no_aws_environment: None, fake: FakeAutomation, project: Project
) -> None:
    del fake.config["dev"]["aws:region"]
    result = run(["status", "--stack", "dev"], fake, project)
    assert result.code == EXIT_USAGE
    assert result.err == (
        "error: no AWS region: the stack config sets no aws:region and boto3 found none; set it with "
        "`pulumi config set aws:region REGION --stack dev` (or AWS_REGION), then run "
        "`python -m ops status --stack dev` again.\n"
    )


def test_interval_needs_watch_and_a_positive_number(
    fake: FakeAutomation, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(["status", "--stack", "dev", "--interval", "5"], fake, project)
    assert result.code == EXIT_USAGE
    assert result.err == "error: --interval sets how often --watch refreshes; add --watch.\n"
    assert fake.names() == []
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["status", "--stack", "dev", "--watch", "--interval", "0"])
    assert exit_info.value.code == 2
    assert "expected a positive number of seconds, got 0" in capsys.readouterr().err


def test_help_ends_with_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["status", "--help"])
    text = capsys.readouterr().out
    assert text.startswith("usage: python -m ops status [-h] --stack STACK [--watch] [--interval N]")
    assert "exit codes:\n  0    the status was read" in text and "\n  130  interrupted by Ctrl-C" in text


def test_the_cli_loads_neither_boto3_nor_pulumi_until_status_runs() -> None:
    code = (
        "import sys, ops.cli; ops.cli.build_parser(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'boto3', 'botocore', 'pulumi', 'moto'}))"
    )
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert result.stdout.strip() == "[]"
