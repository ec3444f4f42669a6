"""SQLite units of work on one dedicated database thread.

aiosqlite hands every driver call to its thread and back — a cursor, the statement, its rows,
closing the cursor — about four round trips per statement, each one a wake-up of two threads.
For the bot's small statements those round trips cost many times the statement itself. Here a
plain SQLAlchemy `Session` on the standard sqlite3 driver lives on a database thread (one for
the writers, who take turns anyway, one for the readers, so that reads go on while a writer
waits for another process's lock), and each awaited call (a statement with its rows, a flush,
a commit) is one round trip there. The event loop never waits for SQLite.

`ThreadSession` offers the part of `AsyncSession` the repositories use, so they run unchanged
on it and, on PostgreSQL, on an `AsyncSession`. Results come back with their rows already
fetched (`prebuffer_rows`, as AsyncSession does it), so nothing touches the connection after.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import queue
import threading
from typing import Any

from sqlalchemy import Engine, Result, ScalarResult
from sqlalchemy.orm import Session

_BUFFERED = {"prebuffer_rows": True}


class DatabaseThread:
    """A thread that SQLite connections are used on, one call after another (started when
    first needed, again after `close`).

    A plain queue and `call_soon_threadsafe` rather than an executor: each call is one
    asyncio future, with no concurrent.futures one to chain to it (a third of a hop's cost).
    A call runs in a copy of its caller's context, as with `asyncio.to_thread`, so what the
    caller's context says (the language a reply is in) holds in it too. A call given to the
    thread runs even when its caller was cancelled meanwhile, like a call already running:
    the session's `close` comes after it and rolls back what it did."""

    def __init__(self) -> None:
        self._calls: queue.SimpleQueue | None = None

    async def run(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        return await self.submit(fn, *args, **kwargs)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> asyncio.Future:
        """Queue a call and return its future at once: calls run in the order given."""
        if self._calls is None:
            self._calls = queue.SimpleQueue()
            threading.Thread(
                target=_serve, args=(self._calls,), name="honoree-sqlite", daemon=True
            ).start()
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self._calls.put((loop, done, contextvars.copy_context(), fn, args, kwargs))
        return done

    def close(self) -> None:
        """Let the thread end once what it was given is done."""
        calls, self._calls = self._calls, None
        if calls is not None:
            calls.put(None)


def _serve(calls: queue.SimpleQueue) -> None:
    while (call := calls.get()) is not None:
        loop, done, context, fn, args, kwargs = call
        try:
            result = context.run(fn, *args, **kwargs)
        except BaseException as err:  # handed to the caller, like an executor does
            _hand_back(loop, done, _set_exception, err)
        else:
            _hand_back(loop, done, _set_result, result)
        del call, loop, done, context, fn, args, kwargs


def _hand_back(loop: asyncio.AbstractEventLoop, done: asyncio.Future, setter: Any,
               value: Any) -> None:
    with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits for the answer
        loop.call_soon_threadsafe(setter, done, value)


def _set_result(done: asyncio.Future, result: Any) -> None:
    if not done.done():  # a cancelled caller
        done.set_result(result)


def _set_exception(done: asyncio.Future, err: BaseException) -> None:
    if not done.done():
        done.set_exception(err)


class ThreadSession:
    """A `Session` used on the database thread, awaited like an `AsyncSession`."""

    def __init__(self, thread: DatabaseThread, engine: Engine) -> None:
        self._thread = thread
        self.sync_session = Session(engine, expire_on_commit=False)
        self.bind = engine
        self._unfinished = False  # a call was given to the thread and not seen to end

    async def _run(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self._unfinished = True
        result = await self._thread.run(fn, *args, **kwargs)
        self._unfinished = False  # not reached when cancelled: the call may still be running
        return result

    async def execute(
        self, statement: Any, params: Any = None, *, execution_options: Any = None, **kw: Any
    ) -> Result[Any]:
        return await self._buffered(self.sync_session.execute, statement, params,
                                    execution_options, kw)

    async def scalar(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        return await self._run(self.sync_session.scalar, statement, params, **kw)

    async def scalars(
        self, statement: Any, params: Any = None, *, execution_options: Any = None, **kw: Any
    ) -> ScalarResult[Any]:
        return await self._buffered(self.sync_session.scalars, statement, params,
                                    execution_options, kw)

    async def _buffered(self, fn: Any, statement: Any, params: Any, options: Any, kw: Any) -> Any:
        """A result with its rows fetched on the thread already."""
        options = {**_BUFFERED, **(options or {})}
        return await self._run(fn, statement, params, execution_options=options, **kw)

    async def get(self, entity: Any, ident: Any, **kw: Any) -> Any:
        return await self._run(self.sync_session.get, entity, ident, **kw)

    def add(self, instance: object) -> None:
        self.sync_session.add(instance)

    async def flush(self) -> None:
        await self._run(self.sync_session.flush)

    async def commit(self) -> None:
        await self._run(self.sync_session.commit)

    async def rollback(self) -> None:
        await self._run(self.sync_session.rollback)

    async def close(self) -> None:
        """End the session; only a transaction still open (to roll back) or a call still
        running needs the thread, where it comes after that call."""
        if self._unfinished or self.sync_session.in_transaction():
            await self._run(self.sync_session.close)
        else:
            self.sync_session.close()

    def in_transaction(self) -> bool:
        return self.sync_session.in_transaction()

    def expunge_all(self) -> None:
        self.sync_session.expunge_all()

    def __contains__(self, instance: object) -> bool:
        return instance in self.sync_session

    @property
    def identity_map(self) -> Any:
        return self.sync_session.identity_map
