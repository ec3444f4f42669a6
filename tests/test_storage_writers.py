"""Writers on SQLite: turns within the process, and waiting for another process's lock."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

from storage.uow import Database, WriteTurns


async def test_urgent_writers_go_before_queued_ones_and_a_cancelled_waiter_passes_its_turn():
    turns = WriteTurns()
    order: list[str] = []
    await turns.acquire()  # someone is writing

    async def writer(name: str, urgent: bool = False) -> None:
        await turns.acquire(urgent=urgent)
        order.append(name)
        turns.release()

    first = asyncio.create_task(writer("first"))
    gone = asyncio.create_task(writer("gone"))
    second = asyncio.create_task(writer("second"))
    await asyncio.sleep(0)
    urgent = asyncio.create_task(writer("urgent", urgent=True))
    await asyncio.sleep(0)
    gone.cancel()
    turns.release()
    await asyncio.gather(first, second, urgent, return_exceptions=True)
    assert order == ["urgent", "first", "second"]
    await asyncio.wait_for(turns.acquire(), 1)  # free again: nothing leaked a turn


async def test_a_write_waiting_for_another_process_does_not_stop_the_event_loop(db: Database):
    """Statements run on the loop's thread, but BEGIN may wait for the admin CLI's lock: that
    wait must happen off the loop, or every honoree's reply would stop with it."""
    path = db.engine.url.database
    locked, release = threading.Event(), threading.Event()

    def other_process() -> None:
        con = sqlite3.connect(path, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(5)
        con.execute("ROLLBACK")
        con.close()

    holder = threading.Thread(target=other_process)
    holder.start()
    await asyncio.to_thread(locked.wait, 5)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    started = time.monotonic()

    async def write() -> None:
        async with db.uow() as uow:
            await uow.updates.mark(424242)
            await uow.commit()

    writing = asyncio.create_task(write())
    await asyncio.sleep(0.5)
    assert not writing.done()  # it waits for the other writer …
    assert ticks >= 20  # … while the loop goes on (a blocked loop would tick 0 times)
    release.set()
    await asyncio.wait_for(writing, 5)
    ticking.cancel()
    holder.join()
    assert time.monotonic() - started >= 0.5
    async with db.uow(read_only=True) as uow:
        assert await uow.updates.seen(424242)


async def test_background_checkpoints_keep_the_copy_into_the_file_off_the_commits(settings):
    """Commits of the bot never checkpoint (that ends in an fsync, on the event loop); the
    checkpoint, run in a thread, copies everything they wrote."""
    settings.data_dir.mkdir(parents=True)
    db = Database.from_settings(settings, background_checkpoints=True)
    await db.migrate()
    wal = Path(f"{db.engine.url.database}-wal")
    try:
        for update_id in range(1500):  # a few pages each: well over SQLite's 1000-page default
            async with db.uow() as uow:
                await uow.updates.mark(update_id)
                await uow.commit()
        pages = wal.stat().st_size // 4096
        assert pages > 1500  # no commit copied the WAL back and started it over
        assert await db.checkpoint() == 0  # all of it is in the database file now
        async with db.uow() as uow:  # and the WAL starts over from the beginning
            await uow.updates.mark(10**9)
            await uow.commit()
        assert await db.checkpoint() == 0
        async with db.uow(read_only=True) as uow:
            assert await uow.updates.seen(1499) and await uow.updates.seen(10**9)
    finally:
        await db.dispose()
