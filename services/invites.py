"""Invites: township staff make a single-use token for a committee; whoever opens it on a
channel becomes a reviewer of that committee. Only the token's SHA-256 is stored."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from dialogs.texts import t
from services.committees import refusal
from services.review.access import members
from storage.clock import utcnow
from storage.crypto import hash_token
from storage.errors import NotACommitteeLevel, NotFoundError
from storage.records import Address, CommitteeKind, CommitteeRecord, ReviewerRole
from storage.uow import Database

TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what fits Telegram's start parameter


class InviteRefused(ValueError):
    """The invite cannot be made as asked; the message says why, in Chinese."""


@dataclass(frozen=True)
class MadeInvite:
    token: str  # shown once, to the one who made it: never stored
    invite_id: int
    committee: CommitteeRecord
    role: ReviewerRole
    expires_at: datetime
    uses: int


def new_token() -> str:
    """256 random bits in 43 characters of [A-Za-z0-9_-]: fits Telegram's 64-character start
    parameter as it is, and a URL path."""
    return secrets.token_urlsafe(32)


async def create_invite(
    db: Database,
    division: str,
    *,
    role: ReviewerRole | None,
    lifetime: timedelta,
    uses: int,
    actor: str,
) -> MadeInvite:
    """Open the committee if need be and make an invite for it (audited). The township role is
    only for a township desk; without a role, the division's level decides."""
    token = new_token()
    async with db.uow() as uow:
        try:
            committee = await uow.committees.add(division)
        except (NotFoundError, NotACommitteeLevel) as exc:
            raise InviteRefused(refusal(division, exc)) from exc
        desk = committee.kind is CommitteeKind.TOWNSHIP
        chosen = role or (ReviewerRole.TOWNSHIP if desk else ReviewerRole.REVIEWER)
        if chosen is ReviewerRole.TOWNSHIP and not desk:
            raise InviteRefused(t("invite.refused.township_role", code=division))
        expires_at = utcnow() + lifetime
        created = await uow.invites.add(
            hash_token(token), division, role=chosen, expires_at=expires_at,
            created_by=actor, uses_left=uses,
        )
        await uow.audit.record(
            actor, "invite.created", invite_id=created.id, committee_id=committee.id,
            division=division, role=chosen.value, expires_at=expires_at, uses=uses,
        )
        await uow.commit()
    return MadeInvite(token, created.id, committee, chosen, expires_at, uses)


async def enrol(
    db: Database, who: Address, display_name: str, token: str, update_id: int | None
) -> CommitteeRecord | None:
    """Use the invite once and bind them to its committee and role; None if the token is
    unknown, expired or used up. Audited either way."""
    async with db.uow() as uow:
        if update_id is not None and not await uow.updates.mark(update_id):
            # Delivered again after a crash: the invite was already used by this very update.
            found = await members(uow, who)
            return found[-1].committee if found else None
        digest = hash_token(token)
        invite = await uow.invites.consume(digest, utcnow()) if TOKEN.fullmatch(token) else None
        if invite is None:
            await uow.audit.record(who.actor, "review.enrol_refused", token_hash=digest[:12])
            await uow.commit()
            return None
        committee = await uow.committees.add(invite.division_code)
        reviewer = await uow.reviewers.add(
            who, committee.id, role=invite.role, display_name=display_name
        )
        await uow.audit.record(
            who.actor,
            "review.enrolled",
            committee_id=committee.id,
            role=invite.role.value,
            invite_id=invite.id,
            reviewer_id=reviewer.id,
        )
        await uow.commit()
        return committee
