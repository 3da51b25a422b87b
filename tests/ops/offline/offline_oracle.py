"""An oracle for "the plan records exactly the resources the program registers": run the program again under
the SDK's own, unmodified MockMonitor and list what its `resources` registry holds (independent of
ops/offline/recording.py's RecordingMonitor). Shared by the offline-check tests."""

from __future__ import annotations

import asyncio
import contextvars
import runpy
import sys
from pathlib import Path
from typing import Any


def registered_by_stock_monitor(project_dir: Path, stack: str) -> list[tuple[str, str]]:
    """Sorted (type, name) of every resource the program registers, as the SDK's MockMonitor saw them."""
    import pulumi
    from pulumi.runtime import mocks as pulumi_mocks
    from pulumi.runtime import settings
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    from ops.offline.aws_mocks import AwsMocks
    from ops.offline.project import load_stack

    cfg = load_stack(project_dir, stack)

    class Stock(AwsMocks):
        def new_resource(self, args: Any) -> Any:
            return self.outputs_for(args, f"{args.typ}::{args.name}")

    def run() -> list[tuple[str, str]]:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        settings.ROOT.set(None)
        pulumi.runtime.set_all_config(cfg.config, list(cfg.secret_keys))
        monitor = pulumi_mocks.MockMonitor(Stock(cfg.region))
        pulumi.runtime.set_mocks(
            monitor.mocks, project=cfg.project, stack=stack, preview=False, monitor=monitor
        )
        program_dir = str(cfg.program.resolve().parent)
        sys.path.insert(0, program_dir)
        try:
            _sync_await(run_pulumi_func(lambda: runpy.run_path(str(cfg.program), run_name="__main__")))
        finally:
            sys.path.remove(program_dir)
            asyncio.set_event_loop(None)
            loop.close()
        # MockMonitor URNs: urn:pulumi:<stack>::<project>::<parent types$>type::name
        return sorted((urn.split("::")[2].split("$")[-1], urn.split("::")[3]) for urn in monitor.resources)

    return contextvars.copy_context().run(run)
