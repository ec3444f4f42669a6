"""Committees: a village/community committee, or a township's own desk."""

from __future__ import annotations

import sqlalchemy as sa

from storage.errors import NotACommitteeLevel, NotFoundError
from storage.models import Committee, Division, utcnow
from storage.records import CommitteeKind, CommitteeRecord, DivisionLevel
from storage.repositories._base import Repository

_KIND_BY_LEVEL = {
    DivisionLevel.VILLAGE: CommitteeKind.VILLAGE,
    DivisionLevel.TOWNSHIP: CommitteeKind.TOWNSHIP,
}


def _record(c: Committee) -> CommitteeRecord:
    return CommitteeRecord(
        id=c.id,
        division_code=c.division_code,
        name=c.name,
        kind=CommitteeKind(c.kind),
        contact=c.contact,
        created_at=c.created_at,
    )


class CommitteeRepository(Repository):
    async def add(
        self, division_code: str, name: str | None = None, contact: str | None = None
    ) -> CommitteeRecord:
        """Create the committee of a village or township; returns the existing one if any."""
        existing = await self.get_by_division(division_code)
        if existing is not None:
            return existing
        division = await self.session.get(Division, division_code)
        if division is None:
            raise NotFoundError(f"unknown division code {division_code}")
        kind = _KIND_BY_LEVEL.get(DivisionLevel(division.level))
        if kind is None:
            raise NotACommitteeLevel(division_code, division.level)
        stmt = (
            self._insert(Committee)
            .values(
                division_code=division_code,
                name=name or division.name,
                kind=kind,
                contact=contact,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=[Committee.division_code])
        )
        await self.session.execute(stmt)
        created = await self.get_by_division(division_code)
        assert created is not None
        return created

    async def set_contact(self, division_code: str, contact: str | None) -> CommitteeRecord | None:
        """New contact details (told to honorees whose entry is refused); None if no committee."""
        await self.session.execute(
            sa.update(Committee)
            .where(Committee.division_code == division_code)
            .values(contact=contact),
            execution_options={"synchronize_session": False},
        )
        return await self.get_by_division(division_code)

    async def get(self, committee_id: int) -> CommitteeRecord | None:
        stmt = self._select().where(Committee.id == committee_id)
        c = await self.session.scalar(stmt)
        return _record(c) if c else None

    async def get_by_division(self, code: str) -> CommitteeRecord | None:
        c = await self.session.scalar(self._select().where(Committee.division_code == code))
        return _record(c) if c else None

    async def list(self, township_code: str | None = None) -> list[CommitteeRecord]:
        """All committees, or those of one township (its desk and its villages), by code."""
        stmt = self._select().order_by(Committee.division_code)
        if township_code is not None:
            stmt = stmt.where(Committee.division_code.startswith(township_code[:9]))
        return [_record(c) for c in await self.session.scalars(stmt)]

    @staticmethod
    def _select() -> sa.Select[tuple[Committee]]:
        return sa.select(Committee).execution_options(populate_existing=True)
