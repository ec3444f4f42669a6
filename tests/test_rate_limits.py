"""The web page's rate limits across workers: two Guards (two workers) counting on one real
Redis share each limit, and a Redis that cannot be reached locks nobody out."""

from __future__ import annotations

import logging
import os
import socket
import uuid

import pytest

from coordination import LocalCoordinator
from coordination.redis import RedisCoordinator
from services.web_sessions import Visit
from storage.records import Address
from web.config import WebSettings
from web.guard import Guard

REDIS = os.environ.get("HONOREE_TEST_REDIS_URL")
LIMIT = 5


def settings() -> WebSettings:
    return WebSettings(_env_file=None, answers_per_session=LIMIT, resumes_per_ip=3)  # type: ignore[call-arg]


def visit(name: str) -> Visit:
    return Visit(f"hash-{name}", Address("web", name), "csrf", None)


async def answers(guard: Guard, who: Visit, n: int, ip: str = "10.0.0.1") -> list[bool]:
    return [await guard.answer(who, ip) for _ in range(n)]


@pytest.fixture
async def workers():
    """Two workers' coordinators on one Redis, under a prefix of this test alone."""
    if not REDIS:
        pytest.skip("HONOREE_TEST_REDIS_URL is not set")
    prefix = f"test-rates-{uuid.uuid4().hex[:8]}"
    pair = [RedisCoordinator.from_url(REDIS, prefix=prefix) for _ in range(2)]
    yield pair
    keys = [k async for k in pair[0].redis.scan_iter(f"{prefix}:*")]
    if keys:
        await pair[0].redis.delete(*keys)
    for coordinator in pair:
        await coordinator.close()


async def test_two_workers_share_each_limit_on_redis(workers):
    first, second = (Guard(settings(), c) for c in workers)
    phone = visit("a")
    said = [await (first if n % 2 else second).answer(phone, "10.0.0.1") for n in range(LIMIT)]
    assert said == [True] * LIMIT  # within the limit, whichever worker answers
    assert await answers(first, phone, 1) == [False]
    assert await answers(second, phone, 1) == [False]  # the other worker knows it too
    assert await answers(second, visit("b"), 2) == [True, True]  # another phone is not slowed
    tries = [await guard.resume("10.0.0.9") for guard in (first, second, first, second)]
    assert tries == [True, True, True, False]  # 3 resume tries an hour, across both


async def test_one_guard_alone_keeps_the_same_limits():
    guard = Guard(settings(), LocalCoordinator())
    assert await answers(guard, visit("a"), LIMIT + 1) == [True] * LIMIT + [False]
    assert await answers(guard, visit("b"), 1) == [True]


async def test_redis_unreachable_falls_back_to_counting_in_the_worker(caplog):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    coordinator = RedisCoordinator.from_url(f"redis://127.0.0.1:{port}/0", prefix="gone")
    guard = Guard(settings(), coordinator)
    try:
        with caplog.at_level(logging.WARNING, logger="coordination.redis"):
            said = await answers(guard, visit("a"), LIMIT + 1)
        assert said == [True] * LIMIT + [False]  # nobody locked out, and still limited
        warned = [r for r in caplog.records if "rate limits" in r.getMessage()]
        assert len(warned) == 1  # one warning, not one per answer
    finally:
        await coordinator.close()
