"""The files of a package sent one level up (spec §4): 汇总表, printable forms, evidence, the
work statistics and report, the data the next level imports, 说明.txt and the manifest.

The writer takes one entry at a time, whether it comes from the township's own registrations
or from packages a county received, so both levels send the same package.
"""

from __future__ import annotations

import getpass
import io
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from dialogs.divisions import DivisionDirectory
from dialogs.export_view import (
    SUMMARY_TITLE,
    missing_evidence,
    place_name,
    summary_cells,
    text_columns,
)
from dialogs.form import SUMMARY_COLUMNS
from dialogs.model import Draft
from dialogs.texts import known, t
from services.paper import pdf
from services.paper.docx_form import Confirmation, Portrait
from services.paper.evidence import EvidenceChecker, file_names
from services.paper.forms import FormJob, FormQueue, Printed
from services.paper.labels import CHINA, china_date, china_time, status_label
from services.paper.manifest import MANIFEST, Manifest, write_checksum, write_zip
from services.paper.paths import OutDir, safe_name
from services.paper.progress import Reporter
from services.paper.readme import ReadmeFacts, readme_text
from services.paper.report import Tally, write_report
from services.paper.sheet import SheetSpec, SheetWriter
from services.paper.work_report import ReportFacts, write_work_report
from services.paper.xlsx import PAPERS, Layout
from storage.files import EvidenceStore
from storage.records import AwardRow, EvidenceKind, EvidenceRecord, Status

SUMMARY_FILE = "汇总表.xlsx"
REPORT_FILE = "统计登记工作情况.xlsx"
WORK_REPORT_FILE = "统计登记工作情况报告.docx"
DATA_FILE = "登记数据.jsonl"
README_FILE = "说明.txt"
FORMS_DIR = "登记表"
EVIDENCE_DIR = "佐证材料"
ZIP_SUFFIX = "_报送材料.zip"
PACKAGE_ITEMS = (
    SUMMARY_FILE,
    REPORT_FILE,
    WORK_REPORT_FILE,
    DATA_FILE,
    README_FILE,
    FORMS_DIR,
    EVIDENCE_DIR,
    MANIFEST,
)
DATA_FORMAT = "honoree-entries/1"
PACKAGE_FORMAT = "honoree-export/2"
PORTRAIT_PIXELS = (450, 630)
KEY_COLUMNS = 3  # 序号, 登记编号, 姓名: kept in view and on both A4 pages
_WHOLE = ("birth_date", "award:award_date", "@confirmed_at", "@row", "award:category")


def level_name(level: str) -> str:
    """乡镇（街道）, 县（市、区） or 市（州）; an unknown level as it is."""
    key = f"paper.level.{level}"
    return t(key) if known(key) else level


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name (some containers)
        return "unknown"


@dataclass(frozen=True)
class Problem:
    reg_no: str
    name: str
    problem: str
    file: str = ""


@dataclass
class PackageEntry:
    """One person as a package carries them; `status` is the one they have once sent."""

    reg_no: str
    name: str
    draft: Draft
    status: Status
    township_code: str | None
    hukou_code: str | None
    awards: list[AwardRow]
    evidence: list[EvidenceRecord]
    submitted_at: datetime | None = None
    confirmed_by: str = ""
    confirmed_at: datetime | None = None
    is_demo: bool = False
    late: bool = False  # sent to the committee after its deadline: accepted, marked 逾期


@dataclass(frozen=True)
class Sender:
    code: str
    name: str  # 延吉市 小营镇
    level: str  # township, county, city
    actor: str
    at: datetime


@dataclass
class Written:
    """What the writer put into the package."""

    entries: int = 0
    forms: int = 0
    evidence: int = 0
    pdfs: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)
    reviewers: set[str] = field(default_factory=set)


def data_line(entry: PackageEntry, files: list[tuple[EvidenceRecord, str]]) -> dict[str, Any]:
    """The entry as the next level imports it (登记数据.jsonl), evidence named by package path."""
    state, secrets = entry.draft.to_storage()
    return {
        "reg_no": entry.reg_no,
        "name": entry.name,
        "township_code": entry.township_code,
        "hukou_code": entry.hukou_code,
        "submitted_at": entry.submitted_at.isoformat() if entry.submitted_at else None,
        "confirmed_by": entry.confirmed_by,
        "confirmed_at": entry.confirmed_at.isoformat() if entry.confirmed_at else None,
        "is_demo": entry.is_demo,
        "late": entry.late,
        "state": state,
        "secrets": secrets,
        "awards": [{**asdict(a), "outcome": str(a.outcome)} for a in entry.awards],
        "evidence": [
            {
                "file": rel,
                "kind": str(ev.kind),
                "award_position": ev.award_position,
                "page": ev.page,
                "sha256": ev.sha256,
                "size": ev.size,
                "mime": ev.mime,
                "width": ev.width,
                "height": ev.height,
            }
            for ev, rel in files
        ],
    }


