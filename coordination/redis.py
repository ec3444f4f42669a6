"""Redis for several workers: a person's turn is a lock with a lease and a fencing token, taken
by the waiters in update-id order; a job's lease is a key with a TTL its holder renews.

Every key lives for a lease at most unless renewed, so a killed worker's turns and leases free
themselves, and a restarted (emptied) Redis only means the next turn or lease is taken afresh.

Rate limits are sliding-window counters: a count per fixed window, and the previous window's
count weighted by how much of it still lies within the sliding window. Checked and counted in
one script (one round trip); while Redis is unreachable each worker counts on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from coordination.base import Coordinator
from coordination.rates import LocalRates, Rate

log = logging.getLogger(__name__)

TURN_LEASE_MS = 30_000  # a turn held longer (a stalled worker) is given to the next waiter
POLL_EVERY = 0.005  # seconds between looks at whose turn it is
RETRY_EVERY = 0.2  # seconds between tries while Redis is unreachable
FENCES_KEPT = 10_000  # people whose last turn this worker remembers
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)

# KEYS: lock, waiters (update id per waiter), heartbeats (expiry per waiter), fence, notes.
# ARGV: waiter, order, lease ms. Returns 0: not yet; or the fencing token and the notes'
# values. The clock is Redis's own, not a worker's: workers on several machines agree on it.
_TAKE_TURN = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local dead = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, w in ipairs(dead) do
  redis.call('ZREM', KEYS[2], w)
  redis.call('ZREM', KEYS[3], w)
end
redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], now + ARGV[3], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
local first = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
if first ~= ARGV[1] then return 0 end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[3]) then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
local taken = {redis.call('INCR', KEYS[4])}
for i = 5, #KEYS do taken[#taken + 1] = redis.call('GET', KEYS[i]) end
return taken
"""
# KEYS: a lock or lease [, notes]; ARGV: holder [, a value and a ttl ms per note]. Deletes the
# lock only if still ours; the notes kept during a turn are written as it ends, so the next
# holder reads them.
_RELEASE = """
for i = 2, #KEYS do redis.call('SET', KEYS[i], ARGV[2 * i - 2], 'PX', ARGV[2 * i - 1]) end
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# KEYS: a lock or lease; ARGV: holder, ttl ms. Extends it only if still ours.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
# KEYS: per rate, its counter of this window and of the window before.
# ARGV: per rate, the limit, the window in ms and how much of this window has passed (0..1).
# Returns 1 and counts the hit against every rate if each has room, else 0 and counts nothing.
_HIT = """
for i = 1, #KEYS / 2 do
  local now = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  local before = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  if before * (1 - tonumber(ARGV[3 * i])) + now + 1 > tonumber(ARGV[3 * i - 2]) then
    return 0
  end
end
for i = 1, #KEYS / 2 do
  redis.call('INCR', KEYS[2 * i - 1])
  redis.call('PEXPIRE', KEYS[2 * i - 1], 2 * tonumber(ARGV[3 * i - 1]))
