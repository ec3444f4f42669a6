"""The package a township sends up to the county (spec §4), and marking its entries 已报送.

Entries are read from one read-only snapshot, a page at a time, and written as they come:
汇总表 row, printable form, evidence. Only once every file and the manifest are on disk are
the confirmed entries marked exported, each guarded by its version, each audited; so a crash
never leaves an entry marked as sent that is not in a package.
"""

from __future__ import annotations

import getpass
import io
import shutil
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from PIL import Image, ImageOps

from admin_cli.export import docx_form, pdf, source
from admin_cli.export.docx_form import Confirmation, Portrait
from admin_cli.export.evidence import EvidenceChecker, file_names
from admin_cli.export.labels import CHINA, china_date, status_label
from admin_cli.export.manifest import MANIFEST, Manifest, write_zip
from admin_cli.export.paths import OutDir, safe_name
from admin_cli.export.progress import Reporter, Silent
from admin_cli.export.report import Tally, write_report
from admin_cli.export.xlsx import TableWriter
from dialogs.divisions import DivisionDirectory
from dialogs.export_view import (
    SUMMARY_TITLE,
    form_view,
    missing_evidence,
    summary_cells,
    text_columns,
)
from dialogs.form import SUMMARY_COLUMNS
from storage.files import EvidenceStore
from storage.records import EvidenceKind, Status
from storage.settings import Settings
from storage.uow import Database

SUMMARY_FILE = "汇总表.xlsx"
REPORT_FILE = "统计登记工作情况.xlsx"
FORMS_DIR = "登记表"
EVIDENCE_DIR = "佐证材料"
ZIP_SUFFIX = "_报送材料.zip"
PACKAGE_ITEMS = (SUMMARY_FILE, REPORT_FILE, FORMS_DIR, EVIDENCE_DIR, MANIFEST)
PORTRAIT_PIXELS = (450, 630)
SILENT = Silent()
MARK_BATCH = 500  # entries marked per transaction


class ExportError(Exception):
    """The export cannot start (unknown township, folder not empty); shown to staff as is."""


@dataclass(frozen=True)
class ExportRequest:
    township_code: str
    out: Path
    statuses: tuple[Status, ...] = (Status.CONFIRMED,)
    again: bool = False  # also entries already exported
    include_demo: bool = False
    make_zip: bool = False
    pdf: bool = False
    force: bool = False
    actor: str = ""


@dataclass(frozen=True)
class Problem:
    reg_no: str
    name: str
    problem: str
    file: str = ""


@dataclass
class ExportResult:
    township_code: str
    township: str
    out: Path
    exported_at: datetime
    actor: str
    entries: int = 0
    forms: int = 0
    evidence: int = 0
    marked: int = 0
    skipped_demo: int = 0
    pdfs: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    zip_path: Path | None = None
    zip_sha256: str | None = None
    counts: dict[str, Any] = field(default_factory=dict)


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name (some containers)
        return "unknown"


async def export_township(
    db: Database, settings: Settings, request: ExportRequest, progress: Reporter = SILENT
) -> ExportResult:
    statuses = set(request.statuses) | ({Status.EXPORTED} if request.again else set())
    started = datetime.now(UTC)
    actor = request.actor or default_actor()
    async with db.uow(read_only=True) as uow:
        town = await source.township(uow, request.township_code)
        if town is None:
            raise ExportError(f"{request.township_code} 不是乡镇（街道）的区划代码")
        divisions = await source.directory(uow, town.code)
        scope = source.Scope(
            township_code=town.code,
            statuses=tuple(sorted(statuses)),
            include_demo=request.include_demo,
        )
        total = await source.count(uow, scope)
        result = ExportResult(
            town.code,
            divisions.full_name(town.code, from_level="county"),
            request.out,
            started,
            actor,
        )
        if not request.include_demo:
            result.skipped_demo = await source.count(uow, replace(scope, include_demo=True)) - total
        if total:
            try:
                out = _prepare(request)
                result.out = out.root
                writer = _PackageWriter(out, settings, divisions, result)
                progress.phase("导出登记表和佐证材料", total)
                async for page in source.pages(uow, scope, evidence=True, confirmation=True):
                    for entry in page:
                        writer.add(entry)
                    progress.advance(len(page))
                writer.finish(request, progress)
            except OSError as exc:  # disk full, no permission…: nothing has been marked yet
                raise ExportError(f"写入 {request.out} 失败：{exc}") from exc
    if total:
        await _mark_exported(db, writer.to_mark, result, progress)
    await _audit_export(db, request, result)
    return result


