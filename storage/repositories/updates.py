"""Telegram update ids already handled, so a redelivered update is not processed twice."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from storage.models import ProcessedUpdate, utcnow
from storage.repositories._base import Repository


class UpdateRepository(Repository):
    async def seen(self, update_id: int) -> bool:
        stmt = sa.select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id)
        return (await self.session.scalar(stmt)) is not None

    async def mark(self, update_id: int) -> bool:
        """Record the update; False if it was already recorded (never raises on duplicates)."""
        stmt = (
            self._insert(ProcessedUpdate)
            .values(update_id=update_id, at=utcnow())
            .on_conflict_do_nothing(index_elements=[ProcessedUpdate.update_id])
            .returning(ProcessedUpdate.update_id)
        )
        return (await self.session.scalar(stmt)) is not None

    async def prune(self, before: datetime) -> int:
        """Forget updates older than `before` (Telegram stops redelivering after a day)."""
        result = await self.session.execute(
            sa.delete(ProcessedUpdate).where(ProcessedUpdate.at < before),
            execution_options={"synchronize_session": False},
        )
        return result.rowcount
