"""`honoree-admin stats`: how many entries per township, village, status and category."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from admin_cli.common import console, run_with_db
from admin_cli.entries_cmd import County, Demo, Json, Statuses, Township, Village
from dialogs.review import status_name
from services.entries import counts as count_entries
from services.paper import source
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
) -> None:
    """统计登记人数：按乡镇（街道）、村（社区）、状态、统计类别和待遇级别。"""
    scope = source.Scope(township, county, village, tuple(status) if status else None, demo)

    async def work(db: Database) -> dict[str, Any]:
        return await count_entries(db, scope, village or township or county)

    counts = run_with_db(ctx, work)
    if as_json:
        typer.echo(json.dumps(counts, ensure_ascii=False))
        return
    _print(counts)


def _print(counts: dict[str, Any]) -> None:
    console.print(f"[bold]登记人数合计：{counts['persons']}[/]")
    statuses = [s for s in Status if counts["by_status"].get(s.value)]
    for key, title in (("by_township", "按乡镇（街道）"), ("by_village", "按村（社区）")):
        table = Table("地方", "合计", *(status_name(s) for s in statuses), title=title)
        for place in counts[key]:
            table.add_row(
                escape(place["name"]),
                str(place["total"]),
                *(str(place["by_status"].get(s.value, 0)) for s in statuses),
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
    console.print(table)
