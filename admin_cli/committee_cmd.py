"""`honoree-admin committee add|contact|list`: the committees whose staff review entries in the
bot."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from admin_cli.common import console, fail, run_with_db
from dialogs.divisions import DivisionDirectory
from dialogs.texts import t
from services.committees import (
    CommitteeRefused,
    change_contact,
    committee_name,
    committees,
    open_committee,
    place_names,
)
from services.paper.package import default_actor
from storage.records import CommitteeRecord
from storage.uow import Database

app = typer.Typer(help=t("staff.help.committee"), no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help=t("staff.help.json"))]


def committee_json(c: CommitteeRecord, names: DivisionDirectory) -> dict[str, Any]:
    return {
        "id": c.id,
        "division_code": c.division_code,
        "name": committee_name(names, c),
        "kind": c.kind.value,
        "contact": c.contact,
    }


@app.command(help=t("staff.help.committee.add"))
def add(
    ctx: typer.Context,
    division: Annotated[
        str, typer.Option("--division", help=t("staff.help.division"))
    ],
    contact: Annotated[
        str | None, typer.Option("--contact", help=t("staff.help.committee.add.contact"))
    ] = None,
    as_json: Json = False,
) -> None:

    async def work(db: Database) -> tuple[dict[str, Any], bool] | str:
        try:
            opened, created = await open_committee(
                db, division, contact, f"cli:{default_actor()}"
            )
        except CommitteeRefused as refused:
            return str(refused)
        return committee_json(opened, await place_names(db)), created

    outcome = run_with_db(ctx, work)
    if isinstance(outcome, str):
        fail(outcome)
    committee, created = outcome
    if as_json:
        typer.echo(json.dumps({**committee, "created": created}, ensure_ascii=False))
        return
    console.print(
        t(
            "staff.cli.committee.added" if created else "staff.cli.committee.kept",
            name=escape(committee["name"]),
            kind=committee["kind"],
            code=committee["division_code"],
            id=committee["id"],
        )
    )


@app.command(help=t("staff.help.committee.contact"))
def contact(
    ctx: typer.Context,
    division: Annotated[
        str, typer.Option("--division", help=t("staff.help.committee.contact.division"))
    ],
    new: Annotated[
        str, typer.Option("--contact", help=t("staff.help.committee.contact.contact"))
    ],
    as_json: Json = False,
) -> None:

    async def work(db: Database) -> dict[str, Any] | None:
        changed = await change_contact(
            db, division, new.strip() or None, f"cli:{default_actor()}"
        )
        return None if changed is None else committee_json(changed, await place_names(db))

    committee = run_with_db(ctx, work)
    if committee is None:
        fail(t("staff.cli.no_committee", division=division))
    if as_json:
        typer.echo(json.dumps(committee, ensure_ascii=False))
        return
    contact = committee["contact"] or t("staff.cli.committee.no_contact")
    console.print(t("staff.cli.committee.changed", name=escape(committee["name"]),
                    contact=escape(contact)))


@app.command("list", help=t("staff.help.committee.list"))
def list_committees(
    ctx: typer.Context,
    township: Annotated[
        str | None, typer.Option("--township", help=t("staff.help.only_township"))
    ] = None,
    as_json: Json = False,
) -> None:

    async def work(db: Database) -> list[dict[str, Any]]:
        names = await place_names(db)
        return [
            {**committee_json(c.committee, names), "reviewers": c.reviewers, "waiting": c.waiting}
            for c in await committees(db, township)
        ]

    rows = run_with_db(ctx, work)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    columns = ("code", "committee_name", "kind", "contact", "reviewers", "waiting")
    table = Table("id", *(t(f"staff.column.{c}") for c in columns))
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["division_code"],
            escape(r["name"]),
            r["kind"],
            escape(r["contact"] or ""),
            str(r["reviewers"]),
            str(r["waiting"]),
        )
    console.print(table if rows else t("staff.cli.no_committees"))
