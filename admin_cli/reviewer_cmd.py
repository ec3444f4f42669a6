"""`honoree-admin reviewer list|revoke`: who reviews for which committee; taking that back.

A revocation applies from the reviewer's next press: the bot re-checks membership every time.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from admin_cli.common import console, fail, run_with_db
from dialogs.texts import t
from services.committees import committee_name, place_names
from services.paper.labels import china_time
from services.paper.package import default_actor
from services.staff import memberships
from services.staff import revoke as revoke_membership
from storage.uow import Database

app = typer.Typer(help=t("staff.help.reviewer"), no_args_is_help=True)


@app.command("list", help=t("staff.help.reviewer.list"))
def list_reviewers(
    ctx: typer.Context,
    township: Annotated[
        str | None, typer.Option("--township", help=t("staff.help.only_township"))
    ] = None,
    include_revoked: Annotated[
        bool, typer.Option("--all", help=t("staff.help.reviewer.list.all"))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=t("staff.help.json"))] = False,
) -> None:

    async def work(db: Database) -> list[dict[str, Any]]:
        found = await memberships(db, township=township, include_revoked=include_revoked)
        names = await place_names(db)
        return [
            {
                "id": m.reviewer.id,
                "channel": m.reviewer.who.channel,
                "external_id": m.reviewer.who.external_id,
                "name": m.reviewer.display_name,
                "committee_id": m.committee.id,
                "committee": committee_name(names, m.committee),
                "division_code": m.committee.division_code,
                "role": m.reviewer.role.value,
                "enrolled_at": m.reviewer.created_at.isoformat(),
                "revoked_at": m.reviewer.revoked_at.isoformat() if m.reviewer.revoked_at else None,
            }
            for m in found
        ]

    rows = run_with_db(ctx, work)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    columns = ("name", "account", "committee", "role", "enrolled_at", "revoked_at")
    table = Table("id", *(t(f"staff.column.{c}") for c in columns))
    for r in rows:
        revoked = r["revoked_at"]
        table.add_row(
            str(r["id"]),
            escape(r["name"]),
            f"{r['channel']}:{escape(r['external_id'])}",
            f"{escape(r['committee'])} {r['division_code']}",
            r["role"],
            _local(r["enrolled_at"]),
            _local(revoked) if revoked else "",
        )
    console.print(table if rows else t("staff.cli.no_reviewers"))


def _local(iso: str) -> str:
    return china_time(datetime.fromisoformat(iso))


@app.command(help=t("staff.help.reviewer.revoke"))
def revoke(
    ctx: typer.Context,
    reviewer_id: Annotated[int, typer.Argument(help=t("staff.help.reviewer.revoke.reviewer_id"))],
) -> None:

    async def work(db: Database) -> str | None:
        names = await place_names(db)
        committee = await revoke_membership(db, names, reviewer_id, f"cli:{default_actor()}")
        return None if committee is None else committee_name(names, committee)

    committee = run_with_db(ctx, work)
    if committee is None:
        fail(t("staff.cli.no_reviewer", id=reviewer_id))
    console.print(t("staff.cli.revoked", id=reviewer_id, committee=escape(committee)))
