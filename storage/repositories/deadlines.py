"""Deadlines: one date per level of the chain, replaced when set again."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from storage.clock import utcnow
from storage.models import Deadline
from storage.repositories._base import Repository


class DeadlineRepository(Repository):
    async def all(self) -> dict[str, date]:
        rows = await self.session.execute(sa.select(Deadline.level, Deadline.due))
        return {level: due for level, due in rows}

    async def set(self, level: str, due: date, *, actor: str) -> None:
        values = {"level": level, "due": due, "set_by": actor, "set_at": utcnow()}
        stmt = self._insert(Deadline).values(values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Deadline.level],
            set_={"due": due, "set_by": actor, "set_at": values["set_at"]},
        )
        await self.session.execute(stmt)

    async def clear(self, level: str) -> bool:
        """False if the level had no deadline."""
        result = await self.session.execute(sa.delete(Deadline).where(Deadline.level == level))
        return result.rowcount == 1
