"""Reviewers of a committee's queue and the invites that make someone a reviewer."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import sqlalchemy as sa

from storage.models import Invite, ReasonPrompt, Reviewer, utcnow
from storage.records import Address, InviteRecord, ReasonAsked, ReviewerRecord, ReviewerRole
from storage.repositories._base import Repository


def _is(table: type[Reviewer] | type[ReasonPrompt], who: Address) -> tuple:
    return table.channel == who.channel, table.external_id == who.external_id


def _reviewer(r: Reviewer) -> ReviewerRecord:
    return ReviewerRecord(
        id=r.id,
        who=Address(r.channel, r.external_id),
        committee_id=r.committee_id,
        role=ReviewerRole(r.role),
        display_name=r.display_name,
        created_at=r.created_at,
        revoked_at=r.revoked_at,
    )


def _invite(i: Invite) -> InviteRecord:
    return InviteRecord(
        id=i.id,
        token_hash=i.token_hash,
        division_code=i.division_code,
        role=ReviewerRole(i.role),
        expires_at=i.expires_at,
        uses_left=i.uses_left,
        created_by=i.created_by,
        created_at=i.created_at,
    )


class ReviewerRepository(Repository):
    async def add(
        self,
        who: Address,
        committee_id: int,
        *,
        role: ReviewerRole = ReviewerRole.REVIEWER,
        display_name: str = "",
    ) -> ReviewerRecord:
        """Make the user a reviewer of the committee; re-activates a revoked membership."""
        stmt = (
            self._insert(Reviewer)
            .values(
                channel=who.channel,
                external_id=who.external_id,
                committee_id=committee_id,
                role=ReviewerRole(role),
                display_name=display_name,
                created_at=utcnow(),
            )
            .on_conflict_do_update(
                index_elements=[Reviewer.channel, Reviewer.external_id, Reviewer.committee_id],
                set_={"role": ReviewerRole(role), "display_name": display_name, "revoked_at": None},
            )
            .returning(Reviewer.id)
        )
        reviewer_id = await self.session.scalar(stmt)
        record = await self.get(reviewer_id)
        assert record is not None
        return record

    async def get(self, reviewer_id: int) -> ReviewerRecord | None:
        r = await self.session.scalar(self._select().where(Reviewer.id == reviewer_id))
        return _reviewer(r) if r else None

    async def for_user(
        self, who: Address, include_revoked: bool = False
    ) -> list[ReviewerRecord]:
        stmt = self._select().where(*_is(Reviewer, who))
        if not include_revoked:
            stmt = stmt.where(Reviewer.revoked_at.is_(None))
        return [_reviewer(r) for r in await self.session.scalars(stmt.order_by(Reviewer.id))]

    async def active(self) -> set[Address]:
        """Everyone with at least one membership that is not revoked."""
        stmt = (
            sa.select(Reviewer.channel, Reviewer.external_id)
            .where(Reviewer.revoked_at.is_(None))
            .distinct()
        )
        return {Address(channel, external_id) for channel, external_id in
                await self.session.execute(stmt)}

    async def list(
        self, committee_id: int | None = None, include_revoked: bool = False
    ) -> list[ReviewerRecord]:
        stmt = self._select().order_by(Reviewer.id)
        if committee_id is not None:
            stmt = stmt.where(Reviewer.committee_id == committee_id)
        if not include_revoked:
            stmt = stmt.where(Reviewer.revoked_at.is_(None))
        return [_reviewer(r) for r in await self.session.scalars(stmt)]

    async def revoke(self, reviewer_id: int, at: datetime | None = None) -> bool:
        stmt = (
            sa.update(Reviewer)
            .where(Reviewer.id == reviewer_id, Reviewer.revoked_at.is_(None))
            .values(revoked_at=at or utcnow())
        )
        result = await self.session.execute(stmt, execution_options={"synchronize_session": False})
        return result.rowcount == 1

    async def ask_reason(self, who: Address, asked: ReasonAsked) -> None:
        """Their next typed text is the reason for `asked` (replacing an earlier question)."""
        values = {**asdict(asked), "asked_at": utcnow()}
        await self.session.execute(
            self._insert(ReasonPrompt)
            .values(channel=who.channel, external_id=who.external_id, **values)
            .on_conflict_do_update(
                index_elements=[ReasonPrompt.channel, ReasonPrompt.external_id], set_=values
            )
        )

    async def reason_asked(self, who: Address) -> ReasonAsked | None:
        """The reason their next typed text gives, if one was asked of them."""
        row = await self.session.scalar(sa.select(ReasonPrompt).where(*_is(ReasonPrompt, who)))
        return None if row is None else ReasonAsked(
            row.decision, row.registration_id, row.version, row.button
        )

    async def reason_answered(self, who: Address) -> None:
        await self.session.execute(sa.delete(ReasonPrompt).where(*_is(ReasonPrompt, who)))

    @staticmethod
    def _select() -> sa.Select[tuple[Reviewer]]:
        return sa.select(Reviewer).execution_options(populate_existing=True)


class InviteRepository(Repository):
    async def add(
        self,
        token_hash: str,
        division_code: str,
        *,
        role: ReviewerRole,
        expires_at: datetime,
        created_by: str,
        uses_left: int = 1,
    ) -> InviteRecord:
        invite = Invite(
            token_hash=token_hash,
            division_code=division_code,
            role=ReviewerRole(role),
            expires_at=expires_at,
            uses_left=uses_left,
            created_by=created_by,
            created_at=utcnow(),
        )
        self.session.add(invite)
        await self.session.flush()
        return _invite(invite)

    async def get(self, invite_id: int) -> InviteRecord | None:
        i = await self.session.scalar(self._select().where(Invite.id == invite_id))
        return _invite(i) if i else None

    async def consume(self, token_hash: str, now: datetime) -> InviteRecord | None:
        """Use the invite once; None if unknown, expired or used up. One UPDATE, so atomic."""
        stmt = (
            sa.update(Invite)
            .where(Invite.token_hash == token_hash, Invite.uses_left > 0, Invite.expires_at > now)
            .values(uses_left=Invite.uses_left - 1)
            .returning(Invite.id)
        )
        invite_id = await self.session.scalar(
            stmt, execution_options={"synchronize_session": False}
        )
        return None if invite_id is None else await self.get(invite_id)

    async def list(
        self, division_code: str | None = None, active_at: datetime | None = None
    ) -> list[InviteRecord]:
        """All invites, or those of a division; with `active_at`, only still usable ones."""
        stmt = self._select().order_by(Invite.id)
        if division_code is not None:
            stmt = stmt.where(Invite.division_code == division_code)
        if active_at is not None:
            stmt = stmt.where(Invite.uses_left > 0, Invite.expires_at > active_at)
        return [_invite(i) for i in await self.session.scalars(stmt)]

    async def revoke(self, invite_id: int) -> bool:
        stmt = sa.update(Invite).where(Invite.id == invite_id, Invite.uses_left > 0)
        result = await self.session.execute(
            stmt.values(uses_left=0), execution_options={"synchronize_session": False}
        )
        return result.rowcount == 1

    @staticmethod
    def _select() -> sa.Select[tuple[Invite]]:
        return sa.select(Invite).execution_options(populate_existing=True)
