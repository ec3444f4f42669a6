"""Sending up: the package a township sends to the county, and the one a county (or city)
sends on from the packages it received.

Entries are read from one read-only snapshot, a page at a time, and written as they come.
Then, in ONE transaction, the entries are marked 已报送, the export is audited and the
manifest is written: so the manifest, the 统计 sheet and the database agree on what was sent,
and a crash never leaves an entry marked as sent that is not in a package (nor a package
with a manifest whose entries were not marked). The zip is made after the commit.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from dialogs.divisions import DivisionDirectory
from dialogs.texts import t
from services.deadlines import is_late
from services.paper import source
from services.paper.forms import workers_for
from services.paper.labels import CHINA, STATUS_LABELS
from services.paper.manifest import CHECKSUM_SUFFIX, MANIFEST, file_kinds
from services.paper.package import (
    DATA_FORMAT,
    PACKAGE_FORMAT,
    PACKAGE_ITEMS,
    ZIP_SUFFIX,
    PackageEntry,
    PackageWriter,
    Sender,
    Written,
    default_actor,
    level_name,
)
from services.paper.paths import OutDir
from services.paper.progress import Reporter, Silent
from services.paper.report import Tally
from services.receive import received_store
from storage.files import EvidenceStore
from storage.records import (
    AwardOutcome,
    AwardRow,
    DivisionLevel,
    EvidenceKind,
    EvidenceRecord,
    Status,
)
from storage.repositories.received import ReceivedRecord
from storage.settings import Settings
from storage.uow import Database, UnitOfWork

SILENT = Silent()
WORK_PAGE = 1000
SENT_STATUSES = tuple(s for s in Status if s is not Status.DRAFT)
MANIFEST_LABELS = (
    "entries",
    "exported",
    "marked_now",
    "forms",
    "evidence_files",
    "by_status",
    "by_category",
    "by_level",
    "files",
    "problems",
)


class ExportError(Exception):
    """The export cannot be made (unknown place, folder not empty, an entry changed while it
    was written); shown to staff as is."""


@dataclass(frozen=True)
class ExportRequest:
    code: str  # the township's (or county's) division code
    out: Path
    level: str = DivisionLevel.TOWNSHIP.value
    statuses: tuple[Status, ...] = (Status.CONFIRMED,)
    again: bool = False  # also entries already exported
    include_demo: bool = False
    make_zip: bool = False
    pdf: bool = False
    force: bool = False
    actor: str = ""
    paper: str = "a3"


@dataclass
class ExportResult:
    code: str
    name: str
    level: str
    out: Path
    exported_at: datetime
    actor: str
    written: Written = field(default_factory=Written)  # what went into the package
    marked: int = 0
    skipped_demo: int = 0
    zip_path: Path | None = None
    zip_sha256: str | None = None


@dataclass
class _Plan:
    """What one level's export reads and marks; the package writing is shared."""

    sender: Sender
    divisions: DivisionDirectory
    store: EvidenceStore
    total: int
    skipped_demo: int
    entries: Callable[[UnitOfWork], AsyncIterator[list[tuple[Any, PackageEntry]]]]
    work: Callable[[UnitOfWork, set[Any]], Awaitable[Tally]]
    mark: Callable[[UnitOfWork, list[Any], ExportResult], Awaitable[None]]


