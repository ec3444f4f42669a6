"""Packages received from the level below (townships at the county, counties at the city) and
the people in them, kept in this level's own database under this level's own key."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.model import Draft
from storage.clock import utcnow
from storage.crypto import FieldCipher
from storage.models import ReceivedEntry, ReceivedPackage
from storage.repositories._base import IN_CHUNK, Repository


@dataclass(frozen=True, slots=True)
class PackageInfo:
    manifest_sha256: str
    sender_code: str
    sender_name: str
    sender_level: str
    exported_at: str
    exported_by: str
    file_name: str
    entries: int
    received_by: str


@dataclass(frozen=True, slots=True)
class ReceivedPackageRecord:
    id: int
    info: PackageInfo
    received_at: datetime


@dataclass(frozen=True, slots=True)
class IncomingEntry:
    """One person as a package carries them, `evidence` already pointing at this level's
    evidence store."""

    reg_no: str
    name: str
    township_code: str | None
    hukou_code: str | None
    id_number: str | None
    secrets: dict[str, str]
    state: dict[str, Any]
    awards: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    submitted_at: datetime | None
    confirmed_by: str
    confirmed_at: datetime | None
    is_demo: bool

    @property
    def draft(self) -> Draft:
        """The answers as the dialog's draft, as the level below registered them."""
        return Draft.from_storage(self.state, self.secrets)


@dataclass(frozen=True, slots=True)
class ReceivedRecord:
    """A received person as stored here: the entry (personal numbers decrypted) and when it
    was received and sent on."""

    id: int
    package_id: int
    id_hash: str | None
    received_at: datetime
    exported_at: datetime | None
    entry: IncomingEntry


@dataclass(frozen=True, slots=True)
class SameIdNumber:
    """People received under one ID number: (reg_no, name, township_code) of each."""

    entries: tuple[tuple[str, str, str | None], ...]


def _area(column: Any, code: str | None) -> list[sa.ColumnElement[bool]]:
    """Rows within a division: a county is the first 6 digits, a city the first 4."""
    if not code:
        return []
    significant = code.rstrip("0")
    prefix = code[: 6 if len(significant) > 4 else 4 if len(significant) > 2 else 2]
    return [column.startswith(prefix)]


