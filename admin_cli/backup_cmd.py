"""`honoree-admin backup` / `restore`: the whole drive in one file, and back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from admin_cli.common import console, run_async, run_with_db, settings_from
from dialogs.texts import t
from services.backup import make_backup, restore_backup
from storage.uow import Database

ENTRIES = "registrations"


def backup(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help=t("staff.backup.out_help"))],
) -> None:
    settings = settings_from(ctx)

    async def work(db: Database):
        return await make_backup(settings, db, out)

    manifest = run_with_db(ctx, work)
    photos = sum(1 for name in manifest.members if name.startswith("evidence/"))
    console.print(t("staff.backup.done", file=out, size=_size(out.stat().st_size),
                    entries=manifest.counts.get(ENTRIES, 0), files=photos))
    console.print(t("staff.backup.key_apart", key=settings.key_file))



def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=t("staff.restore.file_help"))],
    force: Annotated[bool, typer.Option("--force", help=t("staff.restore.force_help"))] = False,
) -> None:
    settings = settings_from(ctx)
    done = run_async(lambda: restore_backup(settings, file, force=force), settings)
    photos = sum(1 for name in done.manifest.members if name.startswith("evidence/"))
    console.print(t("staff.restore.done", created=done.manifest.created_at,
                    entries=done.counts.get(ENTRIES, 0), files=photos))
    if done.upgraded:
        console.print(t("staff.restore.upgraded"))
    console.print(t("staff.restore.key", key=settings.key_file))



def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"