async def export_township(
    db: Database, settings: Settings, request: ExportRequest, progress: Reporter = SILENT
) -> ExportResult:
    """The township's confirmed entries → the package for the county; they become 已报送."""
    statuses = set(request.statuses) | ({Status.EXPORTED} if request.again else set())
    actor = request.actor or default_actor()
    started = datetime.now(UTC)
    async with db.uow(read_only=True) as uow:
        town = await source.township(uow, request.code)
        if town is None:
            raise ExportError(t("staff.export.not_township", code=request.code))
        divisions = await source.directory(uow, town.code)
        scope = source.Scope(
            township_code=town.code,
            statuses=tuple(sorted(statuses)),
            include_demo=request.include_demo,
        )
        total = await source.count(uow, scope)
        all_demo = await source.count(uow, replace(scope, include_demo=True))
        found = await uow.deadlines.all()  # an entry sent after the committees' date is 逾期

    async def entries(uow: UnitOfWork) -> AsyncIterator[list[tuple[Any, PackageEntry]]]:
        async for page in source.pages(uow, scope, evidence=True, confirmation=True):
            yield [(_version(e), _from_registration(e, found)) for e in page]

    async def work(uow: UnitOfWork, sent: set[Any]) -> Tally:
        sent_ids = {reg_id for reg_id, _ in sent}
        tally = Tally()
        offset = 0
        while records := await uow.registrations.list(
            township_code=town.code,
            statuses=SENT_STATUSES,
            include_demo=request.include_demo,
            offset=offset,
            limit=WORK_PAGE,
        ):
            for r in records:
                tally.add(replace(r, status=Status.EXPORTED) if r.id in sent_ids else r)
            offset += len(records)
            uow.release_loaded()
        return tally

    async def mark(uow: UnitOfWork, keys: list[Any], result: ExportResult) -> None:
        for (reg_id, version), reg_no in keys:
            if version is None:
                continue  # sent before (--again): stays 已报送
            if not await uow.registrations.set_status(
                reg_id, Status.EXPORTED, expected_version=version
            ):
                raise ExportError(t("staff.export.changed", reg_no=reg_no))
            await uow.audit.record(
                f"cli:{result.actor}",
                "exported",
                reg_id,
                reg_no=reg_no,
                township_code=result.code,
                out=str(result.out),
            )
            result.marked += 1

    plan = _Plan(
        Sender(
            town.code,
            divisions.full_name(town.code, from_level="county"),
            "township",
            actor,
            started,
        ),
        divisions,
        EvidenceStore(settings.evidence_dir),
        total,
        all_demo - total,
        entries,
        work,
        mark,
    )
    return await _export(db, request, plan, progress)


async def export_county(
    db: Database, settings: Settings, request: ExportRequest, progress: Reporter = SILENT
) -> ExportResult:
    """What a county (or city) received → one package for the next level up."""
    actor = request.actor or default_actor()
    started = datetime.now(UTC)
    async with db.uow(read_only=True) as uow:
        area = await uow.divisions.get(request.code)
        if area is None or area.level not in (DivisionLevel.COUNTY, DivisionLevel.CITY):
            raise ExportError(t("staff.export.not_area", code=request.code))
        divisions = await source.directory(uow, area.code)
        filters = {"area": area.code, "include_demo": request.include_demo}
        total = await uow.received.count(include_exported=request.again, **filters)
        everything = await uow.received.count(
            include_exported=request.again, area=area.code, include_demo=True
        )

    async def entries(uow: UnitOfWork) -> AsyncIterator[list[tuple[Any, PackageEntry]]]:
        offset = 0
        while page := await uow.received.list(
            include_exported=request.again, offset=offset, limit=source.PAGE_SIZE, **filters
        ):
            yield [((r.id, r.exported_at is None), _from_received(r, started)) for r in page]
            offset += len(page)
            uow.release_loaded()

    async def work(uow: UnitOfWork, sent: set[Any]) -> Tally:
        tally = Tally()
        offset = 0
        while page := await uow.received.list(offset=offset, limit=WORK_PAGE, **filters):
            for r in page:
                status = Status.EXPORTED if r.exported_at or (r.id, True) in sent else None
                tally.add(_from_received(r, started, status))
            offset += len(page)
            uow.release_loaded()
        return tally

    async def mark(uow: UnitOfWork, keys: list[Any], result: ExportResult) -> None:
        fresh = [entry_id for (entry_id, unsent), _ in keys if unsent]
        result.marked = await uow.received.mark_exported(fresh, started)

    plan = _Plan(
        Sender(
            area.code, divisions.full_name(area.code, from_level="city"), area.level, actor, started
        ),
        divisions,
        received_store(settings),
        total,
        everything - total,
        entries,
        work,
        mark,
    )
    return await _export(db, request, plan, progress)


