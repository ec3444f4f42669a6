"""Web sessions on a real SQLite file: expiry, idempotency keys, resume codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from services.web_input import Wants
from services.web_sessions import Resumed, WebSessions, normalise_code, show_code, update_id
from storage.clock import utcnow
from storage.uow import Database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db(request):
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


async def test_an_expired_session_is_gone(any_db: Database) -> None:
    sessions = WebSessions(any_db)
    token, visit = await sessions.new()
    assert (await sessions.open(token)).who == visit.who
    async with any_db.uow() as uow:
        await uow.web.update_session(visit.token_hash, expires_at=utcnow() - timedelta(seconds=1))
        await uow.commit()
    assert await sessions.open(token) is None
    assert await sessions.open("forged-" + token) is None
    assert await sessions.sweep() == 1


async def test_form_keys_are_negative_distinct_and_bound_to_the_person(any_db: Database) -> None:
    sessions = WebSessions(any_db)
    (_, a), (_, b) = await sessions.new(), await sessions.new()
    keys = {update_id(a.who, str(n)) for n in range(1000)}
    assert len(keys) == 1000 and all(-(2**63) < k < 0 for k in keys)
    assert update_id(a.who, "same") == update_id(a.who, "same") != update_id(b.who, "same")
    assert a.who.external_id != b.who.external_id and len(a.who.external_id) >= 20


async def test_a_code_without_an_id_number_cannot_resume(any_db: Database) -> None:
    sessions = WebSessions(any_db)
    (_, owner), (_, other) = await sessions.new(), await sessions.new()
    async with any_db.uow() as uow:
        await uow.web.save_person(owner.who.external_id, resume_code="ABCD2345")
        await uow.commit()
    assert await sessions.resume(other, "abcd-2345", "1234") is Resumed.NO_ID
    assert await sessions.resume(other, "ZZZZ9999", "1234") is Resumed.WRONG
    assert normalise_code(" abcd-2345 ") == "ABCD2345" and show_code("ABCD2345") == "ABCD-2345"


async def test_screen_and_code_are_kept_sealed_on_both_backends(any_db: Database) -> None:
    sessions = WebSessions(any_db)
    token, visit = await sessions.new()
    screen = {"said": "金明浩", "replies": [{"text": "身份证号？", "buttons": []}]}
    await sessions.show(visit.who, screen, lambda record: Wants(text=True, has_id=True))
    again = await sessions.open(token, with_notices=True)
    assert again.screen["said"] == "金明浩" and again.screen["wants"]["text"] is True
    code = again.resume_code
    assert code and len(code) == 8
    await sessions.show(visit.who, {"replies": []}, lambda record: Wants(has_id=True))
    assert (await sessions.open(token)).resume_code == code  # made once, then kept
    async with any_db.uow(read_only=True) as uow:
        sealed = (await uow.session.execute(
            sa.text("SELECT screen FROM web_people"))).scalar_one()
    assert "金明浩".encode() not in bytes(sealed)
