"""Prepared statements: on SQLite they skip SQLAlchemy's execution machinery, so check that
nothing else changes — rows, type conversions and the transaction they belong to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from storage import sqlite_inline
from storage.models import Registration
from storage.prepared import Prepared
from storage.uow import Database

T = Registration.__table__
BY_OWNER = sa.select(T.c.id, T.c.state, T.c.secrets_cipher, T.c.updated_at, T.c.is_demo).where(
    T.c.owner_user_id == sa.bindparam("owner")
)


async def test_rows_and_types_are_those_sqlalchemy_gives(db: Database) -> None:
    async with db.uow() as uow:
        reg = await uow.registrations.create_draft(7, 7)
        await uow.registrations.save_state(
            reg.id, {"person": {"name": "张三"}}, {"id_number": "x"}, name="张三", hukou_code=None
        )
        pooled = await (await uow.session.connection()).get_raw_connection()
        assert sqlite_inline.sqlite3_connection(pooled) is not None  # the lean path is taken
        lean = await Prepared(BY_OWNER).run(uow.session, {"owner": 7})
        plain = (await uow.session.execute(BY_OWNER, {"owner": 7})).all()
    assert lean.rows == [tuple(row) for row in plain]
    _, state, sealed, updated_at, is_demo = lean.rows[0]
    assert state == {"person": {"name": "张三"}} and isinstance(sealed, bytes)
    assert updated_at.tzinfo is not None and is_demo is False


async def test_a_prepared_write_belongs_to_its_unit_of_work(db: Database) -> None:
    async with db.uow() as uow:
        assert await uow.updates.mark(5)
        assert not await uow.updates.mark(5)
        # leaving without commit rolls back
    async with db.uow(read_only=True) as uow:
        assert not await uow.updates.seen(5)
    async with db.uow() as uow:
        assert await uow.updates.mark(5)
        await uow.commit()
    async with db.uow(read_only=True) as uow:
        assert await uow.updates.seen(5)


async def test_an_expanding_in_list_is_refused(db: Database) -> None:
    stmt = sa.select(T.c.id).where(T.c.status.in_(["draft", "returned"]))
    async with db.uow(read_only=True) as uow:
        with pytest.raises(ValueError, match="expanding"):
            await Prepared(stmt).run(uow.session, {})


async def test_a_prepared_write_stores_values_as_sqlalchemy_does(db: Database) -> None:
    """Same text on disk, e.g. datetimes with their .000000, so comparisons keep working."""
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    touch = sa.update(T).where(T.c.id == sa.bindparam("reg_id"))
    touch = touch.values(updated_at=sa.bindparam("at"))
    stored = sa.text("SELECT updated_at, state FROM registrations WHERE id = :id")
    async with db.uow() as uow:
        reg = await uow.registrations.create_draft(8, 8)
        await uow.session.execute(touch, {"reg_id": reg.id, "at": at})
        by_sqlalchemy = (await uow.session.execute(stored, {"id": reg.id})).one()
        await Prepared(touch).run(uow.session, {"reg_id": reg.id, "at": at})
        assert (await uow.session.execute(stored, {"id": reg.id})).one() == by_sqlalchemy
    assert by_sqlalchemy[0] == "2026-01-02 03:04:05.000000"


async def test_after_a_commit_the_next_statement_is_in_a_new_transaction(db: Database) -> None:
    async with db.uow() as uow:
        assert await uow.updates.mark(6)
        await uow.commit()
        assert await uow.updates.mark(7)  # a new transaction, rolled back on leaving
    async with db.uow(read_only=True) as uow:
        assert await uow.updates.seen(6)
        assert not await uow.updates.seen(7)


async def test_values_are_found_as_sqlalchemy_finds_them(db: Database) -> None:
    """By the parameter's key, with the statement's own values (a literal, a LIMIT) filled in,
    and a missing one refused rather than sent as NULL."""
    newest = (
        sa.select(T.c.id).where(T.c.owner_user_id == sa.bindparam("owner"), T.c.status == "draft")
        .order_by(T.c.id.desc()).limit(1)
    )
    async with db.uow() as uow:
        ids = [(await uow.registrations.create_draft(9, 9)).id for _ in range(2)]
        lean = await Prepared(newest).run(uow.session, {"owner": 9})
        plain = (await uow.session.execute(newest, {"owner": 9})).all()
        assert lean.rows == [tuple(row) for row in plain] == [(max(ids),)]
        with pytest.raises(KeyError, match="owner"):
            await Prepared(newest).run(uow.session, {"someone": 9})


@pytest.mark.parametrize("commit", [True, False])
async def test_prepared_and_orm_writes_of_one_unit_of_work_commit_or_vanish_together(
    db: Database, commit: bool
) -> None:
    """Write units of work run their Prepared statements on sqlite3 directly; when the ORM is
    needed too, its session joins that transaction instead of opening its own."""
    async with db.uow() as uow:
        assert await uow.updates.mark(31)  # Prepared: begins the transaction
        reg = await uow.registrations.create_draft(31, 31)  # the ORM session joins it
        assert await uow.updates.mark(32)
        if commit:
            await uow.commit()
    async with db.uow(read_only=True) as uow:
        assert await uow.updates.seen(31) is commit and await uow.updates.seen(32) is commit
        assert (await uow.registrations.get(reg.id) is not None) is commit


async def test_a_failed_unit_of_work_leaves_nothing_behind_and_the_next_one_works(
    db: Database,
) -> None:
    with pytest.raises(RuntimeError):
        async with db.uow() as uow:
            assert await uow.updates.mark(41)
            await uow.registrations.create_draft(41, 41)
            raise RuntimeError("the handler failed half-way")
    async with db.uow() as uow:
        assert await uow.updates.mark(41)  # not kept from the failed one
        await uow.commit()
    async with db.uow(read_only=True) as uow:
        assert await uow.updates.seen(41)
        assert await uow.registrations.list_for_owner(41) == []
