"""Writers on SQLite: turns within the process, and waiting for another process's lock."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

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