def _prepare(request: ExportRequest) -> OutDir:
    """The output folder: new or empty, or with --force cleared of a previous package."""
    out = OutDir(request.out)
    if out.root.exists() and not out.root.is_dir():
        raise ExportError(f"{out.root} 是一个文件，不是文件夹")
    if not out.is_empty():
        if not request.force:
            raise ExportError(f"{out.root} 不是空文件夹；要覆盖上次导出的材料请加 --force")
        stale = [out.root / name for name in PACKAGE_ITEMS]
        stale += list(out.root.glob(f"*{ZIP_SUFFIX}"))
        for path in stale:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
    out.root.mkdir(parents=True, exist_ok=True)
    return out


class _PackageWriter:
    """Writes one entry at a time into the package and keeps the counts."""

    def __init__(
        self, out: OutDir, settings: Settings, divisions: DivisionDirectory, result: ExportResult
    ) -> None:
        self.out = out
        self.divisions = divisions
        self.result = result
        self.manifest = Manifest(out)
        self.checker = EvidenceChecker(EvidenceStore(settings.evidence_dir))
        self.tally = Tally()
        self.to_mark: list[tuple[int, int, str]] = []
        self.forms: list[Path] = []
        self._portraits: dict[str, Portrait | None] = {}
        self.workbook = Workbook(write_only=True)
        title = f"{SUMMARY_TITLE}（{result.township}　{china_date(result.exported_at)}）"
        headers = [label for label, _ in SUMMARY_COLUMNS]
        self.summary = TableWriter(self.workbook, "汇总表", title, headers, text_columns())

    def add(self, entry: source.Entry) -> None:
        r, d = entry.record, entry.draft
        name = r.name or d.person.get("name") or ""
        reg_no = r.reg_no or f"id{r.id}"
        folder = safe_name(f"{reg_no}_{name}")
        self.result.entries += 1
        confirmed_at = china_date(entry.confirmed_at)
        meta = {
            "@row": self.result.entries,
            "@reg_no": reg_no,
            "@confirmed_by": entry.confirmed_by,
            "@confirmed_at": confirmed_at,
            "@status": status_label(r.status),
        }
        self.summary.add(summary_cells(d, meta, self.divisions))
        portrait = self._evidence(entry, reg_no, name, folder)
        header = f"登记编号：{reg_no}　　　提交日期：{china_date(r.submitted_at)}"
        if r.is_demo:
            header += "　　　（演示数据，非真实登记）"
        data = docx_form.render(
            form_view(d, self.divisions),
            header,
            Confirmation(entry.confirmed_by, confirmed_at),
            portrait,
        )
        self.forms.append(self.manifest.write(f"{FORMS_DIR}/{folder}.docx", data))
        self.result.forms += 1
        self.tally.add(r)
        if r.status is Status.CONFIRMED:
            self.to_mark.append((r.id, r.version, reg_no))

    def _evidence(
        self, entry: source.Entry, reg_no: str, name: str, folder: str
    ) -> Portrait | None:
        """Check and place the entry's evidence; returns the portrait for the form."""
        present: set[tuple[int | None, str]] = set()
        portrait = None
        for ev, file_name in file_names(entry.evidence, entry.draft):
            rel = f"{EVIDENCE_DIR}/{folder}/{file_name}"
            problem = self.checker.problem(ev)
            if problem is not None:
                self.result.problems.append(Problem(reg_no, name, f"佐证材料{problem}", rel))
                continue
            self.checker.place(ev, self.out.path(rel))
            self.manifest.add(rel, ev.sha256, ev.size)
            self.result.evidence += 1
            present.add((ev.award_position, ev.kind.value))
            if ev.kind is EvidenceKind.PORTRAIT and portrait is None:
                portrait = self._portrait(self.checker.store.absolute(ev.path), ev.sha256)
        for missing in missing_evidence(entry.draft, present):
            self.result.problems.append(Problem(reg_no, name, f"缺少{missing}"))
        return portrait

    def _portrait(self, path: Path, sha256: str) -> Portrait | None:
        """A small upright JPEG of the portrait for the form (cached: files are shared)."""
        if sha256 not in self._portraits:
            try:
                with Image.open(path) as image:
                    image.draft("RGB", PORTRAIT_PIXELS)
                    small = ImageOps.exif_transpose(image).convert("RGB")
                small.thumbnail(PORTRAIT_PIXELS)
                data = io.BytesIO()
                small.save(data, "JPEG", quality=85)
                self._portraits[sha256] = Portrait(data.getvalue(), "jpeg", *small.size)
            except OSError:  # unreadable image: the form shows an empty photo box
                self._portraits[sha256] = None
        return self._portraits[sha256]

    def finish(self, request: ExportRequest, progress: Reporter) -> None:
        result = self.result
        self.summary.close()
        self.workbook.save(self.out.path(SUMMARY_FILE))
        self.manifest.add(SUMMARY_FILE)
        result.counts = self.tally.as_dict(self._place)
        heading = f"{result.township} 统计登记工作情况（{china_date(result.exported_at)}）"
        write_report(self.out.path(REPORT_FILE), self.tally, heading, self._place)
        self.manifest.add(REPORT_FILE)
        if request.pdf:
            self._pdfs(progress)
        self.manifest.save(self._meta(request))
        if request.make_zip:
            progress.phase("打包", 1)
            stamp = result.exported_at.astimezone(CHINA).strftime("%Y%m%d")
            top = safe_name(f"{result.township.replace(' ', '')}_{stamp}")
            target = self.out.path(f"{top}{ZIP_SUFFIX}")
            rels = [f["path"] for f in self.manifest.files] + [MANIFEST]
            result.zip_sha256 = write_zip(self.out, rels, target, top)
            result.zip_path = target
            progress.advance()

    def _pdfs(self, progress: Reporter) -> None:
        progress.phase("转换 PDF", len(self.forms))
        try:
            made = pdf.convert(self.forms, self.out.path(FORMS_DIR))
        except pdf.PdfUnavailable as exc:
            self.result.notes.append(str(exc))
            return
        for path in made:
            self.manifest.add(path.relative_to(self.out.root).as_posix())
        self.result.pdfs = len(made)
        progress.advance(len(self.forms))

    def _place(self, code: str) -> str:
        if not code:
            return "（未知）"
        return self.divisions.full_name(code, from_level="township") or code

    def _meta(self, request: ExportRequest) -> dict[str, Any]:
        r = self.result
        return {
            "format": "honoree-export/1",
            "township": {"code": r.township_code, "name": r.township},
            "exported_at": r.exported_at.astimezone(CHINA).isoformat(timespec="seconds"),
            "exported_by": r.actor,
            "statuses": sorted(
                {*map(str, request.statuses)}
                | ({Status.EXPORTED.value} if request.again else set())
            ),
            "include_demo": request.include_demo,
            "counts": {
                "entries": r.entries,
                "forms": r.forms,
                "evidence_files": r.evidence,
                "pdfs": r.pdfs,
                **r.counts,
            },
            "problems": [vars(p) for p in r.problems],
        }