async def _export(
    db: Database, request: ExportRequest, plan: _Plan, progress: Reporter
) -> ExportResult:
    s = plan.sender
    result = ExportResult(s.code, s.name, s.level, request.out, s.at, s.actor)
    result.skipped_demo = 0 if request.include_demo else plan.skipped_demo
    if not plan.total:
        await _audit(db, request, result)
        return result
    try:
        out = _prepare(request)
        result.out = out.root
        writer = PackageWriter(
            out, plan.store, plan.divisions, s, request.paper, workers_for(plan.total)
        )
        try:
            keys, work = await _write(db, plan, writer, progress)
            writer.finish(work, make_pdf=request.pdf, progress=progress)
        finally:
            writer.close()
    except (OSError, BrokenProcessPool) as exc:  # disk full, no permission, out of memory…:
        raise ExportError(
            t("staff.export.write_failed", out=request.out, error=exc)
        ) from exc  # nothing has been marked
    result.written = writer.written
    progress.phase(t("staff.export.phase.mark"), len(keys))
    async with db.uow() as uow:
        await plan.mark(uow, keys, result)
        await _audit_in(uow, request, result)
        manifest = writer.save_manifest(_meta(request, result, writer))
        try:
            await uow.commit()
        except BaseException:
            manifest.unlink(missing_ok=True)  # a package without a manifest was never sent
            raise
    progress.advance(len(keys))
    if request.make_zip:
        progress.phase(t("staff.export.phase.zip"), 1)
        result.zip_path, result.zip_sha256 = writer.make_zip()
        progress.advance()
    return result


async def _write(
    db: Database, plan: _Plan, writer: PackageWriter, progress: Reporter
) -> tuple[list[Any], Tally]:
    """Every entry into the package, from one snapshot; returns the keys to mark, and the
    work's counts as they are once the package is sent."""
    keys: list[Any] = []
    async with db.uow(read_only=True) as uow:
        progress.phase(t("staff.export.phase.forms"), plan.total)
        async for page in plan.entries(uow):
            for key, entry in page:
                writer.add(entry)
                keys.append((key, entry.reg_no))
            progress.advance(len(page))
        work = await plan.work(uow, {key for key, _ in keys})
    return keys, work


def _version(entry: source.Entry) -> tuple[int, int | None]:
    """(id, version to mark from), version None when it was sent before."""
    r = entry.record
    return r.id, (r.version if r.status is Status.CONFIRMED else None)


def _from_registration(entry: source.Entry, found: dict[str, date]) -> PackageEntry:
    r, d = entry.record, entry.draft
    return PackageEntry(
        reg_no=r.reg_no or f"id{r.id}",
        name=r.name or d.person.get("name") or "",
        draft=d,
        status=Status.EXPORTED,
        township_code=r.township_code,
        hukou_code=r.hukou_code,
        awards=list(r.awards),
        evidence=entry.evidence,
        submitted_at=r.submitted_at,
        confirmed_by=entry.confirmed_by,
        confirmed_at=entry.confirmed_at,
        is_demo=r.is_demo,
        late=is_late(r.submitted_at, found),
    )


