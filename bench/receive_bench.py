"""Receive benchmark: 20 township packages of 500 entries each, taken in by a county.

    .venv/bin/python bench/receive_bench.py [--townships 20] [--count 500] [--workdir DIR]

Prints numbers, asserts nothing. The townships' entries come from demo-data's code path (two
evidence photos each, images reused) in one township database; each township's package is
exported with the real CLI; then `honoree-admin receive` takes in all the zips into a fresh
county database (its own key), as a process of its own, so its wall time, CPU time and peak
memory are the receive's own. Target: all 20 packages in < 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from export_bench import TWO_PHOTOS, Run, launched, settings_for

from services import demo as demo_data
from storage.divisions import load_divisions
from storage.files import EvidenceStore
from storage.records import DivisionLevel, Status
from storage.uow import Database

PREFECTURE = "222400000000"  # 延边朝鲜族自治州: enough townships with villages


async def townships(db: Database, wanted: int) -> list[str]:
    """The first `wanted` townships of the prefecture that have villages."""
    found: list[str] = []
    async with db.uow(read_only=True) as uow:
        for county in await uow.divisions.children(PREFECTURE):
            for town in await uow.divisions.children(county.code):
                if town.level == DivisionLevel.TOWNSHIP and await uow.divisions.children(town.code):
                    found.append(town.code)
                if len(found) == wanted:
                    return found
    return found


async def prepare(data_dir: Path, wanted: int, count: int) -> list[str]:
    settings = settings_for(data_dir)
    db = Database.from_settings(settings)
    try:
        await db.migrate()
        await load_divisions(db)
        codes = await townships(db, wanted)
        images = demo_data.ImagePool(EvidenceStore(settings.evidence_dir), personal=False)
        for n, code in enumerate(codes):
            villages = await demo_data.villages_of(db, code)
            assert villages
            entries = demo_data.plan_entries(villages, count, seed=n, plan=TWO_PHOTOS)
            await demo_data.store_entries(db, entries, images, Status.CONFIRMED)
        return codes
    finally:
        await db.dispose()


def admin(data_dir: Path, *args: str) -> Run:
    """The numbers of one `honoree-admin` command in its own process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HONOREE_")}
    env["HONOREE_DATA_DIR"] = str(data_dir)
    done, run = launched([sys.executable, "-m", "admin_cli", *args], env)
    if done.returncode not in (0, 1):
        sys.exit(f"honoree-admin {args[0]} failed ({done.returncode}):\n{done.stderr}")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="receive-bench-"))

    started = time.perf_counter()
    codes = asyncio.run(prepare(work / "townships", args.townships, args.count))
    print(
        f"demo-data: {len(codes)} townships × {args.count} entries in "
        f"{time.perf_counter() - started:.1f} s"
    )

    zips = []
    export_seconds = export_cpu = 0.0
    for code in codes:
        run = admin(
            work / "townships",
            "export",
            "--township",
            code,
            "--out",
            str(work / "out" / code),
            "--demo",
            "--zip",
            "--json",
        )
        export_seconds += run.wall
        export_cpu += run.cpu
        zips.append(json.loads(run.stdout)["zip"])
    print(f"exports: {len(zips)} packages in {export_seconds:.1f} s wall, {export_cpu:.1f} s CPU")

    county = work / "county"
    settings_for(county)
    admin(county, "init")
    run = admin(county, "receive", *zips, "--json")
    result = json.loads(run.stdout)
    imported = sum(p["imported"] for p in result["packages"])
    print(
        f"receive (CLI process): {imported}/{len(zips)} packages, {result['total']:,} entries "
        f"in {run.wall:.2f} s wall, {run.cpu:.2f} s CPU, peak RSS {run.peak_mb:.0f} MB "
        "(target < 60 s)"
    )
    run = admin(county, "receive", *zips, "--json")
    unchanged = all(p["already_received"] for p in json.loads(run.stdout)["packages"])
    print(f"receive again: {run.wall:.2f} s wall, {run.cpu:.2f} s CPU, unchanged: {unchanged}")
    print(f"output: {work}")


if __name__ == "__main__":
    main()