async def _mark_exported(
    db: Database, to_mark: list[tuple[int, int, str]], result: ExportResult, progress: Reporter
) -> None:
    """Confirmed → exported (已报送), only if nobody changed the entry since it was read.

    Committed in batches, so the bot's own writes never wait long behind an export.
    """
    progress.phase("标记已报送", len(to_mark))
    for start in range(0, len(to_mark), MARK_BATCH):
        batch = to_mark[start : start + MARK_BATCH]
        async with db.uow() as uow:
            for reg_id, version, reg_no in batch:
                if await uow.registrations.set_status(
                    reg_id, Status.EXPORTED, expected_version=version
                ):
                    await uow.audit.record(
                        f"cli:{result.actor}",
                        "exported",
                        reg_id,
                        reg_no=reg_no,
                        township_code=result.township_code,
                        out=str(result.out),
                    )
                    result.marked += 1
                else:
                    result.notes.append(
                        f"{reg_no} 在导出期间被修改，未标记为已报送，请核对后重新导出"
                    )
            await uow.commit()
        progress.advance(len(batch))


async def _audit_export(db: Database, request: ExportRequest, result: ExportResult) -> None:
    async with db.uow() as uow:
        await uow.audit.record(
            f"cli:{result.actor}",
            "export",
            None,
            township_code=result.township_code,
            township=result.township,
            out=str(result.out),
            statuses=[str(s) for s in request.statuses],
            again=request.again,
            include_demo=request.include_demo,
            entries=result.entries,
            marked=result.marked,
            evidence=result.evidence,
            problems=len(result.problems),
            zip_sha256=result.zip_sha256,
        )
        await uow.commit()
