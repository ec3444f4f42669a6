"""统计登记工作情况报告 (docx): the short report the notice asks to send with the materials —
who did the work, how many were registered, confirmed, returned and refused, per village.

One document per package, so python-docx's convenience outweighs its speed here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from dialogs.export_view import LEVELS, UNCERTAIN
from dialogs.texts import t
from services.paper.labels import STATUS_LABELS
from services.paper.report import Tally
from storage.records import Status

NOTICE = t("paper.work.notice")
WORK_STATUSES = (
    Status.SUBMITTED,
    Status.RETURNED,
    Status.REJECTED,
    Status.CONFIRMED,
    Status.EXPORTED,
)


@dataclass(frozen=True)
class ReportFacts:
    place: str  # e.g. 延吉市 小营镇
    date: str  # 2026年12月2日
    actor: str  # who exported (填表人)
    reviewers: Iterable[str]  # committee staff who confirmed entries
    sent: int  # persons in this package


def _font(document: docx.document.Document) -> None:
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def _table(document: docx.document.Document, headers: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def write_work_report(
    path: Path, work: Tally, sent: Tally, facts: ReportFacts, place_name: Callable[[str], str]
) -> None:
    """`work`: every entry of the place by status (after this package is sent); `sent`: the
    entries in this package."""
    document = docx.Document()
    _font(document)
    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.2)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(t("paper.work.title", place=facts.place))
    run.bold, run.font.size = True, Pt(18)

    by = work.by_status
    confirmed = by.get(Status.CONFIRMED.value, 0) + by.get(Status.EXPORTED.value, 0)
    document.add_heading(t("paper.work.how"), level=2)
    reviewers = "、".join(sorted(set(facts.reviewers))) or t("paper.work.no_reviewers")
    document.add_paragraph(
        t(
            "paper.work.how_text",
            notice=NOTICE,
            place=facts.place,
            reviewers=reviewers,
            actor=facts.actor,
        )
    )
    document.add_heading(t("paper.work.counts"), level=2)
    document.add_paragraph(
        t(
            "paper.work.counts_text",
            date=facts.date,
            persons=work.persons,
            confirmed=confirmed,
            exported=by.get(Status.EXPORTED.value, 0),
            returned=by.get(Status.RETURNED.value, 0),
            rejected=by.get(Status.REJECTED.value, 0),
            submitted=by.get(Status.SUBMITTED.value, 0),
            sent=facts.sent,
        )
    )
    categories = [
        t("paper.work.persons", what=c, n=sent.by_category[c])
        for c in sent.category_keys()
        if sent.by_category.get(c)
    ]
    levels = [
        t("paper.work.persons", what=lv, n=sent.by_level[lv])
        for lv in (*LEVELS, UNCERTAIN)
        if sent.by_level[lv]
    ]
    none = t("paper.work.none")
    document.add_paragraph(
        t(
            "paper.work.sent_text",
            categories="，".join(categories) or none,
            levels="，".join(levels) or none,
        )
    )
    document.add_heading(t("paper.work.villages"), level=2)
    rows = [
        [place_name(code), str(sum(counts.values()))]
        + [str(counts.get(s.value, 0)) for s in WORK_STATUSES]
        for code, counts in sorted(work.by_village.items())
    ]
    headers = [t("paper.stats.village"), t("paper.work.registered")]
    headers += [STATUS_LABELS[s] for s in WORK_STATUSES]
    _table(document, headers, rows)
    document.add_paragraph()
    document.add_paragraph(t("paper.work.sign_line"))
    document.save(str(path))
