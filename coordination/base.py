"""What workers agree on: a per-person turn, a lease on a job, small per-chat notes that any
worker may need next (which message holds a chat's open question), and rate-limit counts (the
web page's limits hold across workers)."""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from coordination.rates import Rate

log = logging.getLogger(__name__)
LEASE_TTL = 15.0  # seconds a job's lease lives unrenewed: another worker takes over within ~20 s


class LeaseLost(Exception):
    """The lease ran out (the holder stalled, or Redis forgot it): stop the job."""


class Coordinator(abc.ABC):
    @abc.abstractmethod
    def turn(
        self, person: str, order: int, notes: Sequence[str] = ()
    ) -> contextlib.AbstractAsyncContextManager[int]:
        """Wait for `person`'s turn, waiters going in `order` (the update id); yields a fencing
        token that grows with every turn of that person. The `notes` the turn will likely
        recall may come with it, and notes kept during it may go with its end, so that a
        store across the network is asked once each way."""

    @abc.abstractmethod
    def follows_own_turn(self) -> bool:
        """Whether the turn the running task is in came right after this worker's own last
        turn of the same person, so nobody else was served for that person in between (what
        the worker remembers of the person is still the latest)."""

    @abc.abstractmethod
    async def try_lease(self, name: str, ttl: float) -> bool:
        """Take the job's lease if nobody holds it (or renew it if we do)."""

    @abc.abstractmethod
    async def renew(self, name: str, ttl: float) -> bool:
        """Extend our lease; False if it is not ours any more."""

    @abc.abstractmethod
    async def release(self, name: str) -> None: ...

    @abc.abstractmethod
    async def ping(self) -> bool: ...

    @abc.abstractmethod
    async def remember(self, key: str, value: str, ttl: float) -> None:
        """Keep a note for `ttl` seconds; losing it is allowed (it is a convenience)."""

    @abc.abstractmethod
    async def recall(self, key: str) -> str | None:
        """The note under `key`, or None (never kept, expired, or the store unreachable)."""

    @abc.abstractmethod
    async def hit(self, rates: Sequence[Rate]) -> bool:
        """Count one hit against every rate if each has room; False, and nothing counted, when
        one is full. Never refuses because the store is unreachable."""

    async def close(self) -> None:  # noqa: B027 - nothing to close in one process
        pass

    async def run_leased(
        self, name: str, job: Callable[[], Awaitable[object]], *, ttl: float = LEASE_TTL
    ) -> None:
        """Run `job` whenever this worker holds the lease `name`, forever: wait for the lease,
        run the job while renewing it, stop the job the moment the lease is lost."""
        while True:
            try:
                held = await self.try_lease(name, ttl)
            except Exception as err:  # Redis restarting: try again shortly
                log.warning("lease %s: %s", name, type(err).__name__)
                held = False
            if not held:
                await asyncio.sleep(ttl / 3)
                continue
            log.info("lease %s taken", name)
            running = asyncio.create_task(job(), name=name)
            try:
                await self._keep(name, ttl, running)
            finally:
                running.cancel()
                await asyncio.gather(running, return_exceptions=True)
                with contextlib.suppress(Exception):
                    await self.release(name)

    async def _keep(self, name: str, ttl: float, running: asyncio.Task) -> None:
        while not running.done():
            await asyncio.wait([running], timeout=ttl / 3)
            if running.done():
                break
            try:
                if not await self.renew(name, ttl):
                    log.warning("lease %s lost", name)
                    return
            except Exception as err:  # cannot tell whether it is still ours: stop to be safe
                log.warning("lease %s not renewed: %s", name, type(err).__name__)
                return
        if running.exception() is not None:
            log.error("job %s failed", name, exc_info=running.exception())
        await asyncio.sleep(ttl / 3)  # a job that returned is run again after a pause
