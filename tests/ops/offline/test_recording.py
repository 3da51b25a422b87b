"""ops/offline/recording.py: run a fixture program under mocks and assert on the recorded plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from ops.offline.recording import Plan, ProgramConfigError, ProgramError, run_program

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
APP = FIXTURES / "recording_app" / "__main__.py"
PROJECT = "recording-fixture"
STACK_URN = f"urn:pulumi:dev::{PROJECT}"


def run_app(**extra: str) -> Plan:
    config = {f"{PROJECT}:dbPassword": "hunter2", "aws:region": "eu-west-2"}
    config |= {f"{PROJECT}:{k}": v for k, v in extra.items()}
    return run_program(
        APP, project=PROJECT, stack="dev", config=config, secret_keys=[f"{PROJECT}:dbPassword"]
    )


@pytest.fixture(scope="module")
def plan() -> Plan:
    return run_app()


def test_records_every_registered_resource_once(plan: Plan) -> None:
    assert sorted((r.type, r.name) for r in plan.resources) == [
        ("aws:cloudwatch/logGroup:LogGroup", "web-logs"),
        ("aws:ecs/cluster:Cluster", "web-cluster"),
        ("aws:iam/role:Role", "task-role"),
        ("aws:ssm/parameter:Parameter", "db-password"),
        ("awsx:ec2:Vpc", "net"),
        ("fixture:index:Pair", "web"),
        ("random:index/randomPassword:RandomPassword", "generated"),
    ]
    assert plan.project == PROJECT and plan.stack == "dev" and plan.region == "eu-west-2"


def test_components_and_parents(plan: Plan) -> None:
    pair = plan.by_name("web")
    assert pair.custom is False
    assert pair.urn == f"{STACK_URN}::fixture:index:Pair::web"
    assert pair.parent == ""
    assert {c.name for c in plan.children_of(pair.urn)} == {"web-logs", "web-cluster"}
    assert plan.children_of(plan.by_name("web-logs").urn) == []
    logs = plan.by_name("web-logs")
    assert logs.parent == pair.urn
    assert logs.urn == f"{STACK_URN}::fixture:index:Pair$aws:cloudwatch/logGroup:LogGroup::web-logs"
    assert logs.custom is True


def test_resource_options(plan: Plan) -> None:
    logs, role, param = plan.by_name("web-logs"), plan.by_name("task-role"), plan.by_name("db-password")
    assert (logs.protect, logs.retain_on_delete) == (True, False)
    assert (role.protect, role.retain_on_delete) == (False, True)
    assert param.depends_on == (role.urn,)
    assert plan.by_name("web-cluster").depends_on == ()


def test_inputs_are_plain_with_integers_and_secret_paths(plan: Plan) -> None:
    param = plan.by_name("db-password")
    assert param.inputs == {"value": "hunter2", "type": "SecureString", "tags": {"Account": "123456789012"}}
    assert param.secret_paths == ("value",)
    assert plan.by_name("web-logs").inputs == {"retentionInDays": 7}
    assert isinstance(plan.by_name("web-logs").inputs["retentionInDays"], int)
    assert plan.by_name("net").inputs == {"natGateways": {"strategy": "None"}, "numberOfAvailabilityZones": 2}
    assert plan.by_name("task-role").secret_paths == ()


def test_outputs_are_aws_shaped_and_resolved(plan: Plan) -> None:
    out = plan.outputs
    assert out["region"] == "eu-west-2"
    assert out["vpcId"].startswith("vpc-") and len(out["vpcId"]) == 21
    assert len(out["privateSubnetIds"]) == 2
    assert all(s.startswith("subnet-") for s in out["privateSubnetIds"])
    assert out["logGroupName"].startswith("web-logs-") and len(out["logGroupName"]) == len("web-logs-") + 7
    assert out["parameterArn"] == f"arn:aws:ssm:eu-west-2:123456789012:parameter/{param_name(plan)}"
    assert out["nested"]["count"] == 2
    assert out["nested"]["role"].startswith("arn:aws:iam::123456789012:role/task-role-")
    assert len(out["generated"]) == 24
    assert out["existingSgId"] == "sg-0123456789abcdef0"  # Resource.get is answered, not recorded


def param_name(plan: Plan) -> str:
    return plan.outputs["parameterArn"].rsplit("/", 1)[-1]


def test_random_password_result_is_a_secret_output(plan: Plan) -> None:
    assert plan.secret_outputs == ("generated",)


def test_runs_are_independent_and_deterministic(plan: Plan) -> None:
    again = run_program(
        APP,
        project=PROJECT,
        stack="dev",
        config={f"{PROJECT}:dbPassword": "other"},
        secret_keys=[f"{PROJECT}:dbPassword"],
    )
    assert len(again.resources) == len(plan.resources)
    assert again.region == "us-east-1"  # aws:region unset → the default
    assert again.outputs["region"] == "us-east-1"
    assert again.by_name("db-password").inputs["value"] == "other"
    assert again.outputs["vpcId"] == plan.outputs["vpcId"]  # ids derive from URNs, not from run order


def test_lookup_errors_name_the_problem(plan: Plan) -> None:
    with pytest.raises(KeyError, match="no resource named 'nope'; recorded names: db-password, generated"):
        plan.by_name("nope")
    assert plan.of_type("aws:ecs/cluster:Cluster") == [plan.by_name("web-cluster")]
    assert plan.by_urn(plan.by_name("net").urn).name == "net"


def test_program_exception_carries_message_and_location() -> None:
    with pytest.raises(ProgramError) as info:
        run_app(fail="top")
    assert info.value.message == "ValueError: fixture failure requested at top level"
    assert info.value.location == f"__main__.py:{line_of(APP, 'fixture failure requested')}"
    assert not isinstance(info.value, ProgramConfigError)


def test_exception_inside_apply_points_at_the_callback() -> None:
    with pytest.raises(ProgramError) as info:
        run_app(fail="apply")
    assert info.value.message.startswith("RuntimeError: failure inside apply for arn:aws:ssm:eu-west-2:")
    assert info.value.location == f"__main__.py:{line_of(APP, 'failure inside apply')}"


def test_engine_log_messages_are_kept_and_a_logged_error_fails(plan: Plan) -> None:
    assert plan.messages == ("warning: fixture: this stack has no NAT gateway",)
    with pytest.raises(ProgramError) as info:
        run_app(fail="logged")
    assert (
        info.value.message
        == "the program logged an error: fixture: the certificate ARN is not in this region"
    )


def test_config_error_keeps_its_problem_lines() -> None:
    program = FIXTURES / "config_error_app" / "__main__.py"
    with pytest.raises(ProgramConfigError) as info:
        run_program(
            program,
            project="config-error-fixture",
            stack="dev",
            config={"config-error-fixture:memory": "4096"},
        )
    assert info.value.problems == (
        "services.backend.memory: 4096 is not valid with cpu 256; valid: 512, 1024, 2048",
        "services.backend.port: required; set a container port such as 8000",
    )
    assert info.value.location == f"__main__.py:{line_of(program, 'raise ConfigError')}"
    clean = run_program(program, project="config-error-fixture", stack="dev", config={})
    assert clean.resources == []


def test_missing_program_file() -> None:
    with pytest.raises(ProgramError, match="does not exist"):
        run_program(FIXTURES / "nowhere" / "__main__.py", project="p", stack="dev", config={})


def line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")
