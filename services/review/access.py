"""Who may act on what, decided from the database on every press (never from button data)."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass

from dialogs.divisions import DivisionDirectory
from dialogs.review import may_review
from services.committees import committee_name
from storage.records import (
    Address,
    CommitteeKind,
    CommitteeRecord,
    RegistrationRecord,
    ReviewerRecord,
    ReviewerRole,
)
from storage.uow import Database, UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Member:
    """One active membership: a reviewer and the committee they serve."""

    reviewer: ReviewerRecord
    committee: CommitteeRecord

    @property
    def is_desk(self) -> bool:
        """The township desk: sees and hands on every entry of its township."""
        return (
            self.reviewer.role is ReviewerRole.TOWNSHIP
            and self.committee.kind is CommitteeKind.TOWNSHIP
        )

    @property
    def actor(self) -> str:
        return self.reviewer.who.actor

    def name(self, names: DivisionDirectory) -> str:
        """How others are told who acted: the committee by its full name, then the person."""
        who = self.reviewer.display_name or self.actor
        return f"{committee_name(names, self.committee)} {who}"

    def may_review(self, entry: RegistrationRecord) -> bool:
        desk = self.committee.division_code if self.is_desk else None
        return may_review(entry.committee_id, entry.township_code, self.committee.id, desk)


async def members(uow: UnitOfWork, who: Address) -> list[Member]:
    """Their memberships that are not revoked (revocation applies from the next press)."""
    found = []
    for reviewer in await uow.reviewers.for_user(who):
        committee = await uow.committees.get(reviewer.committee_id)
        if committee is not None:
            found.append(Member(reviewer, committee))
    return found


async def member_for(uow: UnitOfWork, who: Address, entry: RegistrationRecord) -> Member | None:
    """The membership that lets them act on `entry`, preferring the entry's own committee."""
    allowed = [m for m in await members(uow, who) if m.may_review(entry)]
    allowed.sort(key=lambda m: m.committee.id != entry.committee_id)
    return allowed[0] if allowed else None


async def refuse(
    uow: UnitOfWork, who: Address, raw: str | None, reg_id: int | None, why: str
) -> None:
    """Audit a refused press (forged, replayed, revoked or foreign); the caller commits."""
    await uow.audit.record(who.actor, "review.denied", reg_id, data=raw, why=why)


async def entry_for(
    uow: UnitOfWork, who: Address, raw: str, reg_id: int
) -> tuple[RegistrationRecord, Member] | None:
    """The entry and the membership allowing this press on it; refused and audited otherwise
    (the refusal is committed here, since the caller will stop)."""
    entry = await uow.registrations.get(reg_id)
    member = await member_for(uow, who, entry) if entry else None
    if entry is None or member is None:
        await refuse(uow, who, raw, reg_id, "not_member")
        await uow.commit()
        return None
    return entry, member


async def township_of(uow: UnitOfWork, code: str | None) -> str | None:
    """The township code a village, community or township code belongs to."""
    row = await uow.divisions.township_of(code) if code else None
    return row.code if row else None


class ReviewerIds:
    """Who is a reviewer, re-read from the database at most every `ttl` seconds.

    It only routes a reviewer's idle messages to their menu, and it is asked on every message
    of every honoree, so a query each time would be waste; an expired list is re-read in a
    task of its own while the message goes on with the list as it was, so no honoree waits
    for it. Enrolment in this process calls `forget`: the next message waits for a new list.
    A revocation by `honoree-admin` shows here within `ttl` (every press on a review
    button is still checked against the database, see `entry_for`)."""

    def __init__(self, ttl: float = 30.0) -> None:
        self.ttl = ttl
        self._ids: set[Address] = set()
        self._read_at = -math.inf
        self._reading: asyncio.Task | None = None
        self._forgotten = 0  # how often `forget` was called: a read begun before is stale

    async def contains(self, db: Database, who: Address) -> bool:
        if self._read_at == -math.inf:  # nothing read since the start or an enrolment
            await self.read(db)
        elif time.monotonic() - self._read_at > self.ttl and self._reading is None:
            self._reading = asyncio.create_task(self._read_in_background(db))
        return who in self._ids

    async def read(self, db: Database) -> None:
        started, forgotten = time.monotonic(), self._forgotten
        async with db.uow(read_only=True) as uow:
            self._ids = await uow.reviewers.active()
        if forgotten == self._forgotten:  # else an enrolment came since: read again next time
            self._read_at = started

    async def _read_in_background(self, db: Database) -> None:
        try:
            await self.read(db)
        except Exception:  # the list as it was until the next try
            log.exception("reviewers.read_failed")
        finally:
            self._reading = None

    def forget(self) -> None:
        self._read_at = -math.inf
        self._forgotten += 1
