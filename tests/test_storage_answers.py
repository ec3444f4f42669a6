"""The answer's hot path (storage.answers) on SQLite and PostgreSQL: a save is refused, and
the update left unhandled, when the draft changed after it was read; a save of an update
handled meanwhile changes nothing."""

from __future__ import annotations

import sqlalchemy as sa

from dialogs.model import Draft
from storage import answers
from storage.files import StoredFile
from storage.models import ProcessedUpdate, utcnow
from storage.records import Address, EvidenceKind, Write

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


async def test_what_goes_with_a_first_message_names_the_new_draft_and_is_written_only_with_it(
    store,
):
    """The web page's screen of a newcomer is kept with the new draft it names, and not at
    all when no draft is started."""
    marker = sa.insert(ProcessedUpdate.__table__)
    named = []

    def with_it(update_id: int):
        def write(reg_id: int) -> Write:
            named.append(reg_id)
            return Write(marker, {"update_id": update_id, "at": utcnow()})
        return write

    newcomer = Address("memory", "answers-web")
    started = await answers.start_draft(store, newcomer, Draft(), 41, with_it(6_001))
    assert started is not None and named == [started.record.id]
    assert await answers.start_draft(store, newcomer, Draft(), 42, with_it(6_002)) is None
    assert named == [started.record.id], "nothing is asked of a draft not started"
    async with store.uow(read_only=True) as uow:
        assert await uow.updates.seen(6_001)
        assert not await uow.updates.seen(6_002)


async def test_a_photo_and_what_goes_with_it_are_written_only_with_its_answer(store):
    """A photo's row is the next page of its kind, and it commits with the answer and the
    channel's extra write, or not at all once the draft changed."""
    started = await answers.start_draft(store, OWNER, Draft(), 51)
    marker = sa.insert(ProcessedUpdate.__table__)
    columns = {"award_position": 0, "kind": EvidenceKind.CERTIFICATE, "mime": "image/jpeg",
               "stored": StoredFile("ab/cd/abcd.jpg", "ab" * 32, 1_000),
               "width": 1200, "height": 900}

    def answer(update_id: int):
        def decide(evidence_id: int):
            draft = Draft()
            draft.person["name"] = f"photo {evidence_id}"
            return draft, Write(marker, {"update_id": update_id, "at": utcnow()})
        return decide

    first = await answers.save_with_evidence(store, started, columns, 52, answer(7_001))
    second = await answers.save_with_evidence(store, first, columns, 53, answer(7_002))
    stale = await answers.save_with_evidence(store, first, columns, 54, answer(7_003))
    assert first is not None and second is not None and stale is None
    async with store.uow(read_only=True) as uow:
        evidence = await uow.evidence.list_for(started.record.id)
        assert [e.page for e in evidence] == [1, 2]
        draft = (await uow.registrations.load_draft(OWNER)).draft
        assert draft.person["name"] == f"photo {evidence[1].id}"
        assert [await uow.updates.seen(n) for n in (7_001, 7_002, 7_003)] == [True, True, False]
        assert not await uow.updates.seen(54), "the refused photo's update is left unhandled"
