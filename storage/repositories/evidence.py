"""Metadata of evidence photos; the bytes live in storage.files.EvidenceStore."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from storage.clock import utcnow
from storage.files import StoredFile
from storage.models import EvidenceFile
from storage.records import EvidenceKind, EvidenceRecord
from storage.repositories._base import IN_CHUNK, Repository

# The order evidence is printed and exported in: by award (person-level last), kind, page.
_ORDER = (
    EvidenceFile.award_position.is_(None),
    EvidenceFile.award_position,
    EvidenceFile.kind,
    EvidenceFile.page,
    EvidenceFile.id,
)
# Plain columns, not ORM objects: a page of many entries' evidence fills no identity map.
_COLUMNS = tuple(EvidenceFile.__table__.c)
_FILE_ID_MAX = EvidenceFile.__table__.c.telegram_file_id.type.length


def _record(e: EvidenceFile | sa.Row[Any]) -> EvidenceRecord:
    return EvidenceRecord(
        id=e.id,
        registration_id=e.registration_id,
        award_position=e.award_position,
        kind=EvidenceKind(e.kind),
        page=e.page,
        path=e.path,
        sha256=e.sha256,
        size=e.size,
        mime=e.mime,
        width=e.width,
        height=e.height,
        telegram_file_id=e.telegram_file_id,
        ocr=e.ocr,
        created_at=e.created_at,
    )


def evidence_row(
    registration_id: int,
    *,
    award_position: int | None,
    kind: EvidenceKind,
    page: int,
    stored: StoredFile,
    mime: str,
    width: int | None,
    height: int | None,
    telegram_file_id: str | None = None,
    ocr: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns of a new evidence row (for the ORM here, or a statement of storage.answers)."""
    return {
        "registration_id": registration_id,
        "award_position": award_position,
        "kind": EvidenceKind(kind),
        "page": page,
        "path": stored.path,
        "sha256": stored.sha256,
        "size": stored.size,
        "mime": mime,
        "width": width,
        "height": height,
        "telegram_file_id": telegram_file_id,
        "ocr": ocr,
        "created_at": utcnow(),
    }


class EvidenceRepository(Repository):
    async def add(self, registration_id: int, **columns: Any) -> EvidenceRecord:
        """A new evidence row; `columns` as for `evidence_row`."""
        row = EvidenceFile(**evidence_row(registration_id, **columns))
        self.session.add(row)
        await self.session.flush()
        return _record(row)

    async def list_for(self, registration_id: int) -> list[EvidenceRecord]:
        """Ordered by award, kind, page: the order evidence is printed and exported in."""
        stmt = (
            sa.select(EvidenceFile)
            .execution_options(populate_existing=True)
            .where(EvidenceFile.registration_id == registration_id)
            .order_by(*_ORDER)
        )
        return [_record(e) for e in await self.session.scalars(stmt)]

    async def list_for_many(
        self, registration_ids: Iterable[int]
    ) -> dict[int, list[EvidenceRecord]]:
        """`list_for` of many registrations at once (one query per 1000 ids, not one per entry).

        Every requested id is a key, with [] when it has no evidence; each list is in
        `list_for` order.
        """
        ids = list(dict.fromkeys(registration_ids))
        found: dict[int, list[EvidenceRecord]] = {reg_id: [] for reg_id in ids}
        for start in range(0, len(ids), IN_CHUNK):
            stmt = (
                sa.select(*_COLUMNS)
                .where(EvidenceFile.registration_id.in_(ids[start : start + IN_CHUNK]))
                .order_by(EvidenceFile.registration_id, *_ORDER)
            )
            for row in await self.session.execute(stmt):
                found[row.registration_id].append(_record(row))
        return found

    async def set_ocr(self, evidence_id: int, ocr: dict[str, Any]) -> bool:
        stmt = sa.update(EvidenceFile).where(EvidenceFile.id == evidence_id).values(ocr=ocr)
        result = await self.session.execute(stmt, execution_options={"synchronize_session": False})
        return result.rowcount == 1

    async def set_telegram_file_id(self, evidence_id: int, file_id: str | None) -> bool:
        """Remember Telegram's file_id of this file (None forgets it), so it is re-sent by id
        instead of uploaded again. False if there is no such evidence, or the id is longer than
        the column holds (then it is simply not remembered)."""
        if file_id is not None and len(file_id) > _FILE_ID_MAX:
            return False
        stmt = (
            sa.update(EvidenceFile)
            .where(EvidenceFile.id == evidence_id)
            .values(telegram_file_id=file_id)
        )
        result = await self.session.execute(stmt, execution_options={"synchronize_session": False})
        return result.rowcount == 1

    async def referenced_paths(self) -> set[str]:
        """Every stored file some evidence row points at (for sweeping orphans)."""
        rows = await self.session.execute(sa.select(EvidenceFile.path).distinct())
        return {path for (path,) in rows}
