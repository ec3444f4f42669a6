"""Reading for reviewers: queue pages, the full entry, the full ID number (each re-checked)."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.divisions import DivisionDirectory
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
from services.committees import committee_name
from services.deadlines import china_today, deadline_line
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
    album_shown: bool  # this reviewer's chat already has this version's photos


async def my_queue(db: Database, names: DivisionDirectory, who: Address) -> Reply | None:
    """/queue: the queue of the user's committee, or a choice when they serve several."""
    async with db.uow(read_only=True) as uow:
        found = await members(uow, who)
        if len(found) == 1:
            return await _page(uow, names, found[0], "queue", 0)
    if not found:
        return None
    return committee_picker([(m.committee.id, committee_name(names, m.committee)) for m in found])


async def queue_page(
    db: Database,
    names: DivisionDirectory,
    who: Address,
    raw: str,
    verb: str,
    committee_id: int,
    page: int,
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
        return await _page(uow, names, member, verb, page)


async def _page(
    uow: UnitOfWork, names: DivisionDirectory, member: Member, verb: str, page: int
) -> Reply:
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
    named = committee_name(names, committee)
    deadline = deadline_line(await uow.deadlines.all(), committee.kind, china_today())
    return queue_reply(QueuePage(verb, committee.id, named, items, page, counts, free, deadline))


async def open_entry(
    db: Database, who: Address, raw: str, reg_id: int, ctx: Context
) -> EntryView | None:
    """The whole entry for a reviewer who may act on it (audited); None when refused. The
    view remembers which version's photos it showed this reviewer, so that a chat shows the
    album once per version."""
    async with db.uow() as uow:
        allowed = await entry_for(uow, who, raw, reg_id)
        if allowed is None:
            return None
        entry, member = allowed
        evidence = await uow.evidence.list_for(entry.id)
        earlier = await uow.audit.list(
            registration_id=entry.id, actor=member.actor, action="review.viewed", limit=50
        )
        shown = any(e.detail.get("album") == entry.version for e in earlier)
        duplicates = await _duplicates(uow, db, ctx.divisions, entry)
        card = await _card(uow, ctx, entry, len(evidence), album_shown=shown, found=duplicates)
        await uow.audit.record(
            member.actor, "review.viewed", entry.id, by=member.name(ctx.divisions),
            album=entry.version if evidence else None,
        )
        await uow.commit()
    photos = [Attachment.of(e) for e in evidence]
    return EntryView(card, photos, entry.reg_no or "", album_shown=shown)


async def current_card(uow: UnitOfWork, ctx: Context, entry: RegistrationRecord) -> Reply:
    """The card of an entry that no longer waits for a decision: its status, no buttons (it
    replaces cards opened before, which must not stay live)."""
    photos = len(await uow.evidence.list_for(entry.id))
    return await _card(uow, ctx, entry, photos, album_shown=True, found=None)


async def _card(
    uow: UnitOfWork,
    ctx: Context,
    entry: RegistrationRecord,
    photos: int,
    *,
    album_shown: bool,
    found: tuple[Duplicate, ...] | None,
) -> Reply:
    """A live card (`found`: the other registrations of the same ID number) has the
    decision buttons; a decided one has none."""
    committee = await uow.committees.get(entry.committee_id) if entry.committee_id else None
    facts = EntryFacts(
        reg_id=entry.id,
        version=entry.version,
        reg_no=entry.reg_no,
        status=entry.status.value,
        committee=committee_name(ctx.divisions, committee) if committee else None,
        submitted_at=entry.submitted_at,
        photos=photos,
        duplicates=found or (),
        album_shown=album_shown,
    )
    buttons = entry_buttons(facts) if found is not None else ()
    return Reply(entry_card(entry.draft, facts, ctx), buttons)


async def _duplicates(
    uow: UnitOfWork, db: Database, names: DivisionDirectory, entry: RegistrationRecord
) -> tuple[Duplicate, ...]:
    """Other registrations of the same ID number, wherever they are (place and state only)."""
    number = entry.secrets.get("id_number")
    if not number:
        return ()
    found = []
    for other in await uow.registrations.find_by_id_hash(db.cipher.id_hashes(number), entry.id):
        committee = await uow.committees.get(other.committee_id) if other.committee_id else None
        place = await uow.divisions.get(other.hukou_code or "")
        where = committee_name(names, committee) if committee else place.name if place else ""
        found.append(Duplicate(other.reg_no, where, other.status.value))
    return tuple(found)


async def reveal_id(
    db: Database, names: DivisionDirectory, who: Address, raw: str, reg_id: int
) -> str | None:
    """The full ID number on an explicit press, audited; None when refused."""
    async with db.uow() as uow:
        allowed = await entry_for(uow, who, raw, reg_id)
        if allowed is None:
            return None
        entry, member = allowed
        await uow.audit.record(
            member.actor, "review.id_revealed", entry.id, by=member.name(names)
        )
        await uow.commit()
        return entry.secrets.get("id_number", "")


async def handover_targets(
    db: Database, names: DivisionDirectory, who: Address, raw: str, reg_id: int
) -> list[tuple[int, str]] | None:
    """Committees of the entry's township other than its own (the desk included); None when
    the user may not act on the entry."""
    async with db.uow() as uow:
        allowed = await entry_for(uow, who, raw, reg_id)
        if allowed is None:
            return None
        entry, _ = allowed
        committees = await uow.committees.list(township_code=entry.township_code)
        return [
            (c.id, committee_name(names, c)) for c in committees if c.id != entry.committee_id
        ]
