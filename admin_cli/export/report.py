"""Counts for a township's work report (统计登记工作情况) and the `stats` command.

Counted from the submitted awards stored with each entry, so a draft's unfinished answers
never count. A person with awards in two categories counts once in each; 表彰项数 counts awards.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from admin_cli.export.labels import STATUS_LABELS
from dialogs.export_view import LEVELS, UNCERTAIN
from dialogs.texts import t
from storage.records import RegistrationRecord, Status

CATEGORIES = ("N1", "N2", "P1", "P2", "P3", "P4")
REPORT_TITLE = "统计登记工作情况"
_SIDE = Side(style="thin", color="808080")
_BORDER = Border(left=_SIDE, right=_SIDE, top=_SIDE, bottom=_SIDE)


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

    def add(self, record: RegistrationRecord) -> None:
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

    def category_keys(self) -> list[str]:
        extra = sorted(set(self.by_category) - set(CATEGORIES))
        return [*CATEGORIES, *extra]

    def as_dict(self, place_name: Callable[[str], str]) -> dict[str, Any]:
        def places(counts: dict[str, Counter[str]]) -> list[dict[str, Any]]:
            return [
                {
                    "code": code,
                    "name": place_name(code),
                    "total": sum(c.values()),
                    "by_status": dict(c),
                }
                for code, c in sorted(counts.items())
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
            "by_township": places(self.by_township),
            "by_village": places(self.by_village),
        }


def _block(ws: Any, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    ws.append([])
    ws.append([title])
    ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
    ws.append(headers)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = _BORDER
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)


def write_report(path: Path, tally: Tally, heading: str, place_name: Callable[[str], str]) -> None:
    """One sheet with the blocks a work report quotes: category, level, status, village."""
    wb = Workbook()
    ws = wb.active
    ws.title = REPORT_TITLE
    ws.append([heading])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"登记人数合计：{tally.persons}"])
    _block(
        ws,
        "一、按统计类别",
        ["统计类别", "说明", "人数", "表彰项数"],
        [
            [
                c,
                t(f"rule.{c}") if c in CATEGORIES else "",
                tally.by_category.get(c, 0),
                tally.awards_by_category.get(c, 0),
            ]
            for c in tally.category_keys()
        ],
    )
    _block(
        ws,
        "二、按待遇级别（每人按最高级别）",
        ["待遇级别", "人数"],
        [[lv, tally.by_level.get(lv, 0)] for lv in (*LEVELS, UNCERTAIN)],
    )
    _block(
        ws,
        "三、按状态",
        ["状态", "人数"],
        [[STATUS_LABELS[s], tally.by_status.get(s.value, 0)] for s in Status],
    )
    statuses = [s for s in Status if any(c.get(s.value) for c in tally.by_village.values())]
    _block(
        ws,
        "四、按村（社区）",
        ["村（社区）", "人数", *(STATUS_LABELS[s] for s in statuses)],
        [
            [place_name(code), sum(c.values()), *(c.get(s.value, 0) for s in statuses)]
            for code, c in sorted(tally.by_village.items())
        ],
    )
    for column, width in zip("ABCD", (26, 60, 10, 10), strict=True):
        ws.column_dimensions[column].width = width
    wb.save(path)
