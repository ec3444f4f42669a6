"""`honoree-admin divisions search|show`: look up division codes for committees and invites."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from admin_cli.common import console, fail, run_with_db
from dialogs.texts import t
from services.committees import committee_name, place_names
from services.lookups import division, search_divisions
from storage.records import DivisionRow
from storage.uow import Database

app = typer.Typer(help=t("staff.help.divisions"), no_args_is_help=True)


@app.command(help=t("staff.help.divisions.search"))
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help=t("staff.help.divisions.search.query"))],
    limit: Annotated[int, typer.Option(help=t("staff.help.limit"))] = 20,
    as_json: Annotated[bool, typer.Option("--json", help=t("staff.help.json"))] = False,
) -> None:

    async def work(db: Database) -> list[tuple[DivisionRow, DivisionRow | None]]:
        return await search_divisions(db, query, limit)

    found = run_with_db(ctx, work)
    if as_json:
        rows = [{**row._asdict(), "parent_name": p.name if p else None} for row, p in found]
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("code", "name", "level", "parent")
    for row, parent in found:
        table.add_row(row.code, row.name, row.level, parent.name if parent else "")
    console.print(table if found else f"No division name contains {query!r}.")


@app.command(help=t("staff.help.divisions.show"))
def show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=t("staff.help.divisions.show.code"))],
    as_json: Annotated[bool, typer.Option("--json", help=t("staff.help.json"))] = False,
) -> None:

    async def work(db: Database) -> dict[str, object] | None:
        found = await division(db, code)
        if found is None:
            return None
        return {
            **found.row._asdict(),
            "path": [p.name for p in found.path],
            "children": found.children,
            "committee": (
                committee_name(await place_names(db), found.committee) if found.committee else None
            ),
        }

    info = run_with_db(ctx, work)
    if info is None:
        fail(f"no division with code {code}")
    if as_json:
        typer.echo(json.dumps(info, ensure_ascii=False))
        return
    console.print(f"[bold]{info['code']}[/] {' / '.join(info['path'])} ({info['level']})")
    console.print(f"children: {info['children']}, committee: {info['committee'] or '—'}")
