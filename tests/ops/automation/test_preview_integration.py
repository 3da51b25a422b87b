"""The real `python -m ops preview --stack dev`: Pulumi CLI, provider plugins, the pack and AWS.

Runs only where the `pulumi` CLI is on PATH, AWS credentials resolve and a Pulumi backend is logged in;
skipped otherwise, with the reason. It checks what the double-based tests cannot: that the real CLI
accepts what the commands pass (policy pack path and config, event log, flags) and that dev previews
with no mandatory policy violation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _aws_credentials_found() -> bool:
    if (
        not any(
            os.environ.get(k)
            for k in (
                "AWS_ACCESS_KEY_ID",
                "AWS_PROFILE",
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            )
        )
        and not (Path.home() / ".aws").is_dir()
    ):
        return False
    import botocore.session

    # The credential chain as the AWS provider resolves it, without waiting on an instance-metadata probe.
    with mock.patch.dict(os.environ, {"AWS_EC2_METADATA_DISABLED": "true"}):
        return botocore.session.get_session().get_credentials() is not None


def _skip_reason() -> str | None:
    if shutil.which("pulumi") is None:
        return "the Pulumi CLI is not on PATH (install it to run the real preview)"
    if not _aws_credentials_found():
        return "no AWS credentials (environment, ~/.aws or web identity) for the real preview"
    whoami = subprocess.run(
        ["pulumi", "whoami", "--non-interactive"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )
    if whoami.returncode != 0:
        return f"not logged in to a Pulumi backend: {whoami.stderr.strip() or whoami.stdout.strip()}"
    return None


def test_real_preview_of_dev_with_the_policy_pack() -> None:
    reason = _skip_reason()
    if reason is not None:
        pytest.skip(reason)
    result = subprocess.run(
        [sys.executable, "-m", "ops", "preview", "--stack", "dev"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Policy pack: policy/ with policy/config/dev.json" in result.stdout
    assert "Preview of 'dev': " in result.stdout
    assert "[mandatory]" not in result.stdout + result.stderr


def test_skip_reasons_name_what_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert _skip_reason() == "the Pulumi CLI is not on PATH (install it to run the real preview)"
    pulumi = tmp_path / "pulumi"
    pulumi.write_text("#!/bin/sh\nexit 0\n")
    pulumi.chmod(0o755)
    monkeypatch.setenv("HOME", str(tmp_path))
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    assert _skip_reason() == "no AWS credentials (environment, ~/.aws or web identity) for the real preview"
