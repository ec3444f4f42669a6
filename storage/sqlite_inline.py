"""aiosqlite, but statements run on the event loop's own thread.

aiosqlite hands every call (execute, fetch, commit) to a worker thread and back. For the bot's
small statements that round trip costs more than the statement, and worse, every hop lets the
event loop run other work while this unit of work holds SQLite's single write lock: under load
the lock was held ~10 ms per transaction for ~0.5 ms of database work, and every writer queued
behind it. Run inline, a write transaction holds the lock only for its own work.

BEGIN is the one statement that may wait, for a write lock held by another process (the admin
CLI), up to the busy timeout — the event loop must not stop for that. So BEGIN is first tried
inline without waiting; only if the lock is taken does it go to the worker thread to wait there
(the hop costs ~0.3 ms of CPU, so it is kept for when it is needed). WAL mode means nothing else
waits: readers never block, and commits do not wait for readers.

It overrides aiosqlite's private `Connection._execute` (0.22): pyproject pins that series.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import aiosqlite

BUSY_TIMEOUT_MS = 15_000


class InlineConnection(aiosqlite.Connection):
    async def _execute(self, fn, *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        if args and isinstance(args[0], str) and args[0].lstrip()[:5].upper() == "BEGIN":
            done = _unless_locked(self._connection, fn, *args, **kwargs)
            if done is not LOCKED:
                return done
            return await super()._execute(fn, *args, **kwargs)  # wait in the worker thread
        return fn(*args, **kwargs)


def begin_at_once(connection: sqlite3.Connection, sql: str) -> bool:
    """Run a BEGIN statement if the lock it needs is free now; False if another process holds
    it (then the caller waits for it in the worker thread)."""
    return _unless_locked(connection, connection.execute, sql) is not LOCKED


LOCKED = object()  # what `_unless_locked` returns when another process holds the lock


def _unless_locked(connection: sqlite3.Connection, fn, *args: Any, **kwargs: Any) -> Any:
    """fn's result, run without SQLite's busy wait; LOCKED if the lock it needs is taken."""
    connection.execute("PRAGMA busy_timeout=0")
    try:
        return fn(*args, **kwargs)
    except sqlite3.OperationalError as err:
        if "locked" not in str(err):
            raise
        return LOCKED
    finally:
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def connect(database: str, **kwargs: Any) -> InlineConnection:
    """Like `aiosqlite.connect`; for SQLAlchemy's `async_creator`."""
    kwargs["check_same_thread"] = False  # used from the worker thread and the loop's, in turn

    def connector() -> sqlite3.Connection:
        return sqlite3.connect(database, **kwargs)

    connection = InlineConnection(connector, iter_chunk_size=64)
    connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite: never block exit
    return connection


def sqlite3_connection(pooled: Any) -> sqlite3.Connection | None:
    """The sqlite3 connection under a pooled SQLAlchemy connection made by `connect`, else None
    (PostgreSQL, in-memory SQLite)."""
    driver = pooled.driver_connection
    return driver._connection if isinstance(driver, InlineConnection) else None
