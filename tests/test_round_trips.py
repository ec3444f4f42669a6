"""What one answer costs the database: on PostgreSQL at most three round trips (each statement,
BEGIN, COMMIT and ROLLBACK is one), on SQLite one write transaction. Counted with SQLAlchemy's
public engine events, on the real services."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from dialogs.model import Press, Start
from services.inbox import Inbox
from services.registration import Registration
from storage.files import EvidenceStore
from storage.records import Address
from storage.thread_session import DatabaseThread
from tests.services_scenario import MemoryChat, drive
from tests.test_dialog_flow import national_award, screen

HONOREE = Address("memory", "honoree-rt")


@contextlib.contextmanager
def counting() -> Iterator[list[str]]:
    """Every statement and transaction boundary on any engine, as it happens."""
    seen: list[str] = []

    def statement(_conn, _cursor, sql, *_args) -> None:
        seen.append(sql)

    def boundary(name: str):
        def listener(conn, *_args) -> None:
            if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
                seen.append(name)
        return listener

    listeners = [("before_cursor_execute", statement)] + [
        (name, boundary(name.upper())) for name in ("begin", "commit", "rollback")
    ]
    for name, fn in listeners:
        event.listen(Engine, name, fn)
    try:
        yield seen
    finally:
        for name, fn in listeners:
            event.remove(Engine, name, fn)


async def first_answer(db, tmp_path) -> tuple[list[str], Registration, Press, list]:
    """Start a registration, then press the first button of its first question: what that
    answer cost, the service, and what it replied."""
    registration = await Registration.create(db, EvidenceStore(tmp_path / "evidence"))
    started = await registration.handle(HONOREE, Start(), 1)
    first = started.replies[-1].buttons[0][0]
    press = Press(first.data)
    with counting() as seen:
        answered = await registration.handle(HONOREE, press, 2)
    return seen, registration, press, answered.replies


async def test_an_answer_costs_at_most_three_round_trips_on_postgresql(pg_db, tmp_path):
    seen, registration, press, replies = await first_answer(pg_db, tmp_path)
    assert replies, "the answer is replied to"
    assert len(seen) <= 3, seen
    again = await registration.handle(HONOREE, press, 2)  # the same update delivered again
    assert again.again and again.replies, "a redelivery says the open question anew"


async def test_an_answer_is_one_write_transaction_on_sqlite(db, tmp_path):
    seen, registration, press, replies = await first_answer(db, tmp_path)
    assert replies, "the answer is replied to"
    assert seen.count("BEGIN IMMEDIATE") == 1, seen
    again = await registration.handle(HONOREE, press, 2)  # the same update delivered again
    assert again.again and again.replies, "a redelivery says the open question anew"


async def test_the_next_answer_after_this_process_saved_the_draft_costs_one_round_trip(
    store, tmp_path
):
    _, registration, _, replies = await first_answer(store, tmp_path)
    press = Press(replies[-1].buttons[0][0].data)
    with counting() as seen:
        answered = await registration.handle(HONOREE, press, 3)
    assert answered.replies, "the answer is replied to"
    assert not [s for s in seen if s.lstrip().upper().startswith("SELECT")], seen
    if store.dialect == "postgresql":
        assert len(seen) == 1, seen


async def test_an_answer_after_another_worker_changed_the_draft_builds_on_that_change(
    store, tmp_path
):
    """Two services on one database, like two workers: what one saved last is not what the
    other one remembers of the draft, and nothing either of them stored is lost."""
    _, first, _, replies = await first_answer(store, tmp_path)
    second = await Registration.create(store, EvidenceStore(tmp_path / "evidence"))

    async def answers_kept() -> int:
        async with store.uow(read_only=True) as uow:
            draft = (await uow.registrations.load_draft(HONOREE)).draft
        return len(draft.person) + sum(len(award) for award in draft.awards)

    kept = [await answers_kept()]
    asked = [replies[-1].text]
    for update_id, registration in ((3, second), (4, first), (5, first)):
        press = Press(replies[-1].buttons[0][0].data)
        replies = (await registration.handle(HONOREE, press, update_id)).replies
        kept.append(await answers_kept())
        asked.append(replies[-1].text)
    assert kept == sorted(set(kept)), f"every answer is kept with those before it: {kept}"
    assert len(set(asked)) == len(asked), f"each answer moves on to a new question: {asked}"


async def test_a_first_message_is_one_write_with_its_new_draft(store, tmp_path):
    registration = await Registration.create(store, EvidenceStore(tmp_path / "evidence"))
    with counting() as seen:
        started = await registration.handle(HONOREE, Start(), 1)
    assert started.replies[-1].buttons, "the first question is asked, with its buttons"
    if store.dialect == "sqlite":
        writes = [s for s in seen if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
        assert len(writes) == 2, seen  # the update's mark and the new draft
        assert seen.count("BEGIN IMMEDIATE") == 1, seen
    else:
        assert len(seen) == 2, seen  # the glance, then the mark and the draft in one statement
    again = await registration.handle(HONOREE, Start(), 1)  # delivered again
    assert again.again and again.replies[-1].text == started.replies[-1].text


@contextlib.contextmanager
def hops(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every call handed to SQLite's database thread, by function name."""
    handed: list[str] = []
    submit = DatabaseThread.submit

    def counted(self, fn, /, *args, **kwargs):
        handed.append(getattr(fn, "__name__", repr(fn)))
        return submit(self, fn, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(DatabaseThread, "submit", counted)
        yield handed


async def test_keeping_and_forgetting_a_poll_of_updates_is_one_trip_each(store, monkeypatch):
    """Every poll keeps its batch and handled ones leave soon after: neither holds the writers'
    turn across trips through the event loop, which every answer would wait behind."""
    inbox = Inbox(store)
    batch = [(n, f'{{"update_id": {n}}}'.encode()) for n in (11, 12, 13)]
    with counting() as seen, hops(monkeypatch) as handed:
        await inbox.keep(batch)
    assert [raw for raw, _ in await inbox.pending()] == [raw for _, raw in batch]
    with counting() as forgetting, hops(monkeypatch) as handed_forgetting:
        await inbox.forget([11, 12])
    assert [raw for raw, _ in await inbox.pending()] == [batch[2][1]]
    for statements, trips in ((seen, handed), (forgetting, handed_forgetting)):
        writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "DELETE"))]
        assert len(writes) == 1, statements
        if store.dialect == "sqlite":
            assert len(trips) == 1 and statements.count("BEGIN IMMEDIATE") == 1, (trips, statements)
        else:
            assert statements == ["BEGIN", writes[0], "COMMIT"], statements


