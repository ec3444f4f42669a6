"""Received updates kept (sealed) until handled, so a channel that confirms receipt before
handling (Telegram's getUpdates) loses nothing in a crash; and the processed-update ids that
make a redelivered update apply once."""

from __future__ import annotations

from datetime import timedelta

from storage import inbox
from storage.clock import utcnow
from storage.uow import Database

KEEP_PROCESSED = timedelta(days=2)  # Telegram gives up redelivering an update after 24 h


class Inbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def pending(self) -> list[tuple[bytes, bool]]:
        """What a previous run received and did not clear: (raw update, handled already)."""
        async with self.db.uow(read_only=True) as uow:
            return list(await uow.inbox.pending())

    async def keep(self, raw: list[tuple[int, bytes]]) -> None:
        """Keep received updates before the channel is told they arrived."""
        await inbox.keep(self.db, raw)

    async def forget(self, update_ids: list[int]) -> None:
        """Handled: they need not be kept any more."""
        await inbox.forget(self.db, update_ids)

    async def prune_processed(self) -> None:
        """Forget processed-update ids older than any redelivery."""
        async with self.db.uow() as uow:
            await uow.updates.prune(utcnow() - KEEP_PROCESSED)
            await uow.commit()
