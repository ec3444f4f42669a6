"""aiosqlite, but statements run on the event loop's own thread.

aiosqlite hands every call (execute, fetch, commit) to a worker thread and back. For the bot's
small statements that round trip costs more than the statement, and worse, every hop lets the
event loop run other work while this unit of work holds SQLite's single write lock: under load
the lock was held ~10 ms per transaction for ~0.5 ms of database work, and every writer queued
behind it. Run inline, a write transaction holds the lock only for its own work.

Only BEGIN still goes through the worker thread: it is the one statement that may wait, for a
write lock held by another process (the admin CLI), up to the busy timeout — the event loop must
not stop for that. WAL mode means nothing else waits: readers never block, and commits do not
wait for readers.

It overrides aiosqlite's private `Connection._execute` (0.22): pyproject pins that series.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import aiosqlite


class InlineConnection(aiosqlite.Connection):
    async def _execute(self, fn, *args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], str) and args[0].lstrip()[:5].upper() == "BEGIN":
            return await super()._execute(fn, *args, **kwargs)
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)


def connect(database: str, **kwargs: Any) -> InlineConnection:
    """Like `aiosqlite.connect`; for SQLAlchemy's `async_creator`."""
    kwargs["check_same_thread"] = False  # used from the worker thread and the loop's, in turn

    def connector() -> sqlite3.Connection:
        return sqlite3.connect(database, **kwargs)

    connection = InlineConnection(connector, iter_chunk_size=64)
    connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite: never block exit
    return connection