async def at_first_photo(db, tmp_path) -> MemoryChat:
    """A honoree whose open question asks for the award document's photo."""
    chat = MemoryChat(await Registration.create(db, EvidenceStore(tmp_path / "evidence")),
                      HONOREE)

    def up_to_the_photo(sync_chat) -> None:
        screen(sync_chat)
        national_award(sync_chat)
        sync_chat.press("全国劳模待遇")
        sync_chat.press("是，荣誉保持着")
        sync_chat.say("中发[2015]10号")

    await drive(chat, up_to_the_photo)
    return chat


async def evidence_pages(db) -> list[int]:
    async with db.uow(read_only=True) as uow:
        draft = await uow.registrations.load_draft(HONOREE)
        return sorted(e.page for e in await uow.evidence.list_for(draft.id))


async def test_a_photo_is_one_write_with_its_evidence_row_and_answer(store, tmp_path, monkeypatch):
    """Photos come in bursts (an album, many people at the same step): the evidence row, the
    answer and the update's mark go in one commit, nothing holding the writers' turn between."""
    chat = await at_first_photo(store, tmp_path)
    with counting() as seen, hops(monkeypatch) as handed:
        await chat.photo()
    assert "收到 1 张" in chat.replies[-1].text
    if store.dialect == "sqlite":
        writes = [s for s in seen if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
        assert len(writes) == 3, seen  # the evidence row, the draft, the update's mark
        assert seen.count("BEGIN IMMEDIATE") == 1 and len(handed) == 1, (handed, seen)
    else:  # the row's id, then the row, the draft and the mark in one statement
        assert len(seen) == 2 and "BEGIN" not in seen, seen
    assert await evidence_pages(store) == [1]


async def test_a_photo_after_another_worker_changed_the_draft_is_kept_once(store, tmp_path):
    """Two services on one database, like two workers, each sent one photo for the same
    question: the one whose remembered draft is stale still keeps its photo, as page 2, and
    leaves no row of a refused try behind."""
    chat = await at_first_photo(store, tmp_path)
    other = MemoryChat(await Registration.create(store, EvidenceStore(tmp_path / "evidence")),
                       HONOREE)
    other.updates = chat.updates + 100
    await other.photo()
    assert "收到 1 张" in other.replies[-1].text
    await chat.photo()  # its service remembers the draft from before the other's photo
    assert "收到 2 张" in chat.replies[-1].text
    assert await evidence_pages(store) == [1, 2]
