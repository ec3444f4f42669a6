"""Web sessions on a real SQLite file: expiry, idempotency keys, resume codes."""

from __future__ import annotations

from datetime import timedelta

from services.web_sessions import Resumed, WebSessions, normalise_code, show_code, update_id
from storage.clock import utcnow
from storage.uow import Database


async def test_an_expired_session_is_gone(db: Database) -> None:
    sessions = WebSessions(db)
    token, visit = await sessions.new()
    assert (await sessions.open(token)).who == visit.who
    async with db.uow() as uow:
        await uow.web.update_session(visit.token_hash, expires_at=utcnow() - timedelta(seconds=1))
        await uow.commit()
    assert await sessions.open(token) is None
    assert await sessions.open("forged-" + token) is None
    assert await sessions.sweep() == 1


async def test_form_keys_are_negative_distinct_and_bound_to_the_person(db: Database) -> None:
    sessions = WebSessions(db)
    (_, a), (_, b) = await sessions.new(), await sessions.new()
    keys = {update_id(a.who, str(n)) for n in range(1000)}
    assert len(keys) == 1000 and all(-(2**63) < k < 0 for k in keys)
    assert update_id(a.who, "same") == update_id(a.who, "same") != update_id(b.who, "same")
    assert a.who.external_id != b.who.external_id and len(a.who.external_id) >= 20


async def test_a_code_without_an_id_number_cannot_resume(db: Database) -> None:
    sessions = WebSessions(db)
    (_, owner), (_, other) = await sessions.new(), await sessions.new()
    async with db.uow() as uow:
        await uow.web.save_person(owner.who.external_id, resume_code="ABCD2345")
        await uow.commit()
    assert await sessions.resume(other, "abcd-2345", "1234") is Resumed.NO_ID
    assert await sessions.resume(other, "ZZZZ9999", "1234") is Resumed.WRONG
    assert normalise_code(" abcd-2345 ") == "ABCD2345" and show_code("ABCD2345") == "ABCD-2345"
