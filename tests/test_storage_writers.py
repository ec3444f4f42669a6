"""Writers on SQLite: many of this process at once, and another process holding the lock."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from pathlib import Path

from sqlalchemy import text

from dialogs.model import Draft
from storage.uow import Database
from testkit.fakes import tg

# Another process (as the admin CLI would be): takes the write lock, says so, and holds it
# until told to go on; with a count, it writes that many rows instead, one transaction each.
OTHER_PROCESS = textwrap.dedent("""
    import sqlite3, sys
    con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=15)
    if len(sys.argv) > 2:
        for n in range(int(sys.argv[2])):
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO processed_updates (update_id, at) VALUES (?, ?)",
                        (10**8 + n, "2026-01-01 00:00:00.000000"))
            con.execute("COMMIT")
        sys.exit()
    con.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    sys.stdin.readline()
    con.execute("ROLLBACK")
""")


async def other_process(db: Database, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-c", OTHER_PROCESS, db.engine.url.database, *args,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )


async def test_a_write_waiting_for_another_process_does_not_stop_the_event_loop(db: Database):
    """BEGIN IMMEDIATE waits for the other process's lock on the writers' database thread:
    the event loop goes on meanwhile, or every honoree's reply would stop with it; so do
    reads."""
    holder = await other_process(db)
    assert await asyncio.wait_for(holder.stdout.readline(), 10) == b"locked\n"
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def write() -> None:
        async with db.uow() as uow:
            await uow.updates.mark(424242)
            await uow.commit()

    ticking = asyncio.create_task(ticker())
    writing = asyncio.create_task(write())
    try:
        await asyncio.sleep(0.5)
        assert not writing.done()  # it waits for the other process …
        assert ticks >= 20  # … while the loop goes on (a blocked loop would tick 0 times)
        async with db.uow(read_only=True) as uow:  # and others can still read
            assert not await uow.updates.seen(424242)
    finally:
        holder.stdin.write(b"go\n")
        await holder.wait()
    await asyncio.wait_for(writing, 10)
    ticking.cancel()
    async with db.uow(read_only=True) as uow:
        assert await uow.updates.seen(424242)


async def test_concurrent_writers_of_one_process_never_find_the_database_locked(db: Database):
    """Each reads before it writes (the pattern that deadlocks with a deferred BEGIN), many at
    once, while another process writes too: all of them commit."""
    people = range(700_000, 700_080)
    writer = await other_process(db, "200")

    async def answer(person: int) -> None:
        async with db.uow() as uow:
            found = await uow.registrations.load_draft(tg(person))
            reg_id = found.id if found else (await uow.registrations.create_draft(tg(person))).id
            await uow.updates.mark(person)
            await uow.registrations.save_draft(reg_id, Draft(nav={"step": person}))
            await uow.commit()

    await asyncio.gather(*(answer(p) for p in people), *(answer(p) for p in people))
    assert await writer.wait() == 0
    async with db.uow(read_only=True) as uow:
        for person in people:
            found = await uow.registrations.load_draft(tg(person))
            assert found is not None and found.draft.nav == {"step": person}
            assert await uow.updates.seen(person)
        assert await uow.updates.seen(10**8 + 199)  # the other process's writes are there


async def test_one_hop_writes_and_open_units_of_work_take_turns(db: Database):
    """A one-hop write (an ordinary answer) queued while a write unit of work is open must
    wait for it: on the database thread it would otherwise wait for SQLite's lock in front
    of the very statements that would free it. Many of both at once: all of them commit."""
    people = range(710_000, 710_060)

    async def unit(person: int) -> None:
        async with db.uow() as uow:
            await uow.updates.mark(person)
            await asyncio.sleep(0)  # others queue their calls while this one holds the lock
            await uow.updates.mark(person + 1_000)
            await uow.commit()

    def mark(person: int):
        return lambda connection: connection.execute(
            text("INSERT INTO processed_updates (update_id, at) VALUES (:id, :at)"),
            {"id": person + 2_000, "at": "2026-01-01 00:00:00.000000"},
        )

    async def hop(person: int) -> None:
        await db.in_one_hop(mark(person), read_only=False)

    await asyncio.wait_for(
        asyncio.gather(*(f(p) for p in people for f in (unit, hop))), timeout=30
    )
    async with db.uow(read_only=True) as uow:
        for person in people:
            for offset in (0, 1_000, 2_000):
                assert await uow.updates.seen(person + offset)


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
