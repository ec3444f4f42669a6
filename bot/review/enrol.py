"""Enrolment: a staff member opens an invite link and becomes a reviewer of its committee."""

from __future__ import annotations

import re

from bot.review.access import members
from storage.clock import utcnow
from storage.crypto import hash_token
from storage.records import CommitteeRecord
from storage.uow import Database

TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what fits Telegram's start parameter


async def enrol(
    db: Database, user_id: int, display_name: str, token: str, update_id: int
) -> CommitteeRecord | None:
    """Use the invite once and bind the user to its committee and role; None if the token is
    unknown, expired or used up. Audited either way."""
    async with db.uow() as uow:
        if not await uow.updates.mark(update_id):
            # Delivered again after a crash: the invite was already used by this very update.
            found = await members(uow, user_id)
            return found[-1].committee if found else None
        digest = hash_token(token)
        invite = await uow.invites.consume(digest, utcnow()) if TOKEN.fullmatch(token) else None
        actor = f"tg:{user_id}"
        if invite is None:
            await uow.audit.record(actor, "review.enrol_refused", token_hash=digest[:12])
            await uow.commit()
            return None
        committee = await uow.committees.add(invite.division_code)
        reviewer = await uow.reviewers.add(
            user_id, committee.id, role=invite.role, display_name=display_name
        )
        await uow.audit.record(
            actor,
            "review.enrolled",
            committee_id=committee.id,
            role=invite.role.value,
            invite_id=invite.id,
            reviewer_id=reviewer.id,
        )
        await uow.commit()
        return committee
