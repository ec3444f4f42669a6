"""Append-only audit log: every view, decision and export leaves a row here."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.models import AuditEvent, utcnow
from storage.records import AuditRecord
from storage.repositories._base import Repository


class AuditRepository(Repository):
    async def record(
        self, actor: str, action: str, registration_id: int | None = None, **detail: Any
    ) -> None:
        # Round-trip through JSON so dates and paths in `detail` never break the insert.
        safe = json.loads(json.dumps(detail, ensure_ascii=False, default=str))
        self.session.add(
            AuditEvent(
                at=utcnow(),
                actor=actor,
                action=action,
                registration_id=registration_id,
                detail=safe,
            )
        )
        await self.session.flush()

    async def list(
        self,
        registration_id: int | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        action: str | None = None,
        limit: int = 100,
    ) -> list[AuditRecord]:
        """Newest first; `since` is inclusive, `until` exclusive."""
        stmt = sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        if registration_id is not None:
            stmt = stmt.where(AuditEvent.registration_id == registration_id)
        if actor is not None:
            stmt = stmt.where(AuditEvent.actor == actor)
        if action is not None:
            stmt = stmt.where(AuditEvent.action == action)
        if since is not None:
            stmt = stmt.where(AuditEvent.at >= since)
        if until is not None:
            stmt = stmt.where(AuditEvent.at < until)
        rows = await self.session.scalars(stmt)
        return [
            AuditRecord(
                id=e.id,
                at=e.at,
                actor=e.actor,
                action=e.action,
                registration_id=e.registration_id,
                detail=e.detail,
            )
            for e in rows
        ]
