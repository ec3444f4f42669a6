"""The answer's hot path (storage.answers) on SQLite and PostgreSQL: a save is refused, and
the update left unhandled, when the draft changed after it was read; a save of an update
handled meanwhile changes nothing."""

from __future__ import annotations

from storage import answers
from storage.records import Address

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
