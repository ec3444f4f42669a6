"""The 汇总表 (xlsx): a table that prints readably on A3 (or on two facing A4 pages).

Written in openpyxl's write-only mode (rows stream to disk). Cells that need care:
  * an ID or phone number must stay text: it is written as a string with the text number
    format, so Excel never shows 2.2240119560312E+17;
  * a value beginning with = + - @ (or tab/CR) must never become a formula: openpyxl would
    store "=…" as a formula, so such cells are forced to a string with Excel's quote prefix;
  * dates are real dates with a 年月 format, so the column sorts by time.
Printing: column widths come from the content, long text columns are capped so the table fits
the paper at full size (no shrinking to unreadable text), each row is as tall as its wrapped
lines, the title and header rows repeat on every page, the footer numbers the pages and
leaves lines for the seal and signatures.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from dialogs.texts import t

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WIDTH_SAMPLE = 300  # rows looked at to size the columns
MIN_WIDTH, MAX_WIDTH = 3, 42
FONT_POINTS = 10  # body and header text, printed at full size
HEADER_CHARS = 2  # header labels may wrap down to two Chinese characters a line
LINE_POINTS = 14  # one printed line of 10 pt text, CJK fonts included
PADDING_POINTS = 5  # cell margins and grid line
YEAR_MONTH = 'yyyy"年"m"月"'
YEAR_MONTH_DAY = 'yyyy"年"m"月"d"日"'
SIGN_LINE = t("paper.sign_line")  # the seal and signatures, under every page

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)  # header cells
_MARGIN_IN = 0.4  # left and right, inches
# The body cells' named styles (names as spreadsheet programs list them).
_WRAPPED, _TEXT, _NUMBER = "Table text", "Table number as text", "Table number"
_DATE_STYLES = {YEAR_MONTH: "Table year-month", YEAR_MONTH_DAY: "Table date"}


@dataclass(frozen=True)
class Paper:
    """A paper choice: its size code, how many pages side by side hold the columns, and the
    printable width of one page in Excel's pixels (96 per inch, landscape)."""

    code: str
    size: int
    pages_across: int
    width_mm: float

    @property
    def printable_px(self) -> int:
        return int((self.width_mm / 25.4 - 2 * _MARGIN_IN) * 96)


PAPERS = {
    "a3": Paper("a3", Worksheet.PAPERSIZE_A3, 1, 420),
    "a4": Paper("a4", Worksheet.PAPERSIZE_A4, 2, 297),
}


@dataclass(frozen=True)
class Layout:
    """How a table prints: paper, the leading columns kept in view (frozen, and repeated on the
    second A4 page), and the columns whose content never wraps (numbers, dates)."""

    paper: Paper = PAPERS["a3"]
    key_columns: int = 0
    whole_columns: tuple[int, ...] = ()
    footer: str = SIGN_LINE


def text_width(value: Any) -> int:
    """Display width of the longest line: CJK characters count double, as Excel draws them."""
    return max(_line_width(line) for line in _lines(value))


def _lines(value: Any) -> list[str]:
    if value is None:
        return [""]
    if isinstance(value, date):
        return ["0000年00月" if value.day == 1 else "0000年00月00日"]
    return str(value).split("\n")


def _line_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _points(line: str) -> float:
    """Printed width of one line at FONT_POINTS: a CJK character is square, digits and Latin
    letters about half as wide."""
    return FONT_POINTS * sum(
        1.02 if unicodedata.east_asian_width(c) in "WF" else 0.53 for c in line
    )


def _px(width: float) -> float:
    """Excel's pixel width of a column `width` characters wide (Calibri 11, 96 per inch)."""
    return width * 7 + 5


def _width_for(points: float) -> float:
    """The column width (in Excel's characters) whose printed width is `points`."""
    return max(((points + PADDING_POINTS) / 0.75 - 5) / 7, MIN_WIDTH)


def _room(width: float) -> float:
    """Printed points available for text in a column `width` characters wide."""
    return max(_px(width) * 0.75 - PADDING_POINTS, FONT_POINTS)


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


