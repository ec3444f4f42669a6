"""Read-only look-ups for township staff: division codes and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.records import AuditRecord, CommitteeRecord, DivisionRow
from storage.uow import Database


@dataclass(frozen=True)
class DivisionInfo:
    row: DivisionRow
    path: list[DivisionRow]  # from the province down to the division itself
    children: int
    committee: CommitteeRecord | None


async def search_divisions(
    db: Database, query: str, limit: int
) -> list[tuple[DivisionRow, DivisionRow | None]]:
    """Divisions whose name contains `query`, each with its parent for context."""
    async with db.uow(read_only=True) as uow:
        rows = await uow.divisions.search(query, limit)
        return [(row, await uow.divisions.get(row.parent_code or "")) for row in rows]


async def division(db: Database, code: str) -> DivisionInfo | None:
    async with db.uow(read_only=True) as uow:
        row = await uow.divisions.get(code)
        if row is None:
            return None
        path = [row]
        while path[0].parent_code and (parent := await uow.divisions.get(path[0].parent_code)):
            path.insert(0, parent)
        children = len(await uow.divisions.children(code))
        return DivisionInfo(row, path, children, await uow.committees.get_by_division(code))


@dataclass(frozen=True)
class AuditLine:
    event: AuditRecord
    reg_no: str | None


async def audit_log(
    db: Database,
    *,
    entry: str | None,
    actor: str | None,
    since: datetime | None,
    until: datetime | None,
    action: str | None,
    limit: int,
) -> list[AuditLine] | None:
    """Audit events, newest first; `entry` is an id or a 登记编号 (None if no such entry)."""
    async with db.uow(read_only=True) as uow:
        reg_id = None
        if entry is not None:
            found = None if entry.isdigit() else await uow.registrations.get_by_reg_no(entry)
            reg_id = int(entry) if entry.isdigit() else found.id if found else None
            if reg_id is None:
                return None
        events = await uow.audit.list(reg_id, actor, since, until, action, limit)
        reg_nos = await uow.registrations.reg_nos(
            e.registration_id for e in events if e.registration_id is not None
        )
    return [AuditLine(e, reg_nos.get(e.registration_id) if e.registration_id else None)
            for e in events]
