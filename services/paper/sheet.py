"""The 汇总表 written in a process of its own while the export goes on.

openpyxl spends a few microseconds on every cell; a township's table has a quarter of a million
of them, as much work as everything else the exporting process does. Rows go to the sheet's
process in batches, in order (one worker takes its tasks in order); the file is saved there.
A small export writes the sheet in the calling process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from services.paper.workers import Batches, Tasks
from services.paper.xlsx import Layout, TableWriter

BATCH = 250  # rows per task
IN_FLIGHT = 8  # batches sent but not yet written: memory stays flat if the sheet falls behind


@dataclass(frozen=True)
class SheetSpec:
    sheet: str
    title: str
    headers: tuple[str, ...]
    text_columns: tuple[int, ...]
    layout: Layout


class _Book:
    """A write-only workbook with one table."""

    def __init__(self, spec: SheetSpec) -> None:
        self.workbook = Workbook(write_only=True)
        self.table = TableWriter(
            self.workbook, spec.sheet, spec.title, spec.headers, spec.text_columns, spec.layout
        )

    def add(self, rows: list[list[Any]]) -> None:
        for row in rows:
            self.table.add(row)

    def save(self, path: Path) -> None:
        self.table.close()
        self.workbook.save(path)


_book: _Book | None = None  # the sheet process's own


def _start(spec: SheetSpec) -> None:
    global _book
    _book = _Book(spec)


def _add(rows: list[list[Any]]) -> None:
    assert _book is not None, "sheet process started without its sheet"
    _book.add(rows)


def _save(path: Path) -> None:
    assert _book is not None, "sheet process started without its sheet"
    _book.save(path)


class SheetWriter:
    """Rows in, one table out; in a process of its own when `background`."""

    def __init__(self, spec: SheetSpec, *, background: bool) -> None:
        self._tasks = Tasks(1, _start, (spec,), in_flight=IN_FLIGHT) if background else None
        self._book = None if background else _Book(spec)
        local = self._book.add if self._book is not None else _add
        self._rows = Batches(BATCH, self._tasks, _add, local)

    def add(self, values: Sequence[Any]) -> None:
        self._rows.add(list(values))

    def save(self, path: Path) -> None:
        """Write the rest and save; an error of the sheet's process is raised here."""
        self._rows.flush()
        if self._book is not None:
            self._book.save(path)
            return
        assert self._tasks is not None
        self._tasks.submit(_save, path)
        self._rows.finish()
        self.close()

    def close(self) -> None:
        self._rows.close()
