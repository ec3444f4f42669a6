"""`honoree-admin audit`: the audit log, by entry (登记编号 or id), actor, action and time."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from admin_cli.common import console, fail, run_with_db
from admin_cli.entries_cmd import Json
from dialogs.texts import t
from services.lookups import audit_log
from services.paper.labels import CHINA, china_time
from storage.uow import Database


def parse_time(text: str, *, end: bool = False) -> datetime:
    """A time as staff type it: 2026-11-26 or 2026-11-26 08:30 (China time unless an offset).

    A bare date as an end means the end of that day, so --until 2026-11-26 includes the 26th.
    """
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise typer.BadParameter(t("staff.cli.audit.bad_time", text=repr(text))) from exc
    if end and len(text.strip()) == 10:
        at += timedelta(days=1)
    return at if at.tzinfo else at.replace(tzinfo=CHINA)


def audit(
    ctx: typer.Context,
    entry: Annotated[
        str | None, typer.Option("--entry", help=t("staff.help.audit.entry"))
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help=t("staff.help.audit.actor"))
    ] = None,
    action: Annotated[
        str | None, typer.Option("--action", help=t("staff.help.audit.action"))
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help=t("staff.help.audit.since"))] = None,
    until: Annotated[str | None, typer.Option("--until", help=t("staff.help.audit.until"))] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help=t("staff.help.limit"))] = 100,
    as_json: Json = False,
) -> None:
    start = parse_time(since) if since else None
    stop = parse_time(until, end=True) if until else None

    async def work(db: Database) -> list[dict[str, Any]] | None:
        lines = await audit_log(
            db, entry=entry, actor=actor, since=start, until=stop, action=action, limit=limit
        )
        if lines is None:
            return None
        return [
            {
                "id": line.event.id,
                "at": line.event.at.isoformat(),
                "actor": line.event.actor,
                "action": line.event.action,
                "registration_id": line.event.registration_id,
                "reg_no": line.reg_no,
                "detail": line.event.detail,
            }
            for line in lines
        ]

    events = run_with_db(ctx, work)
    if events is None:
        fail(t("staff.cli.no_entry", entry=entry))
    if as_json:
        typer.echo(json.dumps(events, ensure_ascii=False))
        return
    columns = (t(f"staff.column.{c}") for c in ("at", "actor", "action", "entry", "detail"))
    table = Table(*columns, title=t("staff.cli.audit.title", n=len(events)))
    for e in events:
        detail = json.dumps(e["detail"], ensure_ascii=False)
        table.add_row(
            china_time(datetime.fromisoformat(e["at"])),
            escape(e["actor"]),
            e["action"],
            e["reg_no"] or str(e["registration_id"] or ""),
            escape(detail),
        )
    console.print(table)

