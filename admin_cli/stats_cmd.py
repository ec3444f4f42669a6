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
    for key, title in (("by_township", "按乡镇（街道）"), ("by_village", "按村（社区）")):
        stops = [t("progress.bar.stopped")] if counts["stopped"] else []
        table = Table("地方", "合计", *(status_name(s) for s in statuses), *stops, title=title)
        for place in counts[key]:
            table.add_row(
                escape(place["name"]),
                str(place["total"]),
                *(str(place["by_status"].get(s.value, 0)) for s in statuses),
                *([str(place["stopped"])] if stops else []),
            )
        console.print(table)
    table = Table("统计类别", "人数", "表彰项数", title="按统计类别")
    for category, n in counts["by_category"].items():
        table.add_row(category, str(n["persons"]), str(n["awards"]))
    console.print(table)
    table = Table("待遇级别", "人数", title="按待遇级别（每人按最高级别）")
    for level, n in counts["by_level"].items():
        table.add_row(level, str(n))
    console.print(table)
    table = Table("状态", "人数", title="按状态")
    for s in Status:
        table.add_row(status_name(s), str(counts["by_status"][s.value]))
    if counts["stopped"]:
        table.add_row(t("progress.bar.stopped"), str(counts["stopped"]))
    console.print(table)
