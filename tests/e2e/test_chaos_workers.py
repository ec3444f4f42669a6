"""Chaos: two webhook workers on PostgreSQL and our own Redis, 20 honorees registering through
the emulator, one worker SIGKILLed at a random moment and Redis restarted once. Updates are
delivered like Telegram's webhook: a person's next update after the previous one was answered
200, to any live worker, again (elsewhere) when a worker fails to answer."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import time

import pytest

from storage.settings import Settings
from storage.uow import Database
from testkit.botproc import SECRET, admin
from testkit.pg import create_database, drop_database
from testkit.webhook import WebhookDelivery
from tests.e2e.crowd import Filler, people, stored_entry, submitted_twice
from tests.e2e.test_webhook_workers import WebhookWorker
from tests.test_coordination import _free_port

pytestmark = pytest.mark.e2e
CROWD = 20


def _redis(port: int, data_dir) -> subprocess.Popen:
    return subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--dir",
                             str(data_dir)], stdout=subprocess.DEVNULL)


async def test_two_workers_survive_a_kill_and_a_redis_restart(emulator, tmp_path):
    try:
        url = await create_database("chaos")
    except OSError as err:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is not reachable: {err}")
    seed = int(os.environ.get("HONOREE_CHAOS_SEED") or random.randrange(2**32))
    print(f"chaos seed: HONOREE_CHAOS_SEED={seed}")
    rng = random.Random(seed)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {"HONOREE_SECRET_KEY": SECRET, "HONOREE_DATABASE_URL": url}
    admin(data_dir, "init", env_extra=env)
    redis_port = _free_port()
    redis = _redis(redis_port, tmp_path)
    time.sleep(0.3)
    workers = [
        WebhookWorker(emulator, data_dir, _free_port(), f"redis://127.0.0.1:{redis_port}/0",
                      HONOREE_DATABASE_URL=url)
        for _ in range(2)
    ]
    db = Database.from_settings(Settings(data_dir=data_dir, secret_key=SECRET, database_url=url))
    try:
        for w in workers:
            await w.start()
        webhook = WebhookDelivery(
            emulator, lambda: [w.url for w in workers if w.proc.poll() is None], rng)
        delivering = asyncio.create_task(webhook.run())
        crowd = [Filler(emulator.user(p.user_id, first_name=p.name[:1]), p, db)
                 for p in people(CROWD, first_user_id=9001)]
        tasks = [asyncio.create_task(f.run()) for f in crowd]
        kill_after, restart_after = sorted(rng.sample(range(100, 900), 2))
        while len(emulator.calls) < kill_after:
            await asyncio.sleep(0.005)
        rng.choice(workers).kill()
        while len(emulator.calls) < restart_after:
            await asyncio.sleep(0.005)
        subprocess.run(["redis-cli", "-p", str(redis_port), "shutdown", "nosave"], check=False)
        redis.wait(10)
        await asyncio.sleep(rng.uniform(0.1, 1.0))
        redis = _redis(redis_port, tmp_path)
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=600)
        finished = await asyncio.gather(*(f.resume() for f in crowd))
        delivering.cancel()
        assert {q.key for q in finished} == {"done"}, f"seed {seed}: {finished}"

        problems: list[str] = []
        async with db.uow(read_only=True) as uow:
            for f in crowd:
                who = f"seed {seed} user {f.person.user_id}"
                problems += (await stored_entry(uow, f, who))[0]
            problems += await submitted_twice(uow, seed)
        print(f"chaos: {len(emulator.calls)} API calls, kill after {kill_after}, redis restart "
              f"after {restart_after}, {webhook.answered_twice()} "
              f"updates answered 200 twice")
        assert not problems, "\n".join(problems)
    finally:
        for w in workers:
            w.stop()
        redis.terminate()
        redis.wait(10)
        await db.dispose()
        await drop_database(url)
