"""Read access to the administrative divisions (loading lives in storage.divisions)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from storage.models import Division
from storage.records import DivisionLevel, DivisionRow
from storage.repositories._base import Repository

_COLUMNS = (Division.code, Division.name, Division.level, Division.parent_code)
_ABOVE_TOWNSHIP = {DivisionLevel.PROVINCE, DivisionLevel.CITY, DivisionLevel.COUNTY}


class DivisionRepository(Repository):
    async def all_rows(self) -> list[DivisionRow]:
        result = await self.session.execute(sa.select(*_COLUMNS).order_by(Division.code))
        return [DivisionRow(*row) for row in result]

    async def get(self, code: str) -> DivisionRow | None:
        row = (
            await self.session.execute(sa.select(*_COLUMNS).where(Division.code == code))
        ).first()
        return DivisionRow(*row) if row else None

    async def count(self) -> int:
        return await self.session.scalar(sa.select(sa.func.count()).select_from(Division)) or 0

    async def count_by_level(self) -> dict[str, int]:
        stmt = sa.select(Division.level, sa.func.count()).group_by(Division.level)
        return {level: n for level, n in await self.session.execute(stmt)}

    async def children(self, code: str) -> list[DivisionRow]:
        stmt = sa.select(*_COLUMNS).where(Division.parent_code == code).order_by(Division.code)
        return [DivisionRow(*row) for row in await self.session.execute(stmt)]

    async def search(self, text: str, limit: int = 20) -> list[DivisionRow]:
        """Divisions whose name contains `text` (plain substring; fuzzy matching is dialogs')."""
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = (
            sa.select(*_COLUMNS)
            .where(Division.name.like(f"%{escaped}%", escape="\\"))
            .order_by(Division.code)
            .limit(limit)
        )
        return [DivisionRow(*row) for row in await self.session.execute(stmt)]

    async def township_of(self, code: str) -> DivisionRow | None:
        """The township (乡镇/街道) a village or township code belongs to; None above that."""
        row = await self.get(code)
        while row is not None and row.level != DivisionLevel.TOWNSHIP:
            if row.level in _ABOVE_TOWNSHIP or row.parent_code is None:
                return None
            row = await self.get(row.parent_code)
        return row

    async def merge(self, rows: Iterable[DivisionRow]) -> tuple[int, int]:
        """Insert new codes and update changed ones in bulk; returns (inserted, updated).

        Codes missing from `rows` are kept: committees and invites may still point at them.
        """
        existing = {row.code: row for row in await self.all_rows()}
        new = [r._asdict() for r in rows if r.code not in existing]
        changed = [r._asdict() for r in rows if r.code in existing and existing[r.code] != r]
        if new:
            await self.session.execute(sa.insert(Division), new)
        if changed:
            await self.session.execute(sa.update(Division), changed)
        return len(new), len(changed)
