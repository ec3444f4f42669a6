"""Township staff's view of reviewers: who reviews for which committee, and taking it back.

A revocation applies from the reviewer's next press: every press is re-checked."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.divisions import DivisionDirectory
from dialogs.texts import t
from services.committees import committee_name
from storage.records import CommitteeRecord, ReviewerRecord
from storage.uow import Database


@dataclass(frozen=True)
class Membership:
    reviewer: ReviewerRecord
    committee: CommitteeRecord


async def memberships(
    db: Database, *, township: str | None, include_revoked: bool
) -> list[Membership]:
    """Reviewers with their committee, of one township or all."""
    async with db.uow(read_only=True) as uow:
        committees = {c.id: c for c in await uow.committees.list(township_code=township)}
        reviewers = await uow.reviewers.list(include_revoked=include_revoked)
    return [Membership(r, committees[r.committee_id]) for r in reviewers
            if r.committee_id in committees]


async def revoke(
    db: Database, names: DivisionDirectory, reviewer_id: int, actor: str
) -> CommitteeRecord | None:
    """Take the membership back (audited) and tell the reviewer; None if there is no such
    active membership."""
    async with db.uow() as uow:
        reviewer = await uow.reviewers.get(reviewer_id)
        if reviewer is None or not await uow.reviewers.revoke(reviewer_id):
            return None
        committee = await uow.committees.get(reviewer.committee_id)
        await uow.audit.record(
            actor,
            "reviewer.revoked",
            reviewer_id=reviewer_id,
            reviewer=reviewer.who.actor,
            committee_id=reviewer.committee_id,
        )
        name = committee_name(names, committee) if committee else ""
        await uow.notifications.enqueue(reviewer.who, t("review.notify.revoked", committee=name))
        await uow.commit()
        return committee
