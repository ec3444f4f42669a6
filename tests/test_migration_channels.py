"""Upgrading a database made by the release before channel identities (schema 0003): drafts,
submitted entries, reviewers, a reason being typed, queued notices and a blocked chat all
survive, keyed ("tg", id), and the product keeps working on them."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command

from storage.crypto import FieldCipher
from storage.divisions import load_divisions
from storage.uow import Database, alembic_config
from testkit.fakes import fake_id_number, tg
from testkit.pg import scratch_database

VILLAGE = "222401100201"  # 光进村
NOW = datetime(2026, 11, 20, 3, tzinfo=UTC)
FAKE_ID = fake_id_number(date(1950, 5, 5), region="222401", seq=1)


def _upgrade(connection: sa.Connection, target: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, target)


async def _release_0003(db: Database) -> None:
    """What a database of the previous release held, written as that release wrote it."""
    async with db.engine.begin() as connection:
        await connection.run_sync(_upgrade, "0003")
    await load_divisions(db)
    sealed = db.cipher.encrypt_json({"id_number": FAKE_ID})
    markup = {"inline_keyboard": [[{"text": "查看", "callback_data": "r|open|2"}]]}
    rows = [
        "INSERT INTO committees (id, division_code, name, kind, created_at) "
        f"VALUES (1, '{VILLAGE}', '光进村', 'village', :now)",
        "INSERT INTO registrations (id, owner_user_id, chat_id, status, state, name, "
        "secrets_cipher, version, is_demo, created_at, updated_at) VALUES "
        "(1, 5001, 5001, 'draft', :draft, '王桂兰', :sealed, 3, false, :now, :now)",
        "INSERT INTO registrations (id, reg_no, owner_user_id, chat_id, status, state, name, "
        "hukou_code, township_code, committee_id, version, is_demo, created_at, updated_at, "
        "submitted_at) VALUES (2, '222401100-0001', 5002, 5002, 'submitted', :submitted, "
        f"'李春生', '{VILLAGE}', '222401100000', 1, 2, false, :now, :now, :now)",
        "INSERT INTO reviewers (id, telegram_user_id, committee_id, role, display_name, "
        "created_at) VALUES (1, 7001, 1, 'reviewer', '张主任', :now)",
        "INSERT INTO reason_prompts (telegram_user_id, decision, registration_id, version, "
        "button, asked_at) VALUES (7001, 'ret', 2, 2, 'r|rett|2|2', :now)",
        "INSERT INTO notifications (id, chat_id, text, reply_markup, status, attempts, "
        "not_before, created_at, dedup_key) VALUES (1, 7001, '新登记', :markup, 'pending', 0, "
        ":now, :now, 'new|7001|2|2')",
        "INSERT INTO notifications (id, chat_id, text, status, attempts, not_before, "
        "created_at) VALUES (2, 5002, '已提交', 'pending', 0, :now, :now)",
        "INSERT INTO chats (chat_id, unreachable_at) VALUES (6001, :now)",
    ]
    values = {
        "now": NOW,
        "draft": json.dumps({"person": {"consent": "同意", "name": "王桂兰"}, "awards": []}),
        "submitted": json.dumps({"person": {"name": "李春生"}, "awards": []}),
        "sealed": sealed,
        "markup": json.dumps(markup),
    }
    async with db.engine.begin() as connection:
        for sql in rows:
            statement = sa.text(sql)
            wanted = {k: v for k, v in values.items() if f":{k}" in sql}
            await connection.execute(statement, wanted)
        if db.dialect == "postgresql":  # the rows above name their ids; the release's did not
            for table in ("committees", "registrations", "reviewers", "notifications"):
                await connection.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                ))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def old_db(request, tmp_path):
    cipher = FieldCipher(os.urandom(32))
    if request.param == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}", cipher)
        yield db
        await db.dispose()
        return
    async with scratch_database("honoree_migration") as url:
        db = Database(url, cipher)
        yield db
        await db.dispose()


async def test_a_database_of_the_previous_release_is_converted_in_place(old_db: Database):
    await _release_0003(old_db)
    await old_db.migrate()
    async with old_db.uow() as uow:
        found = await uow.registrations.load_draft(tg(5001))
        assert found.draft.person["name"] == "王桂兰"
        assert found.draft.person["id_number"] == FAKE_ID
        submitted = await uow.registrations.list_for_owner(tg(5002))
        assert [(e.reg_no, e.owner) for e in submitted] == [("222401100-0001", tg(5002))]
        reviewer = (await uow.reviewers.for_user(tg(7001)))[0]
        assert (reviewer.display_name, reviewer.committee_id) == ("张主任", 1)
        assert await uow.reviewers.active() == {tg(7001)}
        assert (await uow.reviewers.reason_asked(tg(7001))).registration_id == 2
        due = await uow.notifications.due("tg", NOW + timedelta(minutes=1))
        assert [(n.to, n.text, n.buttons) for n in due] == [
            (tg(7001), "新登记", ((("查看", "r|open|2"),),)),
            (tg(5002), "已提交", ()),
        ]
        assert await uow.notifications.unreachable() == {tg(6001)}

        # and it keeps working: a new draft, a submit, a notice to someone blocked
        fresh = await uow.registrations.create_draft(tg(5003))
        await uow.registrations.save_state(fresh.id, {}, {}, name="赵", hukou_code=VILLAGE)
        assert (await uow.registrations.get_active(tg(5003))).id == fresh.id
        assert await uow.notifications.enqueue(tg(7001), "再提醒", dedup_key="new|7001|2|2") is None
        await uow.notifications.enqueue(tg(6001), "blocked")
        assert len(await uow.notifications.due("tg", NOW + timedelta(days=1))) == 2
        await uow.commit()
