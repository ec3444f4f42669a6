"""`honoree-admin entries`: list entries by place and status; ID numbers masked unless
`--json --reveal`, and every reveal is in the audit log."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Column, Table

from admin_cli.common import console, fail, run_with_db
from dialogs.divisions import DivisionDirectory
from dialogs.export_view import category_text, printed_awards
from dialogs.form import FIELDS, column_header
from dialogs.review import status_name
from dialogs.texts import t
from services.entries import entries_page
from services.paper import source
from services.paper.labels import china_time, mask_id, mask_phone
from services.paper.package import default_actor
from storage.records import Status
from storage.uow import Database

Township = Annotated[str | None, typer.Option("--township", help=t("staff.help.entries.township"))]
County = Annotated[str | None, typer.Option("--county", help=t("staff.help.entries.county"))]
Village = Annotated[str | None, typer.Option("--village", help=t("staff.help.entries.village"))]
Statuses = Annotated[
    list[Status] | None, typer.Option("--status", help=t("staff.help.entries.status"))
]
Demo = Annotated[bool, typer.Option("--demo/--no-demo", help=t("staff.help.entries.demo"))]
Json = Annotated[bool, typer.Option("--json", help=t("staff.help.json"))]


def entries(
    ctx: typer.Context,
    township: Township = None,
    county: County = None,
    village: Village = None,
    status: Statuses = None,
    demo: Demo = True,
    limit: Annotated[int, typer.Option("--limit", min=1, help=t("staff.help.limit"))] = 50,
    offset: Annotated[
        int, typer.Option("--offset", min=0, help=t("staff.help.entries.offset"))
    ] = 0,
    as_json: Json = False,
    reveal: Annotated[
        bool, typer.Option("--reveal", help=t("staff.help.entries.reveal"))
    ] = False,
    actor: Annotated[
        str | None, typer.Option("--actor", help=t("staff.help.entries.actor"))
    ] = None,
) -> None:
    if reveal and not as_json:
        fail(t("staff.cli.entries.reveal"))
    scope = source.Scope(township, county, village, tuple(status) if status else None, demo)
    who = f"cli:{actor or default_actor()}"

    async def work(db: Database) -> tuple[int, list[dict[str, Any]]]:
        found = await entries_page(
            db, scope, village or township or county, limit=limit, offset=offset,
            revealed_by=who if reveal else None,
        )
        return found.total, [_row(e, found.names, reveal) for e in found.entries]

    total, rows = run_with_db(ctx, work)
    if as_json:
        for row in rows:
            row["submitted_at"] = row["submitted_at"] and row["submitted_at"].isoformat()
        typer.echo(
            json.dumps({"total": total, "offset": offset, "entries": rows}, ensure_ascii=False)
        )
        return
    _print(total, offset, rows)


def _row(entry: source.Entry, names: DivisionDirectory, reveal: bool) -> dict[str, Any]:
    r, person = entry.record, entry.draft.person
    id_number, phone = r.secrets.get("id_number"), r.secrets.get("phone")
    return {
        "id": r.id,
        "reg_no": r.reg_no,
        "name": r.name,
        "gender": person.get("gender"),
        "id_number": id_number if reveal else mask_id(id_number),
        "phone": phone if reveal else mask_phone(phone),
        "hukou_code": r.hukou_code,
        "hukou": names.full_name(r.hukou_code, from_level="county") if r.hukou_code else "",
        "categories": [category_text(a) for _, a in printed_awards(entry.draft)],
        "status": r.status.value,
        "status_label": t("progress.bar.stopped") if r.stopped else status_name(r.status),
        "stopped": r.stopped,
        "submitted_at": r.submitted_at,
        "is_demo": r.is_demo,
    }


def _print(total: int, offset: int, rows: list[dict[str, Any]]) -> None:
    if not rows:
        console.print(t("staff.cli.entries.none", total=total))
        return
    whole = {"no_wrap": True}  # read as a whole, never broken over lines
    table = Table(
        Column(t("staff.column.reg_no"), **whole),
        Column(FIELDS["name"].label, **whole),
        Column(FIELDS["id_number"].label, **whole),
        FIELDS["hukou_code"].label,
        column_header("award:category"),
        t("staff.column.submitted_at"),
        Column(column_header("@status"), **whole),
    )
    for row in rows:
        name = escape(row["name"] or "")
        if row["is_demo"]:
            name = t("staff.cli.entries.demo_name", name=name)
        table.add_row(
            row["reg_no"] or "",
            name,
            row["id_number"],
            escape(row["hukou"]),
            " ".join(row["categories"]),
            china_time(row["submitted_at"]),
            row["status_label"],
        )
    console.print(table)
    shown = t("staff.cli.entries.shown", total=total, first=offset + 1, last=offset + len(rows))
    console.print(shown)