def _from_received(
    r: ReceivedRecord, at: datetime, status: Status | None = Status.EXPORTED
) -> PackageEntry:
    """A received person as the next package carries them (status 已确认 until sent on)."""
    e = r.entry
    awards = [
        AwardRow(**{**a, "outcome": AwardOutcome(a.get("outcome") or "eligible")}) for a in e.awards
    ]
    evidence = [
        EvidenceRecord(
            id=0,
            registration_id=r.id,
            award_position=ev.get("award_position"),
            kind=EvidenceKind(ev["kind"]),
            page=ev.get("page") or 1,
            path=ev["path"],
            sha256=ev["sha256"],
            size=ev["size"],
            mime=ev.get("mime") or "image/jpeg",
            width=ev.get("width"),
            height=ev.get("height"),
            telegram_file_id=None,
            ocr=None,
            created_at=r.received_at or at,
        )
        for ev in e.evidence
    ]
    return PackageEntry(
        reg_no=e.reg_no,
        name=e.name,
        draft=e.draft,
        status=status or Status.CONFIRMED,
        township_code=e.township_code,
        hukou_code=e.hukou_code,
        awards=awards,
        evidence=evidence,
        submitted_at=e.submitted_at,
        confirmed_by=e.confirmed_by,
        confirmed_at=e.confirmed_at,
        is_demo=e.is_demo,
    )


def _prepare(request: ExportRequest) -> OutDir:
    """The output folder: new or empty, or with --force cleared of a previous package."""
    out = OutDir(request.out)
    if out.root.exists() and not out.root.is_dir():
        raise ExportError(t("staff.export.is_file", out=out.root))
    if not out.is_empty():
        if not request.force:
            raise ExportError(t("staff.export.not_empty", out=out.root))
        stale = [out.root / name for name in PACKAGE_ITEMS]
        stale += list(out.root.glob(f"*{ZIP_SUFFIX}"))
        stale += list(out.root.glob(f"*{ZIP_SUFFIX}{CHECKSUM_SUFFIX}"))
        for path in stale:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
    out.root.mkdir(parents=True, exist_ok=True)
    return out


def _meta(request: ExportRequest, r: ExportResult, writer: PackageWriter) -> dict[str, Any]:
    """manifest.json: codes for programs, with the Chinese label beside each for people."""
    w = r.written
    counts = dict(w.counts)
    counts["by_status"] = {
        code: {"label": STATUS_LABELS[Status(code)], "persons": n}
        for code, n in counts["by_status"].items()
    }
    counts["by_category"] = {
        code: {**n, "label": t(f"rule.{code}") if code.startswith(("N", "P")) else code}
        for code, n in counts["by_category"].items()
    }
    return {
        "format": PACKAGE_FORMAT,
        "data_format": DATA_FORMAT,
        "说明": t("paper.manifest.note"),
        "level": r.level,
        "level_label": level_name(r.level),
        "sender": {"code": r.code, "name": r.name},
        "township" if r.level == "township" else "area": {"code": r.code, "name": r.name},
        "exported_at": r.exported_at.astimezone(CHINA).isoformat(timespec="seconds"),
        "exported_by": r.actor,
        "statuses": [
            {"code": s.value, "label": STATUS_LABELS[s]}
            for s in sorted({*request.statuses, *([Status.EXPORTED] if request.again else [])})
        ],
        "include_demo": request.include_demo,
        "counts": {
            "entries": w.entries,
            "exported": w.entries,
            "marked_now": r.marked,
            "forms": w.forms,
            "evidence_files": w.evidence,
            "pdfs": w.pdfs,
            **counts,
        },
        "labels": {
            **{key: t(f"paper.manifest.{key}") for key in MANIFEST_LABELS},
            "types": file_kinds(),
        },
        "problems": [vars(p) for p in w.problems],
        "zip": writer.zip_name() if request.make_zip else None,
        "manifest_file": MANIFEST,
    }


async def _audit(db: Database, request: ExportRequest, result: ExportResult) -> None:
    async with db.uow() as uow:
        await _audit_in(uow, request, result)
        await uow.commit()


async def _audit_in(uow: UnitOfWork, request: ExportRequest, result: ExportResult) -> None:
    await uow.audit.record(
        f"cli:{result.actor}",
        "export",
        None,
        township_code=result.code,
        level=result.level,
        township=result.name,
        out=str(result.out),
        statuses=[str(s) for s in request.statuses],
        again=request.again,
        include_demo=request.include_demo,
        entries=result.written.entries,
        marked=result.marked,
        evidence=result.written.evidence,
        problems=len(result.written.problems),
    )
