"""Sliding-window rate limits kept in memory: one process serves the page, and a restart
forgetting the counts only hands out a fresh allowance."""

from __future__ import annotations

import time
from collections import deque


class Limiter:
    def __init__(self, limit: int, per_seconds: float) -> None:
        self.limit = limit
        self.per = per_seconds
        self._hits: dict[str, deque[float]] = {}
        self._swept = time.monotonic()

    def allow(self, key: str) -> bool:
        """Count one hit for `key`; False (and not counted) when over the limit."""
        now = time.monotonic()
        if now - self._swept > self.per:
            self._sweep(now)
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] > self.per:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def _sweep(self, now: float) -> None:
        """Forget keys with no recent hits, so memory follows the active visitors."""
        self._swept = now
        for key in [k for k, hits in self._hits.items() if not hits or now - hits[-1] > self.per]:
            del self._hits[key]
