"""The stack commands against a test double of `pulumi.automation`.

The double (`FakeAutomation`) stands exactly where `pulumi.automation` stands: it offers `LocalWorkspace`,
`Stack.select` / `Stack.create_or_select`, `ConfigValue` and the SDK's real error classes. Every Stack call
is checked against the real SDK method's signature (a misspelt keyword fails the test), recorded, fed
real `EngineEvent`s built from engine JSON, and answered with the SDK's real result types. Errors are the
ones the SDK itself builds from a CLI result (`create_command_error`).
"""

from __future__ import annotations

import inspect
import io
import json
import os
import stat
from datetime import datetime
from pathlib import Path
from typing import Any

import pulumi.automation as real
import pytest
from pulumi.automation import errors as real_errors

from ops.automation.console import Console
from ops.automation.errors import (
    EXIT_BUSY,
    EXIT_DRIFT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    PULUMI_MISSING_MESSAGE,
)
from ops.automation.project import Project
from ops.cli import build_parser

STACK_COMMANDS = ("preview", "up", "destroy", "refresh", "drift", "outputs", "review")
CONFLICT = "error: [409] Conflict: Another update is currently in progress."


# ------------------------------------------------------------------------------------ engine events


def _event(**payload: Any) -> real.EngineEvent:
    return real.EngineEvent.from_json({"sequence": 1, "timestamp": 1, **payload})


def urn(stack: str, type_: str, name: str) -> str:
    return f"urn:pulumi:{stack}::fargate-platform::{type_}::{name}"


def step(kind: str, op: str, type_: str, name: str, stack: str = "dev", **metadata: Any) -> real.EngineEvent:
    meta = {"op": op, "urn": urn(stack, type_, name), "type": type_, "provider": "", **metadata}
    return _event(**{kind: {"metadata": meta}})


def policy(level: str, name: str, resource: str, message: str, stack: str = "dev") -> real.EngineEvent:
    return _event(
        policyEvent={
            "message": message,
            "color": "never",
            "policyName": name,
            "policyPackName": "fargate-platform",
            "policyPackVersion": "0.1.0",
            "policyPackVersionTag": "v0.1.0",
            "enforcementLevel": level,
            "resourceUrn": urn(stack, "aws:ecs/service:Service", resource),
        }
    )


def summary(changes: dict[str, int]) -> real.EngineEvent:
    return _event(
        summaryEvent={
            "maybeCorrupt": False,
            "durationSeconds": 1,
            "resourceChanges": changes,
            "PolicyPacks": {},
        }
    )


def op_map(changes: dict[str, int]) -> real.OpMap:
    """Change counts keyed by the SDK's OpType (the results' declared key type)."""
    return {real.OpType(op): count for op, count in changes.items()}


def command_error(stderr: str, stdout: str = "") -> Exception:
    """The exception the SDK raises for a failed CLI run with this output."""
    return real_errors.create_command_error(real.CommandResult(stdout=stdout, stderr=stderr, code=255))


# ------------------------------------------------------------------------------------ the test double


def check(method: Any, *args: Any, **kwargs: Any) -> None:
    """Fail when a call would not bind to the real SDK method's signature."""
    inspect.signature(method).bind(*args, **kwargs)


