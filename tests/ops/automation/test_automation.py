"""ops.automation (errors, events, project, workspace) on the SDK's real event, result and error types (no CLI
needed)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pulumi.automation as real
import pytest
from pulumi.automation import errors as real_errors

from ops.automation.errors import (
    EXIT_BUSY,
    EXIT_FAILED,
    EXIT_USAGE,
    PULUMI_MISSING_MESSAGE,
    OpsError,
    require_pulumi_cli,
    translate_error,
)
from ops.automation.events import EventPrinter, format_changes, has_changes
from ops.automation.project import Project
from ops.automation.workspace import StackHandle, copy_config, pin_image_tags


def _event(**payload: Any) -> real.EngineEvent:
    return real.EngineEvent.from_json({"sequence": 1, "timestamp": 1, **payload})


def _error(stderr: str, stdout: str = "") -> Exception:
    return real_errors.create_command_error(real.CommandResult(stdout=stdout, stderr=stderr, code=255))


def test_format_changes_orders_ops_and_reads_enum_or_string_keys() -> None:
    enum_keyed = {real.OpType.SAME: 4, real.OpType.DELETE: 1, real.OpType.CREATE: 2}
    assert format_changes(enum_keyed, planned=True) == "2 to create, 1 to delete, 4 unchanged"
    assert format_changes({"update": 1, "same": 0}, planned=False) == "1 updated"
    assert format_changes({}, planned=True) == "no resources"
    assert format_changes({"create-replacement": 1}, planned=True) == "1 create-replacement"
    assert has_changes({real.OpType.SAME: 3}) is False
    assert has_changes({"same": 3, "update": 1}) is True


def test_event_printer_writes_one_line_per_planned_step_and_keeps_policy_and_summary() -> None:
    out = io.StringIO()
    printer = EventPrinter(out, planned=True)
    stack_urn = "urn:pulumi:dev::fargate-platform::pulumi:pulumi:Stack::fargate-platform-dev"
    printer(
        _event(
            resourcePreEvent={
                "metadata": {"op": "create", "urn": stack_urn, "type": "pulumi:pulumi:Stack", "provider": ""}
            }
        )
    )
    printer(
        _event(
            resourcePreEvent={
                "metadata": {
                    "op": "replace",
                    "urn": "urn:pulumi:dev::fargate-platform::aws:lb/targetGroup:TargetGroup::api-tg",
                    "type": "aws:lb/targetGroup:TargetGroup",
                    "provider": "",
                }
            }
        )
    )
    printer(
        _event(
            resOutputsEvent={
                "metadata": {
                    "op": "create",
                    "urn": "urn:pulumi:dev::fargate-platform::aws:ecs/service:Service::api",
                    "type": "aws:ecs/service:Service",
                    "provider": "",
                }
            }
        )
    )  # a finished step: not a planned line
    printer(_event(diagnosticEvent={"message": "debug chatter", "color": "never", "severity": "debug"}))
    printer(
        _event(
            diagnosticEvent={"message": "progress", "color": "never", "severity": "info", "ephemeral": True}
        )
    )
    printer(_event(diagnosticEvent={"message": "heads up\n", "color": "never", "severity": "warning"}))
    printer(
        _event(
            policyEvent={
                "message": "Log group api must expire.",
                "color": "never",
                "policyName": "log-retention-set",
                "policyPackName": "fargate-platform",
                "policyPackVersion": "",
                "policyPackVersionTag": "",
                "enforcementLevel": "mandatory",
            }
        )
    )
    printer(
        _event(
            summaryEvent={
                "maybeCorrupt": False,
                "durationSeconds": 2,
                "resourceChanges": {"replace": 1},
                "PolicyPacks": {},
            }
        )
    )
    assert out.getvalue() == (
        "  +- replace    aws:lb/targetGroup:TargetGroup api-tg\n"
        "  warning: heads up\n"
        "  policy [mandatory] log-retention-set (fargate-platform) on stack: Log group api must expire.\n"
    )
    assert [v.policy for v in printer.mandatory_violations] == ["log-retention-set"]
    assert printer.changes == {"replace": 1}


def test_event_printer_for_updates_reports_finished_steps_and_failures() -> None:
    out = io.StringIO()
    printer = EventPrinter(out, planned=False)
    service = (
        "urn:pulumi:dev::fargate-platform::fargate-platform:index:FargateService$aws:ecs/service:Service::api"
    )
    printer(
        _event(
            resourcePreEvent={
                "metadata": {
                    "op": "update",
                    "urn": service,
                    "type": "aws:ecs/service:Service",
                    "provider": "",
                }
            }
        )
    )
    printer(
        _event(
            resOutputsEvent={
                "metadata": {
                    "op": "update",
                    "urn": service,
                    "type": "aws:ecs/service:Service",
                    "provider": "",
                }
            }
        )
    )
    printer(
        _event(
            resOpFailedEvent={
                "metadata": {
                    "op": "update",
                    "urn": service,
                    "type": "aws:ecs/service:Service",
                    "provider": "",
                },
                "status": 1,
                "steps": 1,
            }
        )
    )
    printer(
        _event(
            diagnosticEvent={
                "message": "ServiceNotActive",
                "color": "never",
                "severity": "error",
                "urn": service,
            }
        )
    )
    printer(_event(diagnosticEvent={"message": "print() output", "color": "never", "severity": "info#err"}))
    assert out.getvalue() == (
        "  ~  updated    aws:ecs/service:Service api\n"
        "  !  failed     aws:ecs/service:Service api\n"
        "  error: aws:ecs/service:Service api: ServiceNotActive\n"
        "  info: print() output\n"
    )
    assert printer.errors == ["aws:ecs/service:Service api: ServiceNotActive"]


def test_translate_error_recognises_the_sdks_own_error_classes() -> None:
    busy = translate_error(
        _error("error: [409] Conflict: Another update is currently in progress."),
        real,
        stack="dev",
        operation="up",
    )
    assert busy.exit_code == EXIT_BUSY and "pulumi cancel --stack dev" in busy.message
    missing = translate_error(
        _error("error: no stack named 'qa' found"),
        real,
        stack="qa",
        operation="preview",
        project=Project(Path("/nowhere")),
    )
    assert missing.exit_code == EXIT_USAGE and "`pulumi stack init qa`" in missing.message
    failed = translate_error(
        _error("error: \x1b[31mboom\x1b[0m\nsecond line"), real, stack="dev", operation="destroy"
    )
    assert failed.exit_code == EXIT_FAILED
    assert failed.message == "error: `pulumi destroy` failed on stack 'dev':\n  error: boom\n  second line"
    version = translate_error(
        real.InvalidVersionError("Minimum version requirement failed."), real, stack="dev", operation="up"
    )
    assert version.exit_code == EXIT_USAGE and "--version 3.272.0" in version.message


def test_translate_error_reraises_what_it_does_not_know() -> None:
    with pytest.raises(ZeroDivisionError):
        translate_error(ZeroDivisionError("bug"), real, stack="dev", operation="up")


def test_the_real_local_workspace_without_a_cli_is_translated(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `pulumi`
    with pytest.raises(FileNotFoundError) as raised:
        real.LocalWorkspace(work_dir=str(tmp_path))
    translated = translate_error(raised.value, real, stack="dev", operation="preview")
    assert translated.message == PULUMI_MISSING_MESSAGE and translated.exit_code == EXIT_USAGE


def test_require_pulumi_cli() -> None:
    require_pulumi_cli(lambda name: f"/usr/local/bin/{name}")
    with pytest.raises(OpsError) as raised:
        require_pulumi_cli(lambda name: None)
    assert raised.value.message == PULUMI_MISSING_MESSAGE


def test_project_policy_config_and_protection(tmp_path: Path) -> None:
    project = Project(tmp_path)
    (tmp_path / "policy" / "config").mkdir(parents=True)
    (tmp_path / "policy" / "config" / "dev.json").write_text("{}")
    (tmp_path / "Pulumi.staging.yaml").write_text("config:\n  fargate-platform:environment: 'prod'\n")
    (tmp_path / "Pulumi.qa.yaml").write_text("config:\n  fargate-platform:environment: dev  # not prod\n")
    assert project.policy_arguments("dev") == {
        "policy_packs": [str(tmp_path / "policy")],
        "policy_pack_configs": [str(tmp_path / "policy" / "config" / "dev.json")],
    }
    assert project.policy_config("pr-12") == tmp_path / "policy" / "config" / "dev.json"
    # No policy/config/qa.json: qa's environment (dev) picks dev.json; staging says prod, which has no file.
    assert project.policy_config("qa") == tmp_path / "policy" / "config" / "dev.json"
    assert project.policy_choice("qa").reason == "environment dev"
    assert project.policy_config("staging") is None
    assert project.policy_choice("staging").reason == (
        "no policy/config/staging.json, and no policy/config/prod.json for environment prod"
    )
    assert project.policy_choice("ghost").reason == (
        "no policy/config/ghost.json, and the stack sets no fargate-platform:environment"
    )
    assert project.is_protected("prod") and project.is_protected("staging")
    assert not project.is_protected("qa") and not project.is_protected("dev")
    assert project.stack_files() == ["qa", "staging"]


class _Stack:
    def __init__(self, config: dict[str, real.ConfigValue]) -> None:
        self.config = config
        self.set: list[tuple[str, str, bool]] = []
        self.workspace = SimpleNamespace(get_all_config=lambda stack: {})

    def get_all_config(self) -> dict[str, real.ConfigValue]:
        return self.config

    def set_config(self, key: str, value: real.ConfigValue, *, path: bool = False) -> None:
        self.set.append((key, value.value, path))


def test_pin_image_tags_quotes_service_names_that_need_it() -> None:
    services = {"api.v2": {"image": {"repository": "api"}}, "web": {"image": {"build": "./web"}}}
    stack = _Stack({"fargate-platform:services": real.ConfigValue(json.dumps(services))})
    handle = StackHandle(auto=real, stack=stack, name="dev", project=Project())
    assert pin_image_tags(handle, "deadbeef") == ["api.v2"]
    assert stack.set == [('fargate-platform:services["api.v2"].image.tag', "deadbeef", True)]


def test_pin_image_tags_without_services_config_is_an_error() -> None:
    handle = StackHandle(auto=real, stack=_Stack({}), name="dev", project=Project())
    with pytest.raises(OpsError) as raised:
        pin_image_tags(handle, "deadbeef")
    assert raised.value.message == (
        "error: stack 'dev' has no fargate-platform:services config; nothing to tag with deadbeef."
    )


def test_copy_config_from_an_empty_stack_is_an_error() -> None:
    handle = StackHandle(auto=real, stack=_Stack({}), name="pr-3", project=Project())
    with pytest.raises(OpsError) as raised:
        copy_config(handle, "dev")
    assert raised.value.message.startswith("error: stack 'dev' has no config to copy into 'pr-3'.")