class _Styles:
    """The body cells' named styles, registered once with the workbook: the body font and
    wrapping, the text format for numbers that must stay text, 年月 formats for dates; a
    formula-like text gets the quote prefix on top of its style."""

    def __init__(self, wb: Workbook, ws: Any) -> None:
        self._ws = ws
        body = Font(name="Calibri", size=FONT_POINTS)
        top = Alignment(vertical="top", wrap_text=True)
        whole = Alignment(vertical="top")
        wanted = [
            NamedStyle(_WRAPPED, font=body, alignment=top),
            NamedStyle(_TEXT, font=body, alignment=top, number_format="@"),
            NamedStyle(_NUMBER, font=body, alignment=whole),
            *(
                NamedStyle(name, font=body, alignment=whole, number_format=fmt)
                for fmt, name in _DATE_STYLES.items()
            ),
        ]
        for style in wanted:
            if style.name not in wb.named_styles:
                wb.add_named_style(style)

    def cell(self, value: Any, as_text: bool) -> Cell:
        cell = WriteOnlyCell(self._ws, value)
        if isinstance(value, date):
            cell.style = _DATE_STYLES[YEAR_MONTH if value.day == 1 else YEAR_MONTH_DAY]
        elif not isinstance(value, str):
            cell.style = _NUMBER
        elif is_formula_like(value):
            cell.style = _WRAPPED
            cell.data_type = "s"  # openpyxl made "=…" a formula: keep it a string
            cell.quotePrefix = True
        else:
            cell.style = _TEXT if as_text and value else _WRAPPED
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
        layout: Layout | None = None,
    ) -> None:
        """`text_columns`: indexes of columns holding numbers that must stay text (IDs)."""
        self.ws = wb.create_sheet(sheet)
        self._as_text = [i in text_columns for i in range(len(headers))]
        self.title = title
        self.headers = list(headers)
        self.layout = layout or Layout()
        self._whole = set(text_columns) | set(self.layout.whole_columns)
        self._pending: list[list[Any]] | None = []
        self._styles = _Styles(wb, self.ws)
        self._widths: list[float] = []
        self.rows = 0
        self.rows_written = 2  # the title and header rows

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
        """Set widths and the print layout (before any row is written), then write the rows."""
        pending, self._pending = self._pending or [], None
        ws = self.ws
        self._widths = self._fit(pending)
        for i, width in enumerate(self._widths):
            ws.column_dimensions[get_column_letter(i + 1)].width = width
        self._page_setup()
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
            cell.font = Font(name="Calibri", bold=True, size=FONT_POINTS)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = _BORDER
            header_cells.append(cell)
        ws.row_dimensions[2].height = self._height(self.headers)
        ws.append(header_cells)
        for row in pending:
            self._append(row)

    def _fit(self, sample: list[list[Any]]) -> list[float]:
        """Widths from the content; then the widest wrappable columns are capped (one cap for
        all) until the table fits the paper's width at full size."""
        wanted = []
        for i, header in enumerate(self.headers):
            widest = max((_points(ln) for row in sample for ln in _lines(row[i])), default=0.0)
            header_need = min(_points(header), HEADER_CHARS * FONT_POINTS)
            wanted.append(min(_width_for(max(widest, header_need)), MAX_WIDTH))
        paper = self.layout.paper
        keys = sum(_px(w) for w in wanted[: self.layout.key_columns])
        budget = paper.printable_px * paper.pages_across - keys * (paper.pages_across - 1)
        budget *= 0.97 if paper.pages_across == 1 else 0.9  # slack for the page break
        fixed = {i for i in range(len(wanted)) if i in self._whole or i < self.layout.key_columns}
        cap = float(MAX_WIDTH)
        while (
            cap > MIN_WIDTH
            and sum(_px(w if i in fixed else min(w, cap)) for i, w in enumerate(wanted)) > budget
        ):
            cap -= 0.5
        return [round(w if i in fixed else min(w, cap), 1) for i, w in enumerate(wanted)]

    def _page_setup(self) -> None:
        ws, layout = self.ws, self.layout
        keys = layout.key_columns
        ws.freeze_panes = f"{get_column_letter(keys + 1)}3"
        ws.print_title_rows = "1:2"
        if layout.paper.pages_across > 1 and keys:
            ws.print_title_cols = f"A:{get_column_letter(keys)}"
            ws.page_setup.pageOrder = "overThenDown"  # the two halves of a row face each other
            self._column_break(layout.paper.printable_px * 0.97)
        ws.print_options.gridLines = True
        ws.print_options.horizontalCentered = True
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = layout.paper.size
        ws.page_margins = PageMargins(
            left=_MARGIN_IN, right=_MARGIN_IN, top=0.5, bottom=0.8, header=0.25, footer=0.3
        )
        ws.oddFooter.left.text = layout.footer
        ws.oddFooter.left.size = 10
        ws.oddFooter.right.text = t("paper.page_of")
        ws.oddFooter.right.size = 10

    def _column_break(self, page_px: float) -> None:
        """A page break after the last column that fits the first page."""
        used = 0.0
        for i, width in enumerate(self._widths):
            used += _px(width)
            if used > page_px:
                self.ws.col_breaks.append(Break(id=i))  # break before column i+1 (1-based)
                return

    def _height(self, values: Sequence[Any]) -> float | None:
        """Row height for the wrapped lines of the fullest cell; None for one line."""
        lines = 1
        for value, width in zip(values, self._widths, strict=True):
            if value is None or value == "" or isinstance(value, date | int | float):
                continue
            room = _room(width)
            lines = max(lines, sum(math.ceil(_points(ln) / room) or 1 for ln in _lines(value)))
        return LINE_POINTS * lines + 3 if lines > 1 else None

    def _append(self, values: Sequence[Any]) -> None:
        cell = self._styles.cell
        height = self._height(values)
        if height is not None:
            self.ws.row_dimensions[self.rows_written + 1].height = height
        self.ws.append([cell(v, t) for v, t in zip(values, self._as_text, strict=True)])
        self.rows_written += 1
