"""Database round trips per update inside the bot process.

The bot runs as `python -c LAUNCHER -m bot run`: the launcher listens on SQLAlchemy's public
engine events for every engine (each statement, BEGIN, COMMIT, ROLLBACK: one round trip each on
PostgreSQL; an autocommit connection's transaction events send nothing and are not counted) and
charges each one to the asyncio task it ran in. The polling bot handles each update in a task of
its own (`Poller._handle(update, …)`); when such a task ends its count is kept with the kind of
its update (read from the coroutine's frame, when the update first reaches the database), and
an update that never reached the database is not counted. At exit the counts are written as
JSON to the file named by BENCH_ROUND_TRIPS. Work that serves a whole batch (the inbox) runs in
other tasks and is not charged to any update.

The bound is for the hot path: everything but a submission, which people do once each and
which runs the whole unit of work (the entry's number, its committee, awards, audit and the
reviewers' notices).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

LAUNCHER = """
import asyncio, atexit, json, os, runpy, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine

from dialogs import callbacks

counts, kinds, per_update = {}, {}, []

def kind_of(task):
    update = task.get_coro().cr_frame.f_locals.get("update")
    if update.callback_query is not None:
        pressed = callbacks.decode(update.callback_query.data)
        return "submission" if pressed == callbacks.Action("submit") else "answer"
    message = update.message
    if message is None:
        return "other"
    if message.photo:
        return "photo"
    return "first message" if (message.text or "").startswith("/start") else "answer"

def charge(*_args, **_kw):
    try:
        task = asyncio.current_task()
    except RuntimeError:  # not on the event loop (SQLite's database thread)
        return
    if task is None:
        return
    if task not in counts:
        counts[task] = 0
        if task.get_coro().__qualname__ == "Poller._handle":
            kinds[task] = kind_of(task)
        task.add_done_callback(done)
    counts[task] += 1

def done(task):
    n, kind = counts.pop(task, 0), kinds.pop(task, None)
    if kind is not None:
        per_update.append([kind, n])

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


def summary(path: Path, bound: int) -> dict | None:
    """Round trips per update on the hot path (median, p99, max, the share within `bound`) and
    the most any update of each kind took; None when nothing was written."""
    if not path.exists():
        return None
    counted = json.loads(path.read_text() or "[]")
    hot = sorted(n for kind, n in counted if kind != "submission")
    if not hot:
        return None
    most: dict[str, int] = {}
    for kind, n in counted:
        most[kind] = max(n, most.get(kind, 0))
    return {"updates": len(hot), "median": statistics.median(hot),
            "p99": hot[min(len(hot) - 1, int(len(hot) * 0.99))], "max": hot[-1],
            "within": sum(n <= bound for n in hot) / len(hot), "most_by_kind": most}
