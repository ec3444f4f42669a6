"""What the bot uses: `await OcrService(...).read(photo_bytes)` -> OcrResult, never an exception.

OCR takes about a second of CPU per photo, so it runs in worker processes, never on the event
loop. Each worker is its own single-process pool: a read that hangs past the timeout or kills
its process is answered with ok=False, and only that worker is replaced; reads in the other
workers go on. When OCR cannot help, the answer comes at once with a stable code
(`OcrResult.error`): "unavailable" (OCR off, no engine installed, or the service closed),
"engine_failed" (the engine raised, or its worker died), "timeout" (no answer within `timeout`
seconds, waiting for a free worker included), or an image code from `ocr.image`.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context

from ocr import worker
from ocr.engines import ENGINES
from ocr.result import OcrResult, failure, from_json, to_json

__all__ = ["OcrResult", "OcrService", "from_json", "to_json"]

log = logging.getLogger(__name__)


class _Worker:
    """One worker process in a pool of its own, so it can be killed alone. The process writes
    its pid into a shared slot when it starts: the pool does not say which process it runs."""

    def __init__(self, engine_name: str, fallback: bool):
        self._engine_name = engine_name
        self._fallback = fallback
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        context = get_context("spawn")  # no fork of the bot's threads and sockets
        self._pid = context.Value("i", 0, lock=False)
        pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=context,
            initializer=worker.init_worker,
            initargs=(self._engine_name, self._fallback, self._pid),
        )
        pool.submit(worker.ready)  # load the model now, not on the first photo
        return pool

    def stop(self) -> None:
        """Kill the process (a hung read never ends by itself), then let the pool go."""
        for child in multiprocessing.active_children():  # our own children only: no pid reuse
            if child.pid == self._pid.value:
                child.kill()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def restart(self) -> None:
        self.stop()
        self.pool = self._start()


class OcrService:
    """Reads photos in `workers` processes with engine `engine_name` ("off" answers
    "unavailable" without starting any); with `fallback` a missing engine is replaced by the
    other one."""

    def __init__(
        self, engine_name: str, workers: int = 1, timeout: float = 30.0, *, fallback: bool = True
    ):
        if engine_name not in (*ENGINES, "off"):
            raise ValueError(f"unknown OCR engine {engine_name!r}")
        self.engine_name = engine_name
        self.timeout = timeout
        self._workers = (
            [] if engine_name == "off" else [_Worker(engine_name, fallback) for _ in range(workers)]
        )
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self.waiting = 0  # photos waiting for a free worker (the OCR queue, for /metrics)
        for w in self._workers:
            self._idle.put_nowait(w)

    async def read(self, data: bytes, *, registrant_name: str | None = None) -> OcrResult:
        """Validate and read in a worker; every problem comes back as ok=False and a code.

        The bytes are checked again in the worker (the bot checks them when the photo
        arrives), so no decoding at all happens in the bot's process.
        """
        started = time.monotonic()

        def fail(code: str) -> OcrResult:
            return failure(code, self.engine_name, time.monotonic() - started)

        if not self._workers:
            return fail("unavailable")
        self.waiting += 1
        try:
            slot = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            log.warning("no OCR worker free within %.1f s", self.timeout)
            return fail("timeout")
        finally:
            self.waiting -= 1
        try:
            left = max(0.0, self.timeout - (time.monotonic() - started))
            return await self._run(slot, data, registrant_name, fail, left)
        except Exception:
            log.exception("OCR read failed")
            self._replace(slot)
            return fail("engine_failed")
        finally:
            self._idle.put_nowait(slot)

    async def _run(
        self, slot: _Worker, data: bytes, registrant_name, fail, timeout: float
    ) -> OcrResult:
        if slot not in self._workers:
            return fail("unavailable")  # closed meanwhile
        try:
            future = slot.pool.submit(worker.run, data, registrant_name)
        except BrokenProcessPool:  # it died while idle: replace it and go on
            log.warning("OCR worker found dead; restarting it")
            slot.restart()
            future = slot.pool.submit(worker.run, data, registrant_name)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout)
        except TimeoutError:
            log.warning("OCR read took over %.1f s; restarting the worker", self.timeout)
            self._replace(slot)
            return fail("timeout")
        except BrokenProcessPool:
            log.warning("OCR worker died during a read; restarting it")
            self._replace(slot)
            return fail("engine_failed")
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # our caller cancelled us
            return fail("unavailable")  # close() cancelled the job

    def _replace(self, slot: _Worker) -> None:
        if slot in self._workers:
            slot.restart()

    async def close(self) -> None:
        """Stop the workers at once (a read in progress is abandoned)."""
        workers, self._workers = self._workers, []
        for w in workers:
            w.stop()
