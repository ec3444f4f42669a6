"""Metadata of evidence photos; the bytes live in storage.files.EvidenceStore."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from storage.files import StoredFile
from storage.models import EvidenceFile, utcnow
from storage.records import EvidenceKind, EvidenceRecord
from storage.repositories._base import Repository


def _record(e: EvidenceFile) -> EvidenceRecord:
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


class EvidenceRepository(Repository):
    async def add(
        self,
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
    ) -> EvidenceRecord:
        row = EvidenceFile(
            registration_id=registration_id,
            award_position=award_position,
            kind=EvidenceKind(kind),
            page=page,
            path=stored.path,
            sha256=stored.sha256,
            size=stored.size,
            mime=mime,
            width=width,
            height=height,
            telegram_file_id=telegram_file_id,
            ocr=ocr,
            created_at=utcnow(),
        )
        self.session.add(row)
        await self.session.flush()
        return _record(row)

    async def list_for(self, registration_id: int) -> list[EvidenceRecord]:
        """Ordered by award, kind, page: the order evidence is printed and exported in."""
        stmt = (
            sa.select(EvidenceFile)
            .execution_options(populate_existing=True)
            .where(EvidenceFile.registration_id == registration_id)
            .order_by(
                EvidenceFile.award_position.is_(None),
                EvidenceFile.award_position,
                EvidenceFile.kind,
                EvidenceFile.page,
                EvidenceFile.id,
            )
        )
        return [_record(e) for e in await self.session.scalars(stmt)]

    async def set_ocr(self, evidence_id: int, ocr: dict[str, Any]) -> bool:
        stmt = sa.update(EvidenceFile).where(EvidenceFile.id == evidence_id).values(ocr=ocr)
        result = await self.session.execute(stmt, execution_options={"synchronize_session": False})
        return result.rowcount == 1
