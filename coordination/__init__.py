"""Coordination between worker processes: one person's updates one at a time, and jobs that
must run in one worker only. In one process without Redis, in-process locks do it
(`LocalCoordinator`); with HONOREE_REDIS_URL, Redis does it for every worker (`RedisCoordinator`).
Nothing here knows about Telegram."""

from __future__ import annotations

from coordination.base import Coordinator, LeaseLost
from coordination.local import LocalCoordinator


def make_coordinator(redis_url: str | None, prefix: str = "honoree") -> Coordinator:
    if not redis_url:
        return LocalCoordinator()
    from coordination.redis import RedisCoordinator

    return RedisCoordinator.from_url(redis_url, prefix=prefix)


__all__ = ["Coordinator", "LeaseLost", "LocalCoordinator", "make_coordinator"]
