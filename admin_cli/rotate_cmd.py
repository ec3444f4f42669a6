"""`honoree-admin rotate-key`: re-encrypt the stored ID and phone numbers with a new key."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from admin_cli.common import console, fail, run_with_db, settings_from
from dialogs.texts import t
from services.keys import (
    Progress,
    RotationError,
    begin_rotation,
    finish_rotation,
    left_behind,
    reencrypt,
)
from storage.errors import StorageError
from storage.uow import Database


def rotate_key(
    ctx: typer.Context,
    batch: Annotated[
        int, typer.Option("--batch", min=1, help=t("staff.help.rotate_key.batch"))
    ] = 200,
    prepare: Annotated[
        bool,
        typer.Option("--prepare", help=t("staff.help.rotate_key.prepare")),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=t("staff.help.json"))] = False,
) -> None:
    settings = settings_from(ctx)
    try:
        start = begin_rotation(settings)
    except (RotationError, StorageError) as exc:
        fail(str(exc))
    source = str(settings.key_file) if start.source == "key_file" else start.source
    say = (lambda _text: None) if as_json else console.print
    say(t("staff.keys.resumed", source=source) if start.resumed
        else t("staff.keys.started", file=source))
    if prepare:
        say(t("staff.keys.prepared"))
        return
    if not start.resumed:
        say(t("staff.keys.stop_bots"))

    def shown(p: Progress) -> None:
        say(t("staff.keys.progress", table=p.table, seen=p.seen, rewritten=p.rewritten))

    async def work(db: Database) -> tuple[dict[str, int], dict[str, int]]:
        rewritten = await reencrypt(db, batch=batch, progress=shown)
        return rewritten, await left_behind(db)

    rewritten, left = run_with_db(ctx, work)
    if any(left.values()):
        tables = t("staff.list.sep").join(f"{table} {n}" for table, n in left.items() if n)
        fail(t("staff.keys.left", n=sum(left.values()), tables=tables))
    retired = finish_rotation(settings)
    if as_json:
        typer.echo(json.dumps({
            "rewritten": rewritten,
            "retired_key_file": str(retired) if retired else None,
        }, ensure_ascii=False))
        return
    console.print(t("staff.keys.done", n=sum(rewritten.values())))
    console.print(t("staff.keys.retired", file=retired) if retired else t("staff.keys.env_done"))
