"""Export benchmark: N synthetic confirmed entries with two evidence photos each, exported.

    .venv/bin/python bench/export_bench.py [--count 10000] [--workdir DIR]

A --workdir of an earlier run is reused: its entries are exported again (--again).

Prints numbers, asserts nothing. Data comes from demo-data's code path (images reused); the
whole export runs as the real CLI in a child process, so its wall time, CPU time (the child's
and its workers') and peak memory (ru_maxrss of the child) are the export's own. The 汇总表
alone is timed in this process.
Targets: whole export with forms < 60 s and < 500 MB; 汇总表 alone < 10 s (10,000 entries).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from dialogs.export_view import SUMMARY_TITLE, summary_cells, text_columns
from dialogs.form import SUMMARY_COLUMNS
from services import demo as demo_data
from services.paper import source
from services.paper.labels import china_date, status_label
from services.paper.xlsx import TableWriter
from storage.crypto import ensure_key_file
from storage.divisions import load_divisions
from storage.files import EvidenceStore
from storage.records import Status
from storage.settings import Settings
from storage.uow import Database

TOWNSHIP = "222401100000"  # 延吉市 小营镇
TWO_PHOTOS = demo_data.Plan(second_award=0, portrait=0, categories=("N1", "N2", "P1", "P3"))


def settings_for(data_dir: Path) -> Settings:
    """Settings on `data_dir` whose key lives in the data dir's key file (as after init)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(_env_file=None, data_dir=data_dir, database_url=None, secret_key=None)  # type: ignore[call-arg]
    ensure_key_file(settings.key_file)
    return settings


async def prepare(settings: Settings, count: int) -> float:
    db = Database.from_settings(settings)
    try:
        await db.migrate()
        await load_divisions(db)
        started = time.perf_counter()
        villages = await demo_data.villages_of(db, TOWNSHIP)
        assert villages
        images = demo_data.ImagePool(EvidenceStore(settings.evidence_dir), personal=False)
        entries = demo_data.plan_entries(villages, count, seed=2021, plan=TWO_PHOTOS)
        await demo_data.store_entries(db, entries, images, Status.CONFIRMED)
        return time.perf_counter() - started
    finally:
        await db.dispose()


async def summary_only(settings: Settings, target: Path) -> tuple[float, int]:
    """Read every entry and write the 汇总表, as the export does, without forms or evidence."""
    started = time.perf_counter()
    db = Database.from_settings(settings)
    rows = 0
    try:
        async with db.uow(read_only=True) as uow:
            divisions = await source.directory(uow, TOWNSHIP)
            scope = source.Scope(TOWNSHIP, statuses=(Status.CONFIRMED, Status.EXPORTED))
            wb = Workbook(write_only=True)
            headers = [c for c, _ in SUMMARY_COLUMNS]
            table = TableWriter(wb, "汇总表", SUMMARY_TITLE, headers, text_columns())
            async for page in source.pages(uow, scope, confirmation=True):
                for e in page:
                    rows += 1
                    meta = {
                        "@row": rows,
                        "@reg_no": e.record.reg_no,
                        "@confirmed_by": e.confirmed_by,
                        "@confirmed_at": china_date(e.confirmed_at),
                        "@status": status_label(e.record.status),
                    }
                    table.add(summary_cells(e.draft, meta, divisions))
            table.close()
            wb.save(target)
    finally:
        await db.dispose()
    return time.perf_counter() - started, rows


# A child forked from this (large) process would report this process's RSS as its own peak:
# a small launcher starts the export and reports the export's own ru_maxrss (KiB) and CPU
# seconds (its own and its children's, e.g. worker processes), on stderr's last line.
LAUNCHER = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
    "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(u.ru_maxrss, u.ru_utime + u.ru_stime, file=sys.stderr); "
    "sys.exit(done.returncode)"
)


@dataclass(frozen=True)
class Run:
    """One admin command's own numbers: wall seconds, CPU seconds, peak RSS, its stdout."""

    wall: float
    cpu: float
    peak_mb: float
    stdout: str


def launched(command: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess, Run]:
    """Run `command` under LAUNCHER; the finished process and its numbers."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *command],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    last = done.stderr.strip().splitlines()[-1].split() if done.stderr.strip() else ["0", "0"]
    return done, Run(wall, float(last[1]), int(last[0]) / 1024, done.stdout)


def export_cli(data_dir: Path, out: Path, *extra: str) -> Run:
    """`honoree-admin export`'s numbers as a process of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HONOREE_")}
    env["HONOREE_DATA_DIR"] = str(data_dir)
    command = [
        sys.executable,
        "-m",
        "admin_cli",
        "export",
        "--township",
        TOWNSHIP,
        "--out",
        str(out),
        "--demo",
        "--json",
        *extra,
    ]
    done, run = launched(command, env)
    if done.returncode != 0:
        sys.exit(f"export failed ({done.returncode}):\n{done.stderr}")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="export-bench-"))
    settings = settings_for(work / "data")

    reused = (settings.data_dir / "honoree.db").exists()
    if reused:  # a previous run's --workdir: its entries were sent, so send them again
        print(f"demo-data: reusing the entries in {settings.data_dir}")
        shutil.rmtree(work / "out", ignore_errors=True)
    else:
        made = asyncio.run(prepare(settings, args.count))
        print(f"demo-data: {args.count:,} confirmed entries in {made:.1f} s")

    cpu = time.process_time()
    seconds, rows = asyncio.run(summary_only(settings, work / "汇总表-only.xlsx"))
    cpu = time.process_time() - cpu
    print(f"汇总表 alone: {rows:,} rows in {seconds:.2f} s wall, {cpu:.2f} s CPU")

    run = export_cli(settings.data_dir, work / "out", *(["--again"] if reused else []))
    files = sum(1 for p in (work / "out").rglob("*") if p.is_file())
    print(
        f"whole export (CLI process): {run.wall:.2f} s wall, {run.cpu:.2f} s CPU, "
        f"peak RSS {run.peak_mb:.0f} MB, {files:,} files (targets < 60 s, < 500 MB)"
    )
    print(f"output: {work}")


if __name__ == "__main__":
    main()
