"""The answer's hot path (storage.answers) on SQLite and PostgreSQL: a save is refused, and
the update left unhandled, when the draft changed after it was read; a save of an update
handled meanwhile changes nothing."""

from __future__ import annotations

import sqlalchemy as sa

from dialogs.model import Draft
from storage import answers
from storage.models import ProcessedUpdate, utcnow
from storage.records import Address, Write

OWNER = Address("memory", "answers-1")


async def _draft(store):
    async with store.uow() as uow:
        created = await uow.registrations.create_draft(OWNER)
        await uow.commit()
    return created.id


async def test_an_unchanged_draft_is_saved_and_its_update_marked(store):
    await _draft(store)
    seen = await answers.glance(store, OWNER, 7)
    assert seen is not None and not seen.seen
    draft = seen.record.draft
    draft.person["name"] = "金明浩"
    assert await answers.save_answer(store, seen, draft, 7)
    again = await answers.glance(store, OWNER, 7)
    assert again.seen and again.record.draft.person["name"] == "金明浩"
    assert again.version == seen.version + 1


async def test_a_draft_changed_after_it_was_read_is_not_overwritten(store):
    reg_id = await _draft(store)
    seen = await answers.glance(store, OWNER, 8)
    meanwhile = seen.record.draft.fresh_copy()
    meanwhile.person["name"] = "李春花"
    async with store.uow() as uow:
        await uow.registrations.save_draft(reg_id, meanwhile)
        await uow.commit()
    late = seen.record.draft
    late.person["name"] = "金明浩"
    assert not await answers.save_answer(store, seen, late, 8)
    now = await answers.glance(store, OWNER, 8)
    assert now.record.draft.person["name"] == "李春花"
    assert not now.seen, "the update is left to be handled again"


async def test_an_update_handled_meanwhile_is_not_applied_again(store):
    await _draft(store)
    seen = await answers.glance(store, OWNER, 9)
    async with store.uow() as uow:  # another worker handled the same update, changing nothing
        assert await uow.updates.mark(9)
        await uow.commit()
    late = seen.record.draft
    late.person["name"] = "金明浩"
    assert not await answers.save_answer(store, seen, late, 9)
    now = await answers.glance(store, OWNER, 9)
    assert "name" not in now.record.draft.person and now.version == seen.version


async def test_what_goes_with_an_answer_is_written_only_with_it(store):
    """A channel's extra write (the web page's screen) commits with the answer, and not at
    all when the answer is refused."""
    await _draft(store)
    marker = sa.insert(ProcessedUpdate.__table__)
    with_it = Write(marker, {"update_id": 5_001, "at": utcnow()})
    seen = await answers.glance(store, OWNER, 10)
    assert await answers.save_answer(store, seen, seen.record.draft, 10, with_it)
    stale = Write(marker, {"update_id": 5_002, "at": utcnow()})
    assert not await answers.save_answer(store, seen, seen.record.draft, 11, stale)
    async with store.uow(read_only=True) as uow:
        assert await uow.updates.seen(5_001)
        assert not await uow.updates.seen(5_002)


async def test_a_new_draft_is_started_only_for_someone_with_no_entry_and_a_new_update(store):
    newcomer = Address("memory", "answers-new")
    draft = Draft(lang="ko")
    draft.person["name"] = "金明浩"
    started = await answers.start_draft(store, newcomer, draft, 21)
    assert started is not None and started.version == 1
    seen = await answers.glance(store, newcomer, 21)
    assert seen.seen and seen.record.id == started.record.id
    assert seen.record.draft.person["name"] == "金明浩" and seen.record.draft.lang == "ko"
    assert await answers.start_draft(store, newcomer, Draft(), 22) is None, "one draft each"
    other = Address("memory", "answers-other")
    assert await answers.start_draft(store, other, Draft(), 21) is None, "update handled"
    assert await answers.glance(store, other, 21) is None, "nothing was written"


async def test_a_save_after_the_new_draft_goes_on_from_what_it_returned(store):
    newcomer = Address("memory", "answers-next")
    started = await answers.start_draft(store, newcomer, Draft(), 31)
    draft = started.record.draft
    draft.person["name"] = "李春花"
    assert await answers.save_answer(store, started, draft, 32) is not None
    assert (await answers.glance(store, newcomer, 33)).record.draft.person["name"] == "李春花"
