"""`honoree-admin demo-data`: synthetic entries to rehearse an export, and removing them."""

from __future__ import annotations

import json
import random
from typing import Annotated

import typer

from admin_cli.common import console, fail, run_with_db, settings_from
from admin_cli.progress import Bar
from dialogs.texts import t
from services import demo as demo_data
from storage.files import EvidenceStore
from storage.records import Status
from storage.uow import Database


def demo_data_command(
    ctx: typer.Context,
    township: Annotated[
        str | None, typer.Option("--township", help=t("staff.help.township_code"))
    ] = None,
    count: Annotated[
        int, typer.Option("--count", min=1, help=t("staff.help.demo_data.count"))
    ] = 20,
    status: Annotated[
        Status, typer.Option("--status", help=t("staff.help.demo_data.status"))
    ] = Status.CONFIRMED,
    seed: Annotated[int | None, typer.Option("--seed", help=t("staff.help.demo_data.seed"))] = None,
    remove: Annotated[
        bool, typer.Option("--remove", help=t("staff.help.demo_data.remove"))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=t("staff.help.json"))] = False,
) -> None:
    if remove:
        removed = run_with_db(ctx, lambda db: demo_data.remove_entries(db, township))
        _report(
            {"removed": removed, "township": township},
            as_json,
            t("staff.cli.demo.removed", n=removed),
        )
        return
    if township is None:
        fail(t("staff.cli.demo.need_township"))
    if status not in demo_data.TARGET_STATUSES:
        fail(t("staff.cli.demo.statuses", statuses=", ".join(demo_data.TARGET_STATUSES)))
    settings = settings_from(ctx)
    rng_seed = seed if seed is not None else random.randrange(1 << 30)

    async def work(db: Database) -> int | None:
        villages = await demo_data.villages_of(db, township)
        if not villages:
            return None
        with Bar(enabled=not as_json) as bar:
            bar.phase(t("staff.cli.demo.phase.images"), 1)
            images = demo_data.ImagePool(EvidenceStore(settings.evidence_dir))
            bar.phase(t("staff.cli.demo.phase.entries"), count)
            entries = demo_data.plan_entries(villages, count, rng_seed)
            return await demo_data.store_entries(db, entries, images, status, bar.advance)

    stored = run_with_db(ctx, work)
    if stored is None:
        fail(t("staff.cli.demo.not_township", code=township))
    _report(
        {"created": stored, "township": township, "status": status.value, "seed": rng_seed},
        as_json,
        t("staff.cli.demo.created", n=stored, status=status.value, township=township),
    )


def _report(data: dict[str, object], as_json: bool, text: str) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        console.print(text)
