"""`honoree-admin init`: data dir, key, schema and divisions, safe to run again at any time."""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import typer
from rich.table import Table

from admin_cli.common import console, fail, run_async, settings_from
from dialogs.texts import t
from services.setup import initialise, prepare_data_dir
from storage.errors import printable_url
from storage.records import DivisionLevel


def init(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=t("staff.help.json"))] = False,
) -> None:
    started = time.perf_counter()
    settings = settings_from(ctx)
    try:
        key = prepare_data_dir(settings)
    except OSError as exc:
        fail(f"cannot prepare {settings.data_dir}: {exc.strerror}")

    async def work() -> dict[str, Any]:
        done = await initialise(settings, key)
        return {
            "data_dir": str(settings.data_dir.resolve()),
            "database_url": printable_url(settings.resolved_database_url),
            "key": {"source": key.source, "file": key.file, "created": key.created},
            "divisions": {
                "in_file": done.divisions.total,
                "inserted": done.divisions.inserted,
                "updated": done.divisions.updated,
                "by_level": {level.value: done.by_level.get(level, 0) for level in DivisionLevel},
            },
        }

    summary = run_async(work, settings)
    summary["elapsed_s"] = round(time.perf_counter() - started, 2)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
    else:
        _print_summary(summary)


def _print_summary(summary: dict[str, Any]) -> None:
    divisions = summary["divisions"]
    table = Table(title="honoree-admin init", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Data directory", summary["data_dir"])
    table.add_row("Database", summary["database_url"])
    key = summary["key"]
    if key["created"]:
        table.add_row("Encryption key", f"created {key['file']}: back it up, IDs need it")
    else:
        table.add_row("Encryption key", key["file"] or key["source"])
    table.add_row(
        "Divisions",
        f"{divisions['in_file']:,} in file: {divisions['inserted']:,} new, "
        f"{divisions['updated']:,} changed",
    )
    table.add_row(
        "By level", " · ".join(f"{lvl} {n:,}" for lvl, n in divisions["by_level"].items())
    )
    table.add_row("Elapsed", f"{summary['elapsed_s']:.2f} s")
    console.print(table)
