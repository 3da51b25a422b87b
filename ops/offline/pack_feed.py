"""Feed resources to policy pack processes while the program is still registering them.

The program runs on one core (the SDK's per-resource work), the pack analyses on another: streaming each
resource to the pack as it is registered overlaps the two, so a check costs about the longer of them rather
than their sum. A large stack gets extra pack processes (Analyze is CPU-bound in the pack, one core per
process); they join in once ready. Work is shared through one queue, so a slow or failed extra pack never
holds anything up.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

RESOURCES_PER_EXTRA_PACK = 300  # a stack this big per extra process pays for that process's start-up
MAX_PACKS = 4
IN_FLIGHT_PER_PACK = 4  # requests queued at each pack: hides the wait for the GIL the program holds

_DONE = None


def extra_packs_allowed(cores: int | None = None) -> int:
    """How many extra pack processes this machine can use (one core stays with the program)."""
    cores = cores if cores is not None else (os.cpu_count() or 1)
    return max(0, min(cores - 1, MAX_PACKS - 1))


class PackFeed:
    """Analyze resources on `primary` (started, maybe not ready yet) as they are submitted.

    `make_runner()` creates another (unstarted) pack runner for big stacks. Every pack is configured with
    `config` once ready. `finish()` waits for all answers and returns the diagnostics in submission order;
    it re-raises the first error of the primary pack (an extra pack that fails is simply not used).
    The caller closes the runners (`runners` lists them all)."""

    def __init__(
        self,
        primary: Any,
        config: Mapping[str, Any],
        make_runner: Callable[[], Any] | None = None,
        *,
        max_extra: int | None = None,
    ) -> None:
        self.runners: list[Any] = [primary]
        self._config = config
        self._make_runner = make_runner
        self._max_extra = extra_packs_allowed() if max_extra is None else max_extra
        self._queue: queue.Queue[tuple[int, Any] | None] = queue.Queue()
        self._results: dict[int, list[Any]] = {}
        self._submitted = 0
        self._errors: list[BaseException] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._progress = threading.Condition(self._lock)  # an answer or an error arrived
        self._spawn(primary, primary=True)

    def _spawn(self, pack: Any, *, primary: bool) -> None:
        thread = threading.Thread(target=self._serve, args=(pack, primary), daemon=True)
        self._threads.append(thread)
        thread.start()

    def _serve(self, pack: Any, primary: bool) -> None:
        try:
            pack.wait_ready()
            pack.configure(self._config)
        except BaseException as exc:
            if primary:
                self._fail(exc)
            return
        workers = [
            threading.Thread(target=self._work, args=(pack, primary), daemon=True)
            for _ in range(IN_FLIGHT_PER_PACK)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    def _work(self, pack: Any, primary: bool) -> None:
        while True:
            item = self._queue.get()
            if item is None:  # done
                self._queue.put(_DONE)  # for the other workers
                return
            index, resource = item
            try:
                found = pack.analyze(resource)
            except BaseException as exc:
                self._queue.put(item)  # another pack answers it; a rule that crashes fails the primary too
                if primary:
                    self._fail(exc)
                return
            with self._progress:
                self._results[index] = [d if d.urn else replace(d, urn=resource.urn) for d in found]
                self._progress.notify_all()

    def _fail(self, exc: BaseException) -> None:
        with self._progress:
            self._errors.append(exc)
            self._progress.notify_all()
        self._queue.put(_DONE)

    def submit(self, resource: Any) -> None:
        """Queue one resource (a PackResource) for Analyze; may start an extra pack for a big stack."""
        index = self._submitted
        self._submitted += 1
        self._queue.put((index, resource))
        extras = len(self.runners) - 1
        if (
            self._make_runner is not None
            and extras < self._max_extra
            and self._submitted >= RESOURCES_PER_EXTRA_PACK * (extras + 1)
        ):
            pack = self._make_runner()
            self.runners.append(pack)
            pack.start()
            self._spawn(pack, primary=False)

    def finish(self) -> list[Any]:
        """All diagnostics, in submission order (raises the first pack error)."""
        # Wait for every answer before telling the workers to stop: a resource that an extra pack failed
        # to answer goes back into the queue, possibly behind the stop mark, and must still be answered.
        with self._progress:
            self._progress.wait_for(lambda: self._errors or len(self._results) >= self._submitted)
        self._queue.put(_DONE)
        for thread in self._threads:
            thread.join()
        if self._errors:
            raise self._errors[0]
        missing = [i for i in range(self._submitted) if i not in self._results]
        if missing:
            raise RuntimeError(f"the policy packs answered no Analyze for {len(missing)} resources")
        return [d for i in range(self._submitted) for d in self._results[i]]

    def abandon(self) -> None:
        """Stop feeding (the program failed): workers drain out; the caller closes the runners."""
        self._queue.put(_DONE)
