"""The 汇总表 (xlsx): title row, frozen header, readable widths, text that stays text.

Written in openpyxl's write-only mode (rows stream to disk). Two kinds of cell need care:
  * an ID or phone number must stay text: every value is written as a string with the text
    number format, so Excel never shows 2.2240119560312E+17;
  * a value beginning with = + - @ (or tab/CR) must never become a formula: openpyxl would
    store "=…" as a formula, so such cells are forced to a string with Excel's quote prefix.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WIDTH_SAMPLE = 300  # rows looked at to size the columns
MIN_WIDTH, MAX_WIDTH = 6, 42

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)  # header cells


def text_width(value: Any) -> int:
    """Display width of the longest line: CJK characters count double, as Excel draws them."""
    lines = str(value).split("\n") if value is not None else [""]
    return max(
        sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) for line in lines
    )


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


class _Styles:
    """Style arrays copied onto the few cells that need one; plain values are written as is
    (openpyxl's write-only mode is several times faster for unstyled values)."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        wrapped = WriteOnlyCell(ws)
        wrapped.alignment = Alignment(vertical="top", wrap_text=True)
        text = WriteOnlyCell(ws)
        text.number_format = "@"
        quoted = WriteOnlyCell(ws)
        quoted._style = copy(wrapped._style)
        quoted.quotePrefix = True
        self._wrapped, self._text, self._quoted = wrapped._style, text._style, quoted._style

    def cell(self, ws: WriteOnlyWorksheet, value: Any, as_text: bool) -> Any:
        if not isinstance(value, str):
            return value
        if is_formula_like(value):
            cell = WriteOnlyCell(ws, value)
            cell.data_type = "s"  # openpyxl made "=…" a formula: keep it a string
            cell._style = copy(self._quoted)
        elif "\n" in value or (as_text and value):
            cell = WriteOnlyCell(ws, value)
            cell._style = copy(self._wrapped if "\n" in value else self._text)
        else:
            return value
        return cell


class TableWriter:
    """A sheet with a title row and a header; widths are sized from the first rows added."""

    def __init__(
        self,
        wb: Workbook,
        sheet: str,
        title: str,
        headers: Sequence[str],
        text_columns: Sequence[int] = (),
    ) -> None:
        """`text_columns`: indexes of columns holding numbers that must stay text (IDs)."""
        self.ws = wb.create_sheet(sheet)
        self._as_text = [i in text_columns for i in range(len(headers))]
        self.title = title
        self.headers = list(headers)
        self._pending: list[list[Any]] | None = []
        self._styles = _Styles(self.ws)
        self.rows = 0

    def add(self, values: Sequence[Any]) -> None:
        self.rows += 1
        if self._pending is None:
            self._append(values)
            return
        self._pending.append(list(values))
        if len(self._pending) >= WIDTH_SAMPLE:
            self._start()

    def close(self) -> None:
        if self._pending is not None:
            self._start()

    def _start(self) -> None:
        """Set widths, freeze panes and print titles (before any row), then write the rows."""
        pending, self._pending = self._pending or [], None
        ws = self.ws
        for i, header in enumerate(self.headers):
            widest = max([text_width(header)] + [text_width(row[i]) for row in pending])
            width = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
            ws.column_dimensions[get_column_letter(i + 1)].width = width
        ws.freeze_panes = "A3"
        ws.print_title_rows = "2:2"
        ws.print_options.gridLines = True
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        last = get_column_letter(max(len(self.headers), 1))
        ws.merged_cells.add(f"A1:{last}1")
        title = WriteOnlyCell(ws, self.title)
        title.font = Font(bold=True, size=14)
        title.alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[1].height = 30
        ws.append([title])
        header_cells = []
        for header in self.headers:
            cell = WriteOnlyCell(ws, header)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = _BORDER
            header_cells.append(cell)
        ws.append(header_cells)
        for row in pending:
            self._append(row)

    def _append(self, values: Sequence[Any]) -> None:
        cell = self._styles.cell
        self.ws.append([cell(self.ws, v, t) for v, t in zip(values, self._as_text, strict=True)])
