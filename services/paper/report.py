"""Counts for a township's work report (统计登记工作情况) and the `stats` command.

Counted from the submitted awards stored with each entry, so a draft's unfinished answers
never count. A person with awards in two categories counts once in each; 表彰项数 counts awards.
A registration that ended at a stop (told they need not register) is no person registered:
`stats` counts it apart, by place, as `stopped`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break

from dialogs.export_view import LEVELS, UNCERTAIN
from dialogs.texts import t
from services.paper.labels import STATUS_LABELS
from services.paper.xlsx import text_width
from storage.records import AwardRow, Status

CATEGORIES = ("N1", "N2", "P1", "P2", "P3", "P4")
REPORT_TITLE = t("paper.stats.title")
_SIDE = Side(style="thin", color="808080")
_BORDER = Border(left=_SIDE, right=_SIDE, top=_SIDE, bottom=_SIDE)


class Counted(Protocol):
    """What a count needs of an entry (a stored registration, or one in a package)."""

    @property
    def status(self) -> str: ...
    @property
    def hukou_code(self) -> str | None: ...
    @property
    def township_code(self) -> str | None: ...
    @property
    def awards(self) -> list[AwardRow]: ...


@dataclass
class Tally:
    persons: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)  # persons
    awards_by_category: Counter[str] = field(default_factory=Counter)
    by_level: Counter[str] = field(default_factory=Counter)  # highest level per person
    by_village: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    by_township: defaultdict[str, Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    stopped: int = 0
    stopped_by_village: Counter[str] = field(default_factory=Counter)
    stopped_by_township: Counter[str] = field(default_factory=Counter)

    def add(self, record: Counted) -> None:
        self.persons += 1
        status = str(record.status)
        self.by_status[status] += 1
        self.by_village[record.hukou_code or ""][status] += 1
        self.by_township[record.township_code or ""][status] += 1
        categories = [a.category or UNCERTAIN for a in record.awards]
        self.awards_by_category.update(categories)
        self.by_category.update(set(categories))
        levels = {a.level for a in record.awards}
        self.by_level[next((lv for lv in LEVELS if lv in levels), UNCERTAIN)] += 1

    def add_stop(self, record: Counted) -> None:
        """A registration that ended at a stop: counted where it is, and nowhere else."""
        self.stopped += 1
        self.stopped_by_village[record.hukou_code or ""] += 1
        self.stopped_by_township[record.township_code or ""] += 1

    def statuses_present(self) -> list[Status]:
        return [s for s in Status if any(c.get(s.value) for c in self.by_village.values())]

    def category_keys(self) -> list[str]:
        extra = sorted(set(self.by_category) - set(CATEGORIES))
        return [*CATEGORIES, *extra]

    def as_dict(self, place_name: Callable[[str], str]) -> dict[str, Any]:
        def places(counts: dict[str, Counter[str]], stops: Counter[str]) -> list[dict[str, Any]]:
            return [
                {
                    "code": code,
                    "name": place_name(code),
                    "total": sum(counts.get(code, Counter()).values()),
                    "by_status": dict(counts.get(code, Counter())),
                    "stopped": stops.get(code, 0),
                }
                for code in sorted(set(counts) | set(stops))
            ]

        return {
            "persons": self.persons,
            "by_status": {s.value: self.by_status.get(s.value, 0) for s in Status},
            "by_category": {
                c: {
                    "persons": self.by_category.get(c, 0),
                    "awards": self.awards_by_category.get(c, 0),
                }
                for c in self.category_keys()
            },
            "by_level": {lv: self.by_level.get(lv, 0) for lv in (*LEVELS, UNCERTAIN)},
            "stopped": self.stopped,
            "by_township": places(self.by_township, self.stopped_by_township),
            "by_village": places(self.by_village, self.stopped_by_village),
        }


def _block(ws: Any, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    """A titled table; a page break before it (except the first), so each prints whole."""
    if ws.max_row > 2:
        ws.row_breaks.append(Break(id=ws.max_row))
    ws.append([title])
    ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
    ws.row_dimensions[ws.max_row].height = 24
    ws.append(headers)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append(row)
        lines = 1
        for cell in ws[ws.max_row]:
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            if isinstance(cell.value, str):
                room = (ws.column_dimensions[cell.column_letter].width or 10) - 1
                lines = max(lines, -(-text_width(cell.value) // int(room)))
        ws.row_dimensions[ws.max_row].height = 16 * lines + 2
    ws.append([])


def stats_headers(*keys: str) -> list[str]:
    """The statistics report's column headers; `honoree-admin stats` heads its tables alike."""
    return [t(f"paper.stats.{key}") for key in keys]


def write_report(path: Path, tally: Tally, heading: str, place_name: Callable[[str], str]) -> None:
    """One sheet with the blocks a work report quotes, each fitting one A4 page: category,
    level, status, village; every count right beside its label."""
    wb = Workbook()
    ws = wb.active
    ws.title = REPORT_TITLE
    for column, width in zip("ABCDEFGH", (22, 9, 9, 60, 9, 9, 9, 9), strict=True):
        ws.column_dimensions[column].width = width
    ws.append([heading])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([t("paper.stats.total", n=tally.persons)])
    _block(
        ws,
        t("paper.stats.by_category"),
        stats_headers("category", "persons", "awards", "note"),
        [
            [
                c,
                tally.by_category.get(c, 0),
                tally.awards_by_category.get(c, 0),
                t(f"rule.{c}") if c in CATEGORIES else "",
            ]
            for c in tally.category_keys()
        ],
    )
    _block(
        ws,
        t("paper.stats.by_level"),
        stats_headers("level", "persons"),
        [[lv, tally.by_level.get(lv, 0)] for lv in (*LEVELS, UNCERTAIN)],
    )
    _block(
        ws,
        t("paper.stats.by_status"),
        stats_headers("status", "persons"),
        [[STATUS_LABELS[s], tally.by_status.get(s.value, 0)] for s in Status],
    )
    statuses = tally.statuses_present()
    village_sheet = wb.create_sheet(t("paper.stats.village_sheet"))
    village_sheet.column_dimensions["A"].width = 30
    for n in range(len(statuses) + 1):
        village_sheet.column_dimensions[get_column_letter(n + 2)].width = 9
    village_sheet.append([heading])
    village_sheet["A1"].font = Font(bold=True, size=14)
    village_sheet.append([])
    _block(
        village_sheet,
        t("paper.stats.by_village"),
        [*stats_headers("village", "persons"), *(STATUS_LABELS[s] for s in statuses)],
        [
            [place_name(code), sum(c.values()), *(c.get(s.value, 0) for s in statuses)]
            for code, c in sorted(tally.by_village.items())
        ],
    )
    for sheet in (ws, village_sheet):
        _print_setup(sheet)
    wb.save(path)


def _print_setup(ws: Any) -> None:
    """A4 portrait, one page wide, the heading repeated, the page numbered."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_margins = PageMargins(left=0.6, right=0.6, top=0.7, bottom=0.7)
    ws.print_title_rows = "1:1"
    ws.oddFooter.center.text = t("paper.page_of")
