"""The unit of work owns its transaction: what it did commits whole or vanishes whole, also
when the session and table-level statements of the repositories are mixed in it."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import event, text

from dialogs.model import Draft
from storage.uow import PG_POOL, Database
from testkit.fakes import tg


@pytest.mark.parametrize("commit", [True, False])
async def test_a_unit_of_work_commits_or_vanishes_whole(store: Database, commit: bool) -> None:
    async with store.uow() as uow:
        assert await uow.updates.mark(31)  # a table-level INSERT begins the transaction
        reg = await uow.registrations.create_draft(tg(31))  # ORM objects join it
        await uow.registrations.save_draft(
            reg.id, Draft(person={"name": "张三", "id_number": "x"})
        )
        assert await uow.updates.mark(32)
        if commit:
            await uow.commit()
    async with store.uow(read_only=True) as uow:
        assert await uow.updates.seen(31) is commit and await uow.updates.seen(32) is commit
        found = await uow.registrations.load_draft(tg(31))
    if commit:
        assert found is not None and found.draft.person == {"name": "张三", "id_number": "x"}
    else:
        assert found is None


async def test_a_unit_of_work_failing_half_way_leaves_nothing_and_the_next_one_works(
    store: Database,
) -> None:
    with pytest.raises(RuntimeError):
        async with store.uow() as uow:
            assert await uow.updates.mark(41)
            await uow.registrations.create_draft(tg(41))
            raise RuntimeError("the handler failed half-way")
    async with store.uow() as uow:
        assert await uow.updates.mark(41)  # not kept from the failed one
        await uow.commit()
    async with store.uow(read_only=True) as uow:
        assert await uow.updates.seen(41)
        assert await uow.registrations.list_for_owner(tg(41)) == []


async def test_after_a_commit_the_next_statement_is_in_a_new_transaction(store: Database) -> None:
    async with store.uow() as uow:
        assert await uow.updates.mark(6)
        await uow.commit()
        assert await uow.updates.mark(7)  # a new transaction, rolled back on leaving
    async with store.uow(read_only=True) as uow:
        assert await uow.updates.seen(6)
        assert not await uow.updates.seen(7)


async def test_a_write_unit_of_work_inside_another_is_refused(db: Database) -> None:
    """It would wait for the write lock its own caller holds."""
    async with db.uow() as outer:
        await outer.updates.mark(8)
        with pytest.raises(RuntimeError, match="wait for itself"):
            async with db.uow():
                pass
        async with db.uow(read_only=True) as inner:  # reading takes no lock: allowed
            assert not await inner.updates.seen(8)  # nor sees what is not committed
        await outer.commit()


async def test_reading_needs_no_write_lock(db: Database) -> None:
    """While another writer holds SQLite's write lock (the admin CLI, say), reads go on."""
    other = sqlite3.connect(db.engine.url.database, isolation_level=None)
    try:
        async with db.uow() as uow:
            await uow.updates.mark(9)
            await uow.commit()
        other.execute("BEGIN IMMEDIATE")
        async with db.uow(read_only=True) as uow:
            assert await uow.updates.seen(9)
    finally:
        other.close()


async def test_many_units_of_work_open_at_once_all_finish(store: Database) -> None:
    """More readers at once than a connection pool holds, and writers queued behind each other:
    none of them waits for a connection that another one, stuck behind it, would give back."""
    gate = asyncio.Event()

    async def read(n: int) -> bool:
        async with store.uow(read_only=True) as uow:
            seen = await uow.updates.seen(n)
            await gate.wait()  # everyone holds a connection at the same time
            return seen or await uow.updates.seen(n)

    async def write(n: int) -> None:
        async with store.uow() as uow:
            await uow.updates.mark(n)
            await uow.commit()

    readers = [asyncio.create_task(read(n)) for n in range(40)]
    writers = [asyncio.create_task(write(n)) for n in range(40)]
    await asyncio.sleep(0.2)
    gate.set()
    await asyncio.wait_for(asyncio.gather(*readers, *writers), 20)
    async with store.uow(read_only=True) as uow:
        assert all([await uow.updates.seen(n) for n in range(40)])


async def test_reads_inside_reads_do_not_wait_for_each_other(store: Database) -> None:
    """Readers take turns a few at a time; one opened inside another skips the line, or
    enough of them at once would each wait for a turn that only they could give back."""
    gate = asyncio.Event()

    async def nested(n: int) -> bool:
        async with store.uow(read_only=True) as outer:
            await gate.wait()
            async with store.uow(read_only=True) as inner:
                return not await inner.updates.seen(n) and not await outer.updates.seen(n)

    tasks = [asyncio.create_task(nested(n)) for n in range(20)]
    await asyncio.sleep(0.1)
    gate.set()
    assert all(await asyncio.wait_for(asyncio.gather(*tasks), 20))


async def test_postgres_keeps_its_connections_through_a_burst(pg_db: Database) -> None:
    """Many answers at once (one-statement ones and whole units of work, some with another
    inside): the pool hands out no more connections than it keeps, so none is closed on
    return and opened again for the next answer (a new server process each time)."""
    opened = 0

    def count(*_args: object) -> None:
        nonlocal opened
        opened += 1

    event.listen(pg_db.engine.sync_engine, "connect", count)
    try:
        async def one_statement(n: int) -> None:
            async with pg_db.autocommit() as connection:
                await connection.execute(text("SELECT 1"))

        async def nested(n: int) -> None:
            async with pg_db.uow() as outer:
                await outer.updates.mark(n)
                async with pg_db.uow(read_only=True) as inner:
                    assert not await inner.updates.seen(n)  # not committed yet
                await outer.commit()

        for burst in range(5):
            await asyncio.wait_for(asyncio.gather(
                *(one_statement(n) for n in range(60)),
                *(nested(burst * 100 + n) for n in range(30)),
            ), 30)
    finally:
        event.remove(pg_db.engine.sync_engine, "connect", count)
    assert opened <= PG_POOL["pool_size"]
