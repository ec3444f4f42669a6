"""`honoree-admin receive`: the county (or city) takes in the packages sent up to it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from admin_cli.common import console, run_with_db, settings_from
from dialogs.texts import t
from services.receive import ReceiveResult, receive


def receive_command(
    ctx: typer.Context,
    packages: Annotated[list[Path], typer.Argument(help=t("staff.help.receive.packages"))],
    actor: Annotated[
        str | None, typer.Option("--actor", help=t("staff.help.receive.actor"))
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=t("staff.help.json"))] = False,
) -> None:
    settings = settings_from(ctx)
    result = run_with_db(ctx, lambda db: receive(db, settings, packages, actor or ""))
    if as_json:
        typer.echo(json.dumps(as_dict(result), ensure_ascii=False))
    else:
        _print(result)
    if any(p.problems for p in result.packages):
        raise typer.Exit(1)


def as_dict(r: ReceiveResult) -> dict[str, Any]:
    return {
        "packages": [
            {
                "file": str(p.path),
                "sender": {"code": p.sender_code, "name": p.sender},
                "entries": p.entries,
                "new": p.new,
                "updated": p.updated,
                "already_received": p.already,
                "imported": p.taken_in,
                "problems": p.problems,
            }
            for p in r.packages
        ],
        "same_id_number": [
            [{"reg_no": n, "name": name, "township_code": t} for n, name, t in group.entries]
            for group in r.same_id_numbers
        ],
        "total": r.total,
        "by_township": r.by_township,
    }


def _print(r: ReceiveResult) -> None:
    for p in r.packages:
        package = escape(p.path.name)
        if p.problems:
            console.print(t("staff.receive.refused", package=package))
            for problem in p.problems:
                console.print(f"  [red]•[/] {escape(problem)}")
        elif p.already:
            console.print(t("staff.receive.already", package=package, sender=escape(p.sender)))
        else:
            console.print(
                t(
                    "staff.receive.done",
                    package=package,
                    sender=escape(p.sender),
                    entries=p.entries,
                    new=p.new,
                    updated=p.updated,
                )
            )
    if r.same_id_numbers:
        columns = (t(f"staff.column.{c}") for c in ("reg_no", "name", "township_code"))
        table = Table(*columns, title=t("staff.receive.same_ids", n=len(r.same_id_numbers)))
        for group in r.same_id_numbers:
            for reg_no, name, township in group.entries:
                table.add_row(reg_no, escape(name), township or "")
            table.add_section()
        console.print(table)
        console.print(t("staff.receive.check_same"))
    console.print(t("staff.receive.total", total=r.total, townships=len(r.by_township)))
