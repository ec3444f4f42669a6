"""Loading the administrative divisions shipped with the project (or a newer edition)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from storage.records import DivisionLevel, DivisionRow
from storage.uow import Database

SHIPPED_CSV = Path(__file__).resolve().parent / "data" / "jilin_divisions.csv"
_COLUMNS = ("code", "name", "level", "parent_code")
_CODE = re.compile(r"\d{12}")


@dataclass(frozen=True, slots=True)
class LoadResult:
    inserted: int
    updated: int
    total: int  # rows in the file


def read_divisions_csv(path: Path) -> list[DivisionRow]:
    """Parse and check the file; a bad row is reported with its line number."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = set(_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(sorted(missing))}")
        rows: list[DivisionRow] = []
        seen: set[str] = set()
        levels = {level.value for level in DivisionLevel}
        for record in reader:
            line = reader.line_num
            code, parent = record["code"].strip(), record["parent_code"].strip() or None
            name, level = record["name"].strip(), record["level"].strip()
            if not _CODE.fullmatch(code) or (parent is not None and not _CODE.fullmatch(parent)):
                raise ValueError(f"{path}:{line}: codes must have 12 digits")
            if level not in levels or not name:
                raise ValueError(f"{path}:{line}: bad level {level!r} or empty name")
            if code in seen:
                raise ValueError(f"{path}:{line}: duplicate code {code}")
            seen.add(code)
            rows.append(DivisionRow(code, name, level, parent))
    return rows


async def load_divisions(db: Database, csv_path: Path | None = None) -> LoadResult:
    """Upsert the divisions in one transaction; a second run changes nothing."""
    rows = read_divisions_csv(csv_path or SHIPPED_CSV)
    async with db.uow() as uow:
        inserted, updated = await uow.divisions.merge(rows)
        await uow.commit()
    return LoadResult(inserted=inserted, updated=updated, total=len(rows))
