"""Rate limits counted in this process: sliding windows of hit times. One process serving the
page needs nothing more, and a restart forgetting the counts only hands out a fresh allowance.
Several workers count through Redis instead (coordination.redis), and fall back to this while
Redis is unreachable."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """One limit a hit counts against: at most `limit` hits of `key` in any `per` seconds."""

    name: str  # which limit, e.g. "answers_ip"
    key: str  # whose hits: an address, a session's hash
    limit: int
    per: float


class Limiter:
    def __init__(self, limit: int, per_seconds: float) -> None:
        self.limit = limit
        self.per = per_seconds
        self._hits: dict[str, deque[float]] = {}
        self._swept = time.monotonic()

    def room(self, key: str, now: float) -> bool:
        """Whether one more hit of `key` fits."""
        if now - self._swept > self.per:
            self._sweep(now)
        hits = self._hits.get(key)
        while hits and now - hits[0] > self.per:
            hits.popleft()
        return not hits or len(hits) < self.limit

    def count(self, key: str, now: float) -> None:
        self._hits.setdefault(key, deque()).append(now)

    def _sweep(self, now: float) -> None:
        """Forget keys with no recent hits, so memory follows the active visitors."""
        self._swept = now
        for key in [k for k, hits in self._hits.items() if not hits or now - hits[-1] > self.per]:
            del self._hits[key]


class LocalRates:
    def __init__(self) -> None:
        self._limiters: dict[tuple[str, int, float], Limiter] = {}

    def hit(self, rates: Sequence[Rate]) -> bool:
        """Count one hit against every rate if each has room; False, and nothing counted, when
        one is full (a refused answer does not use up the allowance of the others)."""
        now = time.monotonic()
        limiters = [(self._limiter(r), r.key) for r in rates]
        if not all(limiter.room(key, now) for limiter, key in limiters):
            return False
        for limiter, key in limiters:
            limiter.count(key, now)
        return True

    def _limiter(self, rate: Rate) -> Limiter:
        shape = (rate.name, rate.limit, rate.per)
        if shape not in self._limiters:
            self._limiters[shape] = Limiter(rate.limit, rate.per)
        return self._limiters[shape]
