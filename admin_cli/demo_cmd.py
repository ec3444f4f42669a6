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
        str | None, typer.Option("--township", help="乡镇（街道）的 12 位区划代码。")
    ] = None,
    count: Annotated[int, typer.Option("--count", min=1, help="生成多少条。")] = 20,
    status: Annotated[
        Status, typer.Option("--status", help="生成后的状态，默认 confirmed。")
    ] = Status.CONFIRMED,
    seed: Annotated[int | None, typer.Option("--seed", help="随机种子（可重复生成）。")] = None,
    remove: Annotated[
        bool, typer.Option("--remove", help="删除演示数据（加 --township 只删该乡镇的）。")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
) -> None:
    """生成演示登记（虚构的姓名和身份证号，标记为演示数据），或用 --remove 全部删除。"""
    if remove:
        removed = run_with_db(ctx, lambda db: demo_data.remove_entries(db, township))
        _report(
            {"removed": removed, "township": township}, as_json, f"已删除演示数据 {removed} 条。"
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
            bar.phase("准备图片", 1)
            images = demo_data.ImagePool(EvidenceStore(settings.evidence_dir))
            bar.phase("生成演示登记", count)
            entries = demo_data.plan_entries(villages, count, rng_seed)
            return await demo_data.store_entries(db, entries, images, status, bar.advance)

    stored = run_with_db(ctx, work)
    if stored is None:
        fail(t("staff.cli.demo.not_township", code=township))
    _report(
        {"created": stored, "township": township, "status": status.value, "seed": rng_seed},
        as_json,
        f"已生成演示登记 {stored} 条（{status.value}）。演练导出：honoree-admin export "
        f"--township {township} --out 文件夹 --demo",
    )


def _report(data: dict[str, object], as_json: bool, text: str) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        console.print(text)
