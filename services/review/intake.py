"""What happens right after a submit, inside its transaction: pick the queue, tell its reviewers.

Called by Registration after `registrations.submit`. Messages go to the outbox, so they are sent
only if the submit commits, and survive a restart.
"""

from __future__ import annotations

from datetime import timedelta

from dialogs.callbacks import review as data
from dialogs.divisions import DivisionDirectory
from dialogs.form import FILLED_BY_STAFF
from dialogs.review import changes
from dialogs.texts import t
from services.review.access import members, township_of
from services.review.staff_language import in_chinese
from storage.clock import utcnow
from storage.errors import InvalidStateError
from storage.records import Address, RegistrationRecord, ReviewerRole
from storage.uow import UnitOfWork

NEW_ENTRY = "new|"  # dedup_key prefix of the notices the outbox worker merges per chat
BATCH_WINDOW = timedelta(seconds=2)  # entries arriving this close together make one message


@in_chinese
async def on_submitted(
    uow: UnitOfWork, names: DivisionDirectory, entry: RegistrationRecord
) -> RegistrationRecord:
    """Keep a resubmitted entry in the queue that returned it, route 代为登记 entries of a
    village without a committee to the filler's committee, then notify that queue (what
    changed first, for a resubmission)."""
    returned = await uow.audit.list(registration_id=entry.id, action="review.returned", limit=1)
    target, why = await _queue_for(uow, entry, returned[0].detail if returned else None)
    if target != entry.committee_id:
        if not await uow.registrations.move(entry.id, target, expected_version=entry.version):
            raise InvalidStateError(f"registration {entry.id} changed while being routed")
        await uow.audit.record(
            entry.owner.actor, "review.routed", entry.id, committee_id=target, why=why
        )
        entry = await uow.registrations.get(entry.id) or entry
    if returned:
        changed = changes(entry.draft, names)
        said = [t("review.notify.resubmitted", name=entry.name, reg_no=entry.reg_no)]
        said += [t("review.notify.changed"), *changed] if changed else [t("review.notify.same")]
        text = "\n".join(said)
    else:
        place = names.distinct_name(entry.hukou_code or "")
        text = t("review.notify.new", name=entry.name, place=place)
    await announce(uow, entry, text)
    return entry


async def _queue_for(
    uow: UnitOfWork, entry: RegistrationRecord, returned: dict | None
) -> tuple[int | None, str | None]:
    if returned and returned.get("queue") and returned.get("hukou_code") == entry.hukou_code:
        return returned["queue"], "returned_here"
    filled_by = entry.state.get("person", {}).get("filled_by")
    if entry.committee_id is None and filled_by == FILLED_BY_STAFF:
        # The village has no committee yet: the staff member who filled it in reviews it, if
        # they serve in the same township; otherwise the township desk gets it as usual.
        for m in await members(uow, entry.owner):
            if await township_of(uow, m.committee.division_code) == entry.township_code:
                return m.committee.id, "filled_by_staff"
    return entry.committee_id, None


async def announce(uow: UnitOfWork, entry: RegistrationRecord, text: str) -> None:
    """Queue `text` (with an open button) for every reviewer of the entry's queue."""
    buttons = (((t("review.btn.open"), data("open", entry.id)),),)
    not_before = utcnow() + BATCH_WINDOW
    for who in await recipients(uow, entry):
        await uow.notifications.enqueue(
            who,
            text,
            buttons,
            dedup_key=f"{NEW_ENTRY}{who.actor}|{entry.id}|{entry.version}",
            not_before=not_before,
        )


async def recipients(uow: UnitOfWork, entry: RegistrationRecord) -> list[Address]:
    """Reviewers of the entry's committee, or the township desk for an unassigned entry; never
    the staff member who filled the entry in themselves."""
    if entry.committee_id is not None:
        reviewers = await uow.reviewers.list(committee_id=entry.committee_id)
    else:
        desk = await uow.committees.get_by_division(entry.township_code or "")
        reviewers = await uow.reviewers.list(committee_id=desk.id) if desk else []
        reviewers = [r for r in reviewers if r.role is ReviewerRole.TOWNSHIP]
    return sorted({r.who for r in reviewers} - {entry.owner})
