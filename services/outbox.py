"""The outbox, seen by a channel's sender: what is due, merged where it should be, and how each
attempt ended. Messages are written in the same transaction as the change they announce, so a
crash or restart loses none (delivery is at least once). New-entry notices to one reviewer that
are due together go out as one message."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from dialogs.callbacks import review as data
from dialogs.texts import t
from services.reachability import Unreachable
from services.review.intake import BATCH_WINDOW, NEW_ENTRY
from storage.clock import utcnow
from storage.records import Address, ButtonRows, NotificationRecord
from storage.uow import Database

MAX_ATTEMPTS = 8
MAX_BACKOFF = 600.0


@dataclass(frozen=True)
class Outgoing:
    """One message to send, standing for one or more outbox rows."""

    to: Address
    text: str
    buttons: ButtonRows
    rows: tuple[NotificationRecord, ...]


def plan(due: Iterable[NotificationRecord], now: datetime) -> list[Outgoing]:
    """Messages for the rows due `now`. New-entry notices to one person merge into one
    "新增 n 条待审核", with those queued up to BATCH_WINDOW later (`due` may hold them)."""
    rows = list(due)
    batches: dict[Address, list[NotificationRecord]] = defaultdict(list)
    for row in rows:
        if _mergeable(row):
            batches[row.to].append(row)
    out: list[Outgoing] = []
    taken: set[int] = set()
    for row in rows:
        if row.not_before > now or row.id in taken:
            continue
        batch = batches[row.to] if _mergeable(row) else [row]
        taken.update(r.id for r in batch)
        if len(batch) == 1:
            out.append(Outgoing(row.to, row.text, row.buttons, (row,)))
        else:
            text = t("review.notify.many", n=len(batch))
            queue_button = (((t("review.btn.queue"), data("list")),),)
            out.append(Outgoing(row.to, text, queue_button, tuple(batch)))
    return out


def _mergeable(row: NotificationRecord) -> bool:
    return (row.dedup_key or "").startswith(NEW_ENTRY)


async def backlog(db: Database) -> int:
    """Messages still waiting on every channel, for the operators' /metrics."""
    async with db.uow(read_only=True) as uow:
        return await uow.notifications.backlog()


class Outbox:
    """One channel's share of the outbox."""

    def __init__(self, db: Database, channel: str, unreachable: Unreachable) -> None:
        self.db = db
        self.channel = channel
        self.unreachable = unreachable

    async def due(self, limit: int = 200) -> list[Outgoing]:
        now = utcnow()
        async with self.db.uow(read_only=True) as uow:
            rows = await uow.notifications.due(self.channel, now + BATCH_WINDOW, limit=limit)
        return plan(rows, now)

    async def sent(self, message: Outgoing) -> None:
        async with self.db.uow() as uow:
            for row in message.rows:
                await uow.notifications.mark_sent(row.id)
            await uow.commit()

    async def failed(self, message: Outgoing, *, permanent: bool) -> None:
        """Count a failed attempt: retry later with backoff, or give up when `permanent` (the
        channel refused the message itself) or after MAX_ATTEMPTS."""
        async with self.db.uow() as uow:
            for row in message.rows:
                give_up = permanent or row.attempts + 1 >= MAX_ATTEMPTS
                delay = min(MAX_BACKOFF, 2.0 ** (row.attempts + 1))
                await uow.notifications.mark_failed(
                    row.id, None if give_up else utcnow() + timedelta(seconds=delay)
                )
            await uow.commit()

    async def unreachable_now(self, message: Outgoing) -> None:
        """The channel says they cannot be written to (blocked): hold everything for them."""
        await self.unreachable.blocked(message.to)
