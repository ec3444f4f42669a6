"""Worker processes for an export's independent pieces of work (forms, the 汇总表).

Spawned, not forked: the exporting process runs the database's threads. Results come back in
the order the tasks were sent, and only so many tasks are in flight, so memory stays flat
when the workers fall behind.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Tasks:
    """`workers` processes started by `start(*args)`; each result goes to `done`, in order."""

    def __init__(
        self,
        workers: int,
        start: Callable[..., None],
        args: tuple[Any, ...],
        *,
        in_flight: int,
        done: Callable[[Any], None] = lambda _: None,
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            workers, mp_context=context, initializer=start, initargs=args
        )
        self._pending: deque[Future[Any]] = deque()
        self._in_flight = in_flight
        self._done = done

    def submit(self, task: Callable[[Any], Any], argument: Any) -> None:
        assert self._pool is not None, "tasks submitted after close"
        self._pending.append(self._pool.submit(task, argument))
        while len(self._pending) > self._in_flight:
            self._take()

    def drain(self) -> None:
        """Wait for every task; a worker's error (disk full, killed…) is raised here."""
        while self._pending:
            self._take()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def _take(self) -> None:
        self._done(self._pending.popleft().result())


class Batches:
    """Items gathered `size` at a time; each batch handled by `local`, or, with `tasks`, sent
    to the workers as `task`."""

    def __init__(
        self,
        size: int,
        tasks: Tasks | None,
        task: Callable[[list[Any]], Any],
        local: Callable[[list[Any]], Any],
    ) -> None:
        self._size, self._tasks, self._task, self._local = size, tasks, task, local
        self._batch: list[Any] = []

    def add(self, item: Any) -> None:
        self._batch.append(item)
        if len(self._batch) >= self._size:
            self.flush()

    def flush(self) -> None:
        batch, self._batch = self._batch, []
        if not batch:
            return
        if self._tasks is None:
            self._local(batch)
        else:
            self._tasks.submit(self._task, batch)

    def finish(self) -> None:
        """Send the rest and wait for all; a worker's error (disk full…) is raised here."""
        self.flush()
        if self._tasks is not None:
            self._tasks.drain()

    def close(self) -> None:
        if self._tasks is not None:
            self._tasks.close()
