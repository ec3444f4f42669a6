"""`run --webhook --workers N`: N processes serving one port (SO_REUSEPORT, the kernel spreads
connections). They share the database and, through HONOREE_REDIS_URL, per-person turns and
job leases; metrics go to one folder so any worker's /metrics counts all of them."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import shutil
import signal
import sys

from storage.settings import Settings


def run_workers(count: int) -> None:
    settings = Settings()
    if not settings.redis_url:
        raise SystemExit("HONOREE_REDIS_URL is not set: several workers coordinate through Redis")
    metrics_dir = settings.data_dir / "metrics"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    asyncio.run(_migrate(settings))  # once, before the workers start
    spawn = multiprocessing.get_context("spawn")
    procs = [spawn.Process(target=_worker, name=f"worker-{i}") for i in range(count)]
    for proc in procs:
        proc.start()
    signal.signal(signal.SIGTERM, lambda *_: [p.terminate() for p in procs])
    for proc in procs:
        proc.join()
    sys.exit(max((p.exitcode or 0) for p in procs))


async def _migrate(settings: Settings) -> None:
    from storage.uow import Database

    db = Database.from_settings(settings)
    try:
        await db.migrate()
    finally:
        await db.dispose()


def _worker() -> None:
    from bot.app import run

    asyncio.run(run(Settings(), webhook=True, reuse_port=True))
