"""确认 / 退回修改 / 不予登记 / 转交: one transaction each, re-checked in the database.

Exactly one of two concurrent decisions wins: each is conditional on the version the reviewer
saw (`set_status(..., expected_version=...)`), and the loser is told who decided.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.model import Context, Reply
from dialogs.review import answers_shown, status_name
from dialogs.texts import speaking, t
from services.committees import committee_name
from services.review.access import Member, entry_for, refuse, township_of
from services.review.intake import announce
from services.review.views import current_card
from storage.records import Address, RegistrationRecord, Status
from storage.uow import Database, UnitOfWork

# decision kind -> (new status, audit action)
KINDS = {
    "ok": (Status.CONFIRMED, "review.confirmed"),
    "ret": (Status.RETURNED, "review.returned"),
    "rej": (Status.REJECTED, "review.rejected"),
}
HANDED_OVER = "review.handed_over"
DECISION_ACTIONS = {action for _, action in KINDS.values()} | {HANDED_OVER}


@dataclass(frozen=True)
class Result:
    text: str  # what the reviewer is told
    done: bool = False  # the decision was made: the entry's buttons can go
    denied: bool = False  # refused (and audited): not theirs to decide
    card: Reply | None = None  # the entry's card as it now is, to replace the one pressed


async def still_open(
    db: Database, ctx: Context, who: Address, raw: str, reg_id: int, version: int
) -> Result | None:
    """None while the entry waits for a decision as the reviewer saw it; else what a decision
    would be told now (already handled, changed, or refused), before any menu of reasons."""
    async with db.uow() as uow:
        allowed = await entry_for(uow, who, raw, reg_id)
        if allowed is None:
            return Result(t("review.denied"), denied=True)
        entry, _ = allowed
        if entry.status is Status.SUBMITTED and entry.version == version:
            return None
        return await _refuse_late(uow, ctx, who, raw, entry)


async def decide(
    db: Database,
    ctx: Context,
    who: Address,
    raw: str,
    kind: str,
    reg_id: int,
    version: int,
    *,
    reason: str | None = None,
    target: int | None = None,
) -> Result:
    """Apply decision `kind` ("ok", "ret", "rej", or "fwd" to committee `target`)."""
    async with db.uow() as uow:
        allowed = await entry_for(uow, who, raw, reg_id)
        if allowed is None:
            return Result(t("review.denied"), denied=True)
        entry, member = allowed
        result = None
        if entry.status is Status.SUBMITTED and entry.version == version:
            if kind == "fwd":
                result = await _hand_over(uow, ctx, member, entry, target, raw)
            else:
                result = await _decide(uow, ctx, member, entry, kind, reason)
        if result is not None:
            await uow.commit()
            return result
    # Changed since the reviewer saw it, or (PostgreSQL, read committed) between our read and
    # our write: a replayed or late press, refused with who decided, and audited.
    async with db.uow() as uow:
        entry = await uow.registrations.get(reg_id)
        assert entry is not None
        return await _refuse_late(uow, ctx, who, raw, entry)


async def _refuse_late(
    uow: UnitOfWork, ctx: Context, who: Address, raw: str, entry: RegistrationRecord
) -> Result:
    said = await _too_late(uow, who, entry)
    card = None if entry.status is Status.SUBMITTED else await current_card(uow, ctx, entry)
    await uow.audit.record(who.actor, "review.too_late", entry.id, data=raw)
    await uow.commit()
    return Result(said, card=card)


async def _decide(
    uow: UnitOfWork,
    ctx: Context,
    member: Member,
    entry: RegistrationRecord,
    kind: str,
    reason: str | None,
) -> Result | None:
    status, action = KINDS[kind]
    if not await uow.registrations.set_status(entry.id, status, expected_version=entry.version):
        return None
    if status is Status.RETURNED:
        # The entry opens again in the honoree's chat: /start shows the reason and the card.
        # What the reviewer saw is kept, so the resubmission can say what changed.
        draft = entry.draft
        draft.return_reason = reason
        draft.reviewed = answers_shown(draft, ctx.divisions)
        await uow.registrations.save_draft(entry.id, draft)
    await uow.audit.record(
        member.actor,
        action,
        entry.id,
        by=member.name(ctx.divisions),
        committee_id=member.committee.id,
        reason=reason,
        queue=entry.committee_id,
        hukou_code=entry.hukou_code,
        version=entry.version,
    )
    committee = member.committee
    with speaking(entry.state.get("lang")):  # the honoree reads their own language
        contact = t("review.tell.contact", contact=committee.contact) if committee.contact else ""
        tell = t(
            f"review.tell.{status.value}",
            reg_no=entry.reg_no,
            reason=reason,
            committee=committee_name(ctx.divisions, committee),
            contact=contact,
        )
    await _tell_honoree(uow, entry, tell)
    said = t(f"review.done.{status.value}", name=entry.name, reg_no=entry.reg_no, reason=reason)
    decided = await uow.registrations.get(entry.id)
    assert decided is not None
    return Result(said, done=True, card=await current_card(uow, ctx, decided))


async def _hand_over(
    uow: UnitOfWork,
    ctx: Context,
    member: Member,
    entry: RegistrationRecord,
    target_id: int | None,
    raw: str,
) -> Result | None:
    target = await uow.committees.get(target_id) if target_id is not None else None
    same_township = target is not None and (
        await township_of(uow, target.division_code) == entry.township_code
    )
    if target is None or not same_township or target.id == entry.committee_id:
        await refuse(uow, member.reviewer.who, raw, entry.id, "bad_target")
        return Result(t("review.denied"), denied=True)
    if not await uow.registrations.move(entry.id, target.id, expected_version=entry.version):
        return None
    await uow.audit.record(
        member.actor,
        HANDED_OVER,
        entry.id,
        by=member.name(ctx.divisions),
        committee_id=member.committee.id,
        queue=entry.committee_id,
        to=target.id,
        version=entry.version,
    )
    moved = await uow.registrations.get(entry.id)
    assert moved is not None
    names = ctx.divisions
    text = t(
        "review.notify.handed",
        committee=committee_name(names, member.committee),
        name=entry.name,
        reg_no=entry.reg_no,
    )
    await announce(uow, moved, text)
    to = committee_name(names, target)
    with speaking(entry.state.get("lang")):
        tell = t("review.tell.handed_over", reg_no=entry.reg_no, committee=to)
    await _tell_honoree(uow, entry, tell)
    return Result(
        t("review.done.handed_over", committee=to, name=entry.name, reg_no=entry.reg_no),
        done=True,
    )


async def _tell_honoree(uow: UnitOfWork, entry: RegistrationRecord, text: str) -> None:
    await uow.notifications.enqueue(
        entry.owner, text, dedup_key=f"tell|{entry.id}|{entry.version}"
    )


async def _too_late(uow: UnitOfWork, who: Address, entry: RegistrationRecord) -> str:
    """The entry is no longer what the reviewer saw: say who decided (you, if it was them),
    or that it changed."""
    if entry.status is Status.SUBMITTED:
        return t("review.changed")
    events = await uow.audit.list(registration_id=entry.id, limit=20)
    decided = next((e for e in events if e.action in DECISION_ACTIONS), None)
    status = status_name(entry.status)
    if decided is not None and decided.actor == who.actor:
        return t("review.decided_by_you", status=status)
    by = decided.detail.get("by") if decided else None
    return t("review.decided_by", who=f"“{by}”" if by else t("review.someone"), status=status)