class ReceivedRepository(Repository):
    def __init__(self, session: AsyncSession, cipher: FieldCipher) -> None:
        super().__init__(session)
        self._cipher = cipher

    async def package_by_manifest(self, manifest_sha256: str) -> ReceivedPackageRecord | None:
        row = await self.session.scalar(
            sa.select(ReceivedPackage).where(ReceivedPackage.manifest_sha256 == manifest_sha256)
        )
        return None if row is None else _package(row)

    async def add_package(self, info: PackageInfo) -> int:
        row = ReceivedPackage(**_fields(info))
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def existing(self, reg_nos: Iterable[str]) -> dict[str, str]:
        """reg_no → name of the given numbers that were received before."""
        wanted = list(dict.fromkeys(reg_nos))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), IN_CHUNK):
            stmt = sa.select(ReceivedEntry.reg_no, ReceivedEntry.name).where(
                ReceivedEntry.reg_no.in_(wanted[start : start + IN_CHUNK])
            )
            found.update({reg_no: name for reg_no, name in await self.session.execute(stmt)})
        return found

    async def put(self, package_id: int, entries: Sequence[IncomingEntry]) -> None:
        """Insert the entries; one received before under the same 登记编号 (sent again by the
        level below) is replaced by the newer copy."""
        if not entries:
            return
        now = utcnow()
        rows = [
            {
                "package_id": package_id,
                "reg_no": e.reg_no,
                "name": e.name,
                "township_code": e.township_code,
                "hukou_code": e.hukou_code,
                "id_hash": self._cipher.id_hash(e.id_number) if e.id_number else None,
                "secrets_cipher": self._cipher.encrypt_json(e.secrets) if e.secrets else None,
                "state": e.state,
                "awards": e.awards,
                "evidence": e.evidence,
                "submitted_at": e.submitted_at,
                "confirmed_by": e.confirmed_by,
                "confirmed_at": e.confirmed_at,
                "is_demo": e.is_demo,
                "received_at": now,
                "exported_at": None,
            }
            for e in entries
        ]
        stmt = self._insert(ReceivedEntry)
        replaced = {c: stmt.excluded[c] for c in rows[0] if c != "reg_no"}
        await self.session.execute(
            stmt.on_conflict_do_update(index_elements=["reg_no"], set_=replaced), rows
        )

    async def list(
        self,
        *,
        area: str | None = None,
        include_exported: bool = True,
        include_demo: bool = True,
        offset: int = 0,
        limit: int = 250,
    ) -> list[ReceivedRecord]:
        """Received entries within `area` (a county or city code), in id order."""
        stmt = (
            sa.select(ReceivedEntry)
            .where(*self._filters(area, include_exported, include_demo))
            .order_by(ReceivedEntry.id)
            .offset(offset)
            .limit(limit)
        )
        return [self._record(r) for r in await self.session.scalars(stmt)]

    async def count(
        self, *, area: str | None = None, include_exported: bool = True, include_demo: bool = True
    ) -> int:
        stmt = sa.select(sa.func.count()).where(
            *self._filters(area, include_exported, include_demo)
        )
        return int(await self.session.scalar(stmt) or 0)

    async def count_by_township(self, area: str | None = None) -> dict[str, int]:
        stmt = (
            sa.select(ReceivedEntry.township_code, sa.func.count())
            .where(*_area(ReceivedEntry.township_code, area))
            .group_by(ReceivedEntry.township_code)
        )
        return {code or "": n for code, n in await self.session.execute(stmt)}

    async def same_id_numbers(self, area: str | None = None) -> list[SameIdNumber]:
        """Groups of received entries that share an ID number (compared by this level's keyed
        hash), whether from two townships or twice from one."""
        dup = (
            sa.select(ReceivedEntry.id_hash)
            .where(ReceivedEntry.id_hash.is_not(None), *_area(ReceivedEntry.township_code, area))
            .group_by(ReceivedEntry.id_hash)
            .having(sa.func.count() > 1)
        )
        stmt = (
            sa.select(
                ReceivedEntry.id_hash,
                ReceivedEntry.reg_no,
                ReceivedEntry.name,
                ReceivedEntry.township_code,
            )
            .where(ReceivedEntry.id_hash.in_(dup), *_area(ReceivedEntry.township_code, area))
            .order_by(ReceivedEntry.id_hash, ReceivedEntry.reg_no)
        )
        groups: dict[str, list[tuple[str, str, str | None]]] = {}
        for id_hash, reg_no, name, township in await self.session.execute(stmt):
            groups.setdefault(id_hash, []).append((reg_no, name, township))
        return [SameIdNumber(tuple(g)) for g in groups.values()]

    async def mark_exported(self, ids: Sequence[int], at: datetime) -> int:
        marked = 0
        for start in range(0, len(ids), IN_CHUNK):
            result = await self.session.execute(
                sa.update(ReceivedEntry)
                .where(ReceivedEntry.id.in_(ids[start : start + IN_CHUNK]))
                .values(exported_at=at)
            )
            marked += result.rowcount
        return marked

    @staticmethod
    def _filters(
        area: str | None, include_exported: bool, include_demo: bool
    ) -> list[sa.ColumnElement[bool]]:
        where = _area(ReceivedEntry.township_code, area)
        if not include_exported:
            where.append(ReceivedEntry.exported_at.is_(None))
        if not include_demo:
            where.append(ReceivedEntry.is_demo.is_(False))
        return where

    def _record(self, r: ReceivedEntry) -> ReceivedRecord:
        secrets = self._cipher.decrypt_json(r.secrets_cipher) if r.secrets_cipher else {}
        entry = IncomingEntry(
            reg_no=r.reg_no,
            name=r.name,
            township_code=r.township_code,
            hukou_code=r.hukou_code,
            id_number=secrets.get("id_number"),
            secrets=secrets,
            state=r.state,
            awards=list(r.awards),
            evidence=list(r.evidence),
            submitted_at=r.submitted_at,
            confirmed_by=r.confirmed_by,
            confirmed_at=r.confirmed_at,
            is_demo=r.is_demo,
        )
        return ReceivedRecord(r.id, r.package_id, r.id_hash, r.received_at, r.exported_at, entry)


def _fields(source: PackageInfo | ReceivedPackage) -> dict[str, Any]:
    return {name: getattr(source, name) for name in PackageInfo.__slots__}


def _package(row: ReceivedPackage) -> ReceivedPackageRecord:
    info = PackageInfo(**_fields(row))
    return ReceivedPackageRecord(row.id, info, row.received_at)
