"""examples/my-service (seed 003's sample app): /health, a visit counter in SQLite, 404 elsewhere, and it
writes nothing but its database (so the read-only root filesystem of the default hardening holds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "examples" / "my-service" / "app.py"


def _get(port: int, path: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.fixture()
def served(tmp_path: Path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PORT": str(port), "DATABASE_PATH": str(tmp_path / "app.db")}
    process = subprocess.Popen([sys.executable, str(APP)], env=env, cwd=tmp_path)
    try:
        for _ in range(100):
            try:
                _get(port, "/health")
                break
            except OSError:
                time.sleep(0.05)
        yield port, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_health_counter_and_not_found(served: tuple[int, Path]) -> None:
    port, tmp_path = served
    assert _get(port, "/health") == (200, {"status": "ok"})
    assert _get(port, "/") == (200, {"visits": 1})
    assert _get(port, "/") == (200, {"visits": 2})
    assert _get(port, "/nope") == (404, {"error": "not found"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]