class FakeAutomation:
    """A stand-in for the `pulumi.automation` module, scripted per operation and recording every call."""

    def __init__(self, stacks: tuple[str, ...] = ("dev", "prod")) -> None:
        self.stacks = set(stacks)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.events: dict[str, list[real.EngineEvent]] = {}
        self.changes: dict[str, dict[str, int]] = {}
        self.errors: dict[str, BaseException] = {}
        self.outputs: dict[str, real.OutputValue] = {}
        self.cli_lines: dict[str, list[str]] = {}
        self.config: dict[str, dict[str, real.ConfigValue]] = {
            "dev": {
                "aws:region": real.ConfigValue("eu-west-2"),
                "fargate-platform:environment": real.ConfigValue("dev"),
                "fargate-platform:services": real.ConfigValue(
                    json.dumps(
                        {
                            "backend": {"image": {"repository": "backend", "tag": "latest"}, "port": 8000},
                            "frontend": {"image": {"repository": "frontend"}, "port": 3000},
                            "proxy": {"image": "nginx:1.27", "port": 80},
                        }
                    )
                ),
                "fargate-platform:sentryDsn": real.ConfigValue("https://key@sentry.example/1", secret=True),
            },
        }
        # The names `pulumi.automation` exports and the commands use.
        self.ConfigValue = real.ConfigValue
        self.CommandError = real.CommandError
        self.ConcurrentUpdateError = real.ConcurrentUpdateError
        self.StackNotFoundError = real.StackNotFoundError
        self.InvalidVersionError = real.InvalidVersionError
        self.workspace_error: BaseException | None = None
        self.LocalWorkspace = self._workspace_class()
        self.Stack = self._stack_class()

    # -- recording helpers
    def record(self, name: str, **kwargs: Any) -> None:
        self.calls.append((name, kwargs))

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def kwargs(self, name: str) -> dict[str, Any]:
        matching = [kwargs for call, kwargs in self.calls if call == name]
        assert len(matching) == 1, f"{name} called {len(matching)} times: {self.names()}"
        return matching[0]

    # -- the classes
    def _workspace_class(self) -> type:
        fake = self

        class LocalWorkspace:
            def __init__(self, work_dir: str | None = None, **options: Any) -> None:
                inspect.signature(real.LocalWorkspace).bind(work_dir=work_dir, **options)
                fake.record("LocalWorkspace", work_dir=work_dir, **options)
                if fake.workspace_error is not None:
                    raise fake.workspace_error
                self.work_dir = work_dir

            def get_all_config(self, stack_name: str) -> dict[str, real.ConfigValue]:
                check(real.LocalWorkspace.get_all_config, self, stack_name)
                fake.record("workspace.get_all_config", stack_name=stack_name)
                return dict(fake.config.get(stack_name, {}))

            def remove_stack(
                self, stack_name: str, force: bool | None = None, preserve_config: bool | None = None
            ) -> None:
                check(
                    real.LocalWorkspace.remove_stack,
                    self,
                    stack_name,
                    force=force,
                    preserve_config=preserve_config,
                )
                fake.record("workspace.remove_stack", stack_name=stack_name, force=force)
                fake.stacks.discard(stack_name)

        return LocalWorkspace

    def _stack_class(self) -> type:
        fake = self

        class Stack:
            def __init__(self, name: str, workspace: Any) -> None:
                self.name = name
                self.workspace = workspace

            @classmethod
            def select(cls, stack_name: str, workspace: Any) -> Stack:
                check(real.Stack.select, stack_name, workspace)
                fake.record("Stack.select", stack_name=stack_name, work_dir=workspace.work_dir)
                if stack_name not in fake.stacks:
                    raise command_error(f"error: no stack named '{stack_name}' found")
                return cls(stack_name, workspace)

            @classmethod
            def create_or_select(cls, stack_name: str, workspace: Any) -> Stack:
                check(real.Stack.create_or_select, stack_name, workspace)
                fake.record("Stack.create_or_select", stack_name=stack_name, work_dir=workspace.work_dir)
                fake.stacks.add(stack_name)
                return cls(stack_name, workspace)

            def _operation(self, method: str, kwargs: dict[str, Any]) -> None:
                inspect.signature(getattr(real.Stack, method)).bind(self, **kwargs)
                fake.record(method, stack=self.name, **kwargs)
                for line in fake.cli_lines.get(method, []):
                    if kwargs.get("on_output") is not None:
                        kwargs["on_output"](line)
                on_event = kwargs.get("on_event")
                for event in fake.events.get(method, []):
                    assert on_event is not None, f"{method} streamed events but no on_event was passed"
                    on_event(event)
                if method in fake.changes and on_event is not None:
                    on_event(summary(fake.changes[method]))
                if method in fake.errors:
                    raise fake.errors[method]

            def _summary(self, method: str) -> real.UpdateSummary:
                return real.UpdateSummary(
                    kind=method,
                    start_time=datetime(2026, 11, 22),
                    message="",
                    environment={},
                    config={},
                    result="succeeded",
                    resource_changes=op_map(fake.changes.get(method, {})),
                )

            def preview(self, **kwargs: Any) -> real.PreviewResult:
                self._operation("preview", kwargs)
                return real.PreviewResult("", "", op_map(fake.changes.get("preview", {})))

            def preview_refresh(self, **kwargs: Any) -> real.PreviewResult:
                self._operation("preview_refresh", kwargs)
                return real.PreviewResult("", "", op_map(fake.changes.get("preview_refresh", {})))

            def up(self, **kwargs: Any) -> real.UpResult:
                self._operation("up", kwargs)
                return real.UpResult("", "", self._summary("up"), dict(fake.outputs))

            def destroy(self, **kwargs: Any) -> real.DestroyResult:
                self._operation("destroy", kwargs)
                return real.DestroyResult("", "", self._summary("destroy"))

            def refresh(self, **kwargs: Any) -> real.RefreshResult:
                self._operation("refresh", kwargs)
                return real.RefreshResult("", "", self._summary("refresh"))

            def outputs(self) -> dict[str, real.OutputValue]:
                fake.record("outputs", stack=self.name)
                return dict(fake.outputs)

            def cancel(self) -> None:
                fake.record("cancel", stack=self.name)

            def get_all_config(self) -> dict[str, real.ConfigValue]:
                fake.record("get_all_config", stack=self.name)
                return dict(fake.config.get(self.name, {}))

            def set_all_config(self, config: dict[str, real.ConfigValue], *, path: bool = False) -> None:
                check(real.Stack.set_all_config, self, config, path=path)
                fake.record("set_all_config", stack=self.name, config=dict(config), path=path)
                fake.config.setdefault(self.name, {}).update(config)

            def set_config(self, key: str, value: real.ConfigValue, *, path: bool = False) -> None:
                check(real.Stack.set_config, self, key, value, path=path)
                assert isinstance(value, real.ConfigValue)
                fake.record(
                    "set_config", stack=self.name, key=key, value=value.value, secret=value.secret, path=path
                )

        return Stack


class TerminalInput(io.StringIO):
    """Answers typed on a terminal."""

    def isatty(self) -> bool:
        return True


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture
def project(tmp_path: Path) -> Project:
    (tmp_path / "Pulumi.yaml").write_text("name: fargate-platform\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  fargate-platform:environment: dev\n")
    (tmp_path / "Pulumi.prod.yaml").write_text("config:\n  fargate-platform:environment: prod\n")
    (tmp_path / "Pulumi.live.yaml").write_text("config:\n  fargate-platform:environment: prod  # customers\n")
    config_dir = tmp_path / "policy" / "config"
    config_dir.mkdir(parents=True)
    for stack in ("dev", "prod"):
        (config_dir / f"{stack}.json").write_text("{}\n")
    return Project(tmp_path)


def fake_pulumi_on_path(bin_dir: Path, monkeypatch: pytest.MonkeyPatch, exit_code: int) -> Path:
    """Make ``bin_dir`` the only PATH entry, holding an executable `pulumi` that exits with ``exit_code``."""
    bin_dir.mkdir()
    pulumi = bin_dir / "pulumi"
    pulumi.write_text(f"#!/bin/sh\nexit {exit_code}\n")
    pulumi.chmod(pulumi.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(bin_dir))
    return pulumi