end
return 1
"""
_LEASE = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""


@dataclass
class _Turn:
    """A turn being held: the notes it read when it was taken, and those kept during it
    (written as it ends). Tasks started during the turn see it too; once it ends they use
    Redis directly."""

    coordinator: RedisCoordinator
    values: dict[str, str | None]
    follows_own: bool  # the fencing token is the one after this worker's last of the person
    kept: dict[str, tuple[str, int]] = field(default_factory=dict)
    open: bool = True


_TURN: ContextVar[_Turn | None] = ContextVar("honoree_turn", default=None)


class RedisCoordinator(Coordinator):
    def __init__(self, redis: Redis, *, prefix: str = "honoree") -> None:
        self.redis = redis
        self.prefix = prefix
        self.worker = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._take_turn = redis.register_script(_TAKE_TURN)
        self._release = redis.register_script(_RELEASE)
        self._renew = redis.register_script(_RENEW)
        self._lease = redis.register_script(_LEASE)
        self._hit = redis.register_script(_HIT)
        self._fences: OrderedDict[str, int] = OrderedDict()  # the last token held, by person
        self._local_rates = LocalRates()  # while Redis is unreachable
        self._rates_apart = False

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "honoree") -> RedisCoordinator:
        return cls(Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2), prefix=prefix)

    @contextlib.asynccontextmanager
    async def turn(self, person: str, order: int, notes: Sequence[str] = ()) -> AsyncIterator[int]:
        key = f"{self.prefix}:turn:{person}"
        keys = [key, f"{key}:waiters", f"{key}:alive", f"{key}:fence"]
        me = f"{self.worker}:{order}:{uuid.uuid4().hex[:6]}"
        taken = await self._wait_turn([*keys, *map(self._note_key, notes)], me, order)
        fence = int(taken[0])
        held = _Turn(self, dict(zip(notes, map(_text, taken[1:]), strict=True)),
                     follows_own=self._fences.pop(person, None) == fence - 1)
        self._fences[person] = fence
        if len(self._fences) > FENCES_KEPT:
            self._fences.popitem(last=False)
        reset = _TURN.set(held)
        renewing = asyncio.create_task(self._hold(key, me))
        try:
            yield fence
        finally:
            held.open = False
            _TURN.reset(reset)
            renewing.cancel()
            kept = [(self._note_key(note), kept) for note, kept in held.kept.items()]
            with contextlib.suppress(Exception):  # gone with Redis: it expires by itself
                await self._release(keys=[key, *(k for k, _ in kept)],
                                    args=[me, *(x for _, pair in kept for x in pair)])

    async def _wait_turn(self, keys: list[str], me: str, order: int) -> list:
        while True:
            try:
                taken = await self._take_turn(keys=keys, args=[me, order, TURN_LEASE_MS])
            except UNREACHABLE:  # Redis restarting: the update waits, it is not dropped
                await asyncio.sleep(RETRY_EVERY)
                continue
            if taken:
                return taken
            await asyncio.sleep(POLL_EVERY)

    async def _hold(self, key: str, me: str) -> None:
        """Keep a long turn (a photo being read) from running out while it is held."""
        while True:
            await asyncio.sleep(TURN_LEASE_MS / 3000)
            with contextlib.suppress(Exception):
                await self._renew(keys=[key], args=[me, TURN_LEASE_MS])

    def follows_own_turn(self) -> bool:
        held = self._turn()
        return held is not None and held.follows_own

    async def try_lease(self, name: str, ttl: float) -> bool:
        held = await self._lease(keys=[self._lease_key(name)], args=[self.worker, int(ttl * 1000)])
        return bool(held)

    async def renew(self, name: str, ttl: float) -> bool:
        renewed = await self._renew(
            keys=[self._lease_key(name)], args=[self.worker, int(ttl * 1000)]
        )
        return bool(renewed)

    async def release(self, name: str) -> None:
        await self._release(keys=[self._lease_key(name)], args=[self.worker])

    async def ping(self) -> bool:
        try:
            return bool(await self.redis.ping())
        except Exception:
            return False

    async def remember(self, key: str, value: str, ttl: float) -> None:
        held = self._turn()
        if held is not None:  # written as the turn ends
            held.values[key] = value
            held.kept[key] = (value, int(ttl * 1000))
            return
        with contextlib.suppress(*UNREACHABLE):  # Redis restarting: the note is lost, allowed
            await self.redis.set(self._note_key(key), value, px=int(ttl * 1000))

    async def recall(self, key: str) -> str | None:
        held = self._turn()
        if held is not None and key in held.values:
            return held.values[key]
        try:
            return _text(await self.redis.get(self._note_key(key)))
        except UNREACHABLE:
            return None

    def _turn(self) -> _Turn | None:
        """This coordinator's turn that the running task is in, if any."""
        held = _TURN.get()
        return held if held is not None and held.open and held.coordinator is self else None

    def _note_key(self, key: str) -> str:
        return f"{self.prefix}:note:{key}"

    async def hit(self, rates: Sequence[Rate]) -> bool:
        """The window is picked by this machine's clock: workers whose clocks differ by a
        second only move where one window ends."""
        now = time.time()
        keys, args = [], []
        for rate in rates:
            window = int(now // rate.per)
            counter = f"{self.prefix}:rate:{rate.name}:{rate.key}"
            keys += [f"{counter}:{window}", f"{counter}:{window - 1}"]
            args += [rate.limit, int(rate.per * 1000), now / rate.per - window]
        try:
            allowed = bool(await self._hit(keys=keys, args=args))
        except UNREACHABLE as err:  # nobody is locked out because Redis blinked
            if not self._rates_apart:
                log.warning("rate limits counted in this worker alone: Redis unreachable (%s)",
                            type(err).__name__)
                self._rates_apart = True
            return self._local_rates.hit(rates)
        if self._rates_apart:
            log.info("rate limits shared through Redis again")
            self._rates_apart = False
        return allowed

    async def close(self) -> None:
        await self.redis.aclose()

    def _lease_key(self, name: str) -> str:
        return f"{self.prefix}:lease:{name}"


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value

