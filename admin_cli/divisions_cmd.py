"""`honoree-admin divisions search|show`: look up division codes for committees and invites."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from admin_cli.common import console, fail, run_with_db
from services.committees import committee_name, place_names
from services.lookups import division, search_divisions
from storage.records import DivisionRow
from storage.uow import Database

app = typer.Typer(help="Look up Jilin administrative divisions.", no_args_is_help=True)


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Part of a name, e.g. 南岭 or 二道沟村.")],
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Divisions whose name contains QUERY, with their township for context."""

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


@app.command()
def show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="12-digit division code.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One division: its path from the province down, its children and its committee."""

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
