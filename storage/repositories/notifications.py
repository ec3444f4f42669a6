"""Outbox of messages to send: written in the same transaction as the change they announce."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.models import Chat, Notification, utcnow
from storage.records import NotificationRecord, NotificationStatus
from storage.repositories._base import Repository


def _record(n: Notification) -> NotificationRecord:
    return NotificationRecord(
        id=n.id,
        chat_id=n.chat_id,
        text=n.text,
        reply_markup=n.reply_markup,
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
        chat_id: int,
        text: str,
        reply_markup: dict[str, Any] | None = None,
        dedup_key: str | None = None,
        not_before: datetime | None = None,
    ) -> int | None:
        """Queue a message; None if `dedup_key` was queued before (so reminders go out once).

        A chat known to have blocked the bot gets the row marked unreachable straight away.
        """
        now = utcnow()
        unreachable = await self.session.scalar(
            sa.select(Chat.unreachable_at).where(Chat.chat_id == chat_id)
        )
        status = NotificationStatus.UNREACHABLE if unreachable else NotificationStatus.PENDING
        stmt = (
            self._insert(Notification)
            .values(
                chat_id=chat_id,
                text=text,
                reply_markup=reply_markup,
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

    async def due(self, now: datetime, limit: int = 50) -> list[NotificationRecord]:
        """Pending messages whose time has come, oldest first (for a single sender worker)."""
        stmt = (
            sa.select(Notification)
            .execution_options(populate_existing=True)
            .where(
                Notification.status == NotificationStatus.PENDING, Notification.not_before <= now
            )
            .order_by(Notification.not_before, Notification.id)
            .limit(limit)
        )
        return [_record(n) for n in await self.session.scalars(stmt)]

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

    async def mark_unreachable(self, chat_id: int, at: datetime | None = None) -> None:
        """The user blocked the bot (403): stop trying this chat until it writes again."""
        at = at or utcnow()
        await self.session.execute(
            self._insert(Chat)
            .values(chat_id=chat_id, unreachable_at=at)
            .on_conflict_do_update(index_elements=[Chat.chat_id], set_={"unreachable_at": at})
        )
        await self.session.execute(
            sa.update(Notification)
            .where(
                Notification.chat_id == chat_id, Notification.status == NotificationStatus.PENDING
            )
            .values(status=NotificationStatus.UNREACHABLE),
            execution_options={"synchronize_session": False},
        )

    async def unreachable_chats(self) -> set[int]:
        rows = await self.session.scalars(
            sa.select(Chat.chat_id).where(Chat.unreachable_at.is_not(None))
        )
        return set(rows)

    async def mark_reachable(self, chat_id: int) -> None:
        """The chat wrote to the bot again; new messages to it are sent as usual."""
        await self.session.execute(
            sa.update(Chat).where(Chat.chat_id == chat_id).values(unreachable_at=None),
            execution_options={"synchronize_session": False},
        )

    async def _update(self, notification_id: int, **values: Any) -> None:
        await self.session.execute(
            sa.update(Notification).where(Notification.id == notification_id).values(**values),
            execution_options={"synchronize_session": False},
        )
