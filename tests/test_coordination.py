"""Coordination on a real Redis (our own redis-server on a free port, so restarting or killing
it disturbs nobody) and in one process."""

from __future__ import annotations

import asyncio
import itertools
import random
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from coordination import LocalCoordinator
from coordination.redis import RedisCoordinator

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    port = _free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(10)


async def _interleaving(coordinators, updates: int) -> tuple[list[int], list[int]]:
    """One person's updates, each started on a random coordinator in a shuffled order within
    a few ms; returns the order they ran in and the fencing tokens they got."""
    ran, tokens, inside = [], [], []

    async def handle(update_id: int) -> None:
        await asyncio.sleep(random.random() * 0.003)
        async with random.choice(coordinators).turn("tg:42", update_id) as token:
            inside.append(update_id)
            assert len(inside) == 1, "two updates of one person handled at once"
            ran.append(update_id)
            tokens.append(token)
            await asyncio.sleep(0.002)
            inside.remove(update_id)

    ids = list(range(1000, 1000 + updates))
    random.shuffle(ids)
    await asyncio.gather(*(handle(i) for i in ids))
    return ran, tokens


async def test_two_workers_take_one_persons_updates_one_at_a_time(redis_url):
    workers = [RedisCoordinator.from_url(redis_url) for _ in range(2)]
    try:
        ran, tokens = await _interleaving(workers, 30)
    finally:
        for w in workers:
            await w.close()
    assert sorted(ran) == list(range(1000, 1030))
    assert tokens == sorted(tokens) and len(set(tokens)) == 30  # fencing tokens only grow
    # waiters go in update-id order: all but the few that came before the earlier ones
    in_order = sum(a < b for a, b in itertools.pairwise(ran))
    assert in_order >= 25, ran


async def test_updates_arriving_together_run_in_update_id_order(redis_url):
    workers = [RedisCoordinator.from_url(redis_url) for _ in range(2)]
    order = []
    try:
        async with workers[0].turn("tg:7", 1):
            # while the first is held, 2..6 arrive at two workers in shuffled order
            async def later(i):
                async with workers[i % 2].turn("tg:7", i):
                    order.append(i)
            pending = [asyncio.create_task(later(i)) for i in random.sample(range(2, 7), 5)]
            await asyncio.sleep(0.1)
        await asyncio.gather(*pending)
    finally:
        for w in workers:
            await w.close()
    assert order == [2, 3, 4, 5, 6]


async def test_local_coordinator_keeps_one_person_one_at_a_time():
    ran, tokens = await _interleaving([LocalCoordinator()], 20)
    assert sorted(ran) == list(range(1000, 1020))
    assert len(set(tokens)) == 20


HOLDER = textwrap.dedent("""
    import asyncio, sys
    from coordination.redis import RedisCoordinator

    async def main():
        c = RedisCoordinator.from_url(sys.argv[1])
        async def job():
            print("holding", flush=True)
            await asyncio.Event().wait()
        await c.run_leased("outbox", job, ttl=3.0)

    asyncio.run(main())
""")


async def test_a_lease_moves_to_another_worker_when_its_holder_is_killed(redis_url):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, redis_url],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        second = RedisCoordinator.from_url(redis_url)
        took = asyncio.Event()

        async def job():
            took.set()
            await asyncio.Event().wait()

        runner = asyncio.create_task(second.run_leased("outbox", job, ttl=3.0))
        await asyncio.sleep(2.0)
        assert not took.is_set(), "the lease was taken while its holder was alive"
        holder.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        await asyncio.wait_for(took.wait(), timeout=10)
        assert time.monotonic() - killed < 6  # one TTL plus one look
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await second.close()
    finally:
        holder.kill()
        holder.wait()


async def test_a_turn_waits_through_a_redis_restart(redis_url, tmp_path):
    port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
    worker = RedisCoordinator.from_url(redis_url)
    try:
        async with worker.turn("tg:1", 1) as first:
            pass
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], check=False)
        waiting = asyncio.create_task(_take(worker))
        await asyncio.sleep(0.5)
        assert not waiting.done()
        restarted = subprocess.Popen(["redis-server", "--port", str(port), "--save", "",
                                      "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
        try:
            token = await asyncio.wait_for(waiting, timeout=10)
        finally:
            restarted.terminate()
            restarted.wait(10)
        assert first >= 1 and token >= 1
    finally:
        await worker.close()


async def _take(worker: RedisCoordinator) -> int:
    async with worker.turn("tg:1", 2) as token:
        return token


async def test_a_turn_brings_the_notes_it_names_and_leaves_those_kept_in_it(redis_url):
    """The open question's note comes with the turn and goes with its end: the next worker's
    turn finds it, and the note costs no Redis command of its own either way. A task that
    outlives the turn writes its notes directly."""
    first, second = RedisCoordinator.from_url(redis_url), RedisCoordinator.from_url(redis_url)
    try:
        async with first.turn("tg:6", 1, notes=["asked:6"]):  # its scripts loaded
            pass
        await first.remember("asked:7", "old", 60)
        sent = _count_commands(first)
        async with first.turn("tg:7", 1, notes=["asked:7"]):
            assert await first.recall("asked:7") == "old"
            await first.remember("asked:7", "new", 60)
            assert await first.recall("asked:7") == "new"
            assert await second.recall("asked:7") == "old"  # written as the turn ends
            later = asyncio.create_task(_remember_after(first, "asked:8", "late"))
        assert sent == ["EVALSHA", "EVALSHA"]  # take the turn, end it
        async with second.turn("tg:7", 2, notes=["asked:7", "asked:9"]):
            assert await second.recall("asked:7") == "new"
            assert await second.recall("asked:9") is None
        await later
        assert await second.recall("asked:8") == "late"
    finally:
        await first.close()
        await second.close()


async def _remember_after(worker: RedisCoordinator, key: str, value: str) -> None:
    await asyncio.sleep(0.05)
    await worker.remember(key, value, 60)


def _count_commands(worker: RedisCoordinator) -> list[str]:
    """The commands this worker sends to Redis from now on (scripts count once each)."""
    sent: list[str] = []
    send = worker.redis.execute_command

    async def counted(*args, **options):
        sent.append(str(args[0]))
        return await send(*args, **options)

    worker.redis.execute_command = counted
    return sent


async def test_a_worker_knows_when_nobody_else_served_the_person_since_its_last_turn(redis_url):
    """What a worker remembers of a person (the draft it saved) is the latest only while the
    person's turns stay with it."""
    first, second = RedisCoordinator.from_url(redis_url), RedisCoordinator.from_url(redis_url)

    async def follows(worker: RedisCoordinator, order: int) -> bool:
        async with worker.turn("tg:11", order):
            return worker.follows_own_turn()

    try:
        seen = [await follows(first, 1), await follows(first, 2), await follows(second, 3),
                await follows(first, 4), await follows(first, 5), await follows(second, 6)]
        assert seen == [False, True, False, False, True, False]
        assert not first.follows_own_turn(), "outside a turn nothing is known"
        async with first.turn("tg:12", 7):  # another person's turn says nothing of this one
            pass
        assert await follows(first, 8) is False  # second served tg:11 last
    finally:
        await first.close()
        await second.close()
