"""`honoree-admin stats`: how many entries per township, village, status and category."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from admin_cli.common import console, run_with_db
from admin_cli.entries_cmd import County, Demo, Json, Statuses, Township, Village
from dialogs.review import status_name
from dialogs.texts import t
from services.deadlines import china_today, deadline_days, deadlines
from services.entries import counts as count_entries
from services.paper import chart, source
from services.paper.report import stats_headers
from services.progress import progress
from storage.records import Status
from storage.uow import Database


def stats(
    ctx: typer.Context,
    township: Township = None,
    county: County = None,
    village: Village = None,
    status: Statuses = None,
    demo: Demo = True,
    as_json: Json = False,
    chart_file: Annotated[
        Path | None,
        typer.Option("--chart", help=t("staff.help.stats.chart")),
    ] = None,
) -> None:
    scope = source.Scope(township, county, village, tuple(status) if status else None, demo)
    place = village or township or county

    async def work(db: Database) -> dict[str, Any]:
        counts = await count_entries(db, scope, place)
        counts["deadlines"] = deadline_days(await deadlines(db), china_today())
        if as_json or chart_file:
            counts["progress"] = await progress(db, place, china_today())
        return counts

    counts = run_with_db(ctx, work)
    if chart_file:
        chart.render(counts["progress"], chart_file)
        if not as_json:
            console.print(t("progress.saved", path=str(chart_file)))
    if as_json:
        counts["progress"] = counts["progress"].as_dict()
        typer.echo(json.dumps(counts, ensure_ascii=False))
        return
    counts.pop("progress", None)
    _print(counts)


def _print(counts: dict[str, Any]) -> None:
    console.print(t("staff.cli.stats.total", n=counts["persons"]))
    if counts["stopped"]:
        console.print(t("staff.cli.stats.stopped", n=counts["stopped"]))
    for level in counts["deadlines"].values():
        console.print(t("deadline.queue", level=level["name"], left=level["left_text"]))
    statuses = [s for s in Status if counts["by_status"].get(s.value)]
    for key in ("by_township", "by_village"):
        stops = [t("progress.bar.stopped")] if counts["stopped"] else []
        table = Table(
            t("staff.column.place"),
            t("staff.column.total"),
            *(status_name(s) for s in statuses),
            *stops,
            title=t(f"staff.cli.stats.{key}"),
        )
        for place in counts[key]:
            table.add_row(
                escape(place["name"]),
                str(place["total"]),
                *(str(place["by_status"].get(s.value, 0)) for s in statuses),
                *([str(place["stopped"])] if stops else []),
            )
        console.print(table)
    columns = stats_headers("category", "persons", "awards")
    table = Table(*columns, title=t("staff.cli.stats.by_category"))
    for category, n in counts["by_category"].items():
        table.add_row(category, str(n["persons"]), str(n["awards"]))
    console.print(table)
    table = Table(*stats_headers("level", "persons"), title=t("staff.cli.stats.by_level"))
    for level, n in counts["by_level"].items():
        table.add_row(level, str(n))
    console.print(table)
    table = Table(*stats_headers("status", "persons"), title=t("staff.cli.stats.by_status"))
    for s in Status:
        table.add_row(status_name(s), str(counts["by_status"][s.value]))
    if counts["stopped"]:
        table.add_row(t("progress.bar.stopped"), str(counts["stopped"]))
    console.print(table)
