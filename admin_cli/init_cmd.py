"""`honoree-admin init`: data dir, key, schema and divisions, safe to run again at any time."""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import typer
from rich.table import Table

from admin_cli.common import console, fail, mask_url, run_async, settings_from
from storage.crypto import ensure_key_file
from storage.divisions import load_divisions
from storage.records import DivisionLevel
from storage.settings import Settings
from storage.uow import Database


def init(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Create or migrate the database and load the Jilin divisions (idempotent)."""
    started = time.perf_counter()
    settings = settings_from(ctx)
    try:
        key = _prepare_data_dir(settings)
    except OSError as exc:
        fail(f"cannot prepare {settings.data_dir}: {exc.strerror}")

    async def work() -> dict[str, Any]:
        db = Database.from_settings(settings)
        try:
            await db.migrate()
            loaded = await load_divisions(db)
            async with db.uow(read_only=True) as uow:
                by_level = await uow.divisions.count_by_level()
        finally:
            await db.dispose()
        return {
            "data_dir": str(settings.data_dir.resolve()),
            "database_url": mask_url(settings.resolved_database_url),
            "key": key,
            "divisions": {
                "in_file": loaded.total,
                "inserted": loaded.inserted,
                "updated": loaded.updated,
                "by_level": {level.value: by_level.get(level, 0) for level in DivisionLevel},
            },
        }

    summary = run_async(work, settings)
    summary["elapsed_s"] = round(time.perf_counter() - started, 2)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
    else:
        _print_summary(summary)


def _prepare_data_dir(settings: Settings) -> dict[str, Any]:
    """Data dir (owner-only: database, key, photos), evidence dir, and the key if none is set."""
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    settings.evidence_dir.mkdir(mode=0o700, exist_ok=True)
    from_env = settings.secret_key is not None
    return {
        "source": "HONOREE_SECRET_KEY" if from_env else "key_file",
        "file": None if from_env else str(settings.key_file.resolve()),
        "created": not from_env and ensure_key_file(settings.key_file),
    }


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
