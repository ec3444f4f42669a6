"""What runs inside an OCR worker process: the engine, loaded once, kept in a module global.

RapidOCR takes about a second to load (findings 7), so the pool initializer loads it and every
job reuses it. The initializer never raises: a missing engine is remembered and each job then
answers "unavailable" instead of breaking the pool.
"""

from __future__ import annotations

import logging
import os
import signal
import time

from ocr.engines import EngineUnavailable, OcrEngine, make_engine
from ocr.result import OcrResult, failure

log = logging.getLogger(__name__)

_engine: OcrEngine | None = None
_requested = ""
_load_seconds = 0.0


def init_worker(engine_name: str, fallback: bool = True, pid_slot=None) -> None:
    """Pool initializer: load the engine (or, with `fallback`, the other one) once for this
    process; `pid_slot` (a shared int) learns this process's pid first, so the parent can kill
    it."""
    global _engine, _requested, _load_seconds
    if pid_slot is not None:
        pid_slot.value = os.getpid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _yield_to_the_bot()
    _requested = engine_name
    import ocr.pipeline  # noqa: F401  (load it and numpy now, not on the first photo)

    started = time.perf_counter()
    try:
        _engine = make_engine(engine_name, fallback=fallback)
    except EngineUnavailable as exc:
        log.error("no OCR engine available: %s", exc)
    _load_seconds = time.perf_counter() - started


def _yield_to_the_bot() -> None:
    """Reading a photo may wait; the bot's replies to others may not. SCHED_IDLE (Linux) lets
    a waking bot take the core at once; a nice value only shortens the worker's turns."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux, or not allowed here
        os.nice(10)


def ready() -> tuple[str | None, float]:
    """The loaded engine's name (None if none) and the seconds loading it took; submitted once
    to warm a new pool up."""
    return (_engine.name if _engine else None), _load_seconds


def run(data: bytes, registrant_name: str | None) -> OcrResult:
    """One job: check the bytes, then read them."""
    # Imported here: the bot imports this module for the pool's function names, and the
    # pipeline would load numpy (~11 MB) into the bot's process too.
    from ocr.pipeline import read_photo

    if _engine is None:
        return failure("unavailable", _requested)
    return read_photo(_engine, data, registrant_name)
