"""代为登记: committee staff fill the form in for someone without a phone, in their own chat.

The staff member's chat then runs the ordinary registration dialog (Conversation) on a draft
that already says who fills it in, and whose hukou picker starts in the staff's township.
"""

from __future__ import annotations

from dialogs import engine
from dialogs.divisions import DivisionDirectory
from dialogs.form import FILLED_BY_STAFF
from dialogs.model import Context, Draft, Reply
from dialogs.texts import t
from services.committees import committee_name
from services.review.access import members
from storage.records import Address
from storage.uow import Database


async def start_assisted(
    db: Database, divisions: DivisionDirectory, ctx: Context, who: Address
) -> list[Reply] | None:
    """A fresh staff-filled draft and its first question; None if the user is no reviewer, []
    if they still have a draft open (the caller resumes it)."""
    async with db.uow() as uow:
        found = await members(uow, who)
        if not found:
            return None
        if await uow.registrations.get_active(who) is not None:
            return []
        member = found[0]
        code = member.committee.division_code
        division = divisions.get(code)
        township = division.parent_code if division and division.level == "village" else code
        draft = Draft(person={"filled_by": FILLED_BY_STAFF}, nav={"code": township, "page": 0})
        record = await uow.registrations.create_draft(who, filled_by=FILLED_BY_STAFF)
        await uow.registrations.save_draft(record.id, draft)
        await uow.audit.record(
            member.actor, "review.assist_started", record.id, committee_id=member.committee.id
        )
        await uow.commit()
    named = committee_name(divisions, member.committee)
    intro = Reply(t("review.assist.intro", committee=named))
    return [intro, *engine.ask(draft, ctx)]
