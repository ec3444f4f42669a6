"""SQLite writers of one process: the units of work as storage/uow.py runs them (a SQLAlchemy
session on the database thread, writers taking turns on an asyncio lock), against the same
units of work on aiosqlite through AsyncSession, with that lock or with SQLite's busy wait
alone. All begin with BEGIN IMMEDIATE from SQLAlchemy's begin event.

    .venv/bin/python bench/writers_bench.py [--people 200] [--updates 10]

Each simulated person sends `updates` answers one after another; all people at once. An
answer is the bot's write unit of work per update: mark the update, read the open draft, save
it, commit. Prints throughput, unit-of-work latency and the process's CPU (all its threads)
per unit of work; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from sqlalchemy.ext.asyncio import async_sessionmaker  # noqa: E402

from storage.crypto import FieldCipher  # noqa: E402
from storage.uow import Database, UnitOfWork  # noqa: E402
from testkit.fakes import tg  # noqa: E402

UnitOfWorkFactory = Callable[[], AbstractAsyncContextManager[UnitOfWork]]


def on_aiosqlite(db: Database, lock: asyncio.Lock | None) -> UnitOfWorkFactory:
    """The same unit of work as an AsyncSession on aiosqlite (`db.engine`)."""
    sessions = async_sessionmaker(db.engine, expire_on_commit=False)

    @asynccontextmanager
    async def uow() -> AsyncIterator[UnitOfWork]:
        async with lock or nullcontext(), sessions() as session:
            yield UnitOfWork(session, db.cipher)

    return uow


WAYS = {
    "database thread + lock (storage/uow.py)": lambda db: db.uow,
    "aiosqlite + lock": lambda db: on_aiosqlite(db, asyncio.Lock()),
    "aiosqlite, busy wait only": lambda db: on_aiosqlite(db, None),
}


async def person(uow: UnitOfWorkFactory, who: int, updates: int, took: list[float]) -> None:
    for n in range(updates):
        started = time.perf_counter()
        async with uow() as work:
            await work.updates.mark(who * 1000 + n)
            draft = await work.registrations.load_draft(tg(who))
            reg_id = draft.id if draft else (await work.registrations.create_draft(tg(who))).id
            await work.registrations.save_state(
                reg_id, {"step": n}, {"id_number": "x"}, name=None, hukou_code=None
            )
            await work.commit()
        took.append(time.perf_counter() - started)


async def run(name: str, people: int, updates: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="honoree-writers-") as tmp:
        db = Database(f"sqlite+aiosqlite:///{tmp}/bench.db", FieldCipher(os.urandom(32)))
        await db.migrate()
        uow = WAYS[name](db)
        took: list[float] = []
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(person(uow, p + 1, updates, took) for p in range(people)))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        await db.dispose()
    ms = sorted(t * 1000 for t in took)
    return {"name": name, "units": len(took), "per_s": len(took) / wall,
            "p50": statistics.median(ms), "p99": ms[int(len(ms) * 0.99) - 1], "max": ms[-1],
            "cpu_ms": cpu / len(took) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--updates", type=int, default=10)
    args = parser.parse_args()
    rows = [asyncio.run(run(name, args.people, args.updates)) for name in WAYS]
    table = Table(title=f"{args.people} people × {args.updates} answers, SQLite write units "
                        f"of work (this {os.cpu_count()}-core machine)")
    for col in ("writers", "units", "units/s", "p50 ms", "p99 ms", "max ms", "CPU ms/unit"):
        table.add_column(col, justify="left" if col == "writers" else "right")
    for r in rows:
        table.add_row(r["name"], str(r["units"]), f"{r['per_s']:.0f}", f"{r['p50']:.1f}",
                      f"{r['p99']:.1f}", f"{r['max']:.0f}", f"{r['cpu_ms']:.2f}")
    Console().print(table)
    print(f"load average {os.getloadavg()[0]:.2f} (other work on the machine counts too)")


if __name__ == "__main__":
    main()