class PackageWriter:
    """Writes one entry at a time into the package folder and keeps the counts."""

    def __init__(
        self,
        out: OutDir,
        store: EvidenceStore,
        divisions: DivisionDirectory,
        sender: Sender,
        paper: str = "a3",
        workers: int = 0,
    ) -> None:
        """`workers`: processes that render the forms (0: this one)."""
        self.out = out
        self.divisions = divisions
        self.sender = sender
        self.written = Written()
        self.manifest = Manifest(out)
        self.checker = EvidenceChecker(store)
        self.tally = Tally()
        self.forms: list[Path] = []
        self._portraits: dict[str, Portrait | None] = {}
        out.folder(FORMS_DIR).mkdir(parents=True, exist_ok=True)
        self._forms = FormQueue(divisions, workers, self._printed)
        self._data = out.path(DATA_FILE).open("w", encoding="utf-8")
        title = t(
            "paper.summary.title",
            title=SUMMARY_TITLE,
            place=sender.name,
            date=china_date(sender.at),
        )
        sources = [source for _, source in SUMMARY_COLUMNS]
        layout = Layout(
            paper=PAPERS[paper],
            key_columns=KEY_COLUMNS,
            whole_columns=tuple(sources.index(s) for s in _WHOLE),
        )
        headers = tuple(label for label, _ in SUMMARY_COLUMNS)
        spec = SheetSpec("汇总表", title, headers, tuple(text_columns()), layout)
        self.summary = SheetWriter(spec, background=workers > 0)

    def add(self, entry: PackageEntry) -> None:
        w = self.written
        folder = safe_name(f"{entry.reg_no}_{entry.name}")
        w.entries += 1
        confirmed_on = entry.confirmed_at.astimezone(CHINA).date() if entry.confirmed_at else ""
        meta = {
            "@row": w.entries,
            "@reg_no": entry.reg_no,
            "@confirmed_by": entry.confirmed_by,
            "@confirmed_at": confirmed_on,
            "@status": status_label(entry.status) + (t("paper.late") if entry.late else ""),
        }
        self.summary.add(summary_cells(entry.draft, meta, self.divisions))
        files, links, portrait = self._evidence(entry, folder)
        header = t("paper.form.header", reg_no=entry.reg_no, date=china_date(entry.submitted_at))
        if entry.is_demo:
            header += t("paper.form.demo")
        self._forms.add(
            FormJob(
                self.out.path(f"{FORMS_DIR}/{folder}.docx"),
                entry.draft,
                header,
                Confirmation(entry.confirmed_by, china_date(entry.confirmed_at)),
                portrait,
                running_head=t("paper.form.running_head", reg_no=entry.reg_no, name=entry.name),
                links=tuple(links),
            )
        )
        self.tally.add(entry)
        if entry.confirmed_by:
            w.reviewers.add(entry.confirmed_by)
        line = json.dumps(data_line(entry, files), ensure_ascii=False, separators=(",", ":"))
        self._data.write(line + "\n")

    def _printed(self, form: Printed) -> None:
        self.manifest.add(form.target.relative_to(self.out.root).as_posix(), form.sha256, form.size)
        self.forms.append(form.target)
        self.written.forms += 1

    def _evidence(
        self, entry: PackageEntry, folder: str
    ) -> tuple[list[tuple[EvidenceRecord, str]], list[tuple[Path, Path]], Portrait | None]:
        """Check the entry's evidence; returns what goes into the package (with the files to
        place there) and the portrait."""
        present: set[tuple[int | None, str]] = set()
        placed = []
        links = []
        portrait = None
        for ev, file_name in file_names(entry.evidence, entry.draft):
            rel = f"{EVIDENCE_DIR}/{folder}/{file_name}"
            problem = self.checker.problem(ev)
            if problem is not None:
                self._problem(entry, t("paper.problem.evidence", problem=problem), rel)
                continue
            stored = self.checker.store.absolute(ev.path)
            links.append((stored, self.out.path(rel)))
            self.manifest.add(rel, ev.sha256, ev.size)
            self.written.evidence += 1
            placed.append((ev, rel))
            present.add((ev.award_position, ev.kind.value))
            if ev.kind is EvidenceKind.PORTRAIT and portrait is None:
                portrait = self._portrait(stored, ev.sha256)
        for missing in missing_evidence(entry.draft, present):
            self._problem(entry, t("paper.problem.missing", missing=missing))
        return placed, links, portrait

    def _problem(self, entry: PackageEntry, problem: str, file: str = "") -> None:
        self.written.problems.append(Problem(entry.reg_no, entry.name, problem, file))

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

    def finish(self, work: Tally, *, make_pdf: bool, progress: Reporter) -> None:
        """Everything but the manifest: 汇总表, statistics, report, data, 说明, PDFs.

        `work` counts every entry of the sender's area by status, as it is once this package
        is sent."""
        w, sender = self.written, self.sender
        self._forms.finish()
        self._data.close()
        self.manifest.add(DATA_FILE)
        self.summary.save(self.out.path(SUMMARY_FILE))
        self.manifest.add(SUMMARY_FILE)
        w.counts = {**self.tally.as_dict(self.place), "work_by_status": dict(work.by_status)}
        heading = t("paper.report.heading", place=sender.name, date=china_date(sender.at))
        write_report(self.out.path(REPORT_FILE), work_view(work, self.tally), heading, self.place)
        self.manifest.add(REPORT_FILE)
        day = china_date(sender.at)
        facts = ReportFacts(sender.name, day, sender.actor, w.reviewers, w.entries)
        write_work_report(self.out.path(WORK_REPORT_FILE), work, self.tally, facts, self.place)
        self.manifest.add(WORK_REPORT_FILE)
        if make_pdf:
            self._pdfs(progress)
        readme = readme_text(self._readme_facts())
        self.manifest.write(README_FILE, readme.encode("utf-8-sig"))

    def zip_name(self) -> str:
        stamp = self.sender.at.astimezone(CHINA).strftime("%Y%m%d")
        return f"{safe_name(self.sender.name.replace(' ', ''))}_{stamp}{ZIP_SUFFIX}"

    def _readme_facts(self) -> ReadmeFacts:
        w, s = self.written, self.sender
        return ReadmeFacts(
            sender=s.name,
            sender_code=s.code,
            level=level_name(s.level),
            exported_at=china_time(s.at),
            actor=s.actor,
            persons=w.entries,
            forms=w.forms,
            evidence=w.evidence,
            problems=len(w.problems),
            zip_name=self.zip_name(),
        )

    def _pdfs(self, progress: Reporter) -> None:
        progress.phase(t("staff.export.phase.pdf"), len(self.forms))
        try:
            made = pdf.convert(self.forms, self.out.path(FORMS_DIR))
        except pdf.PdfUnavailable as exc:
            self.written.notes.append(str(exc))
            return
        for path in made:
            self.manifest.add(path.relative_to(self.out.root).as_posix())
        self.written.pdfs = len(made)
        progress.advance(len(self.forms))

    def place(self, code: str) -> str:
        if not code:
            return t("paper.place.unknown")
        if self.divisions.get(code) is None:
            return code
        return place_name(self.divisions, code, from_level="township")

    def close(self) -> None:
        """Stop the workers and close the data file (after finish, or when the export failed)."""
        self._forms.close()
        self.summary.close()
        self._data.close()

    def save_manifest(self, meta: dict[str, Any]) -> Path:
        return self.manifest.save(meta)

    def make_zip(self) -> tuple[Path, str]:
        """The zip of the whole package and its .sha256 beside it; returns (zip, sha256)."""
        name = self.zip_name()
        target = self.out.path(name)
        top = name.removesuffix(ZIP_SUFFIX)
        rels = [f["path"] for f in self.manifest.files] + [MANIFEST]
        sha256 = write_zip(self.out, rels, target, top)
        write_checksum(target, sha256)
        return target, sha256


def work_view(work: Tally, sent: Tally) -> Tally:
    """The statistics sheet: categories and levels of the package, statuses of all the work."""
    return Tally(
        persons=sent.persons,
        by_status=work.by_status,
        by_category=sent.by_category,
        awards_by_category=sent.awards_by_category,
        by_level=sent.by_level,
        by_village=work.by_village,
        by_township=work.by_township,
    )
