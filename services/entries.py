"""Township staff's read of the entries: a page of them, and counts for the statistics.
Showing full numbers (`reveal`) is audited, one event per entry."""

from __future__ import annotations

from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

from dialogs.divisions import DivisionDirectory
from services.paper import source
from services.paper.report import Tally
from storage.uow import Database


@dataclass(frozen=True)
class EntriesPage:
    total: int
    entries: list[source.Entry]
    names: DivisionDirectory


async def entries_page(
    db: Database, scope: source.Scope, place: str | None, *, limit: int, offset: int,
    revealed_by: str | None,
) -> EntriesPage:
    """One page of entries in `scope`; with `revealed_by`, each shown entry's full ID number
    and phone are audited as seen by them."""
    async with db.uow(read_only=True) as uow:
        total = await source.count(uow, scope)
        names = await source.directory(uow, place)
        async with aclosing(source.pages(uow, scope, page_size=limit, offset=offset)) as pages:
            page = await anext(pages, [])
    if revealed_by and page:
        async with db.uow() as uow:
            for entry in page:
                await uow.audit.record(
                    revealed_by, "revealed", entry.record.id, fields=["id_number", "phone"],
                    via="entries",
                )
            await uow.commit()
    return EntriesPage(total, page, names)


async def counts(db: Database, scope: source.Scope, place: str | None) -> dict[str, Any]:
    """Persons by township, village, status, category and level, for `stats`."""
    tally = Tally()
    async with db.uow(read_only=True) as uow:
        names = await source.directory(uow, place)
        async for page in source.pages(uow, scope, page_size=1000):
            for entry in page:
                (tally.add_stop if entry.record.stopped else tally.add)(entry.record)

    def place_name(code: str) -> str:
        return names.full_name(code, from_level="county") if names.get(code) else code

    return tally.as_dict(place_name)
