"""`honoree-admin deadline set|list|clear`: the drive's dates, one per level of the chain."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from admin_cli.common import console, fail, run_with_db
from dialogs.texts import t
from services.deadlines import (
    DeadlineRefused,
    china_day,
    china_today,
    clear_deadline,
    days_left_text,
    deadlines,
    level_name,
    ordered,
    set_deadline,
)
from services.paper.package import default_actor
from storage.uow import Database

app = typer.Typer(help=t("staff.help.deadline"), no_args_is_help=True)

Level = Annotated[
    str, typer.Option("--level", help=t("staff.help.deadline.level"))
]
Json = Annotated[bool, typer.Option("--json", help=t("staff.help.json"))]


def _show(found: dict[str, date], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({level: due.isoformat() for level, due in ordered(found)}))
        return
    if not found:
        console.print(t("deadline.none"))
        return
    today = china_today()
    table = Table(*(t(f"deadline.col.{c}") for c in ("level", "due", "left")))
    for level, due in ordered(found):
        table.add_row(level_name(level), china_day(due), days_left_text(due, today))
    console.print(table)


@app.command("set", help=t("staff.help.deadline.set"))
def set_command(
    ctx: typer.Context,
    level: Level,
    due: Annotated[str, typer.Option("--date", help=t("staff.help.deadline.set.date"))],
    as_json: Json = False,
) -> None:

    async def work(db: Database) -> dict[str, date] | str:
        try:
            return await set_deadline(db, level, due, f"cli:{default_actor()}")
        except DeadlineRefused as refused:
            return str(refused)

    found = run_with_db(ctx, work)
    if isinstance(found, str):
        fail(found)
    _show(found, as_json)


@app.command("list", help=t("staff.help.deadline.list"))
def list_command(ctx: typer.Context, as_json: Json = False) -> None:
    _show(run_with_db(ctx, deadlines), as_json)


@app.command("clear", help=t("staff.help.deadline.clear"))
def clear_command(ctx: typer.Context, level: Level) -> None:

    async def work(db: Database) -> bool | str:
        try:
            return await clear_deadline(db, level, f"cli:{default_actor()}")
        except DeadlineRefused as refused:
            return str(refused)

    cleared = run_with_db(ctx, work)
    if isinstance(cleared, str):
        fail(cleared)
    key = "deadline.cleared" if cleared else "deadline.not_set"
    console.print(t(key, level=level_name(level)))
