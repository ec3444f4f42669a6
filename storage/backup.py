"""The database as one file and back: SQLite's online backup, PostgreSQL's pg_dump/pg_restore.

A copy is taken while the bot runs (SQLite copies a consistent snapshot page by page; pg_dump
reads one snapshot), so a nightly backup needs no downtime. Restoring replaces the database and
wants the bot stopped.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, column, create_engine, func, inspect, select, table, text
from sqlalchemy.engine import make_url

from storage.errors import StorageError
from storage.models import Base
from storage.uow import Database

SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
KEPT_WHEN_EMPTY = {"divisions", "alembic_version"}  # `init` fills these; still an empty drive
ALEMBIC_VERSION = table("alembic_version", column("version_num"))


class BackupToolError(StorageError):
    """pg_dump or pg_restore failed or is missing; the message says which and why."""


def member_name(db: Database) -> str:
    return SQLITE_MEMBER if db.dialect == "sqlite" else POSTGRES_MEMBER


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the copy holds: rows per table and the schema revision, read from the same
    snapshot as the copy itself (so a restore can be checked against it)."""

    counts: dict[str, int]
    revision: str | None


async def dump(db: Database, target: Path) -> Snapshot:
    """Write a consistent copy of the whole database to `target`."""
    if db.dialect == "sqlite":
        return await asyncio.to_thread(_sqlite_copy, _sqlite_path(db), target)
    async with db.engine.connect() as connection:
        await connection.execution_options(isolation_level="REPEATABLE READ")
        async with connection.begin():
            exported = await connection.scalar(text("SELECT pg_export_snapshot()"))
            counts, current = await connection.run_sync(_counts_and_revision)
            await _run("pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                       f"--snapshot={exported}", f"--file={target}", _libpq_url(db))
    return Snapshot(counts, current)


async def restore(db: Database, source: Path) -> None:
    """Replace the database with the copy in `source` (the bot must not be running)."""
    await db.dispose()
    if db.dialect == "sqlite":
        await asyncio.to_thread(_sqlite_replace, source, Path(_sqlite_path(db)))
    else:
        await _run("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                   "--single-transaction", f"--dbname={_libpq_url(db)}", str(source))


async def row_counts(db: Database) -> dict[str, int]:
    """Rows per table of the schema; a table that is not there yet counts 0."""
    async with db.engine.connect() as connection:
        counts, _ = await connection.run_sync(_counts_and_revision)
    return counts


async def revision(db: Database) -> str | None:
    async with db.engine.connect() as connection:
        _, current = await connection.run_sync(_counts_and_revision)
    return current


def _counts_and_revision(connection: Connection) -> tuple[dict[str, int], str | None]:
    present = set(inspect(connection).get_table_names())
    counts = {
        model_table.name: (
            connection.scalar(select(func.count()).select_from(model_table))
            if model_table.name in present else 0
        )
        for model_table in Base.metadata.sorted_tables
    }
    current = (
        connection.scalar(select(ALEMBIC_VERSION.c.version_num))
        if "alembic_version" in present else None
    )
    return counts, current


def is_empty(counts: dict[str, int]) -> bool:
    return not any(n for table, n in counts.items() if table not in KEPT_WHEN_EMPTY)


def _sqlite_path(db: Database) -> str:
    path = db.engine.url.database
    if not path or path == ":memory:":
        raise StorageError("an in-memory database cannot be backed up")
    return path


def _sqlite_copy(source: str, target: Path) -> Snapshot:
    """Copy, then read what the copy holds (it alone: the live database moves on)."""
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
    engine = create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as connection:
            return Snapshot(*_counts_and_revision(connection))
    finally:
        engine.dispose()


def _sqlite_replace(source: Path, target: Path) -> None:
    """Copy into a file beside the target, then swap it in: a failure leaves the old one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(target.name + ".restoring")
    with closing(sqlite3.connect(source)) as copy, closing(sqlite3.connect(staged)) as new:
        copy.backup(new)
    for leftover in (target.with_name(target.name + "-wal"),
                     target.with_name(target.name + "-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(staged, target)


def _libpq_url(db: Database) -> str:
    url = make_url(db.engine.url.render_as_string(hide_password=False))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _run(tool: str, *args: str) -> None:
    if shutil.which(tool) is None:
        raise BackupToolError(f"{tool} is not installed (Debian: apt install postgresql-client)")
    done = await asyncio.to_thread(
        subprocess.run, [tool, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupToolError(f"{tool} failed: {done.stderr.strip()[-500:]}")
