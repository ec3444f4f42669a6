"""One process, no Redis: asyncio locks per person, every lease is ours, notes and rate-limit
counts in memory."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Sequence

from coordination.base import Coordinator
from coordination.rates import LocalRates, Rate


class LocalCoordinator(Coordinator):
    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self._tokens = itertools.count(1)
        self._notes: dict[str, str] = {}  # one process: kept until a restart, no expiry needed
        self._rates = LocalRates()

    @contextlib.asynccontextmanager
    async def turn(self, person: str, order: int, notes: Sequence[str] = ()) -> AsyncIterator[int]:
        lock, users = self._locks.get(person, (asyncio.Lock(), 0))
        self._locks[person] = (lock, users + 1)
        try:
            async with lock:
                yield next(self._tokens)
        finally:
            lock, users = self._locks[person]
            if users == 1:
                del self._locks[person]
            else:
                self._locks[person] = (lock, users - 1)

    def follows_own_turn(self) -> bool:
        return True  # one process: every turn is ours

    async def try_lease(self, name: str, ttl: float) -> bool:
        return True

    async def renew(self, name: str, ttl: float) -> bool:
        return True

    async def release(self, name: str) -> None:
        pass

    async def ping(self) -> bool:
        return True

    async def remember(self, key: str, value: str, ttl: float) -> None:
        self._notes[key] = value

    async def recall(self, key: str) -> str | None:
        return self._notes.get(key)

    async def hit(self, rates: Sequence[Rate]) -> bool:
        return self._rates.hit(rates)
