"""Append-only audit log: every view, decision and export leaves a row here."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.clock import utcnow
from storage.models import AuditEvent
from storage.records import AuditRecord
from storage.repositories._base import IN_CHUNK, Repository


def _record(e: AuditEvent) -> AuditRecord:
    return AuditRecord(
        id=e.id,
        at=e.at,
        actor=e.actor,
        action=e.action,
        registration_id=e.registration_id,
        detail=e.detail,
    )


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
        return [_record(e) for e in await self.session.scalars(stmt)]

    async def latest_for(
        self, registration_ids: Iterable[int], action: str
    ) -> dict[int, AuditRecord]:
        """The newest event with this action of each registration (by id: the last recorded);
        registrations without one are left out. One query per 1000 ids, not one per entry."""
        ids = list(dict.fromkeys(registration_ids))
        found: dict[int, AuditRecord] = {}
        for start in range(0, len(ids), IN_CHUNK):
            newest = (
                sa.select(sa.func.max(AuditEvent.id))
                .where(
                    AuditEvent.registration_id.in_(ids[start : start + IN_CHUNK]),
                    AuditEvent.action == action,
                )
                .group_by(AuditEvent.registration_id)
            )
            stmt = (
                sa.select(AuditEvent)
                .execution_options(populate_existing=True)
                .where(AuditEvent.id.in_(newest))
            )
            for e in await self.session.scalars(stmt):
                if e.registration_id is not None:  # always: it was selected by it
                    found[e.registration_id] = _record(e)
        return found