@pytest.fixture
def cli_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH whose only entry holds an executable named `pulumi` (the double does the work)."""
    return fake_pulumi_on_path(tmp_path / "bin", monkeypatch, 99).parent


@pytest.fixture
def fake(cli_on_path: Path) -> FakeAutomation:
    return FakeAutomation()


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def run(
    argv: list[str],
    fake: FakeAutomation | None,
    project: Project,
    stdin: io.StringIO | None = None,
    load: Any = None,
) -> Run:
    args = build_parser().parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    console = Console(out=out, err=err, stdin=stdin if stdin is not None else io.StringIO())
    loader = load if load is not None else (lambda: fake)
    code = args.handler(args, load=loader, console=console, project=project)
    return Run(code, out.getvalue(), err.getvalue())


# ------------------------------------------------------------------------------------ help


@pytest.mark.parametrize("command", STACK_COMMANDS)
def test_every_command_has_help_with_exit_codes(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([command, "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert f"usage: python -m ops {command}" in text
    assert "exit codes:" in text and "3    drift" in text and "130  interrupted" in text


# ------------------------------------------------------------------------------------ preview


def test_preview_selects_the_stack_in_the_project_dir_and_attaches_the_pack_and_its_config(
    fake: FakeAutomation, project: Project
) -> None:
    fake.events["preview"] = [
        step("resourcePreEvent", "create", "aws:ecs/service:Service", "backend", planning=True),
        step("resourcePreEvent", "same", "aws:ecs/cluster:Cluster", "cluster", planning=True),
        step("resourcePreEvent", "update", "aws:lb/listener:Listener", "http", planning=True),
    ]
    fake.changes["preview"] = {"create": 1, "update": 1, "same": 5}

    result = run(["preview", "--stack", "dev"], fake, project)

    assert result.code == EXIT_OK, result.err
    assert fake.names() == ["LocalWorkspace", "Stack.select", "preview"]
    assert fake.kwargs("LocalWorkspace") == {"work_dir": str(project.root)}
    assert fake.kwargs("Stack.select") == {"stack_name": "dev", "work_dir": str(project.root)}
    call = fake.kwargs("preview")
    assert call["stack"] == "dev"
    assert call["policy_packs"] == [str(project.root / "policy")]
    assert call["policy_pack_configs"] == [str(project.root / "policy" / "config" / "dev.json")]
    assert callable(call["on_event"])
    assert call["on_output"] is None
    assert call["color"] == "never"
    assert "  +  create     aws:ecs/service:Service backend\n" in result.out
    assert "  ~  update     aws:lb/listener:Listener http\n" in result.out
    assert "cluster" not in result.out  # unchanged resources are counted, not listed
    assert "Preview of 'dev': 1 to create, 1 to update, 5 unchanged.\n" in result.out
    assert "Policy pack: policy/ with policy/config/dev.json (stack dev)\n" in result.out
    assert "Policy: no violations.\n" in result.out


def test_preview_cli_output_streams_the_cli_display(fake: FakeAutomation, project: Project) -> None:
    fake.changes["preview"] = {"same": 3}
    fake.cli_lines["preview"] = ["\x1b[1mPreviewing update (dev):\x1b[0m", "Resources:", "    3 unchanged"]
    result = run(["preview", "--stack", "dev", "--cli-output"], fake, project)
    assert result.code == EXIT_OK
    assert callable(fake.kwargs("preview")["on_output"])
    expected = "Previewing update (dev):\nResources:\n    3 unchanged\nPreview of 'dev': 3 unchanged.\n"
    assert expected in result.out


def test_preview_without_a_stack_policy_config_runs_the_pack_with_its_defaults(
    fake: FakeAutomation, project: Project
) -> None:
    fake.stacks.add("staging")
    fake.changes["preview"] = {"same": 1}
    result = run(["preview", "--stack", "staging"], fake, project)
    call = fake.kwargs("preview")
    assert result.code == EXIT_OK
    assert call["policy_packs"] == [str(project.root / "policy")]
    assert "policy_pack_configs" not in call
    assert (
        "Policy pack: policy/ with its default config (no policy/config/staging.json, and the stack sets no "
        "fargate-platform:environment)\n"
    ) in result.out


def test_preview_of_a_stack_without_its_own_policy_config_takes_its_environments(
    fake: FakeAutomation, project: Project
) -> None:
    (project.root / "Pulumi.qa.yaml").write_text("config:\n  fargate-platform:environment: prod\n")
    fake.stacks.add("qa")
    fake.changes["preview"] = {"same": 1}
    result = run(["preview", "--stack", "qa"], fake, project)
    assert result.code == EXIT_OK
    assert fake.kwargs("preview")["policy_pack_configs"] == [
        str(project.root / "policy" / "config" / "prod.json")
    ]
    assert "Policy pack: policy/ with policy/config/prod.json (environment prod)\n" in result.out


def test_preview_mandatory_violations_exit_1_and_are_listed(fake: FakeAutomation, project: Project) -> None:
    fake.events["preview"] = [
        policy(
            "mandatory",
            "fargate-read-only-root-filesystem",
            "backend",
            "Container 'backend' in task definition backend must set readonlyRootFilesystem: true.",
        ),
        policy("advisory", "fargate-spot-in-non-prod", "backend", "Service backend should use Spot."),
    ]
    fake.errors["preview"] = command_error("error: preview failed")

    result = run(["preview", "--stack", "dev"], fake, project)

    assert result.code == EXIT_FAILED
    assert result.err == (
        "error: 1 mandatory policy violation(s) on stack 'dev'; preview failed:\n"
        "  [mandatory] fargate-read-only-root-filesystem (fargate-platform) on aws:ecs/service:Service "
        "backend: Container 'backend' in task definition backend must set readonlyRootFilesystem: true.\n"
        "Fix the resources (or the stack config), then run it again. "
        "Offline: python -m ops check --stack dev\n"
    )
    # both were streamed as they arrived
    assert "  policy [advisory] fargate-spot-in-non-prod (fargate-platform)" in result.out


def test_preview_advisory_violations_are_listed_and_do_not_fail(
    fake: FakeAutomation, project: Project
) -> None:
    fake.events["preview"] = [policy("advisory", "fargate-spot-in-non-prod", "backend", "Use Spot.")]
    fake.changes["preview"] = {"same": 2}
    result = run(["preview", "--stack", "dev"], fake, project)
    assert result.code == EXIT_OK
    assert (
        "Policy: 1 advisory violation(s), not blocking:\n"
        "  [advisory] fargate-spot-in-non-prod (fargate-platform) on aws:ecs/service:Service backend: "
        "Use Spot.\n"
    ) in result.out


def test_preview_engine_failure_shows_the_error_diagnostics(fake: FakeAutomation, project: Project) -> None:
    fake.events["preview"] = [
        _event(
            diagnosticEvent={
                "message": (
                    "\x1b[31mconfig error: services.backend.memory: 4096 is not valid with cpu 256\x1b[0m\n"
                ),
                "color": "never",
                "severity": "error",
                "urn": urn("dev", "pulumi:pulumi:Stack", "fargate-platform-dev"),
            }
        )
    ]
    fake.errors["preview"] = command_error("error: an unhandled error occurred", stdout="...")
    result = run(["preview", "--stack", "dev"], fake, project)
    assert result.code == EXIT_FAILED
    assert result.err == (
        "error: `pulumi preview` failed on stack 'dev':\n"
        "  pulumi:pulumi:Stack fargate-platform-dev: config error: services.backend.memory: 4096 is not "
        "valid with cpu 256\n"
    )


def test_preview_unknown_stack_names_the_fix(fake: FakeAutomation, project: Project) -> None:
    result = run(["preview", "--stack", "qa"], fake, project)
    assert result.code == EXIT_USAGE
    assert result.err == (
        f"error: stack 'qa' does not exist in the current Pulumi backend. Create it with "
        f"`pulumi stack init qa` (in {project.root}), or log in to the backend that holds it "
        "(`pulumi login`). Stack config files here: dev, live, prod.\n"
    )
    assert "preview" not in fake.names()


def test_preview_image_tag_pins_every_ecr_service_image(fake: FakeAutomation, project: Project) -> None:
    fake.changes["preview"] = {"update": 2}
    result = run(["preview", "--stack", "dev", "--image-tag", "3f2a9c1"], fake, project)
    assert result.code == EXIT_OK
    sets = [kwargs for name, kwargs in fake.calls if name == "set_config"]
    assert sets == [
        {
            "stack": "dev",
            "key": "fargate-platform:services.backend.image.tag",
            "value": "3f2a9c1",
            "secret": False,
            "path": True,
        },
        {
            "stack": "dev",
            "key": "fargate-platform:services.frontend.image.tag",
            "value": "3f2a9c1",
            "secret": False,
            "path": True,
        },
    ]
    assert fake.names().index("set_config") < fake.names().index("preview")
    assert "Image tag 3f2a9c1 set for: backend, frontend\n" in result.out


# ------------------------------------------------------------------------------------ up


def test_up_with_yes_updates_at_once_with_the_pack_and_prints_summary_and_masked_outputs(
    fake: FakeAutomation, project: Project
) -> None:
    fake.events["up"] = [
        step("resOutputsEvent", "create", "aws:ecs/service:Service", "backend"),
        step("resOutputsEvent", "same", "aws:ecs/cluster:Cluster", "cluster"),
    ]
    fake.changes["up"] = {"create": 1, "same": 7}
    fake.outputs = {
        "url": real.OutputValue("http://alb.example", False),
        "dbPassword": real.OutputValue("hunter2", True),
    }

    result = run(["up", "--stack", "dev", "--yes"], fake, project)

    assert result.code == EXIT_OK, result.err
    assert fake.names() == ["LocalWorkspace", "Stack.select", "up"]
    call = fake.kwargs("up")
    assert call["policy_packs"] == [str(project.root / "policy")]
    assert call["policy_pack_configs"] == [str(project.root / "policy" / "config" / "dev.json")]
    assert callable(call["on_event"])
    assert "  +  created    aws:ecs/service:Service backend\n" in result.out
    assert "Update of 'dev': 1 created, 7 unchanged.\n" in result.out
    assert "  dbPassword: [secret]\n  url: http://alb.example\n" in result.out
    assert "hunter2" not in result.out


def test_up_without_yes_and_without_a_terminal_refuses_clearly(
    fake: FakeAutomation, project: Project
) -> None:
    result = run(["up", "--stack", "dev"], fake, project, stdin=io.StringIO())
    assert result.code == EXIT_USAGE
    assert result.err == (
        "error: refusing to update stack 'dev' without confirmation: stdin is not a terminal.\n"
        "Review the changes with `python -m ops preview --stack dev`, then pass --yes.\n"
    )
    assert "up" not in fake.names() and "preview" not in fake.names()


def test_up_on_a_terminal_previews_then_asks_and_deploys_on_yes(
    fake: FakeAutomation, project: Project
) -> None:
    fake.changes["preview"] = {"create": 2}
    fake.changes["up"] = {"create": 2}
    result = run(["up", "--stack", "dev"], fake, project, stdin=TerminalInput("yes\n"))
    assert result.code == EXIT_OK, result.err
    assert fake.names() == ["LocalWorkspace", "Stack.select", "preview", "up"]
    assert "Preview of 'dev': 2 to create.\nPolicy: no violations.\n" in result.out
    assert "Deploy these changes to stack 'dev'? [yes/no]: " in result.out


def test_up_on_a_terminal_answered_no_changes_nothing(fake: FakeAutomation, project: Project) -> None:
    fake.changes["preview"] = {"create": 2}
    result = run(["up", "--stack", "dev"], fake, project, stdin=TerminalInput("n\n"))
    assert result.code == EXIT_USAGE
    assert result.err == "Not confirmed; nothing was changed.\n"
    assert "up" not in fake.names()


def test_up_on_a_terminal_stops_before_asking_when_the_preview_has_mandatory_violations(
    fake: FakeAutomation, project: Project
) -> None:
    fake.events["preview"] = [
        policy("mandatory", "fargate-no-privileged", "backend", "must not be privileged.")
    ]
    fake.errors["preview"] = command_error("error: preview failed")
    stdin = TerminalInput("yes\n")
    result = run(["up", "--stack", "dev"], fake, project, stdin=stdin)
    assert result.code == EXIT_FAILED
    assert "[mandatory] fargate-no-privileged" in result.err
    assert "up" not in fake.names()
    assert stdin.read() == "yes\n"  # never asked


def test_up_mandatory_violations_during_the_update_exit_1(fake: FakeAutomation, project: Project) -> None:
    fake.events["up"] = [policy("mandatory", "fargate-no-privileged", "backend", "must not be privileged.")]
    fake.errors["up"] = command_error("error: update failed")
    result = run(["up", "--stack", "dev", "--yes"], fake, project)
    assert result.code == EXIT_FAILED
    assert result.err.startswith(
        "error: 1 mandatory policy violation(s) on stack 'dev'; up failed:\n"
        "  [mandatory] fargate-no-privileged (fargate-platform) on "
        "aws:ecs/service:Service backend: must not be privileged.\n"
    )


def test_up_concurrent_update_says_wait_or_cancel(fake: FakeAutomation, project: Project) -> None:
    fake.errors["up"] = command_error(CONFLICT)
    result = run(["up", "--stack", "prod", "--yes"], fake, project)
    assert result.code == EXIT_BUSY
    assert result.err == (
        "error: another update is already running on stack 'prod', so `up` did not start.\n"
        "Wait for it to finish (watch `pulumi stack history --stack prod` or the backend's console), "
        "then run the command again.\n"
        "If that update was abandoned (its process is gone), cancel it: pulumi cancel --stack prod\n"
        "(cancelling a live update can leave resources half-changed; prefer waiting).\n"
    )
    assert "cancel" not in fake.names()


def test_concurrent_update_on_a_diy_backend_lock_is_recognised_too(
    fake: FakeAutomation, project: Project
) -> None:
    fake.errors["destroy"] = command_error(
        "error: the stack is currently locked by 1 lock(s). Either wait "
        "for the other process(es) to end or delete the lock file"
    )
    result = run(["destroy", "--stack", "dev", "--yes"], fake, project)
    assert result.code == EXIT_BUSY
    assert "another update is already running on stack 'dev'" in result.err


def test_ctrl_c_during_up_cancels_the_update_and_exits_130(fake: FakeAutomation, project: Project) -> None:
    fake.events["up"] = [step("resourcePreEvent", "create", "aws:ecs/service:Service", "backend")]
    fake.errors["up"] = KeyboardInterrupt()
    result = run(["up", "--stack", "dev", "--yes"], fake, project)
    assert result.code == EXIT_INTERRUPTED
    assert fake.names() == ["LocalWorkspace", "Stack.select", "up", "cancel"]
    assert fake.kwargs("cancel") == {"stack": "dev"}
    assert result.err == (
        "Interrupted: cancelling the up running on stack 'dev'...\n"
        "Cancelled. Resources being changed when it stopped may need `python -m ops refresh --stack dev`.\n"
        "up of stack 'dev' was interrupted.\n"
    )


def test_ctrl_c_when_cancel_itself_fails_says_how_to_cancel_by_hand(
    fake: FakeAutomation, project: Project
) -> None:
    fake.errors["destroy"] = KeyboardInterrupt()

    def failing_cancel(self: Any) -> None:
        fake.record("cancel", stack=self.name)
        raise command_error("error: no update is currently running")

    fake.Stack.cancel = failing_cancel  # type: ignore[attr-defined]
    result = run(["destroy", "--stack", "dev", "--confirm", "dev"], fake, project)
    assert result.code == EXIT_INTERRUPTED
    assert "cancel" in fake.names()
    assert "If an update is still shown as running, run: pulumi cancel --stack dev\n" in result.err


def test_ctrl_c_during_preview_exits_130_without_cancelling(fake: FakeAutomation, project: Project) -> None:
    fake.errors["preview"] = KeyboardInterrupt()
    result = run(["preview", "--stack", "dev"], fake, project)
    assert result.code == EXIT_INTERRUPTED
    assert result.err == "Interrupted; nothing was changed.\n"
    assert "cancel" not in fake.names()


# ------------------------------------------------------------------------------------ destroy


def test_destroy_prod_without_confirm_refuses_before_touching_pulumi(
    fake: FakeAutomation, project: Project
) -> None:
    result = run(["destroy", "--stack", "prod", "--yes"], fake, project, stdin=TerminalInput("prod\n"))
    assert result.code == EXIT_USAGE
    assert result.err == (
        "error: stack 'prod' is protected: destroying it needs its name typed back. Nothing was destroyed.\n"
        "To destroy it: python -m ops destroy --stack prod --confirm prod\n"
    )
    assert fake.calls == []


def test_destroy_prod_with_a_typo_refuses_and_says_what_to_type(
    fake: FakeAutomation, project: Project
) -> None:
    result = run(["destroy", "--stack", "prod", "--confirm", "prd"], fake, project)
    assert result.code == EXIT_USAGE
    assert result.err == (
        "error: refusing to destroy stack 'prod': --confirm 'prd' does not match the stack name. "
        "Nothing was destroyed.\nTo destroy it, type its name exactly: --confirm prod\n"
    )
    assert "destroy" not in fake.names()
    assert fake.calls == []


def test_destroy_a_stack_whose_config_says_prod_is_protected_too(
    fake: FakeAutomation, project: Project
) -> None:
    fake.stacks.add("live")
    result = run(["destroy", "--stack", "live", "--yes"], fake, project)
    assert result.code == EXIT_USAGE
    assert "stack 'live' is protected" in result.err
    assert fake.calls == []


def test_destroy_prod_with_its_name_typed_back_destroys_it(fake: FakeAutomation, project: Project) -> None:
    fake.events["destroy"] = [step("resOutputsEvent", "delete", "aws:ecs/service:Service", "backend", "prod")]
    fake.changes["destroy"] = {"delete": 12}
    result = run(["destroy", "--stack", "prod", "--confirm", "prod"], fake, project)
    assert result.code == EXIT_OK, result.err
    assert fake.names() == ["LocalWorkspace", "Stack.select", "destroy"]
    call = fake.kwargs("destroy")
    assert call["stack"] == "prod" and callable(call["on_event"])
    assert "remove" not in call  # the stack and its config stay
    assert "  -  deleted    aws:ecs/service:Service backend\n" in result.out
    assert "Destroy of 'prod': 12 deleted.\n" in result.out


def test_destroy_dev_without_confirmation_and_without_a_terminal_refuses(
    fake: FakeAutomation, project: Project
) -> None:
    result = run(["destroy", "--stack", "dev"], fake, project)
    assert result.code == EXIT_USAGE
    assert result.err == (
        "error: refusing to destroy stack 'dev' without confirmation: stdin is not a "
        "terminal. Nothing was destroyed.\nPass --confirm dev (or --yes).\n"
    )
    assert fake.calls == []


def test_destroy_dev_on_a_terminal_needs_the_name_typed(fake: FakeAutomation, project: Project) -> None:
    wrong = run(["destroy", "--stack", "dev"], fake, project, stdin=TerminalInput("yes\n"))
    assert wrong.code == EXIT_USAGE
    assert wrong.err == "error: 'yes' does not match 'dev'. Nothing was destroyed.\n"
    assert fake.calls == []
    right = run(["destroy", "--stack", "dev"], fake, project, stdin=TerminalInput("dev\n"))
    assert right.code == EXIT_OK
    assert fake.names() == ["LocalWorkspace", "Stack.select", "destroy"]


# ------------------------------------------------------------------------------------ refresh and drift


def test_drift_runs_a_preview_refresh_expecting_no_changes_and_exits_3_listing_drift(
    fake: FakeAutomation, project: Project
) -> None:
    fake.events["preview_refresh"] = [
        step("resOutputsEvent", "refresh", "aws:ecs/cluster:Cluster", "cluster"),
        step(
            "resOutputsEvent",
            "update",
            "aws:ecs/service:Service",
            "backend",
            diffs=["desiredCount"],
            old={"type": "aws:ecs/service:Service", "urn": "u"},
            new={"type": "aws:ecs/service:Service", "urn": "u"},
        ),
        step(
            "resOutputsEvent",
            "delete",
            "aws:cloudwatch/logGroup:LogGroup",
            "backend-logs",
            old={"type": "aws:cloudwatch/logGroup:LogGroup", "urn": "u"},
        ),
    ]
    fake.changes["preview_refresh"] = {"update": 1, "delete": 1, "same": 20}
    fake.errors["preview_refresh"] = command_error("error: no changes were expected but changes occurred")

    result = run(["drift", "--stack", "dev"], fake, project)

    assert result.code == EXIT_DRIFT
    call = fake.kwargs("preview_refresh")
    assert call["expect_no_changes"] is True and callable(call["on_event"]) and call["stack"] == "dev"
    assert "refresh" not in fake.names() and "up" not in fake.names()
    assert result.out.endswith(
        "Drift on stack 'dev':\n"
        "2 resource(s) differ from the stack's state:\n"
        "  aws:ecs/service:Service backend: changed [desiredCount]\n"
        "  aws:cloudwatch/logGroup:LogGroup backend-logs: deleted outside Pulumi\n"
        "Adopt the cloud state with `python -m ops refresh --stack dev`, or restore the program's state "
        "with `python -m ops up --stack dev`.\n"
    )


def test_drift_recognises_refresh_steps_that_carry_a_diff(fake: FakeAutomation, project: Project) -> None:
    fake.events["preview_refresh"] = [
        step(
            "resOutputsEvent",
            "refresh",
            "aws:ecs/service:Service",
            "backend",
            detailedDiff={"tags.owner": {"diffKind": "update", "inputDiff": False}},
            old={"type": "aws:ecs/service:Service", "urn": "u"},
            new={"type": "aws:ecs/service:Service", "urn": "u"},
        ),
    ]
    fake.changes["preview_refresh"] = {"same": 4}
    result = run(["drift", "--stack", "dev"], fake, project)
    assert result.code == EXIT_DRIFT
    assert "  aws:ecs/service:Service backend: changed [tags.owner]\n" in result.out


def test_drift_none_exits_0(fake: FakeAutomation, project: Project) -> None:
    fake.events["preview_refresh"] = [
        step("resOutputsEvent", "refresh", "aws:ecs/cluster:Cluster", "cluster")
    ]
    fake.changes["preview_refresh"] = {"same": 9}
    result = run(["drift", "--stack", "dev"], fake, project)
    assert result.code == EXIT_OK
    assert result.out.endswith("No drift: stack 'dev' matches the cloud (9 unchanged).\n")


def test_drift_other_failures_are_errors_not_drift(fake: FakeAutomation, project: Project) -> None:
    fake.errors["preview_refresh"] = command_error("error: failed to refresh: AccessDenied")
    result = run(["drift", "--stack", "dev"], fake, project)
    assert result.code == EXIT_FAILED
    assert result.err == (
        "error: `pulumi refresh --preview-only` failed on stack 'dev':\n"
        "  error: failed to refresh: AccessDenied\n"
    )


def test_refresh_with_yes_refreshes(fake: FakeAutomation, project: Project) -> None:
    fake.changes["refresh"] = {"update": 1, "same": 3}
    result = run(["refresh", "--stack", "dev", "--yes"], fake, project)
    assert result.code == EXIT_OK
    assert fake.names() == ["LocalWorkspace", "Stack.select", "refresh"]
    assert callable(fake.kwargs("refresh")["on_event"])
    assert "Refresh of 'dev': 1 updated, 3 unchanged.\n" in result.out


def test_refresh_on_a_terminal_shows_drift_then_asks(fake: FakeAutomation, project: Project) -> None:
    fake.events["preview_refresh"] = [
        step("resOutputsEvent", "update", "aws:ecs/service:Service", "backend", diffs=["desiredCount"])
    ]
    fake.changes["preview_refresh"] = {"update": 1}
    declined = run(["refresh", "--stack", "dev"], fake, project, stdin=TerminalInput("no\n"))
    assert declined.code == EXIT_USAGE
    assert "  aws:ecs/service:Service backend: changed [desiredCount]\n" in declined.out
    assert "refresh" not in fake.names()
    accepted = run(["refresh", "--stack", "dev"], fake, project, stdin=TerminalInput("y\n"))
    assert accepted.code == EXIT_OK
    assert fake.names()[-1] == "refresh"


def test_refresh_without_yes_and_without_a_terminal_refuses(fake: FakeAutomation, project: Project) -> None:
    result = run(["refresh", "--stack", "dev"], fake, project)
    assert result.code == EXIT_USAGE
    assert "refusing to refresh stack 'dev' without confirmation" in result.err
    assert "refresh" not in fake.names() and "preview_refresh" not in fake.names()


# ------------------------------------------------------------------------------------ outputs


def test_outputs_json_masks_secrets(fake: FakeAutomation, project: Project) -> None:
    fake.outputs = {
        "url": real.OutputValue("http://alb.example", False),
        "clusterName": real.OutputValue("dev-cluster", False),
        "dbPassword": real.OutputValue("hunter2", True),
        "subnets": real.OutputValue(["subnet-1", "subnet-2"], False),
    }
    result = run(["outputs", "--stack", "dev", "--json"], fake, project)
    assert result.code == EXIT_OK
    assert json.loads(result.out) == {
        "url": "http://alb.example",
        "clusterName": "dev-cluster",
        "dbPassword": "[secret]",
        "subnets": ["subnet-1", "subnet-2"],
    }
    assert fake.names() == ["LocalWorkspace", "Stack.select", "outputs"]


def test_outputs_show_secrets_and_text_table(fake: FakeAutomation, project: Project) -> None:
    fake.outputs = {
        "url": real.OutputValue("http://alb.example", False),
        "dbPassword": real.OutputValue("hunter2", True),
    }
    shown = run(["outputs", "--stack", "dev", "--json", "--show-secrets"], fake, project)
    assert json.loads(shown.out)["dbPassword"] == "hunter2"
    table = run(["outputs", "--stack", "dev"], fake, project)
    assert table.out == "dbPassword  [secret]\nurl         http://alb.example\n"


# ------------------------------------------------------------------------------------ review


def test_review_creates_pr_stack_from_dev_config_and_deploys_it(
    fake: FakeAutomation, project: Project
) -> None:
    fake.changes["up"] = {"create": 30}
    result = run(["review", "--pr", "42", "--yes", "--image-tag", "abc123"], fake, project)
    assert result.code == EXIT_OK, result.err
    assert fake.names()[:5] == [
        "LocalWorkspace",
        "Stack.create_or_select",
        "workspace.get_all_config",
        "set_all_config",
        "get_all_config",
    ]
    assert fake.names()[-1] == "up"
    assert fake.kwargs("Stack.create_or_select") == {"stack_name": "pr-42", "work_dir": str(project.root)}
    assert fake.kwargs("workspace.get_all_config") == {"stack_name": "dev"}
    copied = fake.kwargs("set_all_config")
    assert copied["stack"] == "pr-42"
    assert copied["config"]["fargate-platform:sentryDsn"].secret is True
    assert copied["config"]["fargate-platform:sentryDsn"].value == "https://key@sentry.example/1"
    assert sorted(copied["config"]) == sorted(fake.config["dev"])
    up_call = fake.kwargs("up")
    assert up_call["stack"] == "pr-42"
    # a review stack runs dev's config, so it is checked with dev's policy config
    assert up_call["policy_pack_configs"] == [str(project.root / "policy" / "config" / "dev.json")]
    assert "Review stack 'pr-42': 4 config value(s) copied from 'dev'.\n" in result.out


def test_review_destroy_destroys_then_removes_the_stack(fake: FakeAutomation, project: Project) -> None:
    fake.stacks.add("pr-42")
    fake.changes["destroy"] = {"delete": 30}
    result = run(["review", "--pr", "42", "--destroy", "--yes"], fake, project)
    assert result.code == EXIT_OK, result.err
    assert fake.names() == ["LocalWorkspace", "Stack.select", "destroy", "workspace.remove_stack"]
    assert fake.kwargs("destroy")["stack"] == "pr-42"
    assert fake.kwargs("workspace.remove_stack")["stack_name"] == "pr-42"
    assert "pr-42" not in fake.stacks
    assert result.out.endswith("Review stack 'pr-42' removed.\n")


def test_review_destroy_of_a_missing_stack_is_a_no_op(fake: FakeAutomation, project: Project) -> None:
    result = run(["review", "--pr", "7", "--destroy", "--yes"], fake, project)
    assert result.code == EXIT_OK
    assert result.out == "Review stack 'pr-7' does not exist; nothing to remove.\n"
    assert "destroy" not in fake.names()


def test_review_destroy_without_yes_and_without_terminal_refuses(
    fake: FakeAutomation, project: Project
) -> None:
    fake.stacks.add("pr-42")
    result = run(["review", "--pr", "42", "--destroy"], fake, project)
    assert result.code == EXIT_USAGE
    assert "destroy" not in fake.names() and "workspace.remove_stack" not in fake.names()


def test_review_rejects_a_non_numeric_pr(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["review", "--pr", "abc"])
    assert exit_info.value.code == 2
    assert "expected a pull request number, got 'abc'" in capsys.readouterr().err


# ------------------------------------------------------------------------------------ no CLI


@pytest.mark.parametrize(
    "argv",
    [
        ["preview", "--stack", "dev"],
        ["up", "--stack", "dev", "--yes"],
        ["destroy", "--stack", "dev", "--yes"],
        ["refresh", "--stack", "dev", "--yes"],
        ["drift", "--stack", "dev"],
        ["outputs", "--stack", "dev"],
        ["review", "--pr", "1", "--yes"],
    ],
)
def test_no_pulumi_cli_on_path_gives_install_instructions_and_never_loads_the_sdk(
    argv: list[str], project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "")
    loaded: list[bool] = []

    def load() -> Any:
        loaded.append(True)
        raise AssertionError("pulumi.automation must not be loaded without a CLI")

    result = run(argv, None, project, load=load)
    assert result.code == EXIT_USAGE
    assert result.err == PULUMI_MISSING_MESSAGE + "\n"
    assert loaded == []


def test_no_pulumi_cli_message_is_exact() -> None:
    assert PULUMI_MISSING_MESSAGE == (
        "error: the Pulumi CLI (`pulumi`) was not found on PATH.\n"
        "The Automation API drives the Pulumi CLI, so these commands need it installed:\n"
        "  curl -fsSL https://get.pulumi.com | sh -s -- --version 3.272.0\n"
        "  (or: brew install pulumi/tap/pulumi; on Windows: choco install pulumi)\n"
        "then add ~/.pulumi/bin to PATH and check with `pulumi version`.\n"
        "The offline policy check needs no CLI: python -m ops check --stack STACK"
    )


def test_the_sdks_own_missing_binary_error_is_translated_too(fake: FakeAutomation, project: Project) -> None:
    """`pulumi` found on PATH but gone when the SDK runs it (FileNotFoundError from subprocess)."""
    fake.workspace_error = FileNotFoundError(2, "No such file or directory", "pulumi")
    result = run(["preview", "--stack", "dev"], fake, project)
    assert result.code == EXIT_USAGE
    assert result.err == PULUMI_MISSING_MESSAGE + "\n"


def test_the_real_sdk_without_a_cli_is_explained_without_a_traceback(
    project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With the real `pulumi.automation`: a `pulumi` that vanishes between the PATH check and the SDK."""
    binary = fake_pulumi_on_path(tmp_path / "vanishing", monkeypatch, 1)

    def load() -> Any:
        binary.unlink()
        return real

    result = run(["outputs", "--stack", "dev"], None, project, load=load)
    assert result.code == EXIT_USAGE
    assert result.err == PULUMI_MISSING_MESSAGE + "\n"
    assert os.environ["PATH"] == str(binary.parent)


def test_drift_counted_by_the_summary_but_not_named_by_events_still_exits_3(
    fake: FakeAutomation, project: Project
) -> None:
    fake.changes["preview_refresh"] = {"update": 2, "same": 5}
    result = run(["drift", "--stack", "dev"], fake, project)
    assert result.code == EXIT_DRIFT
    assert (
        "Changes found (2 to update, 5 unchanged); the engine events did not name the resources.\n"
        in result.out
    )


def test_the_real_entry_point_refuses_to_destroy_prod(capsys: pytest.CaptureFixture[str]) -> None:
    from ops.cli import main

    assert main(["destroy", "--stack", "prod", "--yes"]) == EXIT_USAGE
    assert "error: stack 'prod' is protected" in capsys.readouterr().err


def test_importing_the_stack_commands_loads_no_pulumi(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys, ops.cli, ops.automation.parsers, ops.offline.commands; "
        "print(sorted(m for m in sys.modules if m == 'pulumi' or m.startswith('pulumi.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert result.stdout.strip() == "[]"
