"""ops/offline/pack_feed.py: resources analysed while they are submitted, by one or more pack processes."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

import ops.offline.pack_feed
from ops.offline.analyzer import PackResource, PackRuntimeError, PackStartError, PolicyPackRunner
from ops.offline.pack_feed import PackFeed, extra_packs_allowed

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PACK = FIXTURES / "check_pack"
TASK = "aws:ecs/taskDefinition:TaskDefinition"


class CountingRunner(PolicyPackRunner):
    def __init__(self, pack_dir: Path = PACK) -> None:
        super().__init__(pack_dir, project="feed-test", stack="dev")
        self.analyzed = 0
        self._count_lock = threading.Lock()  # the feed calls analyze from several threads at once

    def analyze(self, resource: PackResource) -> list[Any]:
        with self._count_lock:
            self.analyzed += 1
        return super().analyze(resource)


def task(i: int, leak: bool) -> PackResource:
    env = [{"name": "DB_PASSWORD" if leak else "LOG_LEVEL", "value": "x"}]
    defs = json.dumps([{"name": f"c{i}", "image": "nginx", "environment": env}])
    return PackResource(
        type=TASK,
        name=f"t{i}",
        urn=f"urn:pulumi:dev::feed-test::{TASK}::t{i}",
        properties={"containerDefinitions": defs},
    )


def test_extra_packs_allowed() -> None:
    assert [extra_packs_allowed(c) for c in (1, 2, 3, 8)] == [0, 1, 2, 3]


def test_big_stack_gets_an_extra_pack_and_answers_stay_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops.offline.pack_feed, "RESOURCES_PER_EXTRA_PACK", 10)
    primary = CountingRunner()
    made: list[CountingRunner] = []

    def make() -> CountingRunner:
        made.append(CountingRunner())
        return made[-1]

    primary.start()
    feed = PackFeed(primary, {}, make, max_extra=1)
    try:
        for i in range(60):
            feed.submit(task(i, leak=i % 3 == 0))
        diagnostics = feed.finish()
    finally:
        for runner in feed.runners:
            runner.close()
    assert len(feed.runners) == 2 and made == feed.runners[1:]
    assert [d.urn.rsplit("::", 1)[1] for d in diagnostics] == [f"t{i}" for i in range(0, 60, 3)]
    assert {d.policy_name for d in diagnostics} == {"fixture-no-secret-env"}
    assert primary.analyzed + made[0].analyzed == 60


def test_primary_that_cannot_start_fails_finish() -> None:
    primary = CountingRunner(FIXTURES / "broken_pack")
    primary.start()
    feed = PackFeed(primary, {}, None, max_extra=0)
    try:
        feed.submit(task(0, leak=True))
        with pytest.raises(PackStartError, match="exited with code 3 before it was ready"):
            feed.finish()
    finally:
        primary.close()


def test_extra_pack_that_cannot_start_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops.offline.pack_feed, "RESOURCES_PER_EXTRA_PACK", 2)
    primary = CountingRunner()
    primary.start()
    feed = PackFeed(primary, {}, lambda: CountingRunner(FIXTURES / "broken_pack"), max_extra=1)
    try:
        for i in range(6):
            feed.submit(task(i, leak=True))
        diagnostics = feed.finish()
    finally:
        for runner in feed.runners:
            runner.close()
    assert len(feed.runners) == 2
    assert len(diagnostics) == 6 and primary.analyzed == 6


class FailingAfterReady(CountingRunner):
    """A pack that starts and is configured, then fails every Analyze (as if it crashed mid-stack)."""

    def analyze(self, resource: PackResource) -> list[Any]:
        with self._count_lock:
            self.analyzed += 1
        raise PackRuntimeError("policy pack Analyze failed: extra pack crashed")


def test_resources_an_extra_pack_fails_are_answered_by_the_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops.offline.pack_feed, "RESOURCES_PER_EXTRA_PACK", 2)
    primary = CountingRunner()
    primary.start()
    made: list[FailingAfterReady] = []

    def make() -> FailingAfterReady:
        made.append(FailingAfterReady())
        return made[-1]

    feed = PackFeed(primary, {}, make, max_extra=1)
    try:
        for i in range(12):
            feed.submit(task(i, leak=True))
        diagnostics = feed.finish()
    finally:
        for runner in feed.runners:
            runner.close()
    assert [d.urn.rsplit("::", 1)[1] for d in diagnostics] == [f"t{i}" for i in range(12)]
    assert primary.analyzed == 12  # every resource, including those the extra pack took and failed
