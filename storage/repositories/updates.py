"""Telegram updates: the ids already handled (a redelivered update is not processed twice) and
the inbox of received updates not handled yet."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import FieldCipher
from storage.models import InboxUpdate, ProcessedUpdate, utcnow
from storage.repositories._base import INSERTS, Repository

_PROCESSED = ProcessedUpdate.__table__
MARK_UPDATE = {
    name: insert(_PROCESSED)
    .values(update_id=sa.bindparam("update_id"), at=sa.bindparam("at"))
    .on_conflict_do_nothing(index_elements=[_PROCESSED.c.update_id])
    .returning(_PROCESSED.c.update_id)
    for name, insert in INSERTS.items()
}


class UpdateRepository(Repository):
    async def seen(self, update_id: int) -> bool:
        stmt = sa.select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id)
        return (await self.session.scalar(stmt)) is not None

    async def mark(self, update_id: int) -> bool:
        """Record the update; False if it was already recorded (never raises on duplicates)."""
        mark = MARK_UPDATE[self.session.bind.dialect.name]  # built once: this runs for every update
        result = await self.session.execute(mark, {"update_id": update_id, "at": utcnow()})
        return result.first() is not None

    async def prune(self, before: datetime) -> int:
        """Forget updates older than `before` (Telegram stops redelivering after a day)."""
        result = await self.session.execute(
            sa.delete(ProcessedUpdate).where(ProcessedUpdate.at < before),
            execution_options={"synchronize_session": False},
        )
        return result.rowcount


class InboxRepository(Repository):
    """Received updates not yet handled (see `InboxUpdate`; storage.inbox keeps and forgets
    them); bodies are sealed at rest."""

    def __init__(self, session: AsyncSession, cipher: FieldCipher) -> None:
        super().__init__(session)
        self._cipher = cipher

    async def pending(self) -> list[tuple[bytes, bool]]:
        """Every update kept, oldest first: its raw JSON and whether it was handled already
        (its id is among the processed ones)."""
        table, done = InboxUpdate.__table__, ProcessedUpdate.__table__
        rows = await self.session.execute(
            sa.select(table.c.body, done.c.update_id.is_not(None))
            .outerjoin(done, done.c.update_id == table.c.update_id)
            .order_by(table.c.update_id)
        )
        return [(self._cipher.unseal(body), bool(handled)) for body, handled in rows]
