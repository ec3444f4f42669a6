"""`honoree-admin stats --chart`: the township's progress as a PNG whose Chinese labels
render, and numbers (in `stats --json` too) that match the stored drafts."""

from __future__ import annotations

import asyncio
import json
import time
import warnings
from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from admin_cli.app import app
from dialogs.model import Draft
from services.demo import Plan, plan_entries
from services.progress import FORM_ORDER
from storage.settings import load_settings
from storage.uow import Database
from testkit.fakes import tg

TOWNSHIP = "222401100000"  # 小营镇
VILLAGE = "222401100201"  # 光进村


async def add_drafts(data_dir: Path) -> dict[str, int]:
    """Drafts that stop at known questions: the summary card, the phone, the first award."""
    complete = [e.draft for e in plan_entries([VILLAGE], 9, seed=3, plan=Plan())]
    stops: dict[str, list[Draft]] = {"summary": complete[:4], "phone": complete[4:7]}
    for d in stops["phone"]:
        d.person.pop("phone")
    first_award = [d for d in complete[7:]]
    for d in first_award:  # screened and placed, nothing of the award answered yet
        d.awards = [{}]
        d.person = {k: v for k, v in d.person.items() if k in {f for f in FORM_ORDER[:6]}
                    or k == "hukou_code"}
    db = Database.from_settings(load_settings(data_dir=data_dir))
    try:
        async with db.uow() as uow:
            for n, d in enumerate([*stops["summary"], *stops["phone"], *first_award]):
                record = await uow.registrations.create_draft(tg(9000 + n))
                await uow.registrations.save_draft(record.id, d)
            await uow.commit()
    finally:
        await db.dispose()
    return {"summary": 4, "phone": 3, "first_award": len(first_award)}


def test_a_townships_chart_renders_and_its_funnel_matches_the_drafts(tmp_path: Path):
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    assert runner.invoke(app, [*base, "init"]).exit_code == 0
    made = runner.invoke(app, [*base, "demo-data", "--township", TOWNSHIP, "--count", "300",
                               "--status", "submitted", "--seed", "1"])
    assert made.exit_code == 0, made.output
    stopped = asyncio.run(add_drafts(tmp_path))
    assert runner.invoke(app, [*base, "deadline", "set", "--level", "village",
                               "--date", "2027-01-15"]).exit_code == 0

    chart = tmp_path / "进度.png"
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        done = runner.invoke(app, [*base, "stats", "--township", TOWNSHIP, "--chart", str(chart),
                                   "--json"])
    seconds = time.perf_counter() - started
    print(f"chart of 300 entries + drafts: {seconds:.2f} s")
    assert done.exit_code == 0, done.output
    assert not [w for w in caught if "missing from" in str(w.message)]  # every glyph drawn
    with Image.open(chart) as png:
        assert png.format == "PNG" and png.width >= 1000 and png.height >= 1000
        assert len(png.convert("L").getcolors(1 << 16) or []) > 10  # drawn, not blank

    stats = json.loads(done.stdout)
    assert stats["deadlines"]["village"]["due"] == "2027-01-15"
    numbers = stats["progress"]
    assert numbers["deadline"] == "2027-01-15"
    village_total = sum(v["submitted"] for v in numbers["villages"])
    assert village_total == 300 and sum(v["waiting"] for v in numbers["villages"]) == 300
    assert sum(v["drafts"] for v in numbers["villages"]) == sum(stopped.values())
    assert sum(numbers["sent_per_day"].values()) == 300
    steps = {s["key"]: s for s in numbers["funnel"]}
    assert steps["summary"]["left"] == stopped["summary"]
    assert steps["phone"]["left"] == stopped["phone"]
    assert steps["summary"]["reached"] == 300 + stopped["summary"]
    assert steps[FORM_ORDER[0]]["reached"] == 300 + sum(stopped.values())
    assert sum(s["left"] for s in numbers["funnel"]) == sum(stopped.values())
    assert "222401" not in json.dumps(numbers["funnel"], ensure_ascii=False)  # no personal data
