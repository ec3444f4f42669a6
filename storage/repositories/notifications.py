"""Outbox of messages to send: written in the same transaction as the change they announce.

A message is channel-neutral (text and rows of (label, data) buttons); each channel's sender
renders it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.models import Notification, UnreachableRecipient, utcnow
from storage.records import Address, NotificationRecord, NotificationStatus
from storage.repositories._base import Repository

Buttons = Sequence[Sequence[tuple[str, str]]]  # rows of (label, data)


def _is(table: type[Notification] | type[UnreachableRecipient], to: Address) -> tuple:
    return table.channel == to.channel, table.external_id == to.external_id


def _record(n: Notification) -> NotificationRecord:
    return NotificationRecord(
        id=n.id,
        to=Address(n.channel, n.external_id),
        text=n.text,
        buttons=tuple(tuple((label, data) for label, data in row) for row in n.buttons or ()),
        status=NotificationStatus(n.status),
        attempts=n.attempts,
        not_before=n.not_before,
        created_at=n.created_at,
        sent_at=n.sent_at,
        dedup_key=n.dedup_key,
    )


class NotificationRepository(Repository):
    async def enqueue(
        self,
        to: Address,
        text: str,
        buttons: Buttons = (),
        dedup_key: str | None = None,
        not_before: datetime | None = None,
    ) -> int | None:
        """Queue a message; None if `dedup_key` was queued before (so reminders go out once).

        Someone known to have blocked the bot gets the row marked unreachable straight away.
        """
        now = utcnow()
        unreachable = await self.session.scalar(
            sa.select(UnreachableRecipient.unreachable_at).where(*_is(UnreachableRecipient, to))
        )
        status = NotificationStatus.UNREACHABLE if unreachable else NotificationStatus.PENDING
        stmt = (
            self._insert(Notification)
            .values(
                channel=to.channel,
                external_id=to.external_id,
                text=text,
                buttons=[[list(b) for b in row] for row in buttons] or None,
                status=status,
                attempts=0,
                not_before=not_before or now,
                created_at=now,
                dedup_key=dedup_key,
            )
            .on_conflict_do_nothing(index_elements=[Notification.dedup_key])
            .returning(Notification.id)
        )
        return await self.session.scalar(stmt)

    async def due(
        self, channel: str, now: datetime, limit: int = 50
    ) -> list[NotificationRecord]:
        """A channel's pending messages whose time has come, oldest first (for its sender)."""
        stmt = (
            sa.select(Notification)
            .execution_options(populate_existing=True)
            .where(
                Notification.channel == channel,
                Notification.status == NotificationStatus.PENDING,
                Notification.not_before <= now,
            )
            .order_by(Notification.not_before, Notification.id)
            .limit(limit)
        )
        return [_record(n) for n in await self.session.scalars(stmt)]

    async def backlog(self) -> int:
        """Messages waiting to be sent, due or not (for /metrics)."""
        stmt = sa.select(sa.func.count()).where(Notification.status == NotificationStatus.PENDING)
        return int(await self.session.scalar(stmt) or 0)

    async def mark_sent(self, notification_id: int, at: datetime | None = None) -> None:
        await self._update(
            notification_id,
            status=NotificationStatus.SENT,
            sent_at=at or utcnow(),
            attempts=Notification.attempts + 1,
        )

    async def mark_failed(self, notification_id: int, retry_at: datetime | None) -> None:
        """Count a failed attempt; retry at `retry_at`, or give up for good when it is None."""
        values: dict[str, Any] = {"attempts": Notification.attempts + 1}
        if retry_at is None:
            values["status"] = NotificationStatus.FAILED
        else:
            values["not_before"] = retry_at
        await self._update(notification_id, **values)

    async def mark_unreachable(self, to: Address, at: datetime | None = None) -> None:
        """The person blocked the bot (403): stop trying them until they write again."""
        at = at or utcnow()
        await self.session.execute(
            self._insert(UnreachableRecipient)
            .values(channel=to.channel, external_id=to.external_id, unreachable_at=at)
            .on_conflict_do_update(
                index_elements=[UnreachableRecipient.channel, UnreachableRecipient.external_id],
                set_={"unreachable_at": at},
            )
        )
        await self.session.execute(
            sa.update(Notification)
            .where(*_is(Notification, to), Notification.status == NotificationStatus.PENDING)
            .values(status=NotificationStatus.UNREACHABLE),
            execution_options={"synchronize_session": False},
        )

    async def unreachable(self) -> set[Address]:
        rows = await self.session.execute(
            sa.select(UnreachableRecipient.channel, UnreachableRecipient.external_id).where(
                UnreachableRecipient.unreachable_at.is_not(None)
            )
        )
        return {Address(channel, external_id) for channel, external_id in rows}

    async def mark_reachable(self, to: Address) -> None:
        """They wrote to us again; new messages to them are sent as usual."""
        await self.session.execute(
            sa.update(UnreachableRecipient)
            .where(*_is(UnreachableRecipient, to))
            .values(unreachable_at=None),
            execution_options={"synchronize_session": False},
        )

    async def _update(self, notification_id: int, **values: Any) -> None:
        await self.session.execute(
            sa.update(Notification).where(Notification.id == notification_id).values(**values),
            execution_options={"synchronize_session": False},
        )
