"""Garbage-collector pauses of a bench process, which would otherwise pass for latency."""

from __future__ import annotations

import gc
import time


class CollectorPauses:
    """This process's garbage-collector pauses while the block runs.

    Entering collects and freezes what is there already (as the bot does at start-up), and
    the pauses that remain are recorded, to print beside the latencies. A load generator
    `holds` the collector for the block as well: it keeps every chat's messages and makes
    garbage as fast as the bot answers, so one full collection would stop it for hundreds of
    ms, and every reply in flight would look that much later than it was sent.
    """

    def __init__(self, *, hold: bool = False) -> None:
        self.hold = hold
        self.pauses: list[float] = []
        self._began = 0.0

    def _note(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._began)

    def __enter__(self) -> CollectorPauses:
        gc.collect()
        gc.freeze()
        gc.callbacks.append(self._note)
        if self.hold:
            gc.disable()
        return self

    def __exit__(self, *exc_info: object) -> None:
        gc.callbacks.remove(self._note)  # first: the collection enabling may start is not ours
        if self.hold:
            gc.enable()

    @property
    def longest_ms(self) -> float:
        return round(max(self.pauses, default=0.0) * 1000, 1)

    @property
    def total_ms(self) -> float:
        return round(sum(self.pauses) * 1000, 1)
