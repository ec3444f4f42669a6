"""What runs inside an OCR worker process: the engine, loaded once, kept in a module global.

RapidOCR takes about a second to load (findings 7), so the pool initializer loads it and every
job reuses it. The initializer never raises: a missing engine is remembered and each job then
answers "unavailable" instead of breaking the pool.
"""

from __future__ import annotations

import logging
import os
import signal

from ocr.engines import EngineUnavailable, OcrEngine, make_engine
from ocr.result import OcrResult, failure

log = logging.getLogger(__name__)

_engine: OcrEngine | None = None
_requested = ""


def init_worker(engine_name: str) -> None:
    """Pool initializer: load the engine (or its fallback) once for this process."""
    global _engine, _requested
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _yield_to_the_bot()
    _requested = engine_name
    import ocr.pipeline  # noqa: F401  (load it and numpy now, not on the first photo)

    try:
        _engine = make_engine(engine_name)
    except EngineUnavailable as exc:
        log.error("no OCR engine available: %s", exc)


def _yield_to_the_bot() -> None:
    """Reading a photo may wait; the bot's replies to others may not. SCHED_IDLE (Linux) lets
    a waking bot take the core at once; a nice value only shortens the worker's turns."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux, or not allowed here
        os.nice(10)


def ready() -> str | None:
    """The loaded engine's name (None if none); submitted once to warm a new pool up."""
    return _engine.name if _engine else None


def run(data: bytes, registrant_name: str | None) -> OcrResult:
    """One job: check the bytes, then read them."""
    # Imported here: the bot imports this module for the pool's function names, and the
    # pipeline would load numpy (~11 MB) into the bot's process too.
    from ocr.pipeline import read_photo

    if _engine is None:
        return failure("unavailable", _requested)
    return read_photo(_engine, data, registrant_name)
