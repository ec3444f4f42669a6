"""Database round trips per update inside the bot process.

The bot runs as `python -c LAUNCHER -m bot run`: the launcher listens on SQLAlchemy's public
engine events for every engine (each statement, BEGIN, COMMIT, ROLLBACK: one round trip each on
PostgreSQL; an autocommit connection's transaction events send nothing and are not counted) and
charges each one to the asyncio task it ran in. The polling bot handles each update in a task of
its own (`Poller._handle`); when such a task ends its count is kept (an update that never
reached the database is not counted), and at exit the counts are written as JSON to the file
named by BENCH_ROUND_TRIPS. Work that serves a whole batch (the inbox) runs in other tasks and
is not charged to any update.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

LAUNCHER = """
import asyncio, atexit, json, os, runpy, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine

counts, per_update = {}, []

def charge(*_args, **_kw):
    try:
        task = asyncio.current_task()
    except RuntimeError:  # not on the event loop (SQLite's database thread)
        return
    if task is None:
        return
    if task not in counts:
        counts[task] = 0
        task.add_done_callback(done)
    counts[task] += 1

def done(task):
    n = counts.pop(task, 0)
    if task.get_coro().__qualname__ == "Poller._handle":
        per_update.append(n)

def boundary(connection, *_args):
    if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
        charge()  # an autocommit connection sends no BEGIN, COMMIT or ROLLBACK

event.listen(Engine, "before_cursor_execute", charge)
for name in ("begin", "commit", "rollback"):
    event.listen(Engine, name, boundary)
atexit.register(lambda: open(os.environ["BENCH_ROUND_TRIPS"], "w").write(json.dumps(per_update)))
sys.argv = ["bot", *sys.argv[3:]]
runpy.run_module("bot", run_name="__main__", alter_sys=True)
"""


def command(bot_command: tuple[str, ...]) -> tuple[str, ...]:
    """The bot's command (`-m bot run ...`) under the launcher."""
    assert bot_command[:2] == ("-m", "bot"), bot_command
    return ("-c", LAUNCHER, *bot_command)


def summary(path: Path) -> dict | None:
    """Median and max round trips per update, or None when nothing was written."""
    if not path.exists():
        return None
    counts = json.loads(path.read_text() or "[]")
    if not counts:
        return None
    return {"updates": len(counts), "median": statistics.median(counts), "max": max(counts)}
