"""Statements that run for every Telegram update, compiled once and run lean on SQLite.

SQLAlchemy's async execution costs ~0.1 ms of CPU per statement (greenlet hops, session
bookkeeping, result objects) — more than SQLite needs to run it. A `Prepared` statement is
compiled once by SQLAlchemy for SQLite and then run straight on the sqlite3 connection of the
unit of work's own transaction, with SQLAlchemy's own type conversions: the same SQL, the same
values, the same transaction. On PostgreSQL it goes through SQLAlchemy as usual.

Use it only for statements without expanding IN lists (they need per-call compiling).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

from storage import sqlite_inline


@dataclass(frozen=True)
class Ran:
    rows: list[tuple[Any, ...]]
    rowcount: int


_SQLITE3 = "honoree_sqlite3"  # session.info: the sqlite3 connection of the open transaction
WRITER = "honoree_writer"  # session.info: the `storage.uow.Writer` a write unit of work runs on


class Prepared:
    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: _Compiled | None = None

    async def run(self, session: AsyncSession, params: dict[str, Any]) -> Ran:
        writer = session.info.get(WRITER)
        if writer is not None:  # a write unit of work on SQLite: no session transaction needed
            return self._compiled_for(session).run(await writer.transaction(), params)
        raw = session.info.get(_SQLITE3, session)  # the session itself stands for "not looked up"
        if raw is session:  # begins the transaction if need be; one greenlet hop, not two
            raw = await session.run_sync(_sqlite3_of)
            session.info[_SQLITE3] = raw
        if raw is None:
            result = await (await session.connection()).execute(self.statement, params)
            rows = [tuple(row) for row in result] if result.returns_rows else []
            return Ran(rows, result.rowcount)
        return self._compiled_for(session).run(raw, params)

    def _compiled_for(self, session: AsyncSession) -> _Compiled:
        if self._compiled is None:
            self._compiled = _Compiled(self.statement, session.bind.dialect)
        return self._compiled


def _sqlite3_of(session: Session) -> Any:
    return sqlite_inline.sqlite3_connection(session.connection().connection)


def transaction_ended(session: AsyncSession) -> None:
    """Forget the transaction's connection: after a commit or rollback it goes back to the
    pool, and the next statement begins anew (the unit of work calls this)."""
    session.info.pop(_SQLITE3, None)


class _Compiled:
    """SQL text, parameter order and the column types' converters, for one dialect."""

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        if compiled.positiontup is None or any(b.expanding for b in compiled.binds.values()):
            raise ValueError("Prepared needs a positional dialect and no expanding IN lists")
        self.sql = compiled.string
        self.names = list(compiled.positiontup)
        self.binds = [(compiled.binds[n].key, n, compiled.binds[n]) for n in self.names]
        self.converters = [
            bind.type.dialect_impl(dialect).bind_processor(dialect) for _, _, bind in self.binds
        ]
        self.readers = [  # a SELECT's columns, or what RETURNING gives
            c.type.dialect_impl(dialect).result_processor(dialect, None)
            for c in statement.exported_columns
        ]

    def run(self, raw: Any, params: dict[str, Any]) -> Ran:
        cursor = raw.execute(self.sql, self.arguments(params))
        rows = [
            tuple(read(v) if read else v for read, v in zip(self.readers, row, strict=True))
            for row in (cursor.fetchall() if self.readers else ())
        ]
        return Ran(rows, cursor.rowcount)

    def arguments(self, params: dict[str, Any]) -> list[Any]:
        """The positional values, found as SQLAlchemy's `construct_params` finds them (by key,
        then by compiled name, else the statement's own value), converted for the database."""
        args = []
        for (key, name, bind), convert in zip(self.binds, self.converters, strict=True):
            if key in params:
                value = params[key]
            elif name in params:
                value = params[name]
            elif bind.required:
                raise KeyError(f"no value for the bound parameter {key!r}")
            else:
                value = bind.effective_value
            args.append(convert(value) if convert else value)
        return args
