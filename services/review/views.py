"""Reading for reviewers: queue pages, the full entry, the full ID number (each re-checked)."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.model import Context, Reply
from dialogs.review import (
    Duplicate,
    EntryFacts,
    QueueItem,
    QueuePage,
    committee_picker,
    entry_buttons,
    entry_card,
    queue_reply,
)
from services.results import Attachment
from services.review.access import Member, entry_for, members, refuse
from storage.records import Address, RegistrationRecord, Status
from storage.uow import Database, UnitOfWork

QUEUE_LIMIT = 1000  # a committee's waiting entries; sorted here by submission time


@dataclass(frozen=True)
class EntryView:
    card: Reply
    photos: list[Attachment]  # the evidence files, in print order
    reg_no: str


async def my_queue(db: Database, who: Address) -> Reply | None:
    """/queue: the queue of the user's committee, or a choice when they serve several."""
    async with db.uow(read_only=True) as uow:
        found = await members(uow, who)
        if len(found) == 1:
            return await _page(uow, found[0], "queue", 0)
    if not found:
        return None
    return committee_picker([(m.committee.id, m.committee.name) for m in found])


async def queue_page(
    db: Database, who: Address, raw: str, verb: str, committee_id: int, page: int
) -> Reply | None:
    """A page of one committee's queue ("queue") or of its township's unassigned entries
    ("free", the desk only); None (refused and audited) for anyone else."""
    async with db.uow() as uow:
        member = next(
            (m for m in await members(uow, who) if m.committee.id == committee_id), None
        )
        if member is None or (verb == "free" and not member.is_desk):
            await refuse(uow, who, raw, None, "not_member")
            await uow.commit()
            return None
        return await _page(uow, member, verb, page)


async def _page(uow: UnitOfWork, member: Member, verb: str, page: int) -> Reply:
    waiting = [Status.SUBMITTED]
    committee = member.committee
    desk = {"township_code": committee.division_code, "unassigned_only": True}
    if verb == "free":
        entries = await uow.registrations.list(**desk, statuses=waiting, limit=QUEUE_LIMIT)
        counts = None
    else:
        entries = await uow.registrations.list(
            committee_id=committee.id, statuses=waiting, limit=QUEUE_LIMIT
        )
        counts = await uow.registrations.count_by_status(committee_id=committee.id)
    free = None
    if member.is_desk and verb == "queue":
        free = (await uow.registrations.count_by_status(**desk, statuses=waiting)).get(
            Status.SUBMITTED, 0
        )
    entries.sort(key=lambda e: (e.submitted_at is None, e.submitted_at, e.id))
    items = [QueueItem(e.id, e.name or "", e.secrets.get("id_number")) for e in entries]
    return queue_reply(QueuePage(verb, committee.id, committee.name, items, page, counts, free))


async def open_entry(
    db: Database, who: Address, raw: str, reg_id: int, ctx: Context
) -> EntryView | None:
    """The whole entry for a reviewer who may act on it (audited); None when refused."""
    async with db.uow() as uow:
        allowed = await entry_for(uow, who, raw, reg_id)
        if allowed is None:
            return None
        entry, member = allowed
        evidence = await uow.evidence.list_for(entry.id)
        committee = await uow.committees.get(entry.committee_id) if entry.committee_id else None
        duplicates = await _duplicates(uow, db, entry)
        await uow.audit.record(member.actor, "review.viewed", entry.id, by=member.name)
        await uow.commit()
    facts = EntryFacts(
        reg_id=entry.id,
        version=entry.version,
        reg_no=entry.reg_no,
        status=entry.status.value,
        committee=committee.name if committee else None,
        submitted_at=entry.submitted_at,
        photos=len(evidence),
        duplicates=duplicates,
    )
    draft = entry.draft
    card = Reply(entry_card(draft, facts, ctx), entry_buttons(facts))
    return EntryView(card, [Attachment.of(e) for e in evidence], entry.reg_no or "")


async def _duplicates(
    uow: UnitOfWork, db: Database, entry: RegistrationRecord
) -> tuple[Duplicate, ...]:
    """Other registrations of the same ID number, wherever they are (place and state only)."""
    number = entry.secrets.get("id_number")
    if not number:
        return ()
    found = []
    for other in await uow.registrations.find_by_id_hash(db.cipher.id_hash(number), entry.id):
        committee = await uow.committees.get(other.committee_id) if other.committee_id else None
        place = await uow.divisions.get(other.hukou_code or "")
        where = committee.name if committee else place.name if place else ""
        found.append(Duplicate(other.reg_no, where, other.status.value))
    return tuple(found)


async def reveal_id(db: Database, who: Address, raw: str, reg_id: int) -> str | None:
    """The full ID number on an explicit press, audited; None when refused."""
    async with db.uow() as uow:
        allowed = await entry_for(uow, who, raw, reg_id)
        if allowed is None:
            return None
        entry, member = allowed
        await uow.audit.record(member.actor, "review.id_revealed", entry.id, by=member.name)
        await uow.commit()
        return entry.secrets.get("id_number", "")


async def handover_targets(
    db: Database, who: Address, raw: str, reg_id: int
) -> list[tuple[int, str]] | None:
    """Committees of the entry's township other than its own (the desk included); None when
    the user may not act on the entry."""
    async with db.uow() as uow:
        allowed = await entry_for(uow, who, raw, reg_id)
        if allowed is None:
            return None
        entry, _ = allowed
        committees = await uow.committees.list(township_code=entry.township_code)
        return [(c.id, c.name) for c in committees if c.id != entry.committee_id]
